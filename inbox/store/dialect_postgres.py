"""PostgreSQL's side of the dialect: its error classes, catalog, placeholders and session settings."""

from __future__ import annotations

import functools
import re
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from ..errors import WriteConflict

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


class PostgresDialect:
    """PostgreSQL 15 through psycopg 3: the methods of ``DuckDBDialect`` this engine has so far."""

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
    def table_names(cur: Any) -> set[str]:
        """Names of the base tables of the store's schema."""
        return {
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            ).fetchall()
        }

    @staticmethod
    def tables_with_column(cur: Any, column: str) -> list[str]:
        """Base tables of the store's schema that have a column ``column``, by name."""
        return [
            r[0]
            for r in cur.execute(
                "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t"
                " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
                " WHERE c.column_name = ? AND t.table_type = 'BASE TABLE'"
                " AND t.table_schema = current_schema() ORDER BY 1",
                [column],
            ).fetchall()
        ]


POSTGRES = PostgresDialect()
