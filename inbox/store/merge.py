"""SQL for merging contacts (one transaction) and their aliases; the merge log; duplicates: the base class."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import NotFound, PreconditionFailed
from .contacts import receive_locks
from .duplicates import DuplicatesSQL
from .schema import CONTACT_COLS, SEARCH_TEXT_SQL

if TYPE_CHECKING:
    from .core import StoreCore, TxCursor
    from .deletion import DeletionSQL
    from .history import HistorySQL

#: Contact tables whose rows follow the contact to the survivor (every table not listed below does too).
MOVED = ("conversations", "messages", "attachments", "contact_aliases")
#: Contact tables whose rows of a merged contact go with it: its values are merged by the plan; its CRM
#: lookup and import bookkeeping described a contact that no longer exists (a deletion drops them too); a
#: VIP flag is carried to the survivor first (``_move_rows``).
DROPPED = ("attribute_values", "crm_lookups", "import_batch_contacts", "import_batch_values", "contact_vips")
LOG_COLS = (
    "id",
    "merged_at",
    "merged_by",
    "survivor_id",
    "merged_ids",
    "conversations",
    "messages",
    "attachments",
    "changed_keys",
    "identities",
)
ALIAS_COLS = ("contact_id", "kind", "platform", "value", "merged_from", "merge_id", "created_at")
# ``decide(facts)`` → the plan: ``builtin`` {column: value}, ``custom`` {key: slots or None},
# ``changed`` [keys], ``identities`` [dicts], ``aliases`` [(kind, platform, value, merged_from)].
Decide = Callable[[dict[str, Any]], dict[str, Any]]


def _marks(ids: list[int]) -> str:
    """``= ?`` or ``IN (?, ?, …)`` for ``ids``: constants, so an index answers (one id: a point lookup)."""
    return "= ?" if len(ids) == 1 else "IN (" + ", ".join("?" for _ in ids) + ")"


class MergeSQL(DuplicatesSQL):
    """Merging contacts into a survivor, the identifiers they keep (``contact_aliases``), the merge log."""

    def __init__(self, core: StoreCore, *, deletion: DeletionSQL, history: HistorySQL):
        super().__init__(core)
        self._deletion = deletion
        self._history = history

    # -- merging -----------------------------------------------------------------------------
    def merge_contacts(
        self,
        survivor_id: int,
        other_ids: list[int],
        *,
        versions: dict[int, int] | None,
        decide: Decide,
        actor: str,
        at: datetime,
    ) -> dict[str, Any]:
        """Merge ``other_ids`` into ``survivor_id`` in ONE transaction and return the merge-log entry.

        ``decide(facts)`` runs inside the transaction on what it read (``contacts``: rows in order survivor
        first, ``values``: {id: {key: (text, number, date, bool, updated_at)}}, ``aliases``: {id: [(kind,
        platform, value)]}) and returns the plan. ``versions`` ({id: version}, optional) must still hold:
        ``PreconditionFailed`` otherwise; ``NotFound`` for a contact missing. Messages from the handles
        involved wait for the merge (the inbound path's locks), so none lands on a contact being merged.
        """
        ids = [int(survivor_id), *(int(i) for i in other_ids)]
        with receive_locks(self, ids), self.tx() as cur:
            return self._merge(cur, ids, versions or {}, decide, actor, at)

    def _merge(
        self,
        cur: TxCursor,
        ids: list[int],
        versions: dict[int, int],
        decide: Decide,
        actor: str,
        at: datetime,
    ) -> dict[str, Any]:
        survivor, others = ids[0], ids[1:]
        rows = {
            r[0]: dict(zip(CONTACT_COLS, r, strict=True))
            for r in cur.execute(
                " UNION ALL ".join(
                    f"SELECT {', '.join(CONTACT_COLS)} FROM contacts WHERE id = ?" for _ in ids
                ),
                ids,
            ).fetchall()
        }
        missing = [i for i in ids if i not in rows]
        if missing:
            raise NotFound(
                f"contact {', '.join(f'#{i}' for i in missing)} no longer exists (it may have been"
                " deleted or merged meanwhile); nothing was merged"
            )
        stale = [i for i in ids if i in versions and int(versions[i]) != rows[i]["version"]]
        if stale:
            who = " and ".join(f"contact #{i} was changed by {rows[i]['updated_by']}" for i in stale)
            raise PreconditionFailed(
                f"{who} since you opened the merge; nothing was merged", rows[stale[0]]["version"]
            )
        values: dict[int, dict[str, tuple[Any, ...]]] = {i: {} for i in ids}
        for r in cur.execute(
            "SELECT contact_id, attribute_key, value_text, value_number, value_date, value_bool, updated_at"
            f" FROM attribute_values WHERE contact_id {_marks(ids)}",
            ids,
        ).fetchall():
            values[r[0]][r[1]] = r[2:]
        aliases: dict[int, list[tuple[Any, ...]]] = {i: [] for i in ids}
        for r in cur.execute(
            f"SELECT contact_id, kind, platform, value FROM contact_aliases WHERE contact_id {_marks(ids)}",
            ids,
        ).fetchall():
            aliases[r[0]].append(r[1:])
        plan = decide({"contacts": [rows[i] for i in ids], "values": values, "aliases": aliases})
        tables = [t for t in self._deletion.contact_tables() if t != "contacts"]
        held = dict(  # how many rows each contact table holds of the merged contacts (only those are touched)
            cur.execute(
                " UNION ALL ".join(
                    f"SELECT '{t}', count(*) FROM {t} WHERE contact_id {_marks(others)}" for t in tables
                ),
                others * len(tables),
            ).fetchall()
        )
        entry = {
            "id": cur.execute("SELECT nextval('merge_log_id_seq')").fetchall()[0][0],
            "merged_at": at,
            "merged_by": actor,
            "survivor_id": survivor,
            "merged_ids": json.dumps(others),
            "conversations": int(held.get("conversations", 0)),
            "messages": int(held.get("messages", 0)),
            "attachments": int(held.get("attachments", 0)),
            "changed_keys": json.dumps(plan["changed"]),
            "identities": json.dumps(plan["identities"], sort_keys=True),
        }
        cur.execute(
            f"INSERT INTO merge_log ({', '.join(LOG_COLS)}) VALUES ({', '.join('?' for _ in LOG_COLS)})",
            [entry[c] for c in LOG_COLS],
        )
        self._history.reassign(cur, others, survivor)  # the merged contacts' history is the survivor's now
        keys = plan["changed"]
        before = self._history.texts(cur, "?", [survivor], keys) if keys else {}
        self._write_survivor(cur, survivor, rows[survivor]["version"], plan, others, actor, at)
        if keys:  # one "merge" history row per attribute of the survivor that changed (ref: the entry)
            after = self._history.texts(cur, "?", [survivor], keys)
            self._history.record_diff(
                cur, before, after, at=at, source="merge", actor=actor, ref=str(entry["id"])
            )
        self._move_rows(cur, survivor, others, [t for t in tables if held.get(t) and t != "value_history"])
        for kind, platform, value, merged_from in plan["aliases"]:
            cur.execute(
                f"INSERT INTO contact_aliases ({', '.join(ALIAS_COLS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [survivor, kind, platform, value, int(merged_from), entry["id"], at],
            )
        # claimed first (a real change of the version saves claim too): a save of a merged contact in
        # flight then collides with the merge instead of leaving values behind for a deleted contact
        cur.execute(f"UPDATE contacts SET version = version + 1 WHERE id {_marks(others)}", others)
        cur.execute(f"DELETE FROM contacts WHERE id {_marks(others)}", others)
        return entry

    def _write_survivor(
        self,
        cur: TxCursor,
        survivor: int,
        version: int,
        plan: dict[str, Any],
        others: list[int],
        actor: str,
        at: datetime,
    ) -> None:
        builtin: dict[str, Any] = plan["builtin"]
        sets = "".join(f"{col} = ?, " for col in builtin)
        (updated,) = cur.execute(  # the version claimed alone first, as a save does (contacts_update.py)
            "UPDATE contacts SET updated_at = ?, updated_by = ?, version = version + 1"
            " WHERE id = ? AND version = ?",
            [at, actor, survivor, version],
        ).fetchall()[0]
        if not updated:  # (read in this transaction: only a concurrent writer can get here, as a conflict)
            raise PreconditionFailed(f"contact #{survivor} changed meanwhile; nothing was merged", None)
        if builtin:
            cur.execute(
                f"UPDATE contacts SET {sets.rstrip(', ')} WHERE id = ?", [*builtin.values(), survivor]
            )
            cur.execute(f"UPDATE contacts SET search_text = {SEARCH_TEXT_SQL} WHERE id = ?", [survivor])
        for key, slots in plan["custom"].items():
            cur.execute(
                "DELETE FROM attribute_values WHERE contact_id = ? AND attribute_key = ?", [survivor, key]
            )
            if slots is not None:
                cur.execute(
                    "INSERT INTO attribute_values VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [survivor, key, *slots[:4], at, actor],
                )

    def _move_rows(self, cur: TxCursor, survivor: int, others: list[int], tables: list[str]) -> None:
        """Re-point the merged contacts' rows at the survivor (conversations, messages, attachments — their
        files stay where they are, the rows name them —, aliases, and any other table), drop the rest.
        ``tables``: the contact tables holding rows of ``others``."""
        for table in [*MOVED, *(t for t in tables if t not in MOVED and t not in DROPPED)]:
            if table in tables:
                cur.execute(
                    f"UPDATE {table} SET contact_id = ? WHERE contact_id {_marks(others)}",
                    [survivor, *others],
                )
        if "contact_vips" in tables:  # one flag per contact: the survivor is a VIP if any of them was
            cur.execute(
                "INSERT INTO contact_vips SELECT ?, marked_at, marked_by FROM contact_vips"
                f" WHERE contact_id {_marks(others)}"
                " AND NOT EXISTS (SELECT 1 FROM contact_vips WHERE contact_id = ?)"
                " ORDER BY marked_at LIMIT 1",
                [survivor, *others, survivor],
            )
        for table in DROPPED:
            if table in tables:
                cur.execute(f"DELETE FROM {table} WHERE contact_id {_marks(others)}", others)

    # -- reading -----------------------------------------------------------------------------
    def custom_values_with_time(self, contact_id: int) -> dict[str, tuple[Any, ...]]:
        """``{key: (text, number, date, bool, updated_at)}`` of one contact."""
        rows = self._rows(
            "SELECT attribute_key, value_text, value_number, value_date, value_bool, updated_at"
            " FROM attribute_values WHERE contact_id = ?",
            [int(contact_id)],
        )
        return {r[0]: r[1:] for r in rows}

    def value_recency(self, ids: list[int]) -> dict[int, dict[str, datetime]]:
        """When each built-in value of these contacts last changed, where the value history knows it (a
        built-in value is a column of ``contacts``: without history rows only the contact's ``updated_at``,
        the last change of ANY of its values, is known)."""
        found: dict[int, dict[str, datetime]] = {}
        for cid, key, at in self._rows(
            "SELECT contact_id, attribute_key, max(changed_at) FROM value_history"
            f" WHERE contact_id {_marks(ids)} AND source <> 'retention' GROUP BY 1, 2",
            ids,
        ):
            found.setdefault(int(cid), {})[key] = at
        return found

    def alias_owner(self, kind: str, value: str, platform: str | None = None) -> list[int]:
        """The contacts an identifier of a merged contact now names (handles: on ``platform``)."""
        rows = self._rows(
            "SELECT DISTINCT contact_id FROM contact_aliases WHERE value = ? AND kind = ?"
            " AND (CAST(? AS VARCHAR) IS NULL OR platform = ?) ORDER BY 1",
            [value, kind, platform, platform],
        )
        return [int(r[0]) for r in rows]

    def aliases_of(self, contact_id: int) -> list[dict[str, Any]]:
        rows = self._rows(
            f"SELECT {', '.join(ALIAS_COLS)} FROM contact_aliases WHERE contact_id = ?"
            " ORDER BY merge_id, kind, value",
            [int(contact_id)],
        )
        return [dict(zip(ALIAS_COLS, r, strict=True)) for r in rows]

    def log_entries(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Merge-log entries, newest first."""
        rows = self._rows(
            f"SELECT {', '.join(LOG_COLS)} FROM merge_log ORDER BY id DESC LIMIT ? OFFSET ?",
            [int(limit), int(offset)],
        )
        return [dict(zip(LOG_COLS, r, strict=True)) for r in rows]

    def log_count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM merge_log"))
