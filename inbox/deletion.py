"""Deleting contacts (right to be forgotten) with an append-only, hash-chained deletion log."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validation.checks import no_control_chars_ok
from validation.deletion_log import DELETION_REASONS, LOG_COLUMNS, MAX_HINT

from . import checkpoints, files
from .auth import member_action, require_admin

# the deletion log's chain and hash recipe, re-exported: part of the deletion API
from .deletion_chain import Verification as Verification
from .deletion_chain import verify_log as verify_log
from .entry_hashes import _plain
from .entry_hashes import canonical_json as canonical_json
from .entry_hashes import entry_hash as entry_hash
from .entry_hashes import legacy_entry_hash as legacy_entry_hash
from .errors import InvalidInput, NotFound
from .keys import require_keys, workspace_keys
from .models import Actor, utcnow
from .store.deletion import GENESIS as GENESIS  # re-exported: the prev_hash of entry 1

if TYPE_CHECKING:
    from .key_file import Keys
    from .store import Store

SNAPSHOT_KEY = "deletion_keep_snapshot"
NAME_KEY = "deletion_keep_name"  # "name": entries keep the display name (the default); "hint": hint only
ORPHAN_GRACE_SECONDS = files.ORPHAN_GRACE_SECONDS


# -- input ---------------------------------------------------------------------------------
def check_hint(hint: object) -> str:
    """The identity hint, trimmed; ``InvalidInput`` unless 1–500 printable characters."""
    text = str(hint if hint is not None else "").strip()
    if not text:
        raise InvalidInput(
            "the identity hint is required (e.g. \"customer #1234, erasure request of 2026-11-02\")"
        )
    if len(text) > MAX_HINT:
        raise InvalidInput(f"the identity hint has {len(text)} characters; at most {MAX_HINT}")
    if not no_control_chars_ok(text):
        raise InvalidInput(
            "the identity hint must be one line without control characters (tabs, line breaks…)"
        )
    return text


def check_reason(reason: object) -> str:
    """A reason code (``gdpr_request``…) or its label (``GDPR request``); ``InvalidInput`` otherwise."""
    value = str(reason or "").strip()
    code: str | None = value.lower().replace("-", "_")
    if code not in DELETION_REASONS:
        code = {label.lower(): c for c, label in DELETION_REASONS.items()}.get(value.lower())
    if code is None:
        raise InvalidInput(f"the reason must be one of {', '.join(DELETION_REASONS)}, not '{value}'")
    return code


# -- settings ------------------------------------------------------------------------------
def keeps_snapshot(store: Store) -> bool:
    """Whether log entries also keep a JSON snapshot of every attribute value (off by default)."""
    return store.accounts.get_setting(SNAPSHOT_KEY) == "on"


@member_action("change what the deletion log keeps")
def set_keep_snapshot(store: Store, actor: Actor, on: bool) -> bool:
    """Turn the attribute snapshot of future log entries on or off. Admins only."""
    require_admin(actor, "change what the deletion log keeps")
    store.accounts.put_setting(SNAPSHOT_KEY, "on" if on else "off", actor.email, utcnow())
    return bool(on)


def keeps_name(store: Store) -> bool:
    """Whether new log entries keep the contact's display name in clear (the default) or only the hint."""
    return store.accounts.get_setting(NAME_KEY) != "hint"


@member_action("change what the deletion log keeps")
def set_keep_name(store: Store, actor: Actor, on: bool) -> bool:
    """Keep the display name in future log entries (on) or only the identity hint (off). Admins only; the
    change is recorded (who, when). Entries already written are not rewritten: the chain stays intact."""
    require_admin(actor, "change what the deletion log keeps")
    store.accounts.put_setting(NAME_KEY, "name" if on else "hint", actor.email, utcnow())
    return bool(on)


def identifier_keys(store: Store) -> tuple[bytes, ...]:
    """Every key identifiers in the log may be hashed with (the key file's, then legacy ones); empty when
    the database has no key yet (then nothing was ever deleted). ``KeyFileProblem`` when the key file is
    missing."""
    keys = workspace_keys(store, create=False)
    return keys.identifier_keys if keys is not None else ()


