"""Contacts as agents see them: lookup, values by attribute key, validated edits, inbound messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validation import PLATFORMS
from validation.checks import no_control_chars_ok
from validation.emails import normalise_email
from validation.phones import phone_identifier, read_phone

from . import files
from .auth import member_action
from .contact_edits import BUILTIN_KEYS, SLOT, storage_columns, typed_values
from .contact_flags import vip_filter
from .errors import ContactInvalid, InvalidInput, NotFound, PermissionDenied
from .models import Actor, utcnow
from .store.retry import retry_conflicts
from .value_labels import language_filter_label, language_label, phone_label  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from .attributes import Attribute
    from .store import Store

MAX_HANDLE = 200
PHONE_PLATFORMS = ("sms", "whatsapp")
#: The platforms as people name them (the stored code is the key).
PLATFORM_LABELS = {
    "whatsapp": "WhatsApp",
    "messenger": "Messenger",
    "instagram": "Instagram",
    "x": "X",
    "email": "Email",
    "sms": "SMS",
    "webchat": "Web chat",
}
#: The orders of the contact list: code → label ("updated" is the default and the fastest).
SORTS = {
    "updated": "Recently updated",
    "name": "Name (A–Z)",
    "created": "Newest contacts",
    "created_asc": "Oldest contacts",
}


def _region(store: Store) -> str:
    from .workspace import default_region  # (workspace → users → … → contacts: imported late)

    return default_region(store)


@dataclass(frozen=True)
class Contact:
    """One contact with every attribute value keyed by attribute key (``None`` when empty)."""

    id: int
    platform: str
    handle: str
    display_name: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        full = " ".join(p for p in (self.values.get("first_name"), self.values.get("last_name")) if p)
        return full or self.display_name or self.handle


@dataclass(frozen=True)
class SearchResult:
    """One page of a lookup and the number of matching contacts (a floor when ``more``: "1,000+")."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int
    exact: bool = False
    more: bool = False
    has_next: bool = False

    @property
    def count_text(self) -> str:
        return f"{self.total:,}+" if self.more else f"{self.total:,}"


def _definitions(store: Store, attributes: Iterable[Attribute] | None) -> Iterable[Attribute]:
    from .attributes import all_attributes

    return attributes if attributes is not None else all_attributes(store)


def get_contact(store: Store, contact_id: int, attributes: Iterable[Attribute] | None = None) -> Contact:
    """The contact with its values; raises ``NotFound``. ``attributes`` (definitions) give custom types."""
    row = store.contacts.contact_row(contact_id)
    if row is None:
        raise NotFound(f"no contact with id {contact_id}")
    types = {a.key: a.type for a in _definitions(store, attributes)}
    values = {k: row[k] for k in BUILTIN_KEYS}
    for key, slots in store.contacts.custom_values(contact_id).items():
        values[key] = slots[SLOT.get(types.get(key, ""), 0)]
    return Contact(
        id=row["id"],
        platform=row["platform"],
        handle=row["handle"],
        display_name=row["display_name"],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
        values=values,
    )


def sample_contact(store: Store, attributes: Iterable[Attribute] | None = None) -> Contact | None:
    """A contact to preview the agent panel with (the oldest one), or ``None`` in an empty workspace."""
    first = store.contacts.first_contact_id()
    return get_contact(store, first, attributes) if first is not None else None


def _exact_lookup(store: Store, query: str) -> list[dict[str, Any]]:
    q = query.strip()
    if re.fullmatch(r"#\d{1,18}", q):
        return store.contacts.exact_contacts("id", int(q[1:]))
    if "@" in q and (email := normalise_email(q)):
        return store.contacts.exact_contacts("email", email)
    phone = phone_identifier(q, _region(store))
    if phone:  # with an extension or without it: "+1 650 253 0000" finds "+16502530000;ext=12" too
        found = {
            r["id"]: r
            for form in dict.fromkeys((phone, phone.split(";")[0]))
            for r in store.contacts.exact_contacts("phone", form)
        }
        if found:
            return sorted(found.values(), key=lambda r: r["id"])
    if q and " " not in q and len(q) <= 100:
        return store.contacts.exact_contacts("external_id", q) or store.contacts.exact_contacts(
            "account_id", q
        )
    return []


def platform_label(code: str | None) -> str:
    """``'WhatsApp'`` for ``'whatsapp'``; an unknown code as it is stored."""
    return PLATFORM_LABELS.get(code or "", code or "")


