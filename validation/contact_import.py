"""The import schema: imported rows normalised and checked like panel edits, plus rules only a file has.

``check_import`` runs ``check_values`` (the normalisation and registered checks shared with the
agent panel) once per distinct value of each column, so a million rows with a few thousand
languages cost a few thousand checks. On top: platform and handle columns, attributes required on
import, rows without any identifier, and the same identifier twice in the file (the first line
is kept, later ones are refused naming it). Phones already international, and national numbers of
the import's region, are settled vectorised by ``validation.phones`` exactly as phonenumbers would
(tests compare them); only the rest is parsed one value at a time. Imports nothing of the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from . import PLATFORMS
from . import checks as _checks  # noqa: F401  (registers the named checks)
from .contact_values import MAX_TEXT, PROBLEM_COLUMNS, check_values

PLATFORM, HANDLE, DISPLAY_NAME = "contact.platform", "contact.handle", "contact.display_name"
IDENTIFIERS = ("external_id", "email", "phone")
MAX_HANDLE = 200
Checked = tuple[pd.Series, pd.DataFrame, np.ndarray]  # typed column, its problems, which rows are blank
REASONS = {
    "platform": "not a platform: use one of " + ", ".join(PLATFORMS),
    "handle": f"not a handle: 1–{MAX_HANDLE} characters on one line",
    "display_name": f"not a name: at most {MAX_TEXT} characters on one line",
    "handle_needs_platform": "a handle needs a platform on the same row",
    "platform_needs_handle": "a platform needs a handle on the same row",
    "required": "required: this attribute must have a value on every imported row",
    "no_identifier": (
        "no identifier: the row needs an email, a phone, an external id, or a platform and handle"
    ),
}


def _text(values: pd.Series) -> pd.Series:
    out = values.astype("str").str.strip()
    return out.mask(out == "")


def _codes(values: pd.Series | pd.Index) -> tuple[np.ndarray, pd.Series]:
    """Dictionary-encode a column: a code per row (-1 when missing) and the distinct values (pyarrow)."""
    array = values.array if isinstance(values, pd.Series) else values
    if hasattr(array, "__arrow_array__"):
        arrow = array.__arrow_array__()
    else:
        arrow = pa_arrow.array(array, from_pandas=True)
    encoded = pc.dictionary_encode(arrow)
    if isinstance(encoded, pa_arrow.ChunkedArray):
        encoded = encoded.combine_chunks()
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, pd.Series(encoded.dictionary.to_pandas(), dtype="str")


def _mostly_distinct(column: pd.Series, sample: int = 20_000) -> bool:
    """Whether most rows hold a value no other row has (e-mails, ids): then de-duplicating costs more."""
    head = column.iloc[:sample]
    return len(head) > 1000 and head.nunique() > 0.5 * len(head)


def _checked(column: pd.Series, attribute: dict[str, Any], region: str | None) -> Checked:
    """``check_values`` on the distinct values of one column, spread back over its rows (or on the
    rows themselves when nearly every value is distinct)."""
    key: str = attribute["key"]
    if _mostly_distinct(column):
        rows, problems = check_values(pd.DataFrame({key: column}), [attribute], default_region=region)
        return rows[key], problems, _text(column).isna().to_numpy()
    codes, uniques = _codes(column)
    typed_u, problems_u = check_values(pd.DataFrame({key: uniques}), [attribute], default_region=region)
    typed = pd.Series(typed_u[key].array.take(codes, allow_fill=True), index=column.index, name=key)
    # code -1 (missing) → the last entry
    blank_u = np.append(_text(uniques).isna().to_numpy(dtype=bool), True)
    blank = blank_u[codes]
    if not len(problems_u):
        return typed, pd.DataFrame(columns=PROBLEM_COLUMNS), blank
    reasons = problems_u.set_index("row")["reason"]
    bad = np.isin(codes, reasons.index.to_numpy())
    found = pd.DataFrame(
        {
            "row": column.index[bad],
            "column": key,
            "value": uniques.to_numpy()[codes[bad]],
            "reason": reasons.reindex(codes[bad]).to_numpy(),
        }
    )
    return typed, found, blank


def _by_distinct(column: pd.Series, attribute: dict[str, Any], region: str | None) -> Checked:
    """One column normalised and checked; returns the typed column, its problems, and which rows are blank.

    Phones are read by ``check_values`` over the whole column (``validation.phones`` settles most of them
    vectorised and reads the rest once per distinct value); other types once per distinct value.
    """
    if attribute["type"] == "phone":
        key = attribute["key"]
        typed, problems = check_values(pd.DataFrame({key: column}), [attribute], default_region=region)
        return typed[key], problems, _text(column).isna().to_numpy()
    return _checked(column, attribute, region)


def _special_schema(frame: pd.DataFrame) -> pa.DataFrameSchema:
    checks = {
        PLATFORM: [pa.Check.isin(list(PLATFORMS))],
        HANDLE: [pa.Check.no_control_chars(), pa.Check.str_length(1, MAX_HANDLE)],
        DISPLAY_NAME: [pa.Check.no_control_chars(), pa.Check.str_length(max_value=MAX_TEXT)],
    }
    return pa.DataFrameSchema({c: pa.Column(nullable=True, checks=checks[c]) for c in checks if c in frame})


def _special(frame: pd.DataFrame, problems: list[pd.DataFrame]) -> pd.DataFrame:
    """Platform (lower-cased), handle and display name columns, trimmed and checked."""
    typed = pd.DataFrame(index=frame.index)
    for column in (PLATFORM, HANDLE, DISPLAY_NAME):
        if column in frame:
            values = _text(frame[column])
            typed[column] = values.str.lower() if column == PLATFORM else values
    try:
        _special_schema(typed).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases.dropna(subset=["index"])
        reason = fc["column"].map(
            {PLATFORM: REASONS["platform"], HANDLE: REASONS["handle"], DISPLAY_NAME: REASONS["display_name"]}
        )
        problems.append(
            pd.DataFrame(
                {
                    "row": fc["index"].to_numpy(),
                    "column": fc["column"].to_numpy(),
                    "value": fc["failure_case"].to_numpy(),
                    "reason": reason.to_numpy(),
                }
            )
        )
    if PLATFORM in typed and HANDLE in typed:
        for column, other, reason in (
            (HANDLE, PLATFORM, "handle_needs_platform"),
            (PLATFORM, HANDLE, "platform_needs_handle"),
        ):
            alone = typed[column].notna() & typed[other].isna()
            problems.append(_rows_problem(typed.index[alone.to_numpy()], other, REASONS[reason]))
    return typed


def _rows_problem(rows: Any, column: str | None, reason: str, values: Any = None) -> pd.DataFrame:
    return pd.DataFrame({"row": rows, "column": column, "value": values, "reason": reason})


def _duplicates(
    codes: np.ndarray, index: pd.Index, column: str, label: str, shown: Callable[[np.ndarray], Any]
) -> pd.DataFrame:
    """Rows whose code (-1: no value) repeats an earlier row's; the reason names that first line."""
    valid = codes >= 0
    if not valid.any():
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    counts = np.bincount(codes[valid])
    positions = np.flatnonzero(valid & (counts[np.maximum(codes, 0)] > 1))
    if not len(positions):
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    repeated = codes[positions]
    # positions increase: the first is the earliest line
    kinds, first = np.unique(repeated, return_index=True)
    firsts = positions[first][np.searchsorted(kinds, repeated)]
    later = positions != firsts
    lines = index.to_numpy()
    return pd.DataFrame(
        {
            "row": lines[positions[later]],
            "column": column,
            "value": shown(positions[later]),
            "reason": [f"duplicate of line {n} (same {label})" for n in lines[firsts[later]]],
        }
    )


