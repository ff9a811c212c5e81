"""Connection, cursor-per-operation, the tx() helper and the migration runner of the DuckDB store."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self, TypeAlias

import duckdb

from ..errors import StoreDamaged, StoreLocked, StoreUnavailable, TransactionAborted, WriteFailed
from . import migrator
from .acting import check_acting
from .dialect import DUCKDB
from .migrations import MIGRATIONS, Migration
from .reads import CoreReads
from .retry import as_conflict, is_conflict

DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    # Offline machines: never try to download an extension behind our back.
    "autoinstall_known_extensions": "false",
    "autoload_known_extensions": "false",
}

_OPEN: dict[str, int] = {}  # resolved database path → StoreCore objects open on it in this process
_OPEN_GUARD = threading.Lock()


def _key(path: Path) -> str:
    return str(path.resolve())


def open_count(path: Path) -> int:
    """How many StoreCore objects of this process have ``path`` open (they share one DuckDB instance)."""
    with _OPEN_GUARD:
        return _OPEN.get(_key(path), 0)


def damaged(path: Path, exc: BaseException) -> StoreDamaged | None:
    """The ``StoreDamaged`` error for a DuckDB error that shows a truncated or corrupt file, else None."""
    text = str(exc)
    low = text.lower()
    if not (
        isinstance(exc, duckdb.FatalException)
        or "corrupt database file" in low
        or ("checksum" in low and "block" in low)
        or "database has been invalidated" in low
        or (isinstance(exc, duckdb.IOException) and str(path) in text and "could not read" in low)
    ):
        return None
    return StoreDamaged(
        f"database {path} is damaged (cut short, or a block fails its checksum: "
        f"{text.splitlines()[0][:160]}): restore it from a backup"
    )


def _translated(path: Path, exc: duckdb.Error) -> Exception:
    """A damaged file or a full disk as one clear ``InboxError``; any other DuckDB error as it is."""
    if isinstance(exc, duckdb.IOException) and "no space left" in str(exc).lower():
        return WriteFailed(
            f"database {path} could not be written: no space left on the device; nothing was saved"
        )
    return damaged(path, exc) or exc


def attachments_dir_for(db_path: Path) -> Path:
    """Default folder of attachment files: ``<db stem>-attachments`` next to the database."""
    return db_path.with_name(f"{db_path.stem}-attachments")


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if path.is_dir():
        raise StoreUnavailable(f"cannot open database {path}: it is a folder, give a file path")
    if not path.parent.is_dir():
        raise StoreUnavailable(f"cannot open database {path}: folder {path.parent} does not exist")
    if read_only and not path.exists():
        raise StoreUnavailable(f"cannot open database {path}: file does not exist")
    try:
        return duckdb.connect(str(path), read_only=read_only, config=DUCKDB_CONFIG)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            pid = re.search(r"PID (\d+)", text)
            holder = f" (PID {pid.group(1)})" if pid else ""
            raise StoreLocked(
                f"database {path} is in use by another process{holder}, probably the running "
                "app: give a command that has --url the app's address and an API token (--url/--token, "
                "or INBOX_URL/INBOX_TOKEN), stop the app, or use another file with --db / INBOX_DB"
            ) from None
        if "not a valid DuckDB database" in text:
            raise StoreUnavailable(f"cannot open database {path}: not a DuckDB database file") from None
        raise damaged(path, exc) or StoreUnavailable(f"cannot open database {path}: {text}") from None
    except duckdb.Error as exc:
        raise damaged(path, exc) or StoreUnavailable(f"cannot open database {path}: {exc}") from None


class TxCursor:
    """A cursor inside a transaction that remembers whether any statement failed."""

    def __init__(self, cur: duckdb.DuckDBPyConnection):
        self._cur = cur
        self.failed = False
        self.error: duckdb.Error | None = None

    def execute(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> duckdb.DuckDBPyConnection:
        try:
            return self._cur.execute(sql, params) if params is not None else self._cur.execute(sql)
        except duckdb.Error as exc:
            self.failed, self.error = True, exc
            raise

    def register(self, name: str, df: object) -> None:  # a DataFrame or an Arrow table
        self._cur.register(name, df)

    def unregister(self, name: str) -> None:
        self._cur.unregister(name)


# The cursor a repository method runs on: a transaction's (``tx()``) or a plain one (``cursor()``: a dry run).
Cursor: TypeAlias = "TxCursor | duckdb.DuckDBPyConnection"


class StoreCore(CoreReads):
    """Owns one DuckDB connection; every operation uses its own cursor (thread-safe)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        attachments_dir: str | os.PathLike[str] | None = None,
        read_only: bool = False,
        migrate: bool = True,
    ):
        self.path = Path(path)
        self.file_base = self.path  # what the key file, checkpoints and attachments are named after
        self.read_only = read_only
        self.attachments_dir = Path(attachments_dir) if attachments_dir else attachments_dir_for(self.path)
        self.dialect = DUCKDB  # the SQL that differs between engines (inbox.store.dialect)
        self._con = _open(self.path, read_only)
        # The gate: operations in flight are counted; ``_exclusive()`` (compaction) waits for them to end and
        # holds new ones back while it closes, swaps and reopens the connection. Nested operations of a
        # thread that is already inside one pass (the exclusive holder is waiting for that thread anyway).
        self._gate = threading.Condition(threading.Lock())
        self._busy = 0
        self._paused = False
        self._depth = threading.local()
        self._closed = False
        try:
            if migrate and not read_only:
                self.migrate(MIGRATIONS)
            elif self.schema_version():
                self._refuse_newer(MIGRATIONS)
        except BaseException:
            self._con.close()  # a store that cannot be used does not keep the file open
            raise
        with _OPEN_GUARD:  # (a store whose migration failed never reaches here: the caller has no object)
            _OPEN[_key(self.path)] = _OPEN.get(_key(self.path), 0) + 1

    # -- connections ---------------------------------------------------------------------
    def close(self) -> None:
        with self._gate:
            self._con.close()
            if self._closed:
                return
            self._closed = True
        with _OPEN_GUARD:
            left = _OPEN.get(_key(self.path), 1) - 1
            if left:
                _OPEN[_key(self.path)] = left
            else:
                _OPEN.pop(_key(self.path), None)

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh cursor for one read or one autocommitted statement (waits while a compaction runs)."""
        depth = getattr(self._depth, "n", 0)
        with self._gate:
            while self._paused and not depth:
                self._gate.wait()
            try:
                cur = self._con.cursor()
            except duckdb.Error as exc:
                if (clear := _translated(self.path, exc)) is exc:
                    raise
                raise clear from exc
            self._busy += 1
        self._depth.n = depth + 1
        try:
            yield cur
        except duckdb.Error as exc:
            if (clear := _translated(self.path, exc)) is exc:
                raise
            raise clear from exc
        finally:
            self._depth.n = depth
            try:
                cur.close()
            finally:
                with self._gate:
                    self._busy -= 1
                    if self._paused and not self._busy:
                        self._gate.notify_all()

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Wait for every operation in flight to end and hold new ones back until the block exits."""
        if getattr(self._depth, "n", 0):
            raise RuntimeError("the store cannot be taken exclusively from inside one of its operations")
        with self._gate:
            while self._paused:  # another exclusive holder (a second compaction) goes first
                self._gate.wait()
            self._paused = True
            while self._busy:
                self._gate.wait()
        try:
            yield
        finally:
            with self._gate:
                self._paused = False
                self._gate.notify_all()

    @contextmanager
    def tx(self) -> Iterator[TxCursor]:
        """One transaction: commit on success, roll back on any exception.

        DuckDB's ``commit()`` after a failed statement silently rolls back; if a statement
        failed (even when the caller swallowed the error) this raises ``TransactionAborted``
        instead of pretending to commit. A write-write conflict with another transaction (DuckDB's
        ``TransactionException``) raises ``WriteConflict`` (a ``Conflict``); ``retry_conflicts`` retries.
        """
        with self.cursor() as raw:
            raw.begin()
            cur = TxCursor(raw)
            try:
                check_acting(cur)  # the acting member, re-read in this transaction (inbox.store.acting)
                yield cur
            except BaseException as exc:
                raw.rollback()
                if is_conflict(exc) and not isinstance(exc, TransactionAborted):
                    raise as_conflict(
                        exc
                    ) from exc  # a concurrent write: a Conflict, never a raw DuckDB error
                raise
            if cur.failed:
                raw.rollback()
                if cur.error is not None and is_conflict(
                    cur.error
                ):  # swallowed by the caller, but a conflict all the same
                    raise as_conflict(cur.error) from cur.error
                raise TransactionAborted("a statement failed inside the transaction; nothing was saved")
            try:
                raw.execute("SELECT 1").fetchall()  # raises if DuckDB aborted the transaction
                raw.commit()
            except duckdb.Error as exc:
                try:
                    raw.rollback()
                except duckdb.Error:
                    pass
                if is_conflict(exc):  # e.g. "Failed to commit: … duplicate key": another writer won the race
                    raise as_conflict(exc) from exc
                if (
                    clear := _translated(self.path, exc)
                ) is not exc:  # a full disk or a damaged file at commit
                    raise clear from exc
                raise TransactionAborted(f"the transaction could not be committed: {exc}") from exc

    # -- migrations (the read helpers and schema_version: CoreReads) ----------------------------
    def migrate(self, migrations: Sequence[Migration]) -> list[tuple[str, str]]:
        """Apply the pending migrations of the plan, each with its record in one transaction; ``(set, name)``
        of those applied now. ``StoreTooNew`` / ``MigrationFailed`` (rolled back whole): see the migrator."""
        return migrator.migrate(self, migrations)

    def _refuse_newer(self, migrations: Sequence[Migration]) -> list[tuple[int, str, str]]:
        return migrator.refuse_newer(self, migrations)