def identifier_problem(store: Store, query: str) -> str | None:
    """Why ``query`` cannot be the identifier it looks like (``'not a valid email address'``…), or ``None``:
    an email (has an ``@``), a ``#id`` or a phone number (``+`` or digits only) that is not valid."""
    q = query.strip()
    if not q or " " in q and "@" not in q and not q.startswith("+"):
        return None
    if q.startswith("#"):
        return (
            None if re.fullmatch(r"#\d{1,18}", q) else "not a valid contact number (# and digits, like #42)"
        )
    if "@" in q:
        return None if normalise_email(q) else "not a valid email address"
    if re.fullmatch(r"\+?[\d\s().-]{3,}", q) and not phone_identifier(q, _region(store)):
        return None if q.isdigit() and not q.startswith("+") else "not a valid phone number"
    return None


def search(
    store: Store,
    query: str = "",
    *,
    platform: str | None = None,
    language: str | None = None,
    subscription: str | None = None,
    custom: dict[str, str] | None = None,
    page: int = 1,
    page_size: int = 25,
    order: str = "updated",
    vip: bool | None = None,
) -> SearchResult:
    """Contacts matching ``query`` and the filters (``vip``, or ``vip:yes``/``vip:no`` in the query), newest
    updated first, one page at a time. An exact email, E.164 phone, ``#id``, external or account id comes from
    an index; else every word must appear (case- and accent-insensitive) in the name, email, phone, account
    id, external id or handle. ``order`` is one of ``SORTS`` (an exact match keeps its own order)."""
    page, page_size = max(int(page), 1), min(max(int(page_size), 1), 200)
    chosen = {k: v for k, v in (custom or {}).items() if v} or None
    query, vip = vip_filter(query, vip)
    filters: dict[str, Any] = {
        "vip": vip,
        "platform": platform or None,
        "language": language or None,
        "subscription": subscription or None,
        "custom": chosen,
    }
    if query.strip():
        exact = [r for r in _exact_lookup(store, query) if _passes(store, r["id"], filters)]
        if exact:
            start = (page - 1) * page_size
            return SearchResult(
                exact[start : start + page_size],
                len(exact),
                page,
                page_size,
                exact=True,
                has_next=start + page_size < len(exact),
            )
    terms = [t for t in query.split() if t][:8]
    rows, total, more, has_next = store.contacts.search_contacts(
        terms=terms,
        limit=page_size,
        offset=(page - 1) * page_size,
        platform=platform or None,
        language=language or None,
        subscription=subscription or None,
        custom=chosen,
        vip=vip,
        order=order if order in SORTS else "updated",
    )
    seen = (page - 1) * page_size + len(rows)
    if more:  # a floor: at least what has been paged through; exact once the last page is reached
        total, more = (max(total, seen + 1), True) if has_next else (seen, False)
    return SearchResult(rows, total, page, page_size, more=more, has_next=has_next)


def _passes(store: Store, contact_id: int, filters: dict[str, Any]) -> bool:
    if not any(v is not None for v in filters.values()):
        return True
    if filters["vip"] is not None and bool(store.notes.vip_ids([contact_id])) != filters["vip"]:
        return False
    row = store.contacts.contact_row(contact_id)
    if row is None:  # deleted since the lookup found it
        return False
    if any(filters[col] and row[col] != filters[col] for col in ("platform", "subscription")):
        return False
    if filters["language"] and not in_language(row["language"], filters["language"]):
        return False
    values = store.contacts.custom_values(contact_id) if filters["custom"] else {}
    return all((values.get(k) or (None,))[0] == v for k, v in (filters["custom"] or {}).items())


def filter_options(store: Store) -> dict[str, list[str]]:
    """Values offered by the lookup filters: platforms, languages in use (``pt`` stands for ``pt``,
    ``pt-BR``, ``pt-PT``...: label them with ``language_filter_label``), subscriptions in use."""
    return {
        "platform": list(PLATFORMS),
        "language": store.contacts.primary_languages(),
        "subscription": store.contacts.distinct_values("subscription"),
    }


def in_language(tag: str | None, language: str) -> bool:
    """Whether ``tag`` is ``language`` or one of its variants (``pt-BR`` is in ``pt``), as filters read it."""
    return tag is not None and (tag == language or tag.startswith(f"{language}-"))


