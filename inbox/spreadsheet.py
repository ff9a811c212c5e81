"""Spreadsheet formula injection.

CSV cells a spreadsheet would run get a leading quote; imports take it off.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

T = TypeVar("T")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKED = re.compile(r"'+[=+\-@\t\r]")
_MARKED_RE2 = r"^'('*[=+\-@\t\r])"  # the same, for Arrow: one leading quote off
_NEEDS_MARK_RE2 = r"^'*[=+\-@\t\r]"  # what ``neutralise`` marks, for Arrow


def neutralise(value: T) -> T | str:
    """A CSV cell that a spreadsheet would run as a formula (starting with = + - @ tab or CR) gets a leading
    single quote; so does one already starting with quotes before such a character (``'=x`` → ``''=x``), so
    that ``unmark`` gives every value back exactly. Other values are returned unchanged."""
    if isinstance(value, str) and (value.startswith(FORMULA_START) or _MARKED.match(value)):
        return "'" + value
    return value


def unmark(value: T) -> T | str:
    """``neutralise`` undone: one leading quote off a cell whose quotes are followed by = + - @ tab or CR
    (``'+33 6 12`` → ``+33 6 12``, the spreadsheet convention for "this is text")."""
    if isinstance(value, str) and _MARKED.match(value):
        return value[1:]
    return value


def unmark_table(table: Any) -> Any:  # a pyarrow.Table (pyarrow has no type information)
    """``unmark`` on every string column of an Arrow table.

    Columns without a leading quote are left alone.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    for n, column in enumerate(table.columns):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            if pc.any(pc.starts_with(column, "'")).as_py():
                table = table.set_column(
                    n,
                    table.field(n),
                    pc.replace_substring_regex(column, _MARKED_RE2, r"\1", max_replacements=1),
                )
    return table


def neutralise_array(array: Any) -> Any:  # a pyarrow string Array (pyarrow has no type information)
    """``neutralise`` on every value of an Arrow string array: one leading quote before the cells a
    spreadsheet would run (and before those already starting with quotes then such a character)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    quoted = pc.binary_join_element_wise(pa.scalar("'"), array, "")
    return pc.if_else(needs_mark_array(array), quoted, array)


def needs_mark_array(array: Any) -> Any:  # a pyarrow string Array → a boolean Array
    """``needs_mark`` on every value of an Arrow string array (``False`` for a missing value)."""
    import pyarrow.compute as pc

    return pc.fill_null(pc.match_substring_regex(array, _NEEDS_MARK_RE2), False)


def needs_mark(value: object) -> bool:
    """Whether ``neutralise`` would mark this value (a spreadsheet would run it as a formula)."""
    return isinstance(value, str) and neutralise(value) is not value
