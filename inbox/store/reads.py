"""What every store core reads alike through its own cursors: rows, one row, a scalar, a frame, migrations."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import pandas as pd

from . import migrator
from .migrations import MIGRATIONS


class CoreReads:
    """Mixed into ``StoreCore`` (DuckDB) and ``PgCore`` (PostgreSQL), which provide ``cursor()``."""

    def cursor(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    # -- small read helpers (private to the store package) -------------------------------
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.cursor() as cur:
            rows: list[tuple[Any, ...]] = cur.execute(sql, list(params)).fetchall()
            return rows

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._one(sql, params)
        return row[0] if row else None

    def _df(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self.cursor() as cur:
            frame: pd.DataFrame = cur.execute(sql, list(params)).df()
            return frame

    # -- migrations (inbox.store.migrator; the plan is inbox.store.migrations.MIGRATIONS) -----------
    def schema_version(self) -> int:
        """The largest version recorded in ``schema_migrations`` (0 for a new database)."""
        return migrator.schema_version(self)

    def applied_migrations(self) -> list[tuple[str, str]]:
        """``(set, name)`` of every migration recorded, in the order of their versions."""
        return [(set_, name) for _, set_, name in migrator.recorded(self, MIGRATIONS)]
