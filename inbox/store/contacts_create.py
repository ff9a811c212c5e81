"""SQL creating one contact (the API's create): refused when its identity already belongs to a contact."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .repository import Repository
from .retry import as_conflict, retry_conflicts
from .schema import SEARCH_TEXT_SQL

if TYPE_CHECKING:
    from .history import HistorySQL

IDENTITY_COLUMNS = ("email", "phone", "external_id")  # a value here is one contact's (imports match on them)
_CREATE_LOCK = threading.Lock()  # one process holds the file: creations are checked and written one at a time


class ContactCreation(Repository):
    """The creating part of the contacts area (``ContactsSQL`` inherits it)."""

    history: HistorySQL  # (set by ``ContactUpdates.__init__``)

    def create_contact(
        self,
        platform: str,
        handle: str,
        display_name: str | None,
        builtin: dict[str, Any],
        custom: dict[str, tuple[Any, ...] | None],
        actor: str,
        at: datetime,
    ) -> tuple[int, str | None]:
        """Insert a contact with its built-in columns and custom values (version 1), unless one exists with
        the same platform and handle or the same e-mail, phone or external id, or a merge left one of these
        to a contact (``contact_aliases``): then nothing is written.

        Returns ``(new id, None)``, or ``(existing id, what matched)`` with what matched among ``handle``
        and ``IDENTITY_COLUMNS``.
        """
        try:
            with _CREATE_LOCK:
                return retry_conflicts(
                    lambda: self._create(platform, handle, display_name, builtin, custom, actor, at)
                )
        except self.dialect.Error as exc:  # (another process cannot write the file: a safety net)
            if not self.dialect.is_constraint_violation(exc):
                raise
            raise as_conflict(exc) from exc

    def _create(
        self,
        platform: str,
        handle: str,
        display_name: str | None,
        builtin: dict[str, Any],
        custom: dict[str, tuple[Any, ...] | None],
        actor: str,
        at: datetime,
    ) -> tuple[int, str | None]:
        identities = {c: builtin[c] for c in IDENTITY_COLUMNS if builtin.get(c) is not None}
        with self.tx() as cur:
            # per identifier in order: a contact holding it, else the survivor a merge left it to (the latest)
            for column, value in identities.items():  # (column: one of IDENTITY_COLUMNS)
                found = (
                    cur.execute(
                        f"SELECT id FROM contacts WHERE {column} = ? ORDER BY id LIMIT 1", [value]
                    ).fetchone()
                    or cur.execute(
                        "SELECT contact_id FROM contact_aliases WHERE kind = ? AND value = ?"
                        " ORDER BY merge_id DESC LIMIT 1",
                        [column, value],
                    ).fetchone()
                )
                if found is not None:
                    return int(found[0]), column
            found = (
                cur.execute(
                    "SELECT id FROM contacts WHERE platform = ? AND handle = ? ORDER BY id LIMIT 1",
                    [platform, handle],
                ).fetchone()
                or cur.execute(
                    "SELECT contact_id FROM contact_aliases WHERE kind = 'handle' AND platform = ?"
                    " AND value = ? ORDER BY merge_id DESC LIMIT 1",
                    [platform, handle],
                ).fetchone()
            )
            if found is not None:
                return int(found[0]), "handle"
            cols = ", ".join(builtin)
            marks = ", ".join("?" for _ in builtin)
            contact_id = int(
                cur.execute(
                    f"INSERT INTO contacts (platform, handle, display_name, {cols}{', ' if cols else ''}"
                    "created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, "
                    f"{marks}{', ' if marks else ''}?, ?, ?, ?) RETURNING id",
                    [platform, handle, display_name, *builtin.values(), at, actor, at, actor],
                ).fetchall()[0][0]
            )
            cur.execute(f"UPDATE contacts SET search_text = {SEARCH_TEXT_SQL} WHERE id = ?", [contact_id])
            for key, slots in custom.items():
                if slots is not None:
                    cur.execute(
                        "INSERT INTO attribute_values VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [contact_id, key, *slots, at, actor],
                    )
            after = self.history.texts(cur, "?", [contact_id])
            self.history.record_diff(cur, {}, after, at=at, source="created", actor=actor)
        return contact_id, None
