"""The access log: who exported contacts or downloaded a contact's data, when, what and how many rows."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .auth import member_action, require_admin
from .contacts import PLATFORM_LABELS, SORTS
from .models import Actor

if TYPE_CHECKING:
    from .store import Store

KINDS = {"contacts_export": "Contacts export", "subject_export": "Contact data download"}
FORMATS = {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet", "zip": "ZIP"}
FILTER_LABELS = {"platform": "Platform", "language": "Language", "subscription": "Subscription"}


@member_action("see the access log")
def entries(store: Store, actor: Actor, kind: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """The newest ``limit`` accesses first (of one ``kind`` of ``KINDS`` when given), each with ``what``:
    the search and filters of an export or the contact of a download, in words. Admins only."""
    require_admin(actor, "see the access log")
    found = store.exports.access_entries(kind=kind or None, limit=limit)
    return [{**e, "what": describe(e)} for e in found]


def describe(entry: dict[str, Any]) -> str:
    """``Search “weber” · Platform: WhatsApp · Sort: Name (A–Z)``, ``Everything (no search)`` or
    ``Contact #42 · 3 conversations, 12 messages, 2 attachments``."""
    try:
        query = json.loads(entry.get("query") or "{}")
    except ValueError:
        query = {}
    if entry["kind"] == "subject_export":
        parts = [f"Contact #{entry['contact_id']}"]
        counts = [
            f"{query[k]:,} {k[:-1] if query[k] == 1 else k}"
            for k in ("conversations", "messages", "attachments")
            if isinstance(query.get(k), int)
        ]
        return " · ".join(parts + ([", ".join(counts)] if counts else []))
    parts = [f"Search “{query['query']}”"] if query.get("query") else []
    for key, label in FILTER_LABELS.items():
        if query.get(key):
            value = PLATFORM_LABELS.get(query[key], query[key]) if key == "platform" else query[key]
            parts.append(f"{label}: {value}")
    parts += [f"{k}: {v}" for k, v in (query.get("custom") or {}).items()]
    if query.get("vip") is not None:
        parts.append("VIPs only" if query["vip"] else "Not VIPs")
    if query.get("order"):
        parts.append(f"Sort: {SORTS.get(query['order'], query['order'])}")
    return " · ".join(parts) or "Every contact (no search or filter)"
