"""Data-subject export (GDPR right of access): everything held about one contact as one ZIP, admins only.

The ZIP holds ``contact.json`` (UTF-8, indented; times ISO 8601 in UTC with a ``Z``, dates ``YYYY-MM-DD``),
the attachment files under ``attachments/`` and a short ``README.txt``. ``contact.json``::

    {"format": "inbox-contacts/subject-export", "version": 1,
     "exported_at": "…Z", "exported_by": "admin e-mail",
     "contact": {every stored column of the contact: id, platform, handle, display_name, created_at, …},
     "attributes": [{"key", "label", "type", "enabled", "value", "updated_at", "updated_by"}, …]
                   (every enabled attribute and any other holding a value; ``updated_*`` of custom values),
     "history": [{"attribute_key", "old_value", "new_value", "changed_at", "source", "actor", "ref"}, …]
                 or null (with "history_note") when this version keeps no history,
     "conversations": [{"id", "platform", "status", "subject", "started_at", "last_message_at",
                        "messages": [{"id", "direction", "author", "body", "sent_at",
                                      "attachments": [{"id", "filename", "content_type", "size_bytes",
                                                       "sha256", "file", "problem"}]}]}],
     "crm_lookup": {the last CRM lookup of the contact} or null,
     "imports": [{"batch_id", "action", "file_name", "created_at", "created_by", "status"}],
     "notes": [{"id", "body", "created_at", "created_by"}] or null when this version has no contact notes,
     "vip": {"marked_at", "marked_by"} when the contact is a VIP, false when not, null without the VIP flag,
     "accesses": [{"id", "accessed_at", "actor", "kind", "format"}] (earlier downloads of this data)}

``file`` is the attachment's path inside the ZIP (``attachments/<id>-<name>``), ``null`` with a ``problem``
when the stored file is missing; a file whose bytes no longer match the checksum taken when it was received
is included with a ``problem`` saying so. Each download is logged in the access log before it is written.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .auth import member_action
from .contact_edits import SLOT
from .errors import InboxError, NotFound
from .models import Actor, utcnow

if TYPE_CHECKING:
    from .store import Store

FORMAT = "inbox-contacts/subject-export"
VERSION = 1
JSON_NAME = "contact.json"
README = """Everything this workspace holds about contact #{id}, exported {at} by {by}.

contact.json   the contact, its attribute values, their history, conversations with every message,
               the attachments' details, CRM lookups, imports that touched it, notes, earlier downloads.
               UTF-8; times are UTC (ISO 8601, ending in Z).
attachments/   the attachment files, named <attachment id>-<file name> as contact.json lists them.
"""


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _entry_name(att: dict[str, Any]) -> str:
    """``attachments/12-invoice.pdf``: the id keeps names unique; no folder part, no hidden file."""
    name = re.sub(r"[/\\:\x00-\x1f]", "_", str(att["filename"])).lstrip(".") or "file"
    return f"attachments/{att['id']}-{name[:150]}"


def _attributes(store: Store, contact: dict[str, Any]) -> list[dict[str, Any]]:
    """Every attribute that has a value or is enabled: built-in columns and custom values, typed."""
    from .attributes import all_attributes

    stored = {v["key"]: v for v in store.exports.contact_values(int(contact["id"]))}
    out = []
    for a in all_attributes(store):
        row = stored.pop(a.key, None)
        if a.builtin:
            value = contact.get(a.key)
            when, by = None, None  # kept per contact (contact.updated_at) and in the history, not per value
        else:
            slots = (
                (row["value_text"], row["value_number"], row["value_date"], row["value_bool"]) if row else ()
            )
            value = slots[SLOT.get(a.type, 0)] if row else None
            when, by = (row["updated_at"], row["updated_by"]) if row else (None, None)
        if value is None and not a.enabled:
            continue
        out.append(
            {
                "key": a.key,
                "label": a.label,
                "type": a.type,
                "enabled": a.enabled,
                "value": value,
                "updated_at": when if value is not None else None,
                "updated_by": by if value is not None else None,
            }
        )
    for key, row in stored.items():  # values of an attribute no longer defined: still held, so shown
        value = next((v for v in (row["value_text"], row["value_number"], row["value_date"],
                                  row["value_bool"]) if v is not None), None)  # fmt: skip
        out.append({"key": key, "label": key, "type": None, "enabled": False, "value": value,
                    "updated_at": row["updated_at"], "updated_by": row["updated_by"]})  # fmt: skip
    return out


def _history(store: Store, contact_id: int) -> list[dict[str, Any]] | None:
    """The contact's value history, oldest first (``store.history`` of the history feature), or ``None``."""
    history = getattr(store, "history", None)
    if history is None or not hasattr(history, "for_contact"):
        return None
    rows: list[dict[str, Any]] = []
    before = None
    while True:
        page = list(history.for_contact(contact_id, limit=1000, before_id=before))
        rows += [dict(r) for r in page]
        if len(page) < 1000:
            break
        before = page[-1]["id"]
    return rows[::-1]


