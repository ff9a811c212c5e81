"""Bulk erasure: a list of identifiers → a preview of the contacts they match → deletion, a log entry each."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from validation import PLATFORMS
from validation.checks import no_control_chars
from validation.emails import normalise_emails
from validation.phones import PHONE_LIKE, read_phones

from .auth import member_action, require_admin
from .deletion import check_hint, check_reason, delete_contacts, identifier_keys, keyed_hash
from .deletion_report import e164, hashed_forms
from .errors import Conflict, InvalidInput
from .models import Actor
from .spreadsheet import neutralise

if TYPE_CHECKING:
    from .store import Store

MAX_IDENTIFIERS = 100_000
MAX_IDENTIFIER = 500
BATCH = 5_000  # contacts per transaction (each with its own log entry); a failing batch is redone one by one
OUTCOMES = ("deleted", "deleted_before", "not_found", "error")


# -- reading the file -----------------------------------------------------------------------
def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"the file is not UTF-8 text (byte {exc.start + 1}): save it as UTF-8") from None


def _dialect(text: str) -> type[csv.Dialect]:
    """The delimiter (, ; tab or |) the header line uses most; a comma when it has none."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.__getitem__)

    class Dialect(csv.excel):
        delimiter = best if counts[best] else ","

    return Dialect


def csv_columns(data: bytes) -> list[str]:
    """The header of a CSV file (delimiter detected among , ; tab |)."""
    text = _text(data)
    header = next(csv.reader(io.StringIO(text), _dialect(text)), [])
    return [h.strip() for h in header]


def read_identifiers(data: bytes, *, column: str | None = None) -> list[str]:
    """The identifiers of an uploaded file: one per line, or the values of CSV ``column`` (header
    row first). Blank lines/cells are skipped; at most 100,000 identifiers."""
    text = _text(data)
    if column is None:
        values = [line.strip() for line in text.splitlines()]
    else:
        rows = csv.reader(io.StringIO(text), _dialect(text))
        header = [h.strip() for h in next(rows, [])]
        wanted = [i for i, h in enumerate(header) if h.lower() == column.strip().lower()]
        if not wanted:
            raise InvalidInput(f"the file has no column '{column}' (columns: {', '.join(header) or 'none'})")
        values = [(row[wanted[0]] if len(row) > wanted[0] else "").strip() for row in rows]
    values = [v for v in values if v]
    if not values:
        raise InvalidInput("the file has no identifier: put one email, phone, external id or handle per line")
    if len(values) > MAX_IDENTIFIERS:
        raise InvalidInput(
            f"the file has {len(values):,} identifiers; at most {MAX_IDENTIFIERS:,} per erasure"
        )
    return values


# -- preview --------------------------------------------------------------------------------
@dataclass
class PlanRow:
    """One identifier of the file and the contacts it matches (``status``: match, deleted_before — no
    contact has it but the deletion log does, ``entry_ids`` —, not_found, invalid)."""

    line: int
    identifier: str
    status: str
    contact_ids: tuple[int, ...] = ()
    matched_by: tuple[str, ...] = ()
    detail: str = ""
    entry_ids: tuple[int, ...] = ()


@dataclass
class ErasurePlan:
    """The preview: every identifier with its matches, and the distinct contacts to delete."""

    rows: list[PlanRow]
    contact_ids: list[int]
    labels: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # contact id -> (platform, name)

    def counts(self) -> dict[str, int]:
        return {
            "identifiers": len(self.rows),
            "matched": sum(r.status == "match" for r in self.rows),
            "deleted_before": sum(r.status == "deleted_before" for r in self.rows),
            "not_found": sum(r.status == "not_found" for r in self.rows),
            "invalid": sum(r.status == "invalid" for r in self.rows),
            "contacts": len(self.contact_ids),
        }

    def frame(self) -> pd.DataFrame:
        def who(cid: int) -> str:
            platform, name = self.labels.get(cid, ("?", None))
            return f"#{cid} {platform}" + (f" {name}" if name else "")

        return pd.DataFrame(
            {
                "Line": [r.line for r in self.rows],
                "Identifier": [r.identifier for r in self.rows],
                "Status": [
                    {
                        "match": "matches",
                        "deleted_before": "deleted earlier",
                        "not_found": "not found",
                        "invalid": "invalid",
                    }[r.status]
                    for r in self.rows
                ],
                "Contacts": [
                    "; ".join(who(c) for c in r.contact_ids[:5]) + (" …" if len(r.contact_ids) > 5 else "")
                    for r in self.rows
                ],
                "Matched by": [", ".join(r.matched_by) for r in self.rows],
                "Detail": [r.detail for r in self.rows],
            }
        )

    def token(self) -> str:
        """Names this plan: the same identifiers matching the same contacts give the same token."""
        seen = [[r.identifier, r.status, list(r.contact_ids)] for r in self.rows]
        return hashlib.sha256(json.dumps([seen, self.contact_ids]).encode()).hexdigest()[:32]

    def csv(self) -> bytes:
        """The preview as a formula-neutralised CSV (a dry run's result file)."""
        return self.frame().astype(object).map(neutralise).to_csv(index=False).encode("utf-8")


