"""Real spreadsheet files for the tests: .xlsx written by XlsxWriter, .xls by xlwt, .ods written by hand (a
zip of XML)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr


class Formula:
    """A formula cell with its cached value (what Excel saved: calamine reads that)."""

    def __init__(self, formula: str, value: Any):
        self.formula, self.value = formula, value


def xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A workbook with these sheets (rows of str, int, float, bool, date, datetime, ``Formula`` or None)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, Formula):
                    sheet.write_formula(r, c, cell.formula, None, cell.value)
                elif isinstance(cell, datetime):
                    sheet.write_datetime(r, c, cell, stamp)
                elif isinstance(cell, date):
                    sheet.write_datetime(r, c, datetime(cell.year, cell.month, cell.day), day)
                elif isinstance(cell, str):
                    sheet.write_string(r, c, cell)
                else:
                    sheet.write(r, c, cell)
    book.close()
    return path


# The BIFF codes of Excel's error values (xlwt's own table maps #VALUE! wrongly).
_XLS_ERRORS = {"#NULL!": 0, "#DIV/0!": 7, "#VALUE!": 15, "#REF!": 23, "#NAME?": 29, "#NUM!": 36, "#N/A": 42}


def xls(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An Excel 97-2003 workbook with these sheets (rows of str, int, float or None; a ``Formula`` whose value
    is an error is written as that error cell, as Excel saves a formula's cached error)."""
    import xlwt

    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if isinstance(cell, Formula):
                    sheet.row(r).set_cell_error(c, _XLS_ERRORS[cell.value])
                elif cell is not None:
                    sheet.write(r, c, cell)
    book.save(str(path))
    return path


_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _ods_cell(cell: Any) -> str:
    if cell is None:
        return "<table:table-cell/>"
    if isinstance(cell, bool):
        kind = f'office:value-type="boolean" office:boolean-value="{str(cell).lower()}"'
    elif isinstance(cell, (int, float)):
        kind = f'office:value-type="float" office:value="{cell}"'
    elif isinstance(cell, date):
        kind = f'office:value-type="date" office:date-value="{cell.isoformat()}"'
    else:
        kind = 'office:value-type="string"'
    return f"<table:table-cell {kind}><text:p>{escape(str(cell))}</text:p></table:table-cell>"


def ods(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An OpenDocument spreadsheet with these sheets (cells: str, int, float, bool, date or None)."""
    tables = "".join(
        f"<table:table table:name={quoteattr(name)}>"
        + "".join(f"<table:table-row>{''.join(map(_ods_cell, row))}</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path