def check_import(
    frame: pd.DataFrame, attributes: list[dict[str, Any]], *, default_region: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalise and validate imported rows.

    ``frame``: one column per mapped target — attribute keys, and ``contact.platform``,
    ``contact.handle``, ``contact.display_name`` — of raw strings, indexed by line number.
    ``attributes``: the mapped attributes as dicts (``key``, ``label``, ``type``, ``options``,
    ``regex``, ``required_on_import``). Returns ``(typed, problems)``: the typed frame (same index)
    and every problem as ``row, column, value, reason`` (several per row when several columns fail),
    sorted by row.
    """
    problems: list[pd.DataFrame] = []
    typed = pd.DataFrame(index=frame.index)
    by_key = {a["key"]: a for a in attributes}
    codes: dict[str, np.ndarray] = {}
    blank: dict[str, np.ndarray] = {}

    def column(key: str) -> tuple[pd.Series, pd.DataFrame, np.ndarray, np.ndarray | None]:
        values, found, empty = _by_distinct(frame[key], by_key[key], default_region)
        # identifiers: codes of the normalised values ("A@x.com" and "a@x.com" are one address)
        return values, found, empty, (_codes(values)[0] if key in IDENTIFIERS else None)

    keys = [c for c in frame.columns if c in by_key]
    # (threads measured slower: GIL)
    for key, (values, found, empty, key_codes) in zip(keys, map(column, keys), strict=True):
        typed[key], blank[key] = values, empty
        problems.append(found)
        if key_codes is not None:
            codes[key] = key_codes
    special = _special(frame, problems)
    for name in special.columns:
        typed[name] = special[name]
    for key, attribute in by_key.items():
        if attribute.get("required_on_import") and key in blank:
            problems.append(_rows_problem(typed.index[blank[key]], key, REASONS["required"]))
    has_identifier = np.zeros(len(frame), dtype=bool)
    for name in (*IDENTIFIERS, HANDLE):
        if name in blank:
            has_identifier |= ~blank[name]
        elif name in typed:
            has_identifier |= typed[name].notna().to_numpy()
    problems.append(_rows_problem(typed.index[~has_identifier], None, REASONS["no_identifier"]))
    for key, key_codes in codes.items():
        label = by_key[key]["label"].lower()

        def values_of(at: np.ndarray, k: str = key) -> Any:
            return typed[k].to_numpy()[at]

        problems.append(_duplicates(key_codes, typed.index, key, label, values_of))
    if PLATFORM in typed and HANDLE in typed:
        p, _ = _codes(typed[PLATFORM])
        h, _ = _codes(typed[HANDLE])
        pair = np.where((p >= 0) & (h >= 0), p * (h.max() + 1) + h, -1)

        def shown(at: np.ndarray) -> np.ndarray:
            platforms = typed[PLATFORM].to_numpy()[at].astype(str)
            both: np.ndarray = platforms + " " + typed[HANDLE].to_numpy()[at].astype(str)
            return both

        problems.append(_duplicates(pair, typed.index, HANDLE, "platform and handle", shown))
    listed = [p for p in problems if len(p)]
    report = pd.concat(listed, ignore_index=True) if listed else pd.DataFrame(columns=PROBLEM_COLUMNS)
    report = report.drop_duplicates(["row", "column", "reason"]).sort_values("row", kind="stable")
    return typed, report.reset_index(drop=True)[PROBLEM_COLUMNS]
