"""Fold st.data_editor edit state into a list of row dicts (coercing floats/NaN the editor returns)."""

from __future__ import annotations

import math


def _clean(value):
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return int(value)
    return value


def apply_edits(rows: list[dict], state, columns: dict[str, str] | None = None) -> list[dict]:
    """``rows`` with the editor's ``edited_rows`` applied (positions index ``rows``).

    ``columns`` maps editor column names to row keys when they differ.
    """
    columns = columns or {}
    edited = (state or {}).get("edited_rows", {}) if hasattr(state, "get") else {}
    out = [dict(r) for r in rows]
    for pos, changes in edited.items():
        pos = int(pos)
        if 0 <= pos < len(out):
            for col, value in changes.items():
                out[pos][columns.get(col, col)] = _clean(value)
    return out
