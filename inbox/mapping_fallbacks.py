"""Fallback columns of an import mapping: columns that fill an attribute when its own column is empty.

Representation (saved templates, built-in templates, ``--mapping`` JSON files, ``run_import``): the
mapping stays ``{header: target or None}`` with ONE column per target, the main one; fallbacks are a
separate ``{target: [header, …]}``, best first. A fallback column is unmapped (None) in the mapping,
so ``mapping_problems`` still refuses two main columns for one target. A JSON file or a saved
template holds both as ``{"mapping": {…}, "fallbacks": {…}}`` (a bare ``{header: target}`` object
means no fallbacks).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import InvalidInput
from .mapping import (
    HANDLE,
    IDENTIFIERS,
    PLATFORM,
    SPECIAL,
    ColumnMap,
    Fallbacks,
    auto_mapping,
    fold,
    label_of,
    read_mapping_file,
)

if TYPE_CHECKING:
    from .attributes import Attribute


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def main_columns(mapping: Mapping[str, str | None]) -> dict[str, str]:
    """target → the (first) column mapped to it."""
    found: dict[str, str] = {}
    for column, target in mapping.items():
        if target:
            found.setdefault(target, column)
    return found


def usable_fallbacks(mapping: ColumnMap, fallbacks: Fallbacks | None) -> Fallbacks:
    """``fallbacks`` without what the mapping overrules: targets no column maps to, columns mapped to
    something themselves, columns not in the mapping, repeats."""
    main, seen, out = main_columns(mapping), set[str](), Fallbacks()
    for target, columns in (fallbacks or {}).items():
        if target not in main:
            continue
        kept = [c for c in columns if c in mapping and not mapping[c] and c not in seen]
        seen.update(kept)
        if kept:
            out[target] = kept
    return out


def fallback_notes(
    mapping: ColumnMap, fallbacks: Fallbacks | None, attributes: Sequence[Attribute]
) -> list[str]:
    """One line per target: ``Business Phone also fills Phone when Mobile Phone is empty``, or with more
    fallbacks ``Business Phone, then Home Phone also fill Phone when Mobile Phone is empty (the first
    non-empty one)``."""
    main, notes = main_columns(mapping), list[str]()
    for target, columns in (fallbacks or {}).items():
        if target in main and columns:
            many = len(columns) > 1
            notes.append(
                f"{', then '.join(columns)} also fill{'' if many else 's'} {label_of(target, attributes)} "
                f"when {main[target]} is empty{' (the first non-empty one)' if many else ''}"
            )
    return notes


def fallback_problems(
    mapping: ColumnMap, fallbacks: Fallbacks | None, attributes: Sequence[Attribute]
) -> list[str]:
    """Why ``fallbacks`` cannot be used with ``mapping`` (empty when they can)."""
    keys = {a.key for a in attributes}
    main, problems, seen = main_columns(mapping), list[str](), set[str]()
    for target, columns in (fallbacks or {}).items():
        label = label_of(target, attributes)
        if target not in keys:
            problems.append(f"fallbacks name {target}, which is not an attribute key")
            continue
        if target not in main:
            problems.append(
                f"{_joined(list(columns))} would fill {label} when its column is empty, but no column "
                f"maps to {label}"
            )
        for column in columns:
            if column not in mapping:
                problems.append(f"the fallback column {column} is not in the file")
            elif mapping[column]:
                problems.append(
                    f"column {column} maps to {label_of(mapping[column], attributes)} and is also a "
                    f"fallback for {label}: keep one"
                )
            elif column in seen:
                problems.append(f"column {column} is a fallback twice: keep one")
            seen.add(column)
    return problems


def _layer(
    mapping: ColumnMap | None,
    fallbacks: Fallbacks | None,
    header: list[str],
    result: ColumnMap,
    fb: Fallbacks,
    explicit: set[str],
    notes: list[str],
    strict: bool,
) -> None:
    present = {fold(c): c for c in header}
    chosen = {fold(k): (v or None) for k, v in (mapping or {}).items()}
    for column in header:
        if fold(column) in chosen:
            result[column] = chosen[fold(column)]
            explicit.add(column)
            for columns in fb.values():  # set explicitly (even to nothing): no longer a fallback
                if column in columns:
                    columns.remove(column)
    absent = [k for k in (mapping or {}) if fold(k) not in present]
    for target, columns in (fallbacks or {}).items():
        absent += [c for c in columns if fold(c) not in present]
        fb[target] = [present[fold(c)] for c in columns if fold(c) in present]
    if strict:
        notes += [f"the mapping names a column this file does not have: {k}" for k in dict.fromkeys(absent)]


def resolve(
    header: Iterable[str],
    attributes: Sequence[Attribute],
    mapping: ColumnMap | None = None,
    fallbacks: Fallbacks | None = None,
    *,
    template: dict[str, Any] | None = None,
) -> tuple[ColumnMap, Fallbacks, list[str]]:
    """The mapping, fallbacks and notes for ``header``: the automatic mapping, overridden by the built-in
    ``template`` (``{"mapping", "fallbacks"}``; columns it names that the file lacks are fine: it covers
    several versions of an export), then by ``mapping``/``fallbacks`` column by column (columns they
    name that the file lacks are noted). A column set explicitly (even to nothing) leaves the fallbacks;
    a target taken explicitly is taken from the columns auto-mapping gave it; when a target keeps
    fallbacks but lost its column to nothing, its first fallback becomes its column."""
    header = list(header)
    result, fb, notes = auto_mapping(header, attributes)
    explicit: set[str] = set()
    if template:
        _layer(template.get("mapping"), template.get("fallbacks"), header, result, fb, explicit, notes, False)
    _layer(mapping, fallbacks, header, result, fb, explicit, notes, True)
    for column in header:  # the template or mapping wins a target auto-mapping gave to another column
        target = result[column]
        if target and column not in explicit and any(result[c] == target for c in explicit if c != column):
            result[column] = None
    main = main_columns(result)
    for target, columns in fb.items():
        columns[:] = [c for c in columns if not result[c]]
        if columns and target not in main:
            result[columns.pop(0)] = target
    fb = usable_fallbacks(result, fb)
    settled = explicit | {c for columns in fb.values() for c in columns}
    notes = [n for n in notes if not any(n.startswith(f"{c} is not mapped: ") for c in settled)]
    return result, fb, notes


def split_document(data: Any) -> tuple[ColumnMap, Fallbacks]:
    """``{"mapping": {…}, "fallbacks": {…}}`` or a bare mapping → (mapping, fallbacks), shapes checked."""
    if isinstance(data, dict) and isinstance(data.get("mapping"), dict):
        mapping, fallbacks = data["mapping"], data.get("fallbacks") or {}
    else:
        mapping, fallbacks = data, {}
    if not isinstance(fallbacks, dict) or not all(
        isinstance(t, str) and isinstance(cs, list) and all(isinstance(c, str) for c in cs)
        for t, cs in fallbacks.items()
    ):
        raise InvalidInput(
            '"fallbacks" must be a JSON object of attribute key → list of column headers, '
            'e.g. {"phone": ["Mobile Phone"]}'
        )
    return mapping, fallbacks


def document(mapping: ColumnMap, fallbacks: Fallbacks | None) -> dict[str, Any]:
    """What a saved template or a mapping file holds: the bare mapping when there is no fallback."""
    return {"mapping": mapping, "fallbacks": fallbacks} if fallbacks else mapping


def read_mapping_document(path: str | os.PathLike[str]) -> tuple[ColumnMap, Fallbacks]:
    """A ``--mapping`` JSON file: the mapping (checked by ``read_mapping_file``) and its fallbacks."""
    mapping = read_mapping_file(path)
    with open(path, encoding="utf-8-sig") as fh:
        return mapping, split_document(json.load(fh))[1]


def auto_map(header: Iterable[str], attributes: Sequence[Attribute]) -> tuple[ColumnMap, list[str]]:
    """``auto_mapping`` without the fallbacks (the notes name them: ``Mobile Phone also fills Phone…``)."""
    mapping, fallbacks, notes = auto_mapping(header, attributes)
    return mapping, notes + fallback_notes(mapping, fallbacks, attributes)


def apply_template(
    header: Iterable[str], attributes: Sequence[Attribute], template: ColumnMap | None
) -> tuple[ColumnMap, list[str]]:
    """Auto-mapping overridden by ``template`` (header → target or None), matched on folded headers.

    Columns the template does not name keep their automatic mapping; template entries for columns
    absent from the file are reported in the notes. (``mapping_fallbacks.resolve`` also returns the
    fallbacks, which the notes name.)
    """
    mapping, fallbacks, notes = resolve(header, attributes, template)
    return mapping, notes + fallback_notes(mapping, fallbacks, attributes)


def mapping_problems(
    mapping: ColumnMap, attributes: Sequence[Attribute], fallbacks: Fallbacks | None = None
) -> list[str]:
    """Why ``mapping`` cannot be used (empty when it can): unknown or doubled targets, CRM-managed
    attributes, half of platform+handle, no identifier column, required attributes left out, and
    fallbacks (``mapping_fallbacks``) that do not fit: a column that fills an attribute when its
    column is empty is a fallback, not a second column mapped to it."""
    by_key = {a.key: a for a in attributes}
    problems: list[str] = []
    seen: dict[str, str] = {}
    for column, target in mapping.items():
        if not target:
            continue
        if target not in by_key and target not in SPECIAL:
            problems.append(f"column {column} maps to {target}, which is not an attribute key")
            continue
        if target in by_key and by_key[target].crm_managed:
            problems.append(
                f"column {column} maps to {by_key[target].label}, which is managed by the CRM and "
                "read-only in imports: leave the column unmapped"
            )
        if target in seen:
            problems.append(
                f"columns {seen[target]} and {column} both map to {label_of(target, attributes)}: keep one"
            )
        seen.setdefault(target, column)
    if (PLATFORM in seen) != (HANDLE in seen):
        problems.append("map both a platform column and a handle column, or neither")
    if not any(k in seen for k in (*IDENTIFIERS, HANDLE)):
        problems.append(
            "no column maps to an identifier (email, phone, external id, or platform and handle): "
            "there is no way to match or create contacts"
        )
    problems += [
        f"{a.label} is required on import: map a column to it"
        for a in attributes
        if a.required_on_import and not a.crm_managed and a.key not in seen
    ]
    return problems + fallback_problems(mapping, fallbacks, attributes)
