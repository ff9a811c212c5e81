"""Compaction: rewrite the database into a fresh file, verify it, swap it in atomically (freed blocks go)."""

from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path
from typing import Any

import duckdb

from ..errors import InboxError, StoreUnavailable
from .core import _open, open_count
from .repository import Repository

log = logging.getLogger(__name__)
REOPEN_SECONDS = 10.0  # another process may grab the file between our close and reopen: retry this long


class CompactionFailed(InboxError):
    """The compaction did not happen; the database is unchanged (the message says why)."""


def copy_path(db_path: Path) -> Path:
    """Where the fresh copy is written before the swap: ``<db file>.compacting`` next to the database."""
    return db_path.with_name(db_path.name + ".compacting")


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _remove(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap(copy: Path, target: Path) -> None:
    """Atomically put the copy in the database's place (the old file goes with the rename), durably."""
    os.replace(copy, target)
    try:
        _fsync(target.parent, directory=True)
    except OSError as exc:  # e.g. a file system without directory fsync: the rename is done all the same
        log.warning("could not sync folder %s after compacting: %s", target.parent, exc)


# What must be equal in the database and its copy: every table's definition and rows, indexes, sequences.
_SHAPE = {
    "tables": "SELECT schema_name, table_name, sql FROM duckdb_tables() WHERE database_name = ? ORDER BY ALL",
    "indexes": "SELECT schema_name, index_name, table_name, sql FROM duckdb_indexes() WHERE database_name = ?"
    " ORDER BY ALL",
    "sequences": "SELECT schema_name, sequence_name, increment_by, min_value, max_value, cycle, last_value"
    " FROM duckdb_sequences() WHERE database_name = ? ORDER BY ALL",
    "views": "SELECT schema_name, view_name, sql FROM duckdb_views() WHERE database_name = ? AND NOT internal"
    " ORDER BY ALL",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _differences(con: duckdb.DuckDBPyConnection, source: str, copy: str) -> list[str]:
    """What differs between the database ``source`` and its ``copy`` (both attached to ``con``)."""
    problems: list[str] = []
    for what, sql in _SHAPE.items():
        if con.execute(sql, [source]).fetchall() != con.execute(sql, [copy]).fetchall():
            problems.append(f"the {what} differ")
    for schema, table, _ in con.execute(_SHAPE["tables"], [source]).fetchall():
        name = f"{_quote(schema)}.{_quote(table)}"
        counts = [
            con.execute(f"SELECT count(*) FROM {_quote(db)}.{name}").fetchall()[0][0]  # one row
            for db in (source, copy)
        ]
        if counts[0] != counts[1]:
            problems.append(f"table {table} has {counts[0]} rows but {counts[1]} in the copy")
    versions = [
        con.execute(f"SELECT max(version) FROM {_quote(db)}.main.schema_migrations").fetchall()[0][0]
        for db in (source, copy)
    ]
    if versions[0] != versions[1]:
        problems.append(f"schema version {versions[0]} but {versions[1]} in the copy")
    return problems


class CompactSQL(Repository):
    """Compaction of the database file (``compact``) and the clean-up of a copy a crash left behind.

    The one repository that works on the core's connection itself: it holds the core's gate
    (``_exclusive``) while it closes, swaps and reopens the file. Everything in it is DuckDB's.
    """

    def discard_stale_copy(self) -> bool:
        """Remove a copy an interrupted compaction left next to the database (it holds personal data).
        Safe once this store is open read-write: the file lock means no compaction of it is running."""
        copy = copy_path(self.path)
        found = copy.exists() or _wal(copy).exists()
        if found and not self.read_only:
            _remove(copy, _wal(copy))
        return found and not self.read_only

    def deletion_log_count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM deletion_log"))

    def compact(self) -> dict[str, Any]:
        """Rewrite the database into a fresh file next to it, verify the copy, and swap it in.

        Operations of other threads wait (the gate of StoreCore) and then run on the new file. A failure
        or a crash before the swap leaves the old file as it was (the copy is removed now, or at the next
        open); after the swap the new file is complete and synced. Returns bytes before/after and seconds.
        """
        if self.read_only:
            raise CompactionFailed("the database is open read-only; it cannot be compacted")
        if open_count(self.path) > 1:
            raise CompactionFailed(
                f"the database {self.path} is open more than once in this process;"
                " close the other store first"
            )
        copy = copy_path(self.path)
        with self._core._exclusive():
            started = time.perf_counter()
            before = _size(self.path) + _size(_wal(self.path))
            _remove(copy, _wal(copy))
            try:
                self._copy_into(copy)
                self._core._con.close()
                try:
                    if _wal(self.path).exists():  # never leave a WAL of the old file next to the new one
                        raise CompactionFailed(
                            "the database's write-ahead log was not merged; nothing changed"
                        )
                    _swap(copy, self.path)
                finally:
                    self._reopen()
            except OSError as exc:  # before the swap (a failed rename changes nothing)
                _remove(copy, _wal(copy))
                raise CompactionFailed(
                    f"the copy could not be written or put in place ({exc.strerror or exc}); nothing changed"
                ) from None
            except BaseException:
                _remove(copy, _wal(copy))
                raise
            return {
                "database": str(self.path),
                "bytes_before": before,
                "bytes_after": _size(self.path),
                "seconds": round(time.perf_counter() - started, 3),
            }

    def _copy_into(self, copy: Path) -> None:
        con = self._core._con
        alias = f"compact_{secrets.token_hex(4)}"
        try:
            con.execute("CHECKPOINT")
            source = con.execute("SELECT current_database()").fetchall()[0][0]
            con.execute(f"ATTACH ? AS {alias}", [str(copy)])
            try:
                con.execute(f"COPY FROM DATABASE {_quote(source)} TO {alias}")
                problems = _differences(con, source, alias)
            finally:
                con.execute(f"DETACH {alias}")  # checkpoints the copy and closes it
        except duckdb.Error as exc:
            raise CompactionFailed(f"the copy could not be written ({exc}); nothing changed") from None
        if problems:
            raise CompactionFailed(
                "the copy does not match the database (" + "; ".join(problems) + "); nothing changed"
            )
        if _wal(copy).exists():
            raise CompactionFailed("the copy was not fully written; nothing changed")
        _fsync(copy)

    def _reopen(self) -> None:
        deadline = time.monotonic() + REOPEN_SECONDS
        while True:
            try:
                self._core._con = _open(self.path, False)
                return
            except StoreUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