def _forms(identifiers: list[str], region: str | None) -> pd.DataFrame:
    """Per identifier (vectorised): trimmed text, whether usable, its normalised email and E.164 phone."""
    raw = pd.Series([(v or "").strip() for v in identifiers], dtype="str")
    ok = (raw.str.len() <= MAX_IDENTIFIER) & (raw.str.len() > 0) & no_control_chars(raw)
    ok = ok.fillna(False).astype(bool)
    emails = normalise_emails(raw)[0]
    phoneish = raw.str.fullmatch(PHONE_LIKE, case=False).fillna(False).astype(bool) & ok
    valid, _ = read_phones(raw.where(phoneish), region, reasons=False)  # vectorised; the rest one by one
    phones = {v: e164(v, region) for v in raw[phoneish & valid.isna()].unique()}
    phones.update(zip(raw[valid.notna()], valid[valid.notna()], strict=True))
    return pd.DataFrame(
        {
            "raw": raw.astype(object),
            "ok": ok,
            "email": emails.astype(object).where(emails.notna(), None),
            "phone": [phones.get(v) for v in raw],
        },
        dtype=object,
    ).astype({"ok": bool})


def _match_frame(forms: pd.DataFrame) -> pd.DataFrame:
    """Rows to match: per usable identifier its email/phone/external id, and each handle it may be
    (``platform:handle`` when prefixed with a platform, else the text, its email or its phone)."""
    rows: list[tuple[Any, ...]] = []
    for line, (raw, ok, email, phone) in enumerate(forms.itertuples(index=False), start=1):
        if not ok:
            continue
        rows.append((line, email, phone, raw, None, None))
        prefix, _, rest = raw.partition(":")
        if rest.strip() and prefix.lower() in PLATFORMS:
            rows.append((line, None, None, None, prefix.lower(), rest.strip()))
        else:
            rows += [(line, None, None, None, None, h) for h in sorted({raw, email, phone} - {None})]
    frame = pd.DataFrame(rows, columns=["line", "email", "phone", "external_id", "platform", "handle"])
    return frame.astype({"line": "int64", **{c: object for c in frame.columns if c != "line"}})


@member_action("erase contacts")
def preview(store: Store, actor: Actor, identifiers: list[str]) -> ErasurePlan:
    """Which contacts each identifier matches (email, E.164 phone, external id, or handle — optionally
    ``platform:handle``) and which match nothing. Reads only. Admins only."""
    require_admin(actor, "erase contacts")
    from .workspace import default_region

    forms = _forms(identifiers, default_region(store))
    rows = [
        PlanRow(line, raw, "not_found")
        if ok
        else PlanRow(
            line, raw[:80], "invalid", detail=f"not an identifier (1–{MAX_IDENTIFIER} printable characters)"
        )
        for line, (raw, ok) in enumerate(zip(forms["raw"], forms["ok"], strict=True), start=1)
    ]
    found: dict[int, dict[int, set[str]]] = {}
    for line, contact_id, kind in store.deletion.match_identifiers(_match_frame(forms)):
        found.setdefault(line, {}).setdefault(contact_id, set()).add(kind)
    ordered: dict[int, None] = {}
    for row in rows:
        hits = found.get(row.line)
        if hits:
            row.status, row.contact_ids = "match", tuple(sorted(hits))
            row.matched_by = tuple(sorted(set().union(*hits.values())))
            ordered.update(dict.fromkeys(row.contact_ids))
    _mark_deleted_before(store, forms, [r for r in rows if r.status == "not_found"])
    ids = list(ordered)
    labels = store.deletion.contact_labels(ids[:5_000]) if ids else {}
    return ErasurePlan(rows, ids, labels)


def _mark_deleted_before(store: Store, forms: pd.DataFrame, rows: list[PlanRow]) -> None:
    """Identifiers no contact has but a deletion-log entry does (hashed with the workspace key as at
    deletion): an erasure run again after an interruption says which were already erased, and where."""
    secrets = identifier_keys(store) if rows else ()
    if not secrets:
        return
    hashes: list[tuple[int, str, str]] = []
    by_line = list(forms.itertuples(index=False))
    for row in rows:
        raw, _ok, email, phone = by_line[row.line - 1]
        hashes += [
            (row.line, kind, keyed_hash(secret, kind, v))
            for secret in secrets
            for kind, vs in hashed_forms(raw, email, phone).items()
            for v in vs
        ]
    found: dict[int, list[int]] = {}
    for line, entry_id in store.deletion_log.deleted_identifiers(
        pd.DataFrame(hashes, columns=["line", "kind", "hash"])
    ):
        found.setdefault(line, []).append(entry_id)
    for row in rows:
        if row.line in found:
            row.status, row.entry_ids = "deleted_before", tuple(found[row.line])
            row.detail = "deleted earlier: log entry " + ", ".join(f"#{i}" for i in row.entry_ids)


