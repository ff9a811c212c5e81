"""Inbound messages: store the message and its contact (``contacts``), then a CRM lookup (``crm``)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import contacts, crm

if TYPE_CHECKING:
    from .store import Store


def receive(
    store: Store,
    platform: str,
    handle: str,
    text: str,
    attachments: Iterable[str | os.PathLike[str] | tuple[str, bytes]] = (),
    *,
    at: datetime | None = None,
) -> dict[str, Any]:
    """An inbound message: append to the contact's open conversation, or start one.

    Creates the contact when no contact has this (platform, handle) — also after a deletion,
    which then yields a new id and none of the old data. ``attachments`` are file paths or
    ``(filename, bytes)`` pairs. Returns ``contact_id``, ``conversation_id``, ``message_id``,
    ``new_contact``. Raises ``InvalidInput`` for an unknown platform, empty handle or message.
    A new contact is then looked up in the CRM (Enterprise, CRM on); that step never raises.
    """
    result = contacts.store_inbound(store, platform, handle, text, attachments, at=at)
    crm.after_receive(store, result)  # never raises: a CRM failure is recorded, the message is kept
    return result
