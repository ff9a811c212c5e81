"""The base of every per-area repository: the core's connection, ``tx()`` and read helpers, nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import duckdb

    from .core import StoreCore, TxCursor
    from .dialect import Dialect


class Repository:
    """One area of the store. It holds the core (never a copy of its connection) and, as constructor
    arguments, the other repositories it needs; it keeps no state shared with another repository.

    Writes open their own ``tx()``; a write that must join a caller's transaction takes its ``cur``.
    """

    def __init__(self, core: StoreCore):
        self._core = core

    @property
    def path(self) -> Path:
        return self._core.path

    @property
    def read_only(self) -> bool:
        return self._core.read_only

    @property
    def dialect(self) -> Dialect:
        return self._core.dialect

    def tx(self) -> AbstractContextManager[TxCursor]:
        return self._core.tx()

    def cursor(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        return self._core.cursor()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._core._rows(sql, params)

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        return self._core._one(sql, params)

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._core._scalar(sql, params)

    def _df(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        return self._core._df(sql, params)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._core.path}>"