# -- keyed hashes of identifiers -------------------------------------------------------------
def keyed_hash(secret: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of ``kind:value`` (kinds: email, phone, handle, external_id) as hex."""
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def identifier_hashes(secret: bytes, contact: dict[str, Any]) -> dict[str, str | None]:
    """The four ``*_hmac`` columns of a contact: email lower-cased, phone (E.164 as stored),
    ``platform:handle``, external id; ``None`` for an empty identifier."""

    def h(kind: str, value: str | None) -> str | None:
        value = (value or "").strip()
        return keyed_hash(secret, kind, value) if value else None

    return {
        "email_hmac": h("email", (contact.get("email") or "").lower()),
        "phone_hmac": h("phone", contact.get("phone")),
        "handle_hmac": h("handle", f"{contact['platform']}:{contact['handle']}"),
        "external_id_hmac": h("external_id", contact.get("external_id")),
    }


# -- the entries ---------------------------------------------------------------------------
def _snapshot(contact: dict[str, Any]) -> str:
    values = {
        k: contact[k]
        for k in contact
        if k not in ("values", "conversations", "messages", "attachments", "bytes")
    }
    custom = {
        key: next((v for v in slots if v is not None), None) for key, slots in contact["values"].items()
    }
    return json.dumps({"contact": values, "values": custom}, sort_keys=True, ensure_ascii=False, default=str)


def _display_name(contact: dict[str, Any]) -> str | None:
    """The name people knew the contact by; never an identifier (no handle, email or phone)."""
    full = " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p and p.strip())
    name = (full or contact.get("display_name") or "").strip()
    return name or None


def _entry_maker(
    keys: Keys, actor: Actor, hint: str, reason: str, keep_name: bool
) -> Callable[[int, str, list[dict[str, Any]], bool], list[dict[str, Any]]]:
    def make(
        last_id: int, last_hash: str, contacts: list[dict[str, Any]], keep_snapshot: bool
    ) -> list[dict[str, Any]]:
        at, prev = utcnow(), last_hash
        out: list[dict[str, Any]] = []
        for n, contact in enumerate(contacts, start=last_id + 1):
            entry: dict[str, Any] = {
                "id": n,
                "deleted_at": at,
                "deleted_by": actor.email,
                "contact_id": int(contact["id"]),
                "platform": contact["platform"],
                "display_name": _display_name(contact) if keep_name else None,
                "identity_hint": hint,
                "reason": reason,
                **{k: int(contact[k]) for k in ("conversations", "messages", "attachments", "bytes")},
                **identifier_hashes(keys.identifier_key, contact),
                "snapshot": _snapshot(contact) if keep_snapshot else None,
                "prev_hash": prev,
            }
            entry["entry_hash"] = prev = entry_hash(keys.chain_key, entry)
            out.append(entry)
        return out

    return make


# -- use cases -----------------------------------------------------------------------------
@member_action("delete contacts")
def manifest(store: Store, actor: Actor, contact_id: int) -> dict[str, Any]:
    """What deleting the contact removes: conversations, messages, attachments, bytes. Admins only."""
    require_admin(actor, "delete contacts")
    found = store.deletion.contact_manifest(int(contact_id))
    if found is None:
        raise NotFound(f"no contact with id {contact_id}")
    return found


def public_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as JSON-ready values (timestamps ISO 8601, UTC)."""
    return {k: _plain(entry[k]) for k in LOG_COLUMNS}


@member_action("delete contacts")
def delete_contacts(
    store: Store, actor: Actor, contact_ids: list[int], *, hint: str, reason: str
) -> tuple[list[dict[str, Any]], list[int]]:
    """Delete contacts in one transaction, one log entry each; then remove their attachment files.

    Returns (entries, ids that did not exist). Admins only. Raises ``InvalidInput`` for a bad hint or
    reason, ``Conflict`` when concurrent deletions kept winning (nothing deleted then).
    """
    require_admin(actor, "delete contacts")
    hint, reason = check_hint(hint), check_reason(reason)
    if not contact_ids:
        return [], []
    keys = require_keys(store)
    make = _entry_maker(keys, actor, hint, reason, keeps_name(store))
    entries, paths, missing = store.deletion.erase_contacts(
        list(contact_ids), snapshot_key=SNAPSHOT_KEY, make_entries=make
    )
    checkpoints.record(store, keys, entries)  # one signed checkpoint per committed batch
    finish_file_removal(store, paths)
    return entries, missing


def delete_contact(store: Store, actor: Actor, contact_id: int, *, hint: str, reason: str) -> dict[str, Any]:
    """Delete one contact and everything it owns; returns its log entry. Admins only.

    Raises ``NotFound``, ``InvalidInput`` (hint, reason), ``PermissionDenied``, ``Conflict``.
    """
    entries, missing = delete_contacts(store, actor, [int(contact_id)], hint=hint, reason=reason)
    if missing or not entries:
        raise NotFound(f"no contact with id {contact_id} (it may have been deleted already)")
    return entries[0]


# -- attachment files ------------------------------------------------------------------------
def _inside(root: Path, storage_path: str) -> Path | None:
    target = (root / storage_path).resolve()
    return target if root.resolve() in target.parents else None


def _unlink(paths: list[Path]) -> list[Path]:
    """Remove files (and their emptied folders); returns those that could not be removed."""
    failed: list[Path] = []
    for path in paths:
        try:
            files.remove([path])
        except OSError:
            failed.append(path)
    return failed


def finish_file_removal(store: Store, paths: list[str]) -> int:
    """Remove the files of deleted attachments (recorded as pending in the deleting transaction),
    then forget them. Safe to repeat: a missing file is fine; a file that cannot be removed stays
    pending for the next open. Returns how many files were handled."""
    if not paths:
        return 0
    root = Path(store.attachments_dir)
    still_used = store.deletion.referenced_attachment_paths(list(paths))  # never remove a file in use
    targets = {s: _inside(root, s) for s in paths if s not in still_used}
    failed = set(_unlink([t for t in targets.values() if t is not None]))
    done = [s for s in paths if targets.get(s) not in failed]
    store.deletion.clear_pending_files(done)
    return len(done)


def remove_orphan_files(store: Store, grace_seconds: float = ORPHAN_GRACE_SECONDS) -> dict[str, int]:
    """The file step of ``inbox.open_store``: finish the file removals a crash interrupted (pending rows of
    deleted attachments), then the orphan-file sweep ``files.sweep_orphans``. Returns both counts."""
    pending = finish_file_removal(store, store.deletion.pending_files())
    return {"pending": pending, "orphans": files.sweep_orphans(store, grace_seconds)}
