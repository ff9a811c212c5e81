"""Spreadsheet files (.xlsx, .xls, .ods) read with python-calamine: sheets, header, cells as text.

A sheet becomes what the CSV reader gives (an Arrow table of ``c0..c{n-1}`` strings, row 1 the header,
each row's line being its row number in the sheet), plus the cells the import must refuse: error values
(``#N/A``…) and numbers typed in a phone column (their leading 0 or + is lost). Dates are written as ISO
dates (``2024-03-05``, or ``2024-03-05 10:30:00`` with a time), integral numbers without ``.0``.
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .csv_files import PREVIEW_ROWS, CsvFile, header_names
from .errors import InvalidInput

SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xlsb": "xlsb", ".xls": "xls", ".ods": "ods"}
FORMATS = {
    "xlsx": "Excel workbook",
    "xlsb": "Excel binary workbook",
    "xls": "Excel 97-2003 workbook",
    "ods": "OpenDocument spreadsheet",
}
#: Excel's error values: a cell showing one holds no value.
ERRORS = frozenset(
    ("#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#FIELD!")
)
_LIBRE_ERROR = re.compile(r"Err:5\d\d")  # LibreOffice's own error codes (Err:502 invalid argument…)


def is_error(text: str) -> bool:
    """Whether a cell's text is a spreadsheet's error value (``#N/A``, ``Err:502``…), not a value."""
    return text in ERRORS or (text[:4] == "Err:" and _LIBRE_ERROR.fullmatch(text) is not None)


_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>.*?</f>)?<v>([^<]*)</v>'
)
_DATA_LIKE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}|\+?[\d\s().-]{7,}")
MAX_COLUMNS = 1000


