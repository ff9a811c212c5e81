"""The PostgreSQL store core: a psycopg connection pool, a cursor per operation, ``tx()`` and migrations.

The same contract as the DuckDB core (``inbox.store.core``): repositories run ``?``-placeholder SQL through
``cursor()`` / ``tx()`` and the read helpers. Transactions are REPEATABLE READ, as DuckDB's snapshots: a row
changed by another transaction since this one began raises a serialization failure, which ``tx()`` turns into
``WriteConflict`` (retried by ``retry_conflicts``). Servers starting together migrate once: the runner holds
a session advisory lock.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import pandas as pd
import psycopg
import pyarrow as pa
from psycopg_pool import ConnectionPool, PoolTimeout

from ..errors import StoreUnavailable, TransactionAborted
from . import migrator
from .acting import check_acting
from .core import attachments_dir_for
from .dialect_postgres import POSTGRES, PREREQUISITES, frame_columns, numbered_placeholders
from .migrations import MIGRATIONS, Migration
from .reads import CoreReads
from .retry import as_conflict, is_conflict

MIGRATION_LOCK = 0x1B0C_0DE5  # the advisory lock key every server takes around its migrations
_URL = re.compile(r"^postgres(ql)?://")


def is_postgres_url(target: object) -> bool:
    """Whether ``target`` (a ``--db`` / ``INBOX_DB`` value) names a PostgreSQL database."""
    return isinstance(target, str) and bool(_URL.match(target))


def redacted(url: str) -> str:
    """``url`` with its password replaced by ``***`` (what error messages and logs show)."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@]*@", r"\1:***@", url)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _missing(value: Any) -> bool:
    """NaN, NaT, pandas' NA and None: NULL in the table (never the text 'nan')."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: a value
        return False


class PgCursor:
    """A psycopg cursor speaking the store's dialect: ``?`` placeholders, ``execute(...).fetchall()``,
    ``.df()``; inside a transaction it remembers whether a statement failed (as ``TxCursor``)."""

    def __init__(self, raw: psycopg.Cursor[Any]):
        self._raw = raw
        self.failed = False
        self.error: psycopg.Error | None = None

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Self:
        try:
            self._raw.execute(numbered_placeholders(sql), list(params) if params is not None else None)
        except psycopg.Error as exc:
            self.failed, self.error = True, exc
            raise
        return self

    def fetchall(self) -> list[tuple[Any, ...]]:
        """The rows; of an INSERT, UPDATE or DELETE without RETURNING the row count, as DuckDB answers."""
        if self._raw.description is None:
            return [(self._raw.rowcount,)]
        return self._raw.fetchall()

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._raw.description is None:
            return (self._raw.rowcount,)
        return self._raw.fetchone()

    def df(self) -> pd.DataFrame:
        columns = [c.name for c in self._raw.description or ()]
        return pd.DataFrame(self._raw.fetchall(), columns=columns)

    def register(self, name: str, frame: Any) -> None:
        """``frame`` (a DataFrame or an Arrow table) readable as table ``name`` until ``unregister``: DuckDB
        reads the frame in place; here it is copied into a temporary table of this connection (COPY)."""
        if not isinstance(frame, pd.DataFrame):
            frame = frame.to_pandas()
        columns = frame_columns(frame)
        self.execute(f"DROP TABLE IF EXISTS {name}")
        self.execute(f"CREATE TEMP TABLE {name} ({', '.join(f'{_quoted(c)} {t}' for c, t in columns)})")
        names = ", ".join(_quoted(c) for c, _ in columns)
        with self._raw.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([None if _missing(v) else v for v in row])

    def unregister(self, name: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {name}")

    # -- a snapshot read of several statements (DuckDB's ``begin()`` / ``rollback()``) ----------------
    def begin(self) -> None:
        self.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    def sql(self, sql: str, params: Sequence[Any] | None = None) -> PgResult:
        """A query whose rows are read as Arrow (as DuckDB's relations are)."""
        return PgResult(self._raw.connection, sql, params)


class PgResult:
    """The rows of one query as Arrow record batches, streamed through a server-side cursor (needs a
    transaction: ``begin()``), typed from the result's column types so that every batch has one schema."""

    def __init__(self, con: psycopg.Connection[Any], sql: str, params: Sequence[Any] | None):
        self._con, self._sql, self._params = con, numbered_placeholders(sql), params

    def to_arrow_reader(self, batch_rows: int) -> pa.RecordBatchReader:
        cur = psycopg.RawServerCursor(self._con, f"arrow_{id(self):x}")
        cur.itersize = int(batch_rows)
        cur.execute(self._sql, list(self._params or ()))
        first = cur.fetchmany(int(batch_rows))
        schema = arrow_schema(cur.description or ())

        def batches() -> Iterator[pa.RecordBatch]:
            try:
                rows = first
                while rows:
                    yield arrow_batch(schema, rows)
                    rows = cur.fetchmany(int(batch_rows))
            finally:
                cur.close()

        return pa.RecordBatchReader.from_batches(schema, batches())

    def to_arrow_table(self) -> pa.Table:
        with self._con.cursor() as cur:
            cur.execute(self._sql, list(self._params or ()))
            schema = arrow_schema(cur.description or ())
            return pa.Table.from_batches([arrow_batch(schema, cur.fetchall())], schema=schema)


# PostgreSQL's result types (by name) → Arrow's; any other type is read as text
_ARROW_TYPES = {
    "int2": pa.int16(),
    "int4": pa.int32(),
    "int8": pa.int64(),
    "float4": pa.float32(),
    "float8": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "timestamptz": pa.timestamp("us", tz="UTC"),
    "text": pa.string(),
    "varchar": pa.string(),
    "_int8": pa.list_(pa.int64()),
    "_text": pa.list_(pa.string()),
    "_varchar": pa.list_(pa.string()),
}


def arrow_schema(description: Sequence[Any]) -> pa.Schema:
    """The Arrow schema of a result's columns (psycopg's ``cursor.description``)."""
    fields = []
    for column in description:
        info = psycopg.adapters.types.get(column.type_code)
        fields.append(pa.field(column.name, _ARROW_TYPES.get(info.name if info else "", pa.string())))
    return pa.schema(fields)


def arrow_batch(schema: pa.Schema, rows: list[tuple[Any, ...]]) -> pa.RecordBatch:
    """Rows (tuples) as one record batch of ``schema``."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    arrays = [
        pa.array([v if v is None or f.type != pa.string() else str(v) for v in col], type=f.type)
        for f, col in zip(schema, columns, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class PgCore(CoreReads):
    """Owns a pool of connections to one PostgreSQL database; every operation borrows one."""

    dialect = POSTGRES

    def __init__(
        self,
        url: str,
        *,
        files_dir: str | Path,
        attachments_dir: str | os.PathLike[str] | None = None,
        read_only: bool = False,
        migrate: bool = True,
        pool_size: int = 8,
        timeout: float = 30.0,
    ):
        self.url = url
        self.path = redacted(url)  # what messages name (DuckDB: the file's path)
        self.read_only = read_only
        # The store's own files live in one folder every app server shares (a network mount): inbox.key,
        # inbox-checkpoints/ and inbox-attachments/, named as they are next to a DuckDB file.
        self.file_base = Path(files_dir) / "inbox"
        self.attachments_dir = (
            Path(attachments_dir) if attachments_dir else attachments_dir_for(self.file_base)
        )
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            timeout=timeout,
            open=False,
            kwargs={"autocommit": True, "cursor_factory": psycopg.RawCursor},
            configure=self._configure,
        )
        try:
            self._pool.open(wait=True, timeout=timeout)
        except PoolTimeout:
            self._pool.close()
            raise StoreUnavailable(
                f"cannot connect to database {self.path}: no answer in {timeout:g} s"
            ) from None
        self._closed = False
        try:
            if migrate and not read_only:
                self.migrate(MIGRATIONS)
            elif self.schema_version():
                migrator.refuse_newer(self, MIGRATIONS)
        except BaseException:
            self._pool.close()
            raise

    @staticmethod
    def _configure(con: psycopg.Connection[Any]) -> None:
        con.execute("SET TIME ZONE 'UTC'")  # now() as the store keeps every timestamp: UTC, naive
        con.execute("SET DateStyle = 'ISO, YMD'")  # a date cast to text: 2026-12-02, as DuckDB

    # -- connections ---------------------------------------------------------------------
    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._pool.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def cursor(self) -> Iterator[PgCursor]:
        """A cursor for one read or one autocommitted statement."""
        with self._pool.connection() as con, con.cursor() as raw:
            yield PgCursor(raw)

    @contextmanager
    def tx(self) -> Iterator[PgCursor]:
        """One REPEATABLE READ transaction: commit on success, roll back on any exception; a conflict with
        another transaction raises ``WriteConflict``; a statement that failed inside (even when the caller
        swallowed its error) makes this raise ``TransactionAborted`` instead of committing."""
        with self._pool.connection() as con, con.cursor() as raw:
            con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            cur = PgCursor(raw)
            try:
                check_acting(cur)  # the acting member, re-read in this transaction (inbox.store.acting)
                yield cur
            except BaseException as exc:
                con.execute("ROLLBACK")
                if is_conflict(exc) and not isinstance(exc, TransactionAborted):
                    raise as_conflict(exc) from exc
                raise
            if cur.failed:
                con.execute("ROLLBACK")
                if cur.error is not None and is_conflict(cur.error):
                    raise as_conflict(cur.error) from cur.error
                raise TransactionAborted("a statement failed inside the transaction; nothing was saved")
            try:
                con.execute("COMMIT")
            except psycopg.Error as exc:
                if is_conflict(exc):
                    raise as_conflict(exc) from exc
                raise TransactionAborted(f"the transaction could not be committed: {exc}") from exc

    # -- migrations ----------------------------------------------------------------------------
    def migrate(self, migrations: Sequence[Migration]) -> list[tuple[str, str]]:
        """The DuckDB runner's migrations (``inbox.store.migrator``), under an advisory lock held on one
        connection of the pool for the whole run: a second server starting meanwhile waits, then finds
        every migration recorded and applies none."""
        with self._pool.connection() as con:
            con.execute("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK])
            try:
                with self.cursor() as cur:
                    for statement in PREREQUISITES:
                        cur.execute(statement)
                return migrator.migrate(self, migrations)
            finally:
                con.execute("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK])


__all__ = ["PgCore", "PgCursor", "is_postgres_url", "redacted"]
