"""Normalise and validate contact attribute values: one panel edit or a million imported rows.

Both the agent panel and the CSV import call ``check_values`` so that they accept and refuse
exactly the same things. Attributes are passed as plain dicts (``key``, ``label``, ``type``,
``options``, ``regex``) — this package imports nothing of the app.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

from . import checks  # noqa: F401  (registers the named checks)
from .emails import normalise_emails
from .failures import failures_frame
from .languages import normalise_languages
from .phones import read_phones

PROBLEM_COLUMNS = ["row", "column", "value", "reason"]
Problem = tuple[Any, Any, Any, str]  # row label, column, value, reason
MAX_TEXT = 1000
_TRUE = {"true", "yes", "y", "1", "oui", "vrai", "x", "on"}
_FALSE = {"false", "no", "n", "0", "non", "faux", "off"}

REASONS = {
    "is_email": "not a valid email address",
    "is_e164": "not a phone number: use the international form +<country code><number>",
    "is_phone_number": "not a valid phone number",
    "is_language_tag": "not a language: use a name such as French or a code such as fr, pt-BR",
    "is_url": "not a web address (http:// or https://)",
    "no_control_chars": "contains control characters",
    "str_length": f"longer than {MAX_TEXT} characters",
    "str_matches": "does not match the pattern {regex}",
    "isin": "not one of: {options}",
}


def _text(values: pd.Series) -> pd.Series:
    """Strings, trimmed, with empty strings as missing."""
    out = values.astype("str").str.strip()
    return out.mask(out == "")


def _phones(raw: pd.Series, key: str, region: str | None, problems: list[Problem]) -> pd.Series:
    """Phones as libphonenumber reads them (``validation.phones``); each refused one with its reason."""
    stored, reasons = read_phones(raw, region)
    bad = raw.notna() & stored.isna()
    for row, value, reason in zip(raw.index[bad], raw[bad], reasons[bad], strict=True):
        problems.append((row, key, value, reason))
    return stored.where(~bad, raw)


def _coerced(raw: pd.Series, typed: pd.Series, reason: str, key: str, problems: list[Problem]) -> None:
    bad = raw.notna() & typed.isna()
    for row, value in raw[bad].items():
        problems.append((row, key, value, reason))


def _normalise(
    column: pd.Series, attr: dict[str, Any], region: str | None, problems: list[Problem]
) -> pd.Series:
    kind, key = attr["type"], attr["key"]
    if kind == "boolean" and column.dtype == bool:
        return column.astype("boolean")
    raw = _text(column)
    if kind == "email":
        normal, reasons = normalise_emails(raw)
        refused = reasons.notna()
        for row, value, reason in zip(raw.index[refused], raw[refused], reasons[refused], strict=True):
            problems.append((row, key, value, reason))
        return normal.where(reasons.isna(), raw)
    if kind == "phone":
        return _phones(raw, key, region, problems)
    if kind == "url":
        bare = (
            raw.notna()
            & ~raw.str.contains("://", regex=False).fillna(False)
            & raw.str.contains(".", regex=False)
        )
        return raw.mask(bare, "https://" + raw)
    if kind == "number":
        typed = pd.to_numeric(raw.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True), errors="coerce")
        _coerced(raw, typed, "not a number", key, problems)
        return typed.astype("float64")
    if kind == "date":
        typed = pd.to_datetime(raw, format="ISO8601", errors="coerce").dt.normalize()
        _coerced(raw, typed, "not a date: use YYYY-MM-DD", key, problems)
        return typed
    if kind == "boolean":
        low = raw.str.lower()
        typed = pd.Series(pd.NA, index=raw.index, dtype="boolean")
        typed[low.isin(_TRUE).fillna(False)] = True
        typed[low.isin(_FALSE).fillna(False)] = False
        _coerced(raw, typed, "not yes/no (use true/false, yes/no, 1/0)", key, problems)
        return typed
    if kind == "list":
        options = list(attr.get("options") or [])
        canonical = {o.lower(): o for o in options}
        return raw.map(lambda v: canonical.get(v.lower(), v), na_action="ignore").astype("str")
    if key == "language":
        return normalise_languages(raw)
    return raw


def _checks(attr: dict[str, Any]) -> list[pa.Check]:
    kind = attr["type"]
    # (e-mails and phones are judged while normalised, each refusal with its reason: is_email would read
    # every address a second time, so e-mails get only the text checks here)
    found = {
        "phone": [pa.Check.is_e164()],
        "url": [pa.Check.is_url()],
        "list": [pa.Check.isin(list(attr.get("options") or []))],
    }.get(kind, [])
    if kind in ("text", "list", "email", "phone", "url"):
        found += [pa.Check.no_control_chars(), pa.Check.str_length(max_value=MAX_TEXT)]
    if kind == "text" and attr.get("regex"):
        found.append(pa.Check.str_matches(attr["regex"]))
    if attr["key"] == "language":
        found.append(pa.Check.is_language_tag())
    return found


def check_values(
    frame: pd.DataFrame, attributes: list[dict[str, Any]], *, default_region: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalise then validate the columns of ``frame`` named after ``attributes`` keys.

    Normalisation: trim; empty → missing; e-mails to ``validation.emails`` form; phones to E.164
    (``default_region`` for national numbers); language names/locales to BCP 47 tags; list values to
    their option's spelling; numbers, dates (ISO 8601) and yes/no typed. Returns ``(typed, problems)``:
    the typed frame (same index) and one problem row per (row, column) with ``row, column, value, reason``.
    """
    problems: list[Problem] = []
    typed = pd.DataFrame(index=frame.index)
    by_key = {a["key"]: a for a in attributes}
    for key in [c for c in frame.columns if c in by_key]:
        typed[key] = _normalise(frame[key], by_key[key], default_region, problems)
    schema = pa.DataFrameSchema(
        {
            key: pa.Column(nullable=True, checks=_checks(by_key[key]))
            for key in typed.columns
            if _checks(by_key[key])
        }
    )
    try:
        schema.validate(typed, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        for case in failures_frame(exc).itertuples(index=False):
            if case.row is None or case.column not in by_key:
                continue
            attr = by_key[case.column]
            name = str(case.check).split("(")[0]
            reason = REASONS.get(name, name).format(
                regex=attr.get("regex"), options=", ".join(attr.get("options") or [])
            )
            problems.append((case.row, case.column, case.value, reason))
    report = pd.DataFrame(problems, columns=PROBLEM_COLUMNS).drop_duplicates(["row", "column"])
    return typed, report.reset_index(drop=True)
