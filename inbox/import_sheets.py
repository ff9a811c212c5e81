"""Cells of a spreadsheet the import refuses: error values (``#N/A``) and phone numbers typed as numbers.

``sheet_files`` notes them while reading; once the columns are mapped, this turns them into problems
reported like any unreadable value (row, column, value, reason), and empties them so validation does
not read them a second time. Nothing is guessed: a phone typed as a number lost its leading 0 or +.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .attributes import Attribute
    from .sheet_files import SheetCells

ERROR_REASON = "the sheet shows an error here, not a value"
NUMBER_REASON = (
    "typed as a number in the sheet, so its leading 0 or + is lost: format the column as text "
    "and type the number as written"
)


def refuse_cells(
    frame: pd.DataFrame,
    table: Any,  # the sheet as an Arrow table (``c0..``)
    header: tuple[str, ...],
    mapping: dict[str, str | None],
    defs: dict[str, Attribute],
    cells: SheetCells,
    lines: np.ndarray,
) -> pd.DataFrame:
    """The problems of the refused cells of mapped columns (``row, column, value, reason``); their cells in
    ``frame`` (indexed by line) are emptied in place."""
    found: list[pd.DataFrame] = []
    kept = frame.index.to_numpy()
    for at, name in enumerate(header):
        target = mapping.get(name)
        if not target or target not in frame:
            continue
        errors = cells.errors.get(at, {})
        if errors:
            rows = lines[np.fromiter(errors, dtype=np.int64)]
            shown = np.asarray(list(errors.values()), dtype=object)
            inside = np.isin(rows, kept)
            found.append(_problems(rows[inside], target, shown[inside], ERROR_REASON))
        numbers = cells.numbers.get(at)
        if numbers is not None and target in defs and defs[target].type == "phone":
            rows = lines[numbers]
            inside = np.isin(rows, kept)
            values = table.column(at).to_pandas().to_numpy(dtype=object)[numbers][inside]
            found.append(_problems(rows[inside], target, values, NUMBER_REASON))
            frame.loc[rows[inside], target] = None
    found = [f for f in found if len(f)]
    if not found:
        return pd.DataFrame(columns=["row", "column", "value", "reason"])
    return pd.concat(found, ignore_index=True)


def _problems(rows: np.ndarray, column: str, values: Any, reason: str) -> pd.DataFrame:
    return pd.DataFrame({"row": rows.astype(np.int64), "column": column, "value": values, "reason": reason})


def with_refused(problems: pd.DataFrame, refused: pd.DataFrame) -> pd.DataFrame:
    """``problems`` and ``refused`` in one report sorted by row (as ``check_import`` sorts it)."""
    if not len(refused):
        return problems
    both = pd.concat([problems, refused], ignore_index=True) if len(problems) else refused
    return both.sort_values("row", kind="stable").reset_index(drop=True)
