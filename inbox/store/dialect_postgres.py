"""PostgreSQL's side of the dialect: its error classes, catalog, placeholders and session settings."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from ..errors import WriteConflict
from .dialect import Dialect

# SQL text split into what may hold a placeholder and what may not: quoted literals, quoted names, comments.
_OPAQUE = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*)")
_NUMBERED = re.compile(r"\$\d+")


@functools.lru_cache(maxsize=4096)
def numbered_placeholders(sql: str) -> str:
    """``sql`` with DuckDB's ``?`` placeholders as PostgreSQL's ``$1, $2…`` (outside quoted literals, quoted
    names and comments). SQL already written with ``$n`` is returned as it is (the two are never mixed)."""
    parts = _OPAQUE.split(sql)
    if any(_NUMBERED.search(p) for i, p in enumerate(parts) if i % 2 == 0):
        return sql
    count = 0

    def number(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"${count}"

    return "".join(p if i % 2 else re.sub(r"\?", number, p) for i, p in enumerate(parts))


# What the store's SQL needs of PostgreSQL beyond its core, created (idempotently) before the migrations run:
# the extensions of accent-insensitive substring search, and DuckDB's functions of the same meaning under
# DuckDB's names (plain SQL functions: PostgreSQL inlines them, so ``list_contains($1, email)`` still uses
# the index on email). The search folding (``strip_accents``) is unaccent: stored search text and typed
# terms are folded by the same function, on each engine.
PREREQUISITES = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE OR REPLACE FUNCTION list_contains(anycompatiblearray, anycompatible) RETURNS boolean"
    " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT $2 = ANY($1)'",
    "CREATE OR REPLACE FUNCTION list_position(anycompatiblearray, anycompatible) RETURNS integer"
    " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT array_position($1, $2)'",
    "CREATE OR REPLACE FUNCTION len(anyarray) RETURNS integer"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT cardinality($1)'",
    "CREATE OR REPLACE FUNCTION hash(text) RETURNS bigint"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT hashtextextended($1, 0)'",
    "CREATE OR REPLACE FUNCTION json_valid(text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE"
    " AS $$BEGIN PERFORM CAST($1 AS jsonb); RETURN true; EXCEPTION WHEN others THEN RETURN false; END$$",
    # a LIKE with the term's own %, _ and \ escaped: once inlined, the trigram index answers it
    "CREATE OR REPLACE FUNCTION contains(text, text) RETURNS boolean"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$SELECT $1 LIKE '%'"
    " || replace(replace(replace($2, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'$$",
    "CREATE OR REPLACE FUNCTION strip_accents(text) RETURNS text"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$SELECT public.unaccent('public.unaccent', $1)$$",
    "CREATE OR REPLACE FUNCTION to_days(integer) RETURNS interval"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT make_interval(days => $1)'",
    "CREATE OR REPLACE AGGREGATE list(anycompatible) (SFUNC = array_append, STYPE = anycompatiblearray)",
)
# pandas dtype kinds → the column type a registered frame's temporary table gets
_FRAME_TYPES = {"i": "BIGINT", "u": "BIGINT", "f": "DOUBLE PRECISION", "b": "BOOLEAN", "M": "TIMESTAMP"}


# Python values of an object column (its first non-missing value) → the column type
_VALUE_TYPES = (
    (bool, "BOOLEAN"),
    (int, "BIGINT"),
    (float, "DOUBLE PRECISION"),
    (datetime, "TIMESTAMP"),  # (before date: a datetime is a date)
    (date, "DATE"),
)


def frame_columns(frame: Any) -> list[tuple[str, str]]:
    """``(name, type)`` of a DataFrame's columns as a temporary table holds them (text unless typed; an
    object column by its first value that is not missing: dates, numbers and booleans keep their type)."""
    found = []
    for name, dtype in frame.dtypes.items():  # (pandas' nullable dtypes have a kind too: Int64 i, boolean b)
        kind = getattr(dtype, "kind", "O")
        sql = _FRAME_TYPES.get(kind, "TEXT")
        if kind == "O":
            present = frame[name].dropna()
            first = present.iloc[0] if len(present) else None
            sql = next((t for cls, t in _VALUE_TYPES if isinstance(first, cls)), "TEXT")
        found.append((str(name), sql))
    return found


class PostgresDialect(Dialect):
    """PostgreSQL 15 through psycopg 3: the methods of ``DuckDBDialect`` this engine has so far (frames and
    catalog queries: the shared ``Dialect``)."""

    name = "postgres"
    Error = psycopg.Error
    schema = "public"  # where the store's tables live (DuckDB: main)

    @staticmethod
    def is_conflict(exc: BaseException | None) -> bool:
        """A serialization failure (REPEATABLE READ: another transaction changed the row first) or a
        deadlock: a retry may succeed."""
        if isinstance(exc, WriteConflict):
            return True
        return isinstance(exc, (pg_errors.SerializationFailure, pg_errors.DeadlockDetected))

    @staticmethod
    def is_constraint_violation(exc: BaseException) -> bool:
        return isinstance(exc, psycopg.errors.IntegrityError)

    @staticmethod
    def is_clash(exc: BaseException) -> bool:
        return PostgresDialect.is_conflict(exc) or PostgresDialect.is_constraint_violation(exc)

    @staticmethod
    def is_missing_table(exc: BaseException) -> bool:
        return isinstance(exc, pg_errors.UndefinedTable)

    @staticmethod
    def update_rows(
        cur: Any, table: str, ids_sql: str, ids_params: list[Any], update: str, params: list[Any]
    ) -> None:
        """The rows are copied out, updated in the copy (aliased ``table``, as on DuckDB, so ``update`` is
        written once for both engines) and written back by id in one UPDATE: PostgreSQL locks each row it
        writes, so a save made meanwhile by another transaction is a serialization failure, not lost."""
        work = f"{table}_rewrite"
        PostgresDialect.temp_table(cur, work, f"SELECT * FROM {table} WHERE id IN ({ids_sql})", ids_params)
        cur.execute(f"UPDATE {work} AS {table} {update}", params)
        columns = [
            r[0]
            for r in cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"
                " AND column_name <> 'id' ORDER BY ordinal_position",
                [PostgresDialect.schema, table],
            ).fetchall()
        ]
        sets = ", ".join(f'"{c}" = w."{c}"' for c in columns)
        cur.execute(f"UPDATE {table} SET {sets} FROM {work} w WHERE {table}.id = w.id")
        cur.execute(f"DROP TABLE {work}")

    @staticmethod
    def reserve_ids(cur: Any, sequence: str, n: int) -> int:
        """Reserve ``n`` (>= 1) consecutive values of ``sequence``; returns the first one: ``nextval`` then
        ``setval`` to the end of the range, as on DuckDB. Reservations of one sequence take turns (an
        advisory lock held to the end of the transaction). Not yet safe against a plain ``nextval`` of
        another server between the two statements (issue 17: bulk inserts should take ids row by row)."""
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(?))", [f"reserve:{sequence}"]).fetchall()
        first = int(cur.execute(f"SELECT nextval('{sequence}')").fetchone()[0])
        if n > 1:
            cur.execute(f"SELECT setval('{sequence}', ?)", [first + int(n) - 1]).fetchall()
        return first


POSTGRES = PostgresDialect()
