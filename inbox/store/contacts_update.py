"""SQL saving a contact's values at a version, each change recorded in its history (who, old → new)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import NotFound, PreconditionFailed
from .repository import Repository
from .retry import retry_conflicts
from .schema import SEARCH_TEXT_SQL

if TYPE_CHECKING:
    from .core import StoreCore
    from .history import HistorySQL


class ContactUpdates(Repository):
    """The updating part of the contacts area (``ContactsSQL`` inherits it); writes history rows."""

    def __init__(self, core: StoreCore, history: HistorySQL):
        super().__init__(core)
        self.history = history

    def update_contact_values(
        self,
        contact_id: int,
        expected_version: int,
        builtin: dict[str, Any],
        custom: dict[str, tuple[Any, ...] | None],
        actor: str,
        at: datetime,
        *,
        source: str = "member",
        ref: str | None = None,
    ) -> int:
        """Set built-in columns and custom values if the contact is still at ``expected_version``.

        ``custom`` maps key → ``(text, number, date, bool)`` or ``None`` (clear). Returns the new
        version. Raises ``NotFound`` or ``Conflict`` (stale version); nothing is written then. A save
        that collides with a simultaneous one is retried: it then sees the new version (``Conflict``).
        Each value that changes gets a history row with ``source`` (member, api, crm…), ``actor``, ``ref``.
        """
        return retry_conflicts(
            lambda: self._update_values(
                int(contact_id), expected_version, builtin, custom, actor, at, source=source, ref=ref
            )
        )

    def _update_values(
        self,
        contact_id: int,
        expected_version: int,
        builtin: dict[str, Any],
        custom: dict[str, tuple[Any, ...] | None],
        actor: str,
        at: datetime,
        *,
        source: str = "member",
        ref: str | None = None,
    ) -> int:
        sets = "".join(f"{col} = ?, " for col in builtin)
        keys = [*builtin, *custom]
        with self.tx() as cur:
            before = self.history.texts(cur, "?", [contact_id], keys) if keys else {}
            # The version is claimed first, alone: DuckDB 2.0 checks write-write conflicts of in-place
            # updates only, and an update of an indexed column (e-mail, phone…) is a delete and a re-insert
            # that a save made at the same moment would not collide with (one lost without a word). No
            # RETURNING either: DuckDB skips the conflict check of an UPDATE … RETURNING
            # (test_concurrency.py).
            (updated,) = cur.execute(
                "UPDATE contacts SET updated_at = ?, updated_by = ?, version = version + 1"
                " WHERE id = ? AND version = ?",
                [at, actor, contact_id, int(expected_version)],
            ).fetchall()[0]  # the count of updated rows
            if not updated:
                current = cur.execute(
                    "SELECT version, updated_by FROM contacts WHERE id = ?", [contact_id]
                ).fetchone()
                if current is None:
                    raise NotFound(f"contact {contact_id} no longer exists (it may have been deleted)")
                raise PreconditionFailed(
                    f"{current[1]} changed this contact since you opened it (version "
                    f"{expected_version} → {current[0]}); nothing was saved",
                    int(current[0]),
                )
            if builtin:
                cur.execute(
                    f"UPDATE contacts SET {sets.rstrip(', ')} WHERE id = ?", [*builtin.values(), contact_id]
                )
                cur.execute(f"UPDATE contacts SET search_text = {SEARCH_TEXT_SQL} WHERE id = ?", [contact_id])
            for key, slots in custom.items():
                if slots is None:
                    cur.execute(
                        "DELETE FROM attribute_values WHERE contact_id = ? AND attribute_key = ?",
                        [contact_id, key],
                    )
                else:
                    cur.execute(
                        "INSERT INTO attribute_values VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (contact_id, attribute_key) DO UPDATE SET"
                        " value_text = excluded.value_text, value_number = excluded.value_number,"
                        " value_date = excluded.value_date, value_bool = excluded.value_bool,"
                        " updated_at = excluded.updated_at,"
                        " updated_by = excluded.updated_by",
                        [contact_id, key, *slots, at, actor],
                    )
            if keys:
                after = self.history.texts(cur, "?", [contact_id], keys)
                self.history.record_diff(cur, before, after, at=at, source=source, actor=actor, ref=ref)
        return int(expected_version) + 1
