"""Connection, cursor-per-operation, the tx() helper and the migration runner of the DuckDB store."""

from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import duckdb
import pandas as pd

from ..errors import StoreLocked, StoreUnavailable, TransactionAborted
from ..models import utcnow
from .acting import check_acting

DUCKDB_CONFIG = {
    # Offline machines: never try to download an extension behind our back.
    "autoinstall_known_extensions": "false",
    "autoload_known_extensions": "false",
}

Migration = tuple[int, str, Callable[[Any], None]]


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
                "app: stop it, or use another file with --db / INBOX_DB"
            ) from None
        if "not a valid DuckDB database" in text:
            raise StoreUnavailable(f"cannot open database {path}: not a DuckDB database file") from None
        raise StoreUnavailable(f"cannot open database {path}: {text}") from None
    except duckdb.Error as exc:
        raise StoreUnavailable(f"cannot open database {path}: {exc}") from None


class TxCursor:
    """A cursor inside a transaction that remembers whether any statement failed."""

    def __init__(self, cur: duckdb.DuckDBPyConnection):
        self._cur = cur
        self.failed = False

    def execute(self, sql: str, params: Sequence[Any] | dict | None = None):
        try:
            return self._cur.execute(sql, params) if params is not None else self._cur.execute(sql)
        except duckdb.Error:
            self.failed = True
            raise

    def register(self, name: str, df: pd.DataFrame) -> None:
        self._cur.register(name, df)

    def unregister(self, name: str) -> None:
        self._cur.unregister(name)


class StoreCore:
    """Owns one DuckDB connection; every operation uses its own cursor (thread-safe)."""

    def __init__(self, path: str | os.PathLike, *, attachments_dir: str | os.PathLike | None = None,
                 read_only: bool = False, migrate: bool = True):
        self.path = Path(path)
        self.read_only = read_only
        self.attachments_dir = Path(attachments_dir) if attachments_dir else attachments_dir_for(self.path)
        self._con = _open(self.path, read_only)
        self._lock = threading.Lock()
        if migrate and not read_only:
            from .migrations import MIGRATIONS

            self.migrate(MIGRATIONS)

    # -- connections ---------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh cursor for one read or one autocommitted statement."""
        with self._lock:
            cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def tx(self) -> Iterator[TxCursor]:
        """One transaction: commit on success, roll back on any exception.

        DuckDB's ``commit()`` after a failed statement silently rolls back; if a statement
        failed (even when the caller swallowed the error) this raises ``TransactionAborted``
        instead of pretending to commit.
        """
        with self.cursor() as raw:
            raw.begin()
            cur = TxCursor(raw)
            try:
                check_acting(cur)  # the acting member, re-read in this transaction (inbox.store.acting)
                yield cur
            except BaseException:
                raw.rollback()
                raise
            if cur.failed:
                raw.rollback()
                raise TransactionAborted("a statement failed inside the transaction; nothing was saved")
            try:
                raw.execute("SELECT 1").fetchall()  # raises if DuckDB aborted the transaction
                raw.commit()
            except duckdb.Error as exc:
                try:
                    raw.rollback()
                except duckdb.Error:
                    pass
                raise TransactionAborted(f"the transaction could not be committed: {exc}") from exc

    # -- small read helpers (private to the store package) -------------------------------
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()):
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _scalar(self, sql: str, params: Sequence[Any] = ()):
        row = self._one(sql, params)
        return row[0] if row else None

    def _df(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).df()

    # -- migrations ----------------------------------------------------------------------
    def schema_version(self) -> int:
        with self.cursor() as cur:
            exists = cur.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
            ).fetchone()[0]
            if not exists:
                return 0
            return cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]

    def migrate(self, migrations: Sequence[Migration]) -> list[int]:
        """Apply pending migrations in order, each with its record in one transaction.

        Re-running is a no-op. Returns the versions applied now.
        """
        with self.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
            )
        done = {v for (v,) in self._rows("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, step in sorted(migrations, key=lambda m: m[0]):
            if version in done:
                continue
            with self.tx() as cur:
                step(cur)
                cur.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, utcnow()])
            applied.append(version)
        return applied

    def applied_migrations(self) -> list[tuple[int, str]]:
        return self._rows("SELECT version, name FROM schema_migrations ORDER BY version")
