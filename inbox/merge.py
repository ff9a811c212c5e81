"""Merging duplicate contacts (agents and admins), the merge log (admins), and likely duplicates."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .auth import member_action
from .contact_edits import SLOT
from .contacts import Contact, get_contact
from .deletion import identifier_hashes
from .errors import InvalidInput
from .keys import require_keys
from .merge_plan import Candidate, build_plan, candidates, default_choice, initials
from .models import Actor, utcnow
from .store.duplicates import GROUPS, STRONG
from .store.retry import retry_conflicts

if TYPE_CHECKING:
    from .attributes import Attribute
    from .store import Store

MAX_MERGED = 10  # contacts merged into one survivor at once (HubSpot merges two; Zendesk one at a time)
KIND_LABELS = {
    "email": "Same e-mail",
    "phone": "Same phone",
    "name_account": "Same name and account ID",
    "name": "Same name",
}


@dataclass(frozen=True)
class MergePreview:
    """What the merge dialog shows: the contacts (survivor first), their versions, and per attribute that
    differs the candidate values with the default chosen."""

    contacts: list[Contact]
    attributes: list[tuple[Attribute, list[Candidate], int]]  # (attribute, candidates, default contact id)
    conversations: dict[int, int] = field(default_factory=dict)

    @property
    def versions(self) -> dict[int, int]:
        return {c.id: c.version for c in self.contacts}


def _ids(survivor_id: int, other_ids: list[int]) -> list[int]:
    try:
        ids = list(dict.fromkeys([int(survivor_id), *(int(i) for i in other_ids)]))
    except (TypeError, ValueError):
        raise InvalidInput("contact ids are whole numbers") from None
    if len(ids) < 2:
        raise InvalidInput("choose at least one other contact to merge into this one")
    if len(ids) > MAX_MERGED + 1:
        raise InvalidInput(f"at most {MAX_MERGED} contacts can be merged into one at a time")
    return ids


def _facts(store: Store, ids: list[int]) -> tuple[list[Contact], dict[str, Any]]:
    """The contacts (``NotFound`` for a missing one) and the facts ``candidates`` reads, outside a write."""
    from .attributes import all_attributes

    attrs = all_attributes(store)
    found = [get_contact(store, i, attrs) for i in ids]
    rows = [store.contacts.contact_row(i) for i in ids]
    values = {i: store.merge.custom_values_with_time(i) for i in ids}
    return found, {"contacts": rows, "values": values}


@member_action("merge contacts", admin=False)
def preview(store: Store, actor: Actor, survivor_id: int, other_ids: list[int]) -> MergePreview:
    """The merge dialog's content: every enabled attribute whose values differ (or that only some contacts
    have), its candidates and the default (the most recently updated non-empty value)."""
    from .attributes import all_attributes

    ids = _ids(survivor_id, other_ids)
    found, facts = _facts(store, ids)
    attrs = {a.key: a for a in all_attributes(store)}
    per_key = candidates(facts, {k: a.type for k, a in attrs.items()}, store.merge.value_recency(ids))
    shown = []
    for key, cands in sorted(
        per_key.items(), key=lambda kv: attrs[kv[0]].position if kv[0] in attrs else 1e9
    ):
        attr = attrs.get(key)
        if attr is None or not attr.enabled:
            continue
        distinct = {repr(c.value) for c in cands if c.value is not None and str(c.value).strip()}
        if len(distinct) > 1 or (distinct and any(c.value is None for c in cands)):
            shown.append((attr, cands, default_choice(cands)))
    counts = {i: len(store.contacts.conversations_of(i)) for i in ids}
    return MergePreview(found, shown, counts)


@member_action("merge contacts", admin=False)
def merge_contacts(
    store: Store,
    actor: Actor,
    survivor_id: int,
    other_ids: list[int],
    *,
    choices: Mapping[str, int] | None = None,
    versions: Mapping[int, int] | None = None,
) -> dict[str, Any]:
    """Merge ``other_ids`` into ``survivor_id`` in one transaction; returns the merge-log entry.

    ``choices``: attribute key → the contact whose value survives (default: the most recently updated
    non-empty value). Conversations, messages and attachments move to the survivor; every identifier of a
    merged contact keeps naming the survivor. ``versions`` ({id: version} as the member saw them): a
    contact changed meanwhile is refused (``PreconditionFailed``, nothing merged); ``NotFound`` for one
    deleted or merged meanwhile. Agents and admins (as Zendesk agents and HubSpot users with edit rights).
    """
    from .attributes import all_attributes

    ids = _ids(survivor_id, other_ids)
    types = {a.key: a.type for a in all_attributes(store)}
    keys = require_keys(store)

    def identity(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": int(row["id"]),
            "platform": row["platform"],
            "hint": initials(row),
            **identifier_hashes(keys.identifier_key, row),
        }

    recency = store.merge.value_recency(ids)  # (read before: the transaction only reads what it writes)

    def decide(facts: dict[str, Any]) -> dict[str, Any]:
        return build_plan(facts, types, dict(choices or {}), identity, recency)

    entry = retry_conflicts(
        lambda: store.merge.merge_contacts(
            ids[0],
            ids[1:],
            versions=dict(versions or {}),
            decide=decide,
            actor=actor.email,
            at=utcnow(),
        )
    )
    return public_entry(entry)


def public_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A merge-log entry as JSON-ready values (lists decoded, timestamps ISO 8601, UTC)."""
    out = dict(entry)
    for key in ("merged_ids", "changed_keys", "identities"):
        out[key] = json.loads(out[key]) if isinstance(out[key], str) else out[key]
    out["merged_at"] = out["merged_at"].isoformat()
    return out


@member_action("read the merge log")
def merge_log(
    store: Store, actor: Actor, limit: int = 100, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Merge-log entries, newest first, and how many there are. Admins only."""
    return [public_entry(e) for e in store.merge.log_entries(limit, offset)], store.merge.log_count()


@member_action("look for duplicate contacts", admin=False)
def duplicates(
    store: Store, actor: Actor, kinds: tuple[str, ...] = STRONG, *, limit: int = 20, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Groups of likely duplicates (same e-mail, phone, or name and account id; ``name``: name alone),
    biggest first, and how many groups the whole workspace has."""
    unknown = [k for k in kinds if k not in GROUPS]
    if unknown or not kinds:
        raise InvalidInput(f"match on {', '.join(GROUPS)}, not {', '.join(unknown) or 'nothing'}")
    return store.merge.duplicate_groups(tuple(kinds), limit=limit, offset=offset)


def value_text(candidate: Candidate, type_: str) -> str:
    """A candidate value as the dialog shows it (the caller renders it as plain text)."""
    value = candidate.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return "(empty)"
    if type_ == "boolean" or isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if SLOT.get(type_) == 2 and hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


def group_contacts(store: Store, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Short rows (name parts, platform, handle, e-mail, phone, updated) of these contacts, by id."""
    return {int(r["id"]): r for r in store.merge.merge_candidates(ids)}
