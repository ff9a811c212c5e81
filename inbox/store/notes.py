"""SQL for notes on a contact and the VIP flag (``contact_notes``, ``contact_vips``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .contacts import receive_locks
from .repository import Repository

_NOTE_COLS = ("id", "contact_id", "body", "created_at", "created_by")


class NotesSQL(Repository):
    """Notes (add, list newest first, delete) and VIP flags (set, read for a page of contacts)."""

    def add_note(self, contact_id: int, body: str, at: datetime, by: str) -> int | None:
        """The new note's id, or ``None`` when the contact does not exist (nothing written). Under the
        contact's inbound locks, as deletions and merges take them: never a note for a removed contact."""
        with receive_locks(self, [int(contact_id)]), self.tx() as cur:
            if not cur.execute("SELECT count(*) FROM contacts WHERE id = ?", [int(contact_id)]).fetchall()[0][
                0
            ]:
                return None
            rows = cur.execute(
                "INSERT INTO contact_notes (contact_id, body, created_at, created_by) VALUES (?, ?, ?, ?)"
                " RETURNING id",
                [int(contact_id), body, at, by],
            ).fetchall()
        return int(rows[0][0])

    def notes_for(self, contact_id: int, limit: int = 200) -> list[dict[str, Any]]:
        """The contact's notes, newest first."""
        rows = self._rows(
            f"SELECT {', '.join(_NOTE_COLS)} FROM contact_notes WHERE contact_id = ?"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            [int(contact_id), int(limit)],
        )
        return [dict(zip(_NOTE_COLS, r, strict=True)) for r in rows]

    def note(self, note_id: int) -> dict[str, Any] | None:
        row = self._one(f"SELECT {', '.join(_NOTE_COLS)} FROM contact_notes WHERE id = ?", [int(note_id)])
        return None if row is None else dict(zip(_NOTE_COLS, row, strict=True))

    def delete_note(self, note_id: int) -> bool:
        """Whether the note existed (and is now deleted)."""
        with self.tx() as cur:
            rows = cur.execute(
                "DELETE FROM contact_notes WHERE id = ? RETURNING id", [int(note_id)]
            ).fetchall()
        return bool(rows)

    def set_vip(self, contact_id: int, vip: bool, at: datetime, by: str) -> bool:
        """Mark (or unmark) the contact as a VIP; ``False`` when the contact does not exist (under its inbound
        locks, as a note)."""
        with receive_locks(self, [int(contact_id)]), self.tx() as cur:
            if not cur.execute("SELECT count(*) FROM contacts WHERE id = ?", [int(contact_id)]).fetchall()[0][
                0
            ]:
                return False
            cur.execute("DELETE FROM contact_vips WHERE contact_id = ?", [int(contact_id)])
            if vip:
                cur.execute("INSERT INTO contact_vips VALUES (?, ?, ?)", [int(contact_id), at, by])
        return True

    def vip_ids(self, contact_ids: Iterable[int]) -> set[int]:
        """Those of ``contact_ids`` that are VIPs."""
        ids = [int(i) for i in contact_ids]
        if not ids:
            return set()
        rows = self._rows(
            "SELECT contact_id FROM contact_vips WHERE contact_id IN (SELECT unnest(?::BIGINT[]))", [ids]
        )
        return {int(r[0]) for r in rows}

    def vip_mark(self, contact_id: int) -> tuple[datetime, str] | None:
        """When and by whom the contact was marked a VIP, or ``None``."""
        row = self._one(
            "SELECT marked_at, marked_by FROM contact_vips WHERE contact_id = ?", [int(contact_id)]
        )
        return None if row is None else (row[0], row[1])
