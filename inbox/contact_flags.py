"""The VIP flag of a contact: set from the panel (agents, admins), shown in the list, filtered (vip:yes)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .auth import member_action
from .errors import NotFound
from .models import Actor, utcnow

if TYPE_CHECKING:
    from .store import Store

#: ``vip:yes`` / ``vip:no`` (also true/false, 1/0, any case) in a search query.
_TERM = re.compile(r"(?<!\S)vip:(yes|no|true|false|1|0)(?!\S)", re.IGNORECASE)


def vip_filter(query: str, vip: bool | None = None) -> tuple[str, bool | None]:
    """``query`` without its ``vip:yes``/``vip:no`` terms, and the VIP filter they (else ``vip``) ask for."""
    found = _TERM.findall(query or "")
    if not found:
        return query, vip
    return " ".join(_TERM.sub(" ", query).split()), found[-1].lower() in ("yes", "true", "1")


@member_action("mark VIP contacts", admin=False)
def set_vip(store: Store, actor: Actor, contact_id: int, vip: bool) -> bool:
    """Mark or unmark a contact as a VIP (admins and agents); ``NotFound`` for a deleted contact."""
    if not store.notes.set_vip(int(contact_id), bool(vip), utcnow(), actor.email):
        raise NotFound(f"no contact with id {contact_id}")
    return bool(vip)


def is_vip(store: Store, contact_id: int) -> bool:
    return bool(store.notes.vip_ids([contact_id]))


def vip_ids(store: Store, contact_ids: Iterable[int]) -> set[int]:
    """Those of ``contact_ids`` marked VIP (one query for a page of the list)."""
    return store.notes.vip_ids(contact_ids)
