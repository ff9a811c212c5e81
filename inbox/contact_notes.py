"""Notes on a contact: plain text up to 2,000 characters, with author and time, newest first.

Agents and admins add notes; a note is deleted by its author or an admin (as in Zendesk and HubSpot, where
a note belongs to whoever wrote it and admins moderate). Notes go with the contact when it is deleted.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .auth import member_action
from .errors import InvalidInput, NotFound, PermissionDenied
from .models import Actor, utcnow

if TYPE_CHECKING:
    from .store import Store

MAX_NOTE = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def checked_note(text: str | None) -> str:
    """The note as stored (line ends unified, outer blanks off); ``InvalidInput`` when empty, too long or
    holding control characters."""
    body = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise InvalidInput("a note cannot be empty")
    if len(body) > MAX_NOTE:
        raise InvalidInput(f"a note holds at most {MAX_NOTE:,} characters; this one has {len(body):,}")
    if _CONTROL.search(body):
        raise InvalidInput("a note cannot hold control characters (only text, line breaks and tabs)")
    return body


@member_action("add notes", admin=False)
def add_note(store: Store, actor: Actor, contact_id: int, text: str) -> dict[str, Any]:
    """Add a note to a contact (admins and agents); the stored note. ``NotFound`` for a deleted contact."""
    body = checked_note(text)
    note_id = store.notes.add_note(int(contact_id), body, utcnow(), actor.email)
    if note_id is None:
        raise NotFound(f"no contact with id {contact_id}")
    found = store.notes.note(note_id)
    assert found is not None
    return found


def notes(store: Store, contact_id: int, limit: int = 200) -> list[dict[str, Any]]:
    """The contact's notes, newest first (``id``, ``body``, ``created_at``, ``created_by``)."""
    return store.notes.notes_for(int(contact_id), limit)


def can_delete(actor: Actor, note: dict[str, Any]) -> bool:
    """Whether ``actor`` may delete ``note``: its author, or an admin."""
    return actor.role in ("admin", "system") or actor.email == note["created_by"]


@member_action("delete notes", admin=False)
def delete_note(store: Store, actor: Actor, note_id: int) -> None:
    """Delete a note (its author or an admin); ``NotFound`` when it is gone already."""
    note = store.notes.note(int(note_id))
    if note is None:
        raise NotFound("this note was deleted already")
    if not can_delete(actor, note):
        raise PermissionDenied("only the note's author or an admin can delete it")
    store.notes.delete_note(int(note_id))