@member_action("edit contacts", admin=False)
def update_values(
    store: Store,
    actor: Actor,
    contact_id: int,
    expected_version: int,
    changes: dict[str, Any],
    *,
    default_region: str | None = None,
    source: str = "member",
) -> Contact:
    """Validate and save attribute values of one contact (admins and agents).

    ``changes`` maps attribute key → new value (``None``/empty clears it). Values pass the same
    normalisation and registered checks as the CSV import (national phone numbers are read in
    ``default_region``, by default the workspace's). Raises ``ContactInvalid`` (every field
    with its reason; nothing saved), ``PermissionDenied`` for CRM-managed or disabled attributes
    and a member disabled meanwhile, ``Conflict`` when someone saved since ``expected_version``,
    ``NotFound`` for a deleted contact. ``source`` names the way in for the history (member, api).
    """
    if not isinstance(actor, Actor) or actor.role not in ("admin", "agent", "system"):
        raise PermissionDenied("sign in to edit contacts")
    from .attributes import all_attributes

    defs = {a.key: a for a in all_attributes(store)}
    unknown = [k for k in changes if k not in defs]
    if unknown:
        raise ContactInvalid({k: "no such attribute" for k in unknown})
    managed = [defs[k].label for k in changes if defs[k].crm_managed]
    if managed:
        raise PermissionDenied(f"{', '.join(managed)} is managed by the CRM and read-only")
    hidden = [defs[k].label for k in changes if not defs[k].enabled]
    if hidden and actor.role != "system":  # the panel never offers them; the CLI operator may fill them
        raise PermissionDenied(
            f"{', '.join(hidden)} is disabled in the contact layout and cannot be set"
            " (an admin can enable it in Contact attributes)"
        )
    if not changes:
        return get_contact(store, contact_id)
    if default_region is None:
        from .workspace import default_region as workspace_region

        default_region = workspace_region(store)
    typed, problems = typed_values(changes, defs, default_region)
    if problems:
        raise ContactInvalid({k: f"{reason} ({value})" for k, (reason, value) in problems.items()})
    builtin, custom = storage_columns(typed, defs)
    store.contacts.update_contact_values(
        contact_id, expected_version, builtin, custom, actor.email, utcnow(), source=source
    )
    return get_contact(store, contact_id)


def store_inbound(
    store: Store,
    platform: str,
    handle: str,
    text: str,
    attachments: Iterable[files.AttachmentArg] = (),
    *,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Store an inbound message (the contacts step of ``inbox.inbound.receive``, which documents it)."""
    platform = (platform or "").strip().lower()
    handle = (handle or "").strip()
    text = (text or "").strip()
    if platform not in PLATFORMS:
        raise InvalidInput(f"platform must be one of {', '.join(PLATFORMS)}, not '{platform}'")
    if not handle or len(handle) > MAX_HANDLE or not no_control_chars_ok(handle):
        raise InvalidInput(f"the handle must be 1–{MAX_HANDLE} printable characters")
    metas = [files.read_attachment_arg(a) for a in attachments]
    if not text and not metas:
        raise InvalidInput("a message needs text or an attachment")
    # an SMS or WhatsApp handle is a phone number with its country code: "+33 6 12 34 56 78" and
    # "+33612345678" are one contact, whose phone is known from its first message
    phone = read_phone(handle, None)[0] if platform in PHONE_PLATFORMS else None
    at = at or utcnow()

    def attempt() -> dict[str, Any]:  # one transaction; the files it wrote go with it when it fails
        written: list[Path] = []
        try:
            return store.contacts.receive_message(
                platform=platform,
                handle=handle,
                text=text,
                at=at,
                attachments=metas,
                write_files=files.writer(store.attachments_dir, written),
                phone=phone,
            )
        except BaseException:
            files.remove(written)
            raise

    # Threads receiving from one new handle race to create its contact and append to one conversation:
    # the losers retry and find them, so every message is stored, on one contact.
    return retry_conflicts(
        attempt,
        gave_up="other messages kept arriving for this contact at the same moment;"
        " this one was not stored — send it again",
    )


@member_action("download attachments", admin=False)
def attachment_bytes(store: Store, actor: Actor, storage_path: str) -> bytes:
    """An attachment's bytes for a member still allowed to read them (a download runs outside the page)."""
    return files.read(store.attachments_dir, storage_path)


def conversations(store: Store, contact_id: int) -> list[dict[str, Any]]:
    """The contact's conversations, most recent first, with their message counts."""
    return store.contacts.conversations_of(contact_id)


def thread(store: Store, conversation_id: int, limit: int = 200) -> dict[str, Any]:
    """The last ``limit`` messages of a conversation in order, and attachments by message id."""
    by_message: dict[int, list[dict[str, Any]]] = {}
    for att in store.contacts.attachments_of_conversation(conversation_id):
        by_message.setdefault(att["message_id"], []).append(att)
    return {"messages": store.contacts.messages_of(conversation_id, limit), "attachments": by_message}
