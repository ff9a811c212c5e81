"""The deletion-log pandera schema applied before entries are shown or exported: a problem text per entry."""

from __future__ import annotations

import re

import pandas as pd
from pandera.errors import SchemaError, SchemaErrors

from .deletion_tables import (
    COUNT_COLUMNS,
    DELETION_REASONS,
    DELETION_TABLE_SCHEMAS,
    LOG_COLUMNS,
    MAX_HINT,
    DeletionLogSchema,
)
from .failures import failures_frame

__all__ = [
    "COUNT_COLUMNS",
    "DELETION_REASONS",
    "DELETION_TABLE_SCHEMAS",
    "LOG_COLUMNS",
    "MAX_HINT",
    "DeletionLogSchema",
    "entry_problems",
]


def entry_problems(frame: pd.DataFrame) -> pd.Series:
    """For each row of ``frame`` (any index), ``""`` when it passes the schema, else the failing
    checks as ``"column: check; …"``. A failure not tied to a row (a missing column) flags every row."""
    out = pd.Series("", index=frame.index, dtype=object)
    if frame.empty:
        return out
    positional = frame.reset_index(drop=True)
    try:
        DeletionLogSchema.validate(positional, lazy=True)
        return out
    except (SchemaErrors, SchemaError) as exc:
        failures = failures_frame(exc)
    found: dict[int, list[str]] = {}
    for row, column, check in zip(failures["row"], failures["column"], failures["check"], strict=True):
        check = re.sub(r"^isin\(.*\)$", "isin(allowed values)", str(check), flags=re.S)
        text = f"{column}: {check}" if column is not None and not pd.isna(column) else check
        rows = range(len(positional)) if row is None or pd.isna(row) else [int(row)]
        for r in rows:
            if text not in found.setdefault(r, []):
                found[r].append(text)
    values = [("; ".join(found[r]) if r in found else "") for r in range(len(positional))]
    return pd.Series(values, index=frame.index, dtype=object)