@dataclass
class SheetCells:
    """Cells of a sheet the import refuses or reads with care, by column position: ``errors`` (row
    position → the error shown, e.g. ``#N/A``) and ``numbers`` (row positions of cells typed as numbers)."""

    errors: dict[int, dict[int, str]] = field(default_factory=dict)
    numbers: dict[int, np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def kind_of(path: str | os.PathLike[str], name: str | None = None) -> str | None:
    """``'xlsx'``, ``'xls'``, ``'ods'``… for a spreadsheet (by its name, else its first bytes); else None."""
    suffix = Path(name or path).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
                    return "ods"
        except (zipfile.BadZipFile, OSError):
            return None
    return None


def _open(path: Path, label: str, kind: str) -> Any:
    import python_calamine as calamine

    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise InvalidInput(
            f"{label} is protected by a password: open it, remove the password and save it again"
        ) from None
    except Exception:  # calamine's errors (zip, XML, format) all mean the same to the user
        raise InvalidInput(
            f"{label} cannot be read as an {FORMATS[kind]}: the file is damaged or is not what its name "
            "says; open it in Excel or LibreOffice and save it again"
        ) from None


def _worksheets(book: Any) -> list[str]:
    import python_calamine as calamine

    return [m.name for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]


def sheet_names(path: str | os.PathLike[str], name: str | None = None) -> list[str]:
    """The worksheets of a spreadsheet file, in its order; ``InvalidInput`` when it cannot be read."""
    kind = kind_of(path, name) or "xlsx"
    return _worksheets(_open(Path(path), name or Path(path).name, kind))


def _text(cell: Any) -> str | None:
    """A cell as the import reads it: text as typed, integral numbers without ``.0``, dates in ISO form."""
    kind = type(cell)
    if kind is str:
        return cell if cell.strip() else None
    if kind is float:
        if not math.isfinite(cell):
            return None
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if kind is bool:
        return "true" if cell else "false"
    if kind is int:
        return str(cell)
    if kind is datetime:
        return str(cell.date().isoformat() if cell.time() == time(0) else cell.isoformat(sep=" "))
    if kind is date:
        return str(cell.isoformat())
    if kind is time:
        return str(cell.isoformat())
    if kind is timedelta:
        return str(cell)
    return None if cell is None else str(cell)


def _column(values: tuple[Any, ...], at: int, cells: SheetCells) -> list[str | None]:
    """One column as text, noting its error and number cells in ``cells``."""
    if all(type(v) is str for v in values):
        found = {n: v for n, v in enumerate(values) if is_error(v)}
        if found:
            cells.errors[at] = found
        return [None if (not v.strip() or is_error(v)) else v for v in values]
    numbers = [n for n, v in enumerate(values) if type(v) is float or type(v) is int]
    if numbers:
        cells.numbers[at] = np.asarray(numbers, dtype=np.int64)
    out = [_text(v) for v in values]
    found = {n: v for n, v in enumerate(out) if v is not None and is_error(v)}
    if found:
        cells.errors[at] = found
        for n in found:
            out[n] = None
    return out


def _error_cells(path: Path, sheet_index: int, label: str) -> dict[tuple[int, int], str]:
    """Error cells of an .xlsx sheet as ``(row, column)`` (0-based) → shown value (calamine reads them as
    empty); only the sheet's XML is scanned, and only when it holds any."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(
                (n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                key=lambda n: int(re.sub(r"\D", "", n)),
            )
            if sheet_index >= len(names):
                return {}
            data = archive.read(names[sheet_index])
    except (zipfile.BadZipFile, OSError, KeyError):
        return {}
    if b't="e"' not in data:
        return {}
    found = {}
    for letters, row, shown in _ERROR_CELL.findall(data):
        col = 0
        for ch in letters.decode():
            col = col * 26 + ord(ch) - 64
        found[(int(row) - 1, col - 1)] = shown.decode("utf-8", "replace") or "#N/A"
    return found


def _xls_error_cells(path: Path, sheet: str) -> dict[tuple[int, int], str] | None:
    """Error cells of an .xls sheet as ``(row, column)`` (0-based) → shown value: calamine reads them as
    empty, xlrd (the reader of the old binary format) types them. ``None``: xlrd cannot read the file."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception:  # xlrd's errors (format, damage, encryption): calamine read the file, keep its reading
        return None
    try:
        found: dict[tuple[int, int], str] = {}
        rows = book.sheet_by_name(sheet)
        for r in range(rows.nrows):
            for c, kind in enumerate(rows.row_types(r)):
                if kind == xlrd.XL_CELL_ERROR:
                    found[(r, c)] = xlrd.error_text_from_code.get(int(rows.cell_value(r, c)), "#N/A")
        return found
    except Exception:
        return None
    finally:
        book.release_resources()


def read(
    path: str | os.PathLike[str], *, sheet: str | None = None, name: str | None = None
) -> tuple[CsvFile, list[Any], SheetCells]:
    """The chosen ``sheet`` (default: the first worksheet with a header and rows) as ``(info, [table, lines,
    []], cells)``: the info as ``csv_files.inspect`` describes a file, the rows as the CSV reader gives
    them. ``InvalidInput`` for a file that cannot be read, an unknown or empty sheet, no header row."""
    import pyarrow as pa

    source = Path(path)
    label = name or source.name
    kind = kind_of(source, name) or "xlsx"
    book = _open(source, label, kind)
    names = _worksheets(book)
    if sheet is not None and sheet not in names:
        shown = ", ".join(f"“{n}”" for n in names)
        raise InvalidInput(f"{label} has no sheet named “{sheet}”: its sheets are {shown}")
    rows: list[list[Any]] = []
    chosen = sheet
    first: tuple[str, list[list[Any]]] | None = None  # the first sheet with anything in it
    for candidate in [sheet] if sheet is not None else names:
        try:
            rows = book.get_sheet_by_name(candidate).to_python(skip_empty_area=False)
        except Exception:
            raise InvalidInput(
                f"{label}: the sheet “{candidate}” cannot be read (the file is damaged)"
            ) from None
        rows = _trimmed(rows)
        chosen = candidate
        first = first or ((candidate, rows) if rows else None)
        if len(rows) > 1:  # a header and rows (a "read me" sheet of one line is passed over)
            break
    else:
        if first is not None:
            chosen, rows = first
    if not rows:
        empty = f"{label}: the sheet “{chosen}” is empty"
        raise InvalidInput(empty if sheet is not None else f"{label} has no sheet with data")
    assert chosen is not None
    cells = SheetCells()
    width = max(len(r) for r in rows)
    header_cells = [_text(c) or "" for c in rows[0]] + [""] * (width - len(rows[0]))
    _check_header(header_cells, label, chosen, len(rows))
    found = {}
    if kind == "xlsx":
        found = _error_cells(source, names.index(chosen), label)
    elif kind == "xls":
        checked = _xls_error_cells(source, chosen)
        if checked is None:
            cells.notes.append(
                "Error cells (#N/A…) could not be told apart from empty cells in this file: check that no"
                " cell shows an error, or save it as .xlsx"
            )
        found = checked or {}
    for (r, c), shown in found.items():
        if 0 < r < len(rows) and c < width:
            cells.errors.setdefault(c, {})[r - 1] = shown
    body = [list(r) + [""] * (width - len(r)) for r in rows[1:]]
    columns = list(zip(*body, strict=True)) if body else [() for _ in range(width)]
    texts = [_column(tuple(col), at, cells) for at, col in enumerate(columns)]
    for at, errors in cells.errors.items():
        for position in errors:
            texts[at][position] = None
    table = pa.table({f"c{i}": pa.array(t, pa.string()) for i, t in enumerate(texts)})
    info = CsvFile(
        source=source,
        path=source,
        name=label,
        size=source.stat().st_size,
        encoding=kind,
        delimiter=",",
        header=header_names(header_cells),
        preview=tuple(tuple(t[n] or "" for t in texts) for n in range(min(PREVIEW_ROWS, len(body)))),
        sheet=chosen,
        sheets=tuple(names),
        rows=len(body),
    )
    cells.notes.append(
        f"Sheet “{chosen}” ({len(names)} in the workbook): row 1 gives the column names, "
        f"rows 2–{len(body) + 1:,} are the contacts"
    )
    merged = _merged(book, chosen)
    if merged:
        cells.notes.append(
            f"the sheet has {merged:,} merged cell range{'s' if merged > 1 else ''}: only the first cell of "
            "each holds the value, the others are read as empty"
        )
    return info, [table, np.arange(2, len(body) + 2, dtype=np.int64), []], cells


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows without trailing empty rows and columns (a formatted but empty area)."""

    def empty(value: Any) -> bool:
        return value is None or (type(value) is str and not value.strip())

    end = len(rows)
    while end and all(empty(v) for v in rows[end - 1]):
        end -= 1
    rows = rows[:end]
    if not rows:
        return rows
    width = max(len(r) for r in rows)
    while width and all(len(r) < width or empty(r[width - 1]) for r in rows):
        width -= 1
    return [r[:width] for r in rows] if width else []


def _check_header(cells: list[str], label: str, sheet: str, n_rows: int) -> None:
    where = f"{label}, sheet “{sheet}”"
    if not any(c.strip() for c in cells):
        raise InvalidInput(
            f"{where}: row 1 is empty; the column names must be on row 1 (delete the rows above them)"
        )
    if len(cells) > MAX_COLUMNS:
        raise InvalidInput(f"{where} has {len(cells):,} columns; at most {MAX_COLUMNS:,} are supported")
    data_like = [c for c in cells if _DATA_LIKE.fullmatch(c.strip())]
    if data_like:
        raise InvalidInput(
            f"{where}: row 1 holds data ({data_like[0].strip()}), not column names: the column names "
            "must be on row 1"
        )
    if n_rows < 2:
        raise InvalidInput(f"{where} has a header row but no rows to import")


def _merged(book: Any, sheet: str) -> int:
    try:
        ranges = book.get_sheet_by_name(sheet).merged_cell_ranges
    except Exception:
        return 0
    return len(ranges or [])


def inspect(path: str | os.PathLike[str], *, sheet: str | None = None, name: str | None = None) -> CsvFile:
    """What the sheet looks like (header, first rows, its name and the workbook's sheets)."""
    info, _read, _cells = read(path, sheet=sheet, name=name)
    return replace(info)