def collect(store: Store, actor: Actor, contact_id: int) -> dict[str, Any]:
    """The JSON document of one contact (``contact.json``), attachments not read yet."""
    contact = store.exports.contact_record(contact_id)
    if contact is None:
        raise NotFound(f"no contact with id {contact_id}")
    attachments: dict[int, list[dict[str, Any]]] = {}
    for att in store.exports.contact_attachments(contact_id):
        attachments.setdefault(int(att["message_id"]), []).append(att)
    messages: dict[int, list[dict[str, Any]]] = {}
    for m in store.exports.contact_messages(contact_id):
        m["attachments"] = attachments.pop(int(m["id"]), [])
        messages.setdefault(int(m.pop("conversation_id")), []).append(m)
    conversations = [
        {**c, "messages": messages.pop(int(c["id"]), [])}
        for c in store.exports.contact_conversations(contact_id)
    ]
    history = _history(store, contact_id)
    notes = store.exports.optional_rows("contact_notes", contact_id, "created_at, id")
    vips = store.exports.optional_rows("contact_vips", contact_id, "marked_at")
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow(),
        "exported_by": actor.email,
        "contact": contact,
        "attributes": _attributes(store, contact),
        "history": history,
        "conversations": conversations,
        "crm_lookup": store.crm.crm_lookup_status(contact_id),
        "imports": store.exports.contact_imports(contact_id),
        "notes": notes,
        "vip": None if vips is None else (vips[0] if vips else False),
        "accesses": [
            {k: e[k] for k in ("id", "accessed_at", "actor", "kind", "format")}
            for e in store.exports.access_entries(contact_id=contact_id)
        ],
    }
    if history is None:
        doc["history_note"] = "this version of the workspace keeps no history of attribute values"
    return doc


def _attachment_files(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for c in doc["conversations"] for m in c["messages"] for a in m["attachments"]]


@member_action("download a contact's data")
def write_subject_export(
    store: Store, actor: Actor, contact_id: int, out: str | Path | IO[bytes]
) -> dict[str, int]:
    """Write everything held about ``contact_id`` as a ZIP to ``out`` (a path or a binary file object) and
    log the access first; returns ``{"contact_id", "conversations", "messages", "attachments", "bytes",
    "problems"}``. Admins only; ``NotFound`` for an unknown contact."""
    from .contacts import attachment_bytes

    doc = collect(store, actor, int(contact_id))
    files = _attachment_files(doc)
    summary = {
        "contact_id": int(contact_id),
        "conversations": len(doc["conversations"]),
        "messages": sum(len(c["messages"]) for c in doc["conversations"]),
        "attachments": len(files),
    }
    store.exports.record_access(
        {
            "accessed_at": doc["exported_at"],
            "actor": actor.email,
            "kind": "subject_export",
            "format": "zip",
            "query": json.dumps({k: v for k, v in summary.items() if k != "contact_id"}),
            "contact_id": int(contact_id),
            "row_count": 1,
        }
    )
    size, problems = 0, 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for att in files:
            path = att.pop("storage_path")
            att["file"], att["problem"] = None, None
            try:
                data = attachment_bytes(store, actor, path)
            except (OSError, InboxError):
                att["problem"] = "the stored file is missing or unreadable"
                problems += 1
                continue
            if hashlib.sha256(data).hexdigest() != att["sha256"]:
                att["problem"] = "the stored file differs from the one received (checksum mismatch)"
                problems += 1
            att["file"] = _entry_name(att)
            zf.writestr(att["file"], data)
            size += len(data)
        text = json.dumps(doc, ensure_ascii=False, indent=2, default=_iso)
        zf.writestr(JSON_NAME, text.encode("utf-8"))
        zf.writestr("README.txt", README.format(id=contact_id, at=_iso(doc["exported_at"]), by=actor.email))
    return {**summary, "bytes": size, "problems": problems}


def subject_file(store: Store, actor: Actor, contact_id: int) -> IO[bytes]:
    """The ZIP in a temporary file, open for reading: for a download button."""
    from .contact_export import temporary_file

    return temporary_file(lambda sink: write_subject_export(store, actor, contact_id, sink))


def file_name(contact_id: int, at: datetime | None = None) -> str:
    """``contact-42-data-2026-12-02.zip``."""
    return f"contact-{int(contact_id)}-data-{(at or utcnow()):%Y-%m-%d}.zip"
