"""Records the CSV reader refused: their fields as the file's columns, a reason per line, notes.

DuckDB's reader reports ``(line, error_type, raw line, message, near byte)`` per refused record;
``csv_files`` reads the file, this module turns those refusals into rows of the rejects file.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import text_encoding
from .spreadsheet import unmark

if TYPE_CHECKING:
    from .csv_files import CsvFile

READER_REASONS = {
    "UNQUOTED VALUE": "a quote is not closed, or text follows a closing quote",
    "INVALID STATE": "the line cannot be read as CSV",
}
Rejects = list[tuple[Any, ...]]  # (line, error_type, raw line, message, near byte) per refused record


def refused_rows(info: CsvFile, rejects: Rejects) -> tuple[pd.DataFrame, dict[int, str]]:
    """Records the reader refused (``(line, error_type, raw line, message, near byte)``) as a frame of the
    file's columns (extra fields kept in the last one) indexed by line, and a reason per line."""
    width = len(info.header)
    rows: dict[int, list[str]] = {}
    reasons: dict[int, str] = {}
    for line, kind, raw, message, *near in rejects:
        if line in rows:
            continue
        fields = parse_line(raw or "", info.delimiter)
        if kind == "INVALID ENCODING":
            name = info.encoding.upper().replace("-SIG", "")
            found = text_encoding.record_at(info.path, near[0] if near else None, raw or "", info.delimiter)
            fields, shown = found or (fields, "the unreadable bytes are shown as ?")
            reasons[line] = (
                f"not valid {name} text ({shown}): the file may not be {name}: choose its encoding"
            )
        elif kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
            reasons[line] = f"{len(fields)} fields instead of {width}" + (
                ": the extra fields are kept in the last column" if len(fields) > width else ""
            )
        else:
            reasons[line] = READER_REASONS[kind] if kind in READER_REASONS else message
        if len(fields) > width:
            fields = fields[: width - 1] + [info.delimiter.join(fields[width - 1 :])]
        rows[line] = [unmark(f) for f in fields] + [""] * (width - len(fields))  # as the rows read are
    frame = pd.DataFrame(list(rows.values()), columns=list(info.header), index=list(rows), dtype="str")
    return frame, reasons


def encoding_note(info: CsvFile, rejects: Rejects) -> str | None:
    """A summary note when rows were refused as not valid text in the chosen encoding."""
    lines = sorted({r[0] for r in rejects if r[1] == "INVALID ENCODING"})
    if not lines:
        return None
    name = info.encoding.upper().replace("-SIG", "")
    return (
        f"{len(lines):,} row{'s are' if len(lines) > 1 else ' is'} not valid {name} text (first: line "
        f"{lines[0]}) and {'were' if len(lines) > 1 else 'was'} rejected: if the file is not {name}, "
        "choose its encoding"
    )


def parse_line(text: str, delimiter: str) -> list[str]:
    """The fields of one raw CSV record (for rows DuckDB refused)."""
    try:
        rows = list(csv.reader(io.StringIO(text.strip("\r\n"), newline=""), delimiter=delimiter))
    except csv.Error:
        rows = []
    return [f for row in rows for f in row] if rows else [text]
