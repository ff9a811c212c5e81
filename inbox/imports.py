"""Bulk CSV import of contacts: read, map, validate, dry-run or commit in one transaction, rejects file, undo.

Reading lives in ``csv_files``, header mapping in ``mapping``, row validation in
``validation.contact_import``; this module runs them in order and calls the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from validation.contact_import import check_import

from . import csv_files, import_columns, import_templates
from .attributes import Attribute, LayoutInvalid, all_attributes, load_layout, new_attribute, save_layout
from .auth import member_action, require_admin
from .errors import InvalidInput, Problems, UndoRefused
from .import_report import (
    MATCH_KEYS,
    SAMPLE_ROWS,
    VALUE_COLUMNS,
    errors_text,
    rejects_frame,
    samples,
    skip_values,
)
from .mapping import DISPLAY_NAME, HANDLE, PLATFORM, SPECIAL, label_of, slug
from .mapping_fallbacks import document, fallback_notes, mapping_problems, resolve, split_document
from .models import PLATFORMS, Actor, utcnow
from .spreadsheet import neutralise, unmark_table
from .workspace import checked_region, default_region

if TYPE_CHECKING:
    from .store import Store

POLICIES = ("update", "skip", "fill-empty")
INVALID_VALUES = ("skip-value", "reject-row")
BUILTIN_COLUMNS = VALUE_COLUMNS[1:]
Progress = Callable[[float, str], None]


class MappingInvalid(Problems):
    """A column mapping that cannot be imported; ``problems`` (alias ``reasons``) has one line each."""

    @property
    def reasons(self) -> list[str]:
        return self.problems


@dataclass(frozen=True)
class ImportOptions:
    """How rows become contacts: conflict policy, match order, platform of phone-only new contacts, what an
    invalid optional value costs (``skip-value``: the cell is left empty and reported; ``reject-row``), and
    the region of phone numbers written without their country code (None: the workspace's)."""

    on_conflict: str = "update"
    match_order: tuple[str, ...] = MATCH_KEYS
    phone_platform: str = "sms"
    invalid_values: str = "skip-value"
    region: str | None = None

    def checked(self) -> ImportOptions:
        if self.on_conflict not in POLICIES:
            raise InvalidInput(f"on-conflict must be one of {', '.join(POLICIES)}, not '{self.on_conflict}'")
        order = tuple(dict.fromkeys(self.match_order))
        if not order or any(k not in MATCH_KEYS for k in order):
            raise InvalidInput(f"match order must list some of {', '.join(MATCH_KEYS)}")
        if self.phone_platform not in PLATFORMS:
            raise InvalidInput(f"the phone platform must be one of {', '.join(PLATFORMS)}")
        if self.invalid_values not in INVALID_VALUES:
            raise InvalidInput(
                f"invalid-values must be one of {', '.join(INVALID_VALUES)}, not '{self.invalid_values}'"
            )
        return ImportOptions(
            self.on_conflict,
            order,
            self.phone_platform,
            self.invalid_values,
            checked_region(self.region) if self.region else None,
        )


@dataclass
class ImportResult:
    """What an import did (or, on a dry run, would do), with the rejected rows ready to fix."""

    file_name: str
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    mapping: dict
    dry_run: bool
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    skipped_values: int = 0
    empty: int = 0
    batch_id: int | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    region: str | None = None
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    samples: dict = field(default_factory=dict)
    fallbacks: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """The figures as plain data (what the CLI prints)."""
        keys = (
            "inserted",
            "updated",
            "unchanged",
            "skipped",
            "rejected",
            "skipped_values",
            "empty",
            "rows",
            "batch_id",
            "dry_run",
            "encoding",
            "delimiter",
            "region",
            "seconds",
        )
        return {"file": self.file_name, **{k: getattr(self, k) for k in keys}, "notes": self.notes}

    def rejects_csv(self) -> bytes:
        """The rejected rows, and the imported rows whose invalid values were left empty, as CSV (the file's
        columns plus ``status`` and ``errors``), UTF-8 with BOM for Excel; cells a spreadsheet would run as
        formulas get a leading quote, which the import takes off again."""
        cells = self.rejects.astype(object).map(neutralise, na_action="ignore")
        cells.columns = [neutralise(c) for c in cells.columns]
        return cells.to_csv(index=False, sep=self.delimiter, lineterminator="\r\n").encode("utf-8-sig")


def _attribute_dicts(attributes: list[Attribute]) -> list[dict]:
    return [
        {
            "key": a.key,
            "label": a.label,
            "type": a.type,
            "options": list(a.options or []),
            "regex": a.regex,
            "required_on_import": a.required_on_import,
        }
        for a in attributes
    ]


def _read(store: Store, info, progress: Progress):
    """The file's records as Arrow plus their line numbers, the reader's refusals, the (maybe new) info."""
    if csv_files.has_blank_lines(info.path):
        info = csv_files.rewrite(info)
    try:
        table, rejects = store.imports.import_read_csv(info.path, info.delimiter, len(info.header))
    except InvalidInput:
        try:  # e.g. mixed line endings: read a canonical copy
            info = info if info.rewritten else csv_files.rewrite(info)
            table, rejects = store.imports.import_read_csv(info.path, info.delimiter, len(info.header))
        except InvalidInput as exc:
            raise InvalidInput(
                f"{info.name} cannot be read as CSV with the {info.delimiter_name} delimiter "
                f"({exc}): check the delimiter and the quotes"
            ) from None
    progress(0.2, f"read {table.num_rows:,} rows")
    table = unmark_table(table)  # '+33 6… as a spreadsheet (or our rejects file) marks text: +33 6…
    refused = np.asarray(sorted({r[0] for r in rejects}), dtype=np.int64)
    total = table.num_rows + len(refused)
    kept = np.ones(total, dtype=bool)
    kept[refused[refused - 2 < total] - 2] = False
    return info, table, np.arange(2, total + 2, dtype=np.int64)[kept][: table.num_rows], rejects


def _empty_mask(table) -> np.ndarray:
    import pyarrow.compute as pc

    mask = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        mask &= pc.is_null(column).to_numpy(zero_copy_only=False)
    return mask


def _arrow(values) -> pa.Array:
    import pyarrow as pa

    return pa.array(values.array if isinstance(values, pd.Series) else values, from_pandas=True)


def _sql_frames(typed: pd.DataFrame, keep: np.ndarray, defs: dict[str, Attribute]):
    """The rows as the store stages them (Arrow, no copy of the strings): ``line``, ``ok``, platform,
    handle and built-in columns; and the accepted custom values in long form."""
    import pyarrow as pa

    n = len(typed)
    columns = {"line": pa.array(typed.index.to_numpy(dtype=np.int64)), "ok": pa.array(keep)}
    for key, name in (
        (PLATFORM, "platform"),
        (HANDLE, "handle"),
        (DISPLAY_NAME, "display_name"),
        *((k, k) for k in BUILTIN_COLUMNS),
    ):
        columns[name] = (
            _arrow(typed[key]).cast(pa.large_string()) if key in typed else pa.nulls(n, pa.large_string())
        )
    rows = pa.table(columns)
    slots = {
        "value_text": pa.large_string(),
        "value_number": pa.float64(),
        "value_date": pa.timestamp("ns"),
        "value_bool": pa.bool_(),
    }
    parts = []
    for key in [c for c in typed.columns if c in defs and c not in BUILTIN_COLUMNS]:
        wanted = keep & typed[key].notna().to_numpy()
        slot = {"number": "value_number", "date": "value_date", "boolean": "value_bool"}.get(
            defs[key].type, "value_text"
        )
        count = int(wanted.sum())
        part = {
            "line": pa.array(typed.index.to_numpy(dtype=np.int64)[wanted]),
            "attribute_key": pa.array([key] * count, pa.large_string()),
        }
        for name, kind in slots.items():
            part[name] = _arrow(typed[key][wanted]).cast(kind) if name == slot else pa.nulls(count, kind)
        parts.append(pa.table(part))
    if not parts:
        parts.append(
            pa.table(
                {
                    "line": pa.array([], pa.int64()),
                    "attribute_key": pa.array([], pa.large_string()),
                    **{name: pa.array([], kind) for name, kind in slots.items()},
                }
            )
        )
    return rows, pa.concat_tables(parts)


@member_action("import contacts")
def run_import(
    store: Store,
    actor: Actor,
    path,
    *,
    mapping: dict | None = None,
    options: ImportOptions | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    name: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    fallbacks: dict | None = None,
    template: str | None = None,
) -> ImportResult:
    """Import (or dry-run) the CSV file at ``path``. Admins only.

    ``mapping`` (header → attribute key, a ``contact.*`` target or None) overrides the automatic
    mapping column by column, after the built-in ``template`` (``import_templates``); ``fallbacks``
    fill a target when its column is empty (``mapping_fallbacks``). Every row is validated; rejected
    rows are reported with every reason and never written. The rest goes in ONE transaction (nothing
    at all when anything fails) as a batch that ``undo`` can revert. Raises ``InvalidInput`` for an unusable file or mapping.
    """
    require_admin(actor, "import contacts")
    started = time.perf_counter()
    options = (options or ImportOptions()).checked()
    say = progress or (lambda fraction, text: None)
    info = csv_files.transcode(csv_files.inspect(path, encoding=encoding, delimiter=delimiter, name=name))
    try:
        info, *read = _read(store, info, say)
        note = csv_files.encoding_note(
            info, read[2]
        )  # the whole file was checked: only a chosen UTF-8 gets here
        plan = (mapping, fallbacks, import_templates.template(template) if template else None)
        result = _import_table(store, actor, info, read, plan, options, dry_run, say, started)
        result.notes.extend([note] if note else [])
        return result
    finally:
        csv_files.cleanup(info)


def _import_table(store: Store, actor, info, read: list, plan, options, dry_run, say, started):
    """The import proper; ``plan`` is ``(mapping, fallbacks, built-in template)``; ``read`` is ``[table, lines,
    rejects]``, emptied as soon as the rows are staged so the raw file's memory is free while the transaction writes."""
    table, lines, rejects = read
    read.clear()
    attributes = all_attributes(store)
    mapping, fallbacks, notes = resolve(info.header, attributes, plan[0], plan[1], template=plan[2])
    reasons = mapping_problems(mapping, attributes, fallbacks)
    if reasons:
        raise MappingInvalid(reasons)
    notes += fallback_notes(mapping, fallbacks, attributes)
    result = ImportResult(
        info.name,
        info.encoding,
        info.delimiter,
        info.header,
        mapping,
        dry_run,
        notes=notes,
        fallbacks=fallbacks,
    )
    empty = _empty_mask(table)
    result.empty = int(empty.sum())
    keep_rows = ~empty
    targets = {c: t for c, t in mapping.items() if t}
    result.region = options.region or default_region(store)
    frame, combined = import_columns.combine(
        table, info.header, mapping, fallbacks, lines, _attribute_dicts(attributes), result.region
    )
    result.notes += combined
    frame.index = pd.Index(lines)
    if result.empty:
        frame = frame[keep_rows]
    defs = {a.key: a for a in attributes}
    used = [defs[t] for t in frame.columns if t in defs]
    typed, problems = check_import(frame, _attribute_dicts(used), default_region=result.region)
    say(0.45, f"validated {len(frame):,} rows")
    problems, left_empty = skip_values(typed, problems, defs, options.invalid_values)
    result.skipped_values = len(left_empty)
    bad = np.isin(typed.index.to_numpy(), problems["row"].to_numpy(dtype=np.int64))
    staged, values = _sql_frames(typed, ~bad, defs)
    del frame, typed
    result.rows = len(lines) + len({r[0] for r in rejects})
    opened = store.cursor() if dry_run else store.tx()
    with opened as cur:
        store.imports.import_stage(cur, staged, values, options.phone_platform)
        plan = store.imports.import_plan(cur, options.match_order, options.on_conflict)
        say(0.55, "matched the rows with existing contacts")
        for key in ("inserted", "updated", "unchanged", "skipped"):
            setattr(result, key, int(plan[key]))
        refused = pd.DataFrame(plan["refused"], columns=["row", "reason"]).assign(column=None, value=None)
        reader_rows, reader_reasons = csv_files.refused_rows(info, rejects)
        header_of = {t: c for c, t in targets.items()}
        errors = errors_text(
            pd.concat([problems, refused], ignore_index=True) if len(refused) else problems,
            header_of,
            reader_reasons,
        )
        result.rejected = len(errors)
        left = errors_text(left_empty[~left_empty["row"].isin(errors.index)], header_of, {})
        result.rejects = rejects_frame(info, table, lines, reader_rows, errors, left)
        del table, staged, values
        if dry_run:
            result.samples = samples(store.imports.import_samples(cur, SAMPLE_ROWS), errors)
        else:
            batch = {
                "file_name": info.name,
                "encoding": info.encoding,
                "delimiter": info.delimiter,
                "on_conflict": options.on_conflict,
                "match_order": options.match_order,
                "mapping": document(mapping, fallbacks),
                **{
                    k: getattr(result, k) for k in ("inserted", "updated", "unchanged", "skipped", "rejected")
                },
                "rows_total": result.rows,
            }
            total = result.inserted + result.updated
            result.batch_id = store.imports.import_write(
                cur,
                batch=batch,
                actor=actor.email,
                at=utcnow(),
                progress=lambda done, n: say(
                    0.6 + 0.38 * done / max(n, 1), f"wrote {done:,} of {total:,} contacts"
                ),
            )
        store.imports.import_unstage(cur)
        if not dry_run:
            say(0.99, "committing")
    result.seconds = round(time.perf_counter() - started, 3)
    say(1.0, "done")
    return result


def inspect_file(path, *, encoding: str | None = None, delimiter: str | None = None, name: str | None = None):
    """What the file looks like (encoding, delimiter, header, first rows); ``InvalidInput`` when unusable."""
    return csv_files.inspect(path, encoding=encoding, delimiter=delimiter, name=name)


def stash_upload(stream, name: str):
    """Keep an uploaded file in a private temporary file; returns its path."""
    return csv_files.stash(stream, name)


def discard_upload(path) -> None:
    """Remove a file kept by ``stash_upload``."""
    csv_files.discard(path)


def suggest_mapping(store: Store, header, template: dict | None = None) -> tuple[dict, list[str]]:
    """The automatic mapping of ``header`` (overridden by ``template``) and notes about it (fallbacks too)."""
    mapping, fallbacks, notes = resolve(header, attributes := all_attributes(store), template)
    return mapping, notes + fallback_notes(mapping, fallbacks, attributes)


def check_mapping(store: Store, mapping: dict, fallbacks: dict | None = None) -> list[str]:
    """Why ``mapping`` (with ``fallbacks``) cannot be imported (empty when it can)."""
    return mapping_problems(mapping, all_attributes(store), fallbacks)


@member_action("undo an import")
def undo(store: Store, actor: Actor, batch_id: int) -> dict:
    """Undo a whole import batch (admins only); raises ``UndoRefused`` listing contacts changed since."""
    require_admin(actor, "undo an import")
    return store.imports.undo_import_batch(int(batch_id), actor.email, utcnow())


def batches(store: Store, limit: int = 50) -> list[dict]:
    """Import batches, newest first."""
    return store.imports.import_batches(limit)


def templates(store: Store) -> list[dict]:
    """Saved mapping templates: name, mapping, fallbacks, saved_at, saved_by."""
    return [
        {**t, **dict(zip(("mapping", "fallbacks"), split_document(t["mapping"])))}
        for t in store.imports.import_mappings()
    ]


@member_action("save import mappings")
def save_template(store: Store, actor: Actor, name: str, mapping: dict, fallbacks: dict | None = None) -> str:
    """Save (or replace) a named mapping template (header → target or None, and fallbacks). Admins only."""
    require_admin(actor, "save import mappings")
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise InvalidInput("a mapping template needs a name of 1–80 characters")
    attributes = all_attributes(store)
    keys = {a.key for a in attributes} | set(SPECIAL)
    unknown = sorted({t for t in [*mapping.values(), *(fallbacks or {})] if t and t not in keys})
    if unknown:
        raise InvalidInput(f"unknown attribute key(s) in the mapping: {', '.join(unknown)}")
    saved = document({str(k): (v or None) for k, v in mapping.items()}, fallbacks)
    store.imports.save_import_mapping(name, saved, actor.email, utcnow())
    return name


@member_action("delete import mappings")
def delete_template(store: Store, actor: Actor, name: str) -> bool:
    require_admin(actor, "delete import mappings")
    return store.imports.delete_import_mapping(name)


@member_action("add contact attributes")
def create_attribute(store: Store, actor: Actor, *, label: str, key: str, type: str, options=None) -> str:
    """Add a custom attribute for an unmapped column (same validation as the attributes page); its key."""
    require_admin(actor, "add contact attributes")
    version, layout = load_layout(store)
    layout = new_attribute(layout, label=label, key=key, type=type, options=options)
    save_layout(store, actor, layout, base_version=version)
    return layout[-1]["key"]


__all__ = [
    "INVALID_VALUES",
    "check_mapping",
    "discard_upload",
    "inspect_file",
    "stash_upload",
    "suggest_mapping",
    "ImportOptions",
    "ImportResult",
    "LayoutInvalid",
    "MappingInvalid",
    "POLICIES",
    "MATCH_KEYS",
    "batches",
    "create_attribute",
    "delete_template",
    "label_of",
    "run_import",
    "save_template",
    "slug",
    "templates",
    "undo",
    "UndoRefused",
]
