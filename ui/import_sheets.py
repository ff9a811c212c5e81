"""The import page's workbook choices: which files are workbooks, the sheet to read when there are several."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from inbox import sheet_files
from inbox.errors import InvalidInput

from .text import plain

FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods"]


def is_workbook(name: str) -> bool:
    return Path(name).suffix.lower() in sheet_files.SUFFIXES


def sheet_choice(path: str, name: str) -> str | None:
    """The sheet to read: a select when the workbook has several (default: the first with data, as the import
    takes it); ``None`` for a workbook of one sheet. ``InvalidInput`` when the file cannot be read."""
    names = sheet_files.sheet_names(path, name)
    if len(names) < 2:
        return None
    key = "imp.sheet"
    if st.session_state.get(key) not in names:
        try:
            st.session_state[key] = sheet_files.inspect(path, name=name).sheet
        except InvalidInput:  # no sheet is usable: the first one says why
            st.session_state[key] = names[0]
    picked: str = st.selectbox(
        "Sheet",
        names,
        key=key,
        format_func=plain,
        help="The workbook has several sheets: choose the one holding the contacts (row 1: column names).",
    )
    return picked
