"""Contact edits checked like imports: form values typed by the shared validation, placed in store columns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from validation.contact_values import check_values

if TYPE_CHECKING:
    from .attributes import Attribute

BUILTIN_KEYS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "account_id",
    "job_title",
    "language",
    "subscription",
    "external_id",
)
SLOT = {"number": 1, "date": 2, "boolean": 3}  # other types are stored as text (slot 0)


def _attribute_dicts(attributes: Iterable[Attribute]) -> list[dict[str, Any]]:
    return [
        {"key": a.key, "label": a.label, "type": a.type, "options": list(a.options or []), "regex": a.regex}
        for a in attributes
    ]


def _storable(value: Any, type_: str) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if type_ == "date":
        return pd.Timestamp(value).date()
    if type_ == "number":
        return float(value)
    if type_ == "boolean":
        return bool(value)
    return str(value)


def _as_input(value: Any, type_: str) -> str | None:
    """A form value as the text the shared validation expects (dates ISO, booleans yes/no)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer() and type_ == "number":
        return str(int(value))
    return str(value)


def typed_values(
    changes: Mapping[str, Any], definitions: Mapping[str, Attribute], region: str | None
) -> tuple[dict[str, Any], dict[str, tuple[str, Any]]]:
    """Normalise and validate raw values by attribute key with the shared checks (as imports do).

    Returns ``(typed, problems)``: storable Python values by key, and ``key → (reason, value)``.
    """
    if not changes:
        return {}, {}
    frame = pd.DataFrame(
        {k: pd.Series([_as_input(v, definitions[k].type)], dtype=object) for k, v in changes.items()}
    )
    typed, problems = check_values(
        frame, _attribute_dicts([definitions[k] for k in changes]), default_region=region
    )
    bad = {str(p.column): (str(p.reason), p.value) for p in problems.itertuples()}  # (both text)
    return {k: _storable(typed[k].iloc[0], definitions[k].type) for k in changes if k not in bad}, bad


def storage_columns(
    values: Mapping[str, Any], definitions: Mapping[str, Attribute]
) -> tuple[dict[str, Any], dict[str, tuple[Any, ...] | None]]:
    """``(builtin, custom)`` for the store: contact columns, and typed value slots (``None`` clears)."""
    builtin: dict[str, Any] = {}
    custom: dict[str, tuple[Any, ...] | None] = {}
    for key, value in values.items():
        if key in BUILTIN_KEYS:
            builtin[key] = value
        else:
            slots: list[Any] = [None, None, None, None]
            slots[SLOT.get(definitions[key].type, 0)] = value
            custom[key] = None if value is None else tuple(slots)
    return builtin, custom


def form_text(value: Any, type_: str) -> str | None:
    """A value typed in a form or sent as JSON, as the text the shared validation reads (as a CSV cell)."""
    return _as_input(value, type_)


def stored_value(value: Any, type_: str) -> Any:
    """A validated value as the store keeps it (``None`` when missing)."""
    return _storable(value, type_)
