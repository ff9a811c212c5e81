"""Bulk CSV import of contacts: read, map, validate, dry-run or commit in one transaction, rejects file, undo.

Reading lives in ``csv_files`` (the reader's refusals in ``csv_rejects``), Arrow reading and staging in
``import_frames``, header mapping in ``mapping``, row validation in ``validation.contact_import``, the
result in ``import_report``; this module runs them in order and calls the store.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import pandas as pd

from validation.contact_import import check_import

from . import csv_files, csv_rejects, import_columns, import_templates, sheet_files
from .attributes import LayoutInvalid, all_attributes, load_layout, new_attribute, save_layout
from .auth import member_action, require_admin
from .errors import InvalidInput, NotFound, Problems, UndoRefused
from .import_frames import Progress, attribute_dicts, empty_mask, read_table, sql_frames
from .import_report import (
    MATCH_KEYS,
    SAMPLE_ROWS,
    ImportResult,
    errors_text,
    rejects_frame,
    samples,
    skip_values,
)
from .import_sheets import refuse_cells, with_refused
from .mapping import SPECIAL, ColumnMap, Fallbacks, label_of, slug
from .mapping_fallbacks import document, fallback_notes, mapping_problems, resolve, split_document
from .models import PLATFORMS, Actor, utcnow
from .workspace import checked_region, default_region

if TYPE_CHECKING:
    from .csv_files import CsvFile
    from .store import Store

POLICIES = ("update", "skip", "fill-empty")
INVALID_VALUES = ("skip-value", "reject-row")


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


@member_action("import contacts")
def run_import(
    store: Store,
    actor: Actor,
    path: str | os.PathLike[str],
    *,
    mapping: ColumnMap | None = None,
    options: ImportOptions | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    name: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    fallbacks: Fallbacks | None = None,
    template: str | None = None,
    sheet: str | None = None,
) -> ImportResult:
    """Import (or dry-run) the CSV file at ``path``, or a sheet of an .xlsx/.xls/.ods file (``sheet``;
    default its first sheet with data: ``sheet_files``). Admins only.

    ``mapping`` (header → attribute key, a ``contact.*`` target or None) overrides the automatic
    mapping column by column, after the built-in ``template`` (``import_templates``); ``fallbacks``
    fill a target when its column is empty (``mapping_fallbacks``). Every row is validated; rejected
    rows are reported with every reason and never written. The rest goes in ONE transaction (nothing
    at all when anything fails) as a batch that ``undo`` can revert. Raises ``InvalidInput`` for an
    unusable file or mapping.
    """
    require_admin(actor, "import contacts")
    started = time.perf_counter()
    options = (options or ImportOptions()).checked()
    say: Progress = progress or (lambda fraction, text: None)
    plan = (mapping, fallbacks, import_templates.template(template) if template else None)
    if sheet_files.kind_of(path, name):
        info, read, cells = sheet_files.read(path, sheet=sheet, name=name)
        say(0.2, f"read {info.rows or 0:,} rows")
        result = _import_table(store, actor, info, read, plan, options, dry_run, say, started, cells)
        result.notes.extend(cells.notes)
        return result
    info = csv_files.transcode(csv_files.inspect(path, encoding=encoding, delimiter=delimiter, name=name))
    try:
        info, read = read_table(store, info, say)
        # the whole file was checked: only a chosen UTF-8 gets here
        note = csv_rejects.encoding_note(info, read[2])
        result = _import_table(store, actor, info, read, plan, options, dry_run, say, started)
        result.notes.extend([note] if note else [])
        return result
    finally:
        csv_files.cleanup(info)


def _import_table(
    store: Store,
    actor: Actor,
    info: CsvFile,
    read: list[Any],
    plan: tuple[ColumnMap | None, Fallbacks | None, dict[str, Any] | None],
    options: ImportOptions,
    dry_run: bool,
    say: Progress,
    started: float,
    cells: sheet_files.SheetCells | None = None,
) -> ImportResult:
    """The import proper; ``plan`` is ``(mapping, fallbacks, built-in template)``; ``read`` is ``[table,
    lines, rejects]``, emptied as soon as the rows are staged so the raw file's memory is free while the
    transaction writes."""
    table, lines, rejects = read
    read.clear()
    attributes = all_attributes(store)
    mapping, fallbacks, notes = resolve(info.header, attributes, plan[0], plan[1], template=plan[2])
    reasons = mapping_problems(mapping, attributes, fallbacks)
    if reasons:
        raise MappingInvalid(reasons)
    notes += fallback_notes(mapping, fallbacks, attributes)
    result = ImportResult(
        info.name if info.sheet is None else f"{info.name} › {info.sheet}",
        info.encoding,
        info.delimiter,
        info.header,
        mapping,
        dry_run,
        notes=notes,
        fallbacks=fallbacks,
        sheet=info.sheet,
    )
    empty = empty_mask(table)
    result.empty = int(empty.sum())
    keep_rows = ~empty
    targets = {c: t for c, t in mapping.items() if t}
    result.region = options.region or default_region(store)
    frame, combined = import_columns.combine(
        table, info.header, mapping, fallbacks, lines, attribute_dicts(attributes), result.region
    )
    result.notes += combined
    frame.index = pd.Index(lines)
    if result.empty:
        frame = frame[keep_rows]
    defs = {a.key: a for a in attributes}
    used = [defs[t] for t in frame.columns if t in defs]
    refused = None if cells is None else refuse_cells(frame, table, info.header, mapping, defs, cells, lines)
    typed, problems = check_import(frame, attribute_dicts(used), default_region=result.region)
    problems = problems if refused is None else with_refused(problems, refused)
    say(0.45, f"validated {len(frame):,} rows")
    problems, left_empty = skip_values(typed, problems, defs, options.invalid_values)
    result.skipped_values = len(left_empty)
    bad = np.isin(typed.index.to_numpy(), problems["row"].to_numpy(dtype=np.int64))
    staged, values = sql_frames(typed, ~bad, defs)
    del frame, typed
    result.rows = len(lines) + len({r[0] for r in rejects})
    opened = store.cursor() if dry_run else store.tx()
    with opened as cur:
        store.imports.import_stage(cur, staged, values, options.phone_platform)
        counts = store.imports.import_plan(cur, options.match_order, options.on_conflict)
        say(0.55, "matched the rows with existing contacts")
        for key in ("inserted", "updated", "unchanged", "skipped"):
            setattr(result, key, int(counts[key]))
        refused = pd.DataFrame(counts["refused"], columns=["row", "reason"]).assign(column=None, value=None)
        reader_rows, reader_reasons = csv_rejects.refused_rows(info, rejects)
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
                "file_name": result.file_name,
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


def inspect_file(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    name: str | None = None,
    sheet: str | None = None,
) -> CsvFile:
    """What the file looks like (encoding, delimiter, header, first rows; a spreadsheet's sheet and its
    sheets); ``InvalidInput`` when unusable."""
    if sheet_files.kind_of(path, name):
        return sheet_files.inspect(path, sheet=sheet, name=name)
    return csv_files.inspect(path, encoding=encoding, delimiter=delimiter, name=name)


def stash_upload(stream: bytes | bytearray | BinaryIO, name: str) -> Path:
    """Keep an uploaded file in a private temporary file; returns its path."""
    return csv_files.stash(stream, name)


def discard_upload(path: str | os.PathLike[str]) -> None:
    """Remove a file kept by ``stash_upload``."""
    csv_files.discard(path)


def suggest_mapping(
    store: Store, header: Iterable[str], template: ColumnMap | None = None
) -> tuple[ColumnMap, list[str]]:
    """The automatic mapping of ``header`` (overridden by ``template``) and notes about it (fallbacks too)."""
    mapping, fallbacks, notes = resolve(header, attributes := all_attributes(store), template)
    return mapping, notes + fallback_notes(mapping, fallbacks, attributes)


def check_mapping(store: Store, mapping: ColumnMap, fallbacks: Fallbacks | None = None) -> list[str]:
    """Why ``mapping`` (with ``fallbacks``) cannot be imported (empty when it can)."""
    return mapping_problems(mapping, all_attributes(store), fallbacks)


@member_action("undo an import")
def undo(store: Store, actor: Actor, batch_id: int) -> dict[str, Any]:
    """Undo a whole import batch (admins only); raises ``UndoRefused`` listing contacts changed since."""
    require_admin(actor, "undo an import")
    return store.imports.undo_import_batch(int(batch_id), actor.email, utcnow())


def batches(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """Import batches, newest first."""
    return store.imports.import_batches(limit)


@member_action("see imports")
def batch(store: Store, actor: Actor, batch_id: int) -> dict[str, Any]:
    """One import batch (counts, status); ``NotFound`` when there is none. Admins only."""
    require_admin(actor, "see imports")
    found = store.imports.import_batch(int(batch_id))
    if found is None:
        raise NotFound(f"import {batch_id} not found")
    return found


def templates(store: Store) -> list[dict[str, Any]]:
    """Saved mapping templates: name, mapping, fallbacks, saved_at, saved_by."""
    return [
        {**t, **dict(zip(("mapping", "fallbacks"), split_document(t["mapping"]), strict=True))}
        for t in store.imports.import_mappings()
    ]


@member_action("save import mappings")
def save_template(
    store: Store, actor: Actor, name: str, mapping: ColumnMap, fallbacks: Fallbacks | None = None
) -> str:
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
def create_attribute(
    store: Store,
    actor: Actor,
    *,
    label: str,
    key: str,
    type: str,
    options: str | Iterable[str] | None = None,
) -> str:
    """Add a custom attribute for an unmapped column (same validation as the attributes page); its key."""
    require_admin(actor, "add contact attributes")
    version, layout = load_layout(store)
    layout = new_attribute(layout, label=label, key=key, type=type, options=options)
    save_layout(store, actor, layout, base_version=version)
    added: str = layout[-1]["key"]
    return added


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
