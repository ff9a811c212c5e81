"""Pandera schema of an edited attribute layout, and per-row readable problems."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import (
    ATTRIBUTE_TYPES,
    checks,  # noqa: F401  (registers the named checks used below)
)

BUILTIN_KEYS = frozenset(
    {
        "email",
        "first_name",
        "last_name",
        "phone",
        "account_id",
        "job_title",
        "language",
        "subscription",
        "external_id",
    }
)
MAX_LABEL = 80


class LayoutSchema(pa.DataFrameModel):
    """A whole layout after renumbering: one row per attribute, in display order."""

    key: Series[str] = pa.Field(is_slug=(), unique=True)
    label: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": MAX_LABEL}, no_control_chars=())
    type: Series[str] = pa.Field(isin=ATTRIBUTE_TYPES)
    enabled: Series[bool]
    position: Series[int] = pa.Field(ge=1, unique=True)
    options: Series[str] = pa.Field(nullable=True, is_json_list_of_str=())
    regex: Series[str] = pa.Field(nullable=True, is_valid_regex=())

    @pa.dataframe_check(name="list_needs_options")
    def list_needs_options(cls, df: pd.DataFrame) -> pd.Series:
        return (df["type"] != "list") | df["options"].notna()

    @pa.dataframe_check(name="options_only_for_lists")
    def options_only_for_lists(cls, df: pd.DataFrame) -> pd.Series:
        return (df["type"] == "list") | df["options"].isna()

    @pa.dataframe_check(name="regex_only_for_text")
    def regex_only_for_text(cls, df: pd.DataFrame) -> pd.Series:
        return (df["type"] == "text") | df["regex"].isna()

    @pa.dataframe_check(name="order_is_a_permutation")
    def order_is_a_permutation(cls, df: pd.DataFrame) -> bool:
        return sorted(df["position"].tolist()) == list(range(1, len(df) + 1))

    class Config:
        coerce = True
        strict = "filter"


REASONS = {
    "is_slug": "key must be 1–64 lower-case letters, digits or _, starting with a letter",
    "field_uniqueness": "{column} must be unique ({value} is used twice)",
    "str_length": f"label must have 1–{MAX_LABEL} characters",
    "no_control_chars": "label must not contain control characters",
    "isin": "type must be one of " + ", ".join(ATTRIBUTE_TYPES),
    "greater_than_or_equal_to": "order must be 1 or more",
    "is_json_list_of_str": "options must be a list of non-empty texts",
    "is_valid_regex": "pattern is not a valid regular expression",
    "list_needs_options": "a list attribute needs at least one option",
    "options_only_for_lists": "only list attributes have options",
    "regex_only_for_text": "only text attributes have a pattern",
    "order_is_a_permutation": "order must number the rows 1..n",
    "not_nullable": "{column} must not be empty",
}


def _frame(layout: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for item in layout:
        options = item.get("options")
        rows.append(
            {
                "key": item.get("key"),
                "label": item.get("label"),
                "type": item.get("type"),
                "enabled": bool(item.get("enabled")),
                "position": item.get("position"),
                "options": json.dumps(list(options), ensure_ascii=False) if options else None,
                "regex": item.get("regex") or None,
            }
        )
    frame = pd.DataFrame(rows, columns=["key", "label", "type", "enabled", "position", "options", "regex"])
    return frame.astype({"options": "str", "regex": "str"}) if len(frame) else frame


def _check_name(check: object) -> str:
    text = str(check)
    return text.split("(")[0]


def row_name(index: int, item: dict[str, Any]) -> str:
    """How a problem names a row of the grid: ``row 8 (Subscription)``."""
    return f"row {index + 1} ({item.get('label') or item.get('key') or 'new'})"


def layout_problems(
    layout: list[dict[str, Any]],
    only_keys: set[str] | None = None,
    *,
    name: Callable[[int, dict[str, Any]], str] = row_name,
) -> list[str]:
    """One readable line per (row, reason) that makes ``layout`` invalid; ``[]`` when valid.

    ``only_keys`` restricts row problems to those rows; ``name`` names a row in each line.
    """
    if not layout:
        return ["the layout must have at least one attribute"]
    frame = _frame(layout)
    try:
        LayoutSchema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    problems: list[str] = []
    for case in cases.itertuples(index=False):
        check = _check_name(case.check)
        column = case.column if isinstance(case.column, str) and case.column in frame.columns else None
        reason = REASONS.get(check, check).format(column=column or "value", value=case.failure_case)
        index = case.index
        if index is None or index != index:  # a whole-frame check
            line = reason
        else:
            item = layout[int(index)]
            if only_keys is not None and item.get("key") not in only_keys:
                continue
            line = f"{name(int(index), item)}: {reason}"
        if line not in problems:
            problems.append(line)
    return problems
