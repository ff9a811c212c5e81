"""The raw value of each target per row: fallback columns coalesced, Google ``a ::: b`` cells split.

``combine`` turns the file (one column per header) into one raw column per mapped target before
validation. A target's value is its column's cell, or, when that cell is empty, the first non-empty
cell of its fallback columns (``mapping_fallbacks``). A cell holding several values joined by
`` ::: `` (Google Contacts) gives the first of them that ``check_values`` accepts (the first one when
none is valid, so the row is refused with the usual reason). Nothing is dropped silently: the other
values of a multi-value cell and the values of fallback columns not used because the main column
had one go to the custom attribute ``other_emails`` / ``other_phones`` when the workspace has it
(an admin creates it on purpose), else the import notes count them and show the first few.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from validation.contact_values import check_values

SEPARATOR = " ::: "
EXTRA_KEYS = {"email": "other_emails", "phone": "other_phones"}
SHOWN = 5
_SPLIT = re.compile(r"\s+:::\s+")


def _blank(values: pd.Series) -> np.ndarray:
    return np.array(values.isna() | (values.astype("str").str.strip() == ""), dtype=bool)


def _parts(cell: object) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in _SPLIT.split(str(cell).strip()) if p.strip()))


def _valid(values: list[str], attribute: dict[str, Any] | None, region: str | None) -> set[str]:
    """The ``values`` that ``check_values`` accepts for ``attribute`` (all of them for a special target)."""
    if attribute is None or not values:
        return set(values)
    frame = pd.DataFrame({attribute["key"]: pd.Series(values, dtype="str")})
    typed, problems = check_values(frame, [attribute], default_region=region)
    bad = set(problems["row"].tolist()) | set(
        np.flatnonzero(typed[attribute["key"]].isna().to_numpy()).tolist()
    )
    return {v for n, v in enumerate(values) if n not in bad}


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


def _shown(found: list[tuple[int, str]]) -> str:
    text = "; ".join(f"line {line}: {value}" for line, value in found[:SHOWN])
    return text + (f"; and {len(found) - SHOWN:,} more" if len(found) > SHOWN else "")


def _target(
    columns: list[pd.Series[Any]],
    names: list[str],
    attribute: dict[str, Any] | None,
    region: str | None,
    label: str,
    notes: list[str],
) -> tuple[pd.Series[Any], dict[int, list[str]]]:
    """The raw column of one target and, per row position, the values it leaves over (or {})."""
    value = columns[0].copy()  # (the blank test costs a pass over the column: only with fallbacks)
    empty = _blank(value) if len(columns) > 1 else np.zeros(len(value), dtype=bool)
    left: dict[int, list[str]] = {}
    for name, other in zip(names[1:], columns[1:], strict=True):
        filled = ~_blank(other)
        use = empty & filled
        both = ~empty & filled
        value[use] = other[use]
        if use.any():
            notes.append(f"{name} filled {label} on {_rows(int(use.sum()))} where {names[0]} was empty")
        for position in np.flatnonzero(both).tolist():
            left.setdefault(position, []).extend(_parts(other.iat[position]))
        empty = empty & ~filled
    multi = value.str.contains(":::", regex=False).fillna(False).to_numpy(dtype=bool)
    if multi.any():
        cells = {p: _parts(value.iat[p]) for p in np.flatnonzero(multi).tolist()}
        valid = _valid(sorted({v for parts in cells.values() for v in parts}), attribute, region)
        for position, parts in cells.items():
            chosen = next((v for v in parts if v in valid), parts[0] if parts else None)
            value.iat[position] = chosen
            left.setdefault(position, [])[:0] = [v for v in parts if v != chosen]
        notes.append(
            f"{label}: {_rows(len(cells))} held several values joined by ':::'; the first valid one "
            "was imported"
        )
    return value, {p: [v for v in dict.fromkeys(vs) if v != value.iat[p]] for p, vs in left.items()}


def combine(
    table: Any,  # a pyarrow.Table (pyarrow has no type information)
    header: Sequence[str],
    mapping: dict[str, str | None],
    fallbacks: dict[str, list[str]] | None,
    lines: np.ndarray[Any, np.dtype[np.int64]],
    attributes: list[dict[str, Any]],
    region: str | None,
) -> tuple[pd.DataFrame, list[str]]:
    """One raw column per mapped target (positions as in ``table``) and notes on how they were filled.

    ``mapping``: header → target or None; ``fallbacks``: target → headers, best first; ``lines``: the
    file line of each table row; ``attributes``: every attribute as ``check_values`` dicts.
    """
    position = {c: n for n, c in enumerate(header)}
    by_key = {a["key"]: a for a in attributes}
    mapped = {t for t in mapping.values() if t}
    frame: dict[str, pd.Series[Any]] = {}
    notes: list[str] = []
    for column, target in mapping.items():
        if not target:
            continue
        names = [column, *(fallbacks or {}).get(target, [])]
        label = by_key[target]["label"] if target in by_key else target
        raw = [table.column(position[n]).to_pandas() for n in names]
        frame[target], left = _target(raw, names, by_key.get(target), region, label, notes)
        left = {p: vs for p, vs in left.items() if vs}
        if not left:
            continue
        extra = EXTRA_KEYS.get(target)
        # only valid values go there; the rest is noted below
        if extra is not None and extra in by_key and extra not in mapped:
            valid = _valid(sorted({v for vs in left.values() for v in vs}), by_key.get(target), region)
            kept = pd.Series([None] * len(raw[0]), dtype="object")
            for p, vs in left.items():
                kept.iat[p] = ", ".join(v for v in vs if v in valid) or None
            frame[extra] = kept
            notes.append(
                f"{label}: the other values of {_rows(int(kept.notna().sum()))} are kept in "
                f"{by_key[extra]['label']}"
            )
            left = {p: [v for v in vs if v not in valid] for p, vs in left.items()}
            extra = None
        found = [(int(lines[p]), v) for p, vs in sorted(left.items()) for v in vs]
        if found:
            hint = f" (add a text attribute with the key {extra} to keep them)" if extra else ""
            count = f"{len(found):,} other value{'s were' if len(found) > 1 else ' was'}"
            notes.append(f"{label}: {count} not imported{hint}: {_shown(found)}")
    return pd.DataFrame(frame), notes
