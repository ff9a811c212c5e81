"""Reading and staging of an import: the file as Arrow with line numbers, empty rows, staged rows.

The rows go to the store as Arrow tables (no copy of the strings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import csv_files
from .errors import InvalidInput
from .import_report import VALUE_COLUMNS
from .mapping import DISPLAY_NAME, HANDLE, PLATFORM
from .spreadsheet import unmark_table

if TYPE_CHECKING:
    import pyarrow as pa  # no type information: its names are Any to mypy

    from .attributes import Attribute
    from .csv_files import CsvFile
    from .store import Store

BUILTIN_COLUMNS = VALUE_COLUMNS[1:]
Progress = Callable[[float, str], None]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


def attribute_dicts(attributes: list[Attribute]) -> list[dict[str, Any]]:
    """The attributes as ``check_values``/``check_import`` take them."""
    return [
        {
            "key": a.key,
            "label": a.label,
            "type": a.type,
            "options": list(a.options or []),
            "regex": a.regex,
            "required_on_import": a.required_on_import,
        }
        for a in attributes
    ]


def read_table(store: Store, info: CsvFile, progress: Progress) -> tuple[CsvFile, list[Any]]:
    """The (maybe new) info, and ``[table, lines, rejects]``: the file's records as Arrow, their line
    numbers and the reader's refusals."""
    if csv_files.has_blank_lines(info.path):
        info = csv_files.rewrite(info)
    try:
        table, rejects = store.imports.import_read_csv(str(info.path), info.delimiter, len(info.header))
    except InvalidInput:
        try:  # e.g. mixed line endings: read a canonical copy
            info = info if info.rewritten else csv_files.rewrite(info)
            table, rejects = store.imports.import_read_csv(str(info.path), info.delimiter, len(info.header))
        except InvalidInput as exc:
            raise InvalidInput(
                f"{info.name} cannot be read as CSV with the {info.delimiter_name} delimiter "
                f"({exc}): check the delimiter and the quotes"
            ) from None
    progress(0.2, f"read {table.num_rows:,} rows")
    table = unmark_table(table)  # '+33 6… as a spreadsheet (or our rejects file) marks text: +33 6…
    refused = np.asarray(sorted({r[0] for r in rejects}), dtype=np.int64)
    total = table.num_rows + len(refused)
    kept = np.ones(total, dtype=bool)
    kept[refused[refused - 2 < total] - 2] = False
    return info, [table, np.arange(2, total + 2, dtype=np.int64)[kept][: table.num_rows], rejects]


def empty_mask(table: pa.Table) -> BoolArray:
    """Rows whose every cell is empty."""
    import pyarrow.compute as pc

    mask = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        mask &= pc.is_null(column).to_numpy(zero_copy_only=False)
    return mask


def _arrow(values: pd.Series[Any]) -> pa.Array:
    import pyarrow as pa

    return pa.array(values.array if isinstance(values, pd.Series) else values, from_pandas=True)


def sql_frames(typed: pd.DataFrame, keep: BoolArray, defs: dict[str, Attribute]) -> tuple[pa.Table, pa.Table]:
    """The rows as the store stages them (Arrow, no copy of the strings): ``line``, ``ok``, platform,
    handle and built-in columns; and the accepted custom values in long form."""
    import pyarrow as pa

    n = len(typed)
    columns: dict[str, pa.Array] = {
        "line": pa.array(typed.index.to_numpy(dtype=np.int64)),
        "ok": pa.array(keep),
    }
    for key, name in (
        (PLATFORM, "platform"),
        (HANDLE, "handle"),
        (DISPLAY_NAME, "display_name"),
        *((k, k) for k in BUILTIN_COLUMNS),
    ):
        columns[name] = (
            _arrow(typed[key]).cast(pa.large_string()) if key in typed else pa.nulls(n, pa.large_string())
        )
    rows = pa.table(columns)
    slots = {
        "value_text": pa.large_string(),
        "value_number": pa.float64(),
        "value_date": pa.timestamp("ns"),
        "value_bool": pa.bool_(),
    }
    parts: list[pa.Table] = []
    for key in [c for c in typed.columns if c in defs and c not in BUILTIN_COLUMNS]:
        wanted = keep & typed[key].notna().to_numpy()
        slot = {"number": "value_number", "date": "value_date", "boolean": "value_bool"}.get(
            defs[key].type, "value_text"
        )
        count = int(wanted.sum())
        part: dict[str, pa.Array] = {
            "line": pa.array(typed.index.to_numpy(dtype=np.int64)[wanted]),
            "attribute_key": pa.array([key] * count, pa.large_string()),
        }
        for name, kind in slots.items():
            part[name] = _arrow(typed[key][wanted]).cast(kind) if name == slot else pa.nulls(count, kind)
        parts.append(pa.table(part))
    if not parts:
        parts.append(
            pa.table(
                {
                    "line": pa.array([], pa.int64()),
                    "attribute_key": pa.array([], pa.large_string()),
                    **{name: pa.array([], kind) for name, kind in slots.items()},
                }
            )
        )
    return rows, pa.concat_tables(parts)