# -- execution ------------------------------------------------------------------------------
@dataclass
class ErasureResult:
    """Every identifier with its outcome; ``summary`` as the CLI prints it."""

    rows: list[dict[str, Any]]
    summary: dict[str, Any]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            self.rows, columns=["line", "identifier", "outcome", "contact_ids", "log_entries", "detail"]
        )

    def csv(self) -> bytes:
        """The result file: one line per identifier (formula-neutralised CSV, UTF-8)."""
        return self.frame().astype(object).map(neutralise).to_csv(index=False).encode("utf-8")


def _delete_all(
    store: Store,
    actor: Actor,
    ids: list[int],
    hint: str,
    reason: str,
    batch_size: int,
    progress: Callable[[str], object] | None,
) -> tuple[dict[int, int], set[int], dict[int, str]]:
    entry_of: dict[int, int] = {}  # contact id -> its log entry
    gone: set[int] = set()
    errors: dict[int, str] = {}

    def run(chunk: list[int]) -> None:
        entries, missing = delete_contacts(store, actor, chunk, hint=hint, reason=reason)
        entry_of.update({e["contact_id"]: e["id"] for e in entries})
        gone.update(missing)

    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        try:
            run(chunk)
        except Exception:  # noqa: BLE001 — redo this batch contact by contact, so one failure blocks no other
            for cid in chunk:
                try:
                    run([cid])
                except Exception as exc:  # noqa: BLE001 — recorded in the result file, never lost
                    errors[cid] = str(exc) or type(exc).__name__
        if progress:
            progress(f"{min(start + batch_size, len(ids)):,}/{len(ids):,} contacts processed")
    return entry_of, gone, errors


@member_action("erase contacts")
def execute(
    store: Store,
    actor: Actor,
    plan: ErasurePlan,
    *,
    hint: str,
    reason: str,
    batch_size: int = BATCH,
    progress: Callable[[str], object] | None = None,
) -> ErasureResult:
    """Delete the plan's contacts with one hint and reason: one log entry per contact, committed in
    batches (a batch that fails is redone contact by contact). Contacts deleted meanwhile count as
    not found. Admins only; the hint and reason are checked before anything is deleted."""
    require_admin(actor, "erase contacts")
    hint, reason = check_hint(hint), check_reason(reason)
    entry_of, gone, errors = _delete_all(
        store, actor, plan.contact_ids, hint, reason, max(int(batch_size), 1), progress
    )
    rows = []
    for r in plan.rows:
        deleted = [c for c in r.contact_ids if c in entry_of]
        failed = [c for c in r.contact_ids if c in errors]
        if r.status == "invalid" or failed:
            outcome = "error"
            detail = r.detail or "; ".join(f"contact {c}: {errors[c]}" for c in failed)
        elif deleted:
            outcome, detail = "deleted", f"matched by {', '.join(r.matched_by)}"
        elif r.status == "deleted_before":
            outcome, detail = "deleted_before", r.detail
        else:
            outcome = "not_found"
            detail = (
                "deleted meanwhile by someone else" if r.contact_ids else "no contact has this identifier"
            )
        rows.append(
            {
                "line": r.line,
                "identifier": r.identifier,
                "outcome": outcome,
                "contact_ids": " ".join(str(c) for c in deleted),
                "log_entries": " ".join(str(i) for i in ([entry_of[c] for c in deleted] or r.entry_ids)),
                "detail": detail,
            }
        )
    summary = {
        "identifiers": len(rows),
        **{o: sum(r["outcome"] == o for r in rows) for o in OUTCOMES},
        "contacts_deleted": len(entry_of),
        "contacts_failed": len(errors),
        "log_entries": [min(entry_of.values()), max(entry_of.values())] if entry_of else [],
    }
    return ErasureResult(rows, summary)


@member_action("erase contacts")
def execute_planned(
    store: Store, actor: Actor, identifiers: list[str], token: str, *, hint: str, reason: str, **kw: Any
) -> ErasureResult:
    """``execute`` the plan of ``identifiers`` the admin confirmed (``token`` of its preview); ``Conflict``
    (nothing deleted) when what they match changed since: preview again."""
    hint, reason = check_hint(hint), check_reason(reason)
    plan = preview(store, actor, identifiers)
    if plan.token() != token:
        raise Conflict("the contacts these identifiers match changed since the preview: preview again")
    return execute(store, actor, plan, hint=hint, reason=reason, **kw)
