"""SQL for bulk CSV imports, writing: the all-or-nothing upsert, import batches, undo, mapping templates."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import Conflict, NotFound, UndoRefused
from . import imports as tables  # (CHUNK_ROWS read at run time: tests make it small)
from .contacts import receive_locks
from .imports import BATCH_COLS, SLOTS, VALUE_COLUMNS, _search_text_of
from .imports_plan import ImportPlanning
from .retry import is_write_clash

if TYPE_CHECKING:
    from .core import Cursor, StoreCore
    from .deletion import DeletionSQL
    from .history import HistorySQL


class ImportsSQL(ImportPlanning):
    """Bulk import of contacts and undo of an import batch (planning is inherited from ``ImportPlanning``,
    the same area split over two files). Undo removes rows from every contact table ``deletion`` knows."""

    def __init__(self, core: StoreCore, deletion: DeletionSQL, history: HistorySQL):
        super().__init__(core)
        self._deletion = deletion
        self._history = history

    # -- writing -------------------------------------------------------------------------
    def import_write(
        self,
        cur: Cursor,
        *,
        batch: dict[str, Any],
        actor: str,
        at: datetime,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Apply the plan of ``cur``'s staged import inside its transaction; returns the new batch id.

        New contacts get ids reserved from the sequence; every changed contact gets a row in
        ``import_batch_contacts`` (the batch stamp and its prior values), each replaced custom value
        one in ``import_batch_values``. Work goes in chunks of CHUNK_ROWS rows, ``progress(done, total)``
        after each; one transaction, so a failure in any chunk leaves the database as it was.
        """
        batch_id = int(cur.execute("SELECT nextval('import_batch_seq')").fetchall()[0][0])
        cur.execute(
            f"INSERT INTO import_batches ({', '.join(BATCH_COLS[:-2])}) VALUES"
            f" ({', '.join('?' for _ in BATCH_COLS[:-2])})",
            [
                batch_id,
                at,
                actor,
                batch["file_name"],
                batch["encoding"],
                batch["delimiter"],
                batch["on_conflict"],
                ",".join(batch["match_order"]),
                json.dumps(batch["mapping"]),
                batch["rows_total"],
                batch["inserted"],
                batch["updated"],
                batch["unchanged"],
                batch["skipped"],
                batch["rejected"],
                "committed",
            ],
        )
        n_new, n_upd = (
            int(x)
            for x in cur.execute(
                "SELECT count(*) FILTER (WHERE action = 'insert'), count(*)"
                " FILTER (WHERE action = 'update') FROM import_plan"
            ).fetchall()[0]  # an aggregate: always one row
        )
        # a range of ids for the new contacts (a failed import leaves a gap, never a duplicate)
        first = self.dialect.reserve_ids(cur, "contact_id_seq", n_new) if n_new else 0
        self.dialect.temp_table(
            cur,
            "import_todo",
            "SELECT line, action, CASE WHEN action = 'insert' THEN ? - 1 + n ELSE contact_id END"
            " AS contact_id, CAST(floor((n - 1) / ?) AS BIGINT) AS chunk FROM (SELECT *, row_number() OVER"
            " (ORDER BY action, line) AS n FROM import_plan WHERE action IN ('insert', 'update')) p",
            [first, tables.CHUNK_ROWS],
        )
        chunks = int(cur.execute("SELECT coalesce(max(chunk) + 1, 0) FROM import_todo").fetchall()[0][0])
        # The history of every value the batch changes, set-based: the texts before, then the differences.
        touched = "SELECT contact_id FROM import_todo"
        before = self._history.snapshot(cur, touched) if chunks else None
        for chunk in range(chunks):
            try:
                self.import_write_chunk(cur, batch_id, chunk, actor, at)
            except Exception as exc:
                if not is_write_clash(exc):
                    raise
                raise Conflict(
                    "contacts of this import changed in another session meanwhile; nothing was "
                    "imported: run the import again"
                ) from exc
            if progress:
                progress(min((chunk + 1) * tables.CHUNK_ROWS, n_new + n_upd), n_new + n_upd)
        if before is not None:
            self._history.record_since(
                cur, before, touched, at=at, source="import", actor=actor, ref=str(batch_id)
            )
        return batch_id

    def import_write_chunk(self, cur: Cursor, batch_id: int, chunk: int, actor: str, at: datetime) -> None:
        """Insert and update the contacts (and custom values) of one chunk of the plan."""
        todo = "(SELECT line, contact_id FROM import_todo WHERE chunk = ? AND action = '{}')"
        ins, upd = todo.format("insert"), todo.format("update")
        cols = ", ".join(VALUE_COLUMNS)
        cur.execute(
            f"INSERT INTO contacts (id, platform, handle, {cols}, created_at, created_by, updated_at,"
            " updated_by, version, search_text) SELECT * FROM ("
            + _search_text_of(
                f"SELECT t.contact_id AS id, r.key_platform AS platform, r.key_handle AS handle,"
                f" {', '.join('r.' + c for c in VALUE_COLUMNS)}, ?::TIMESTAMP AS created_at,"
                f" ?::VARCHAR AS created_by, ?::TIMESTAMP AS updated_at, ?::VARCHAR AS updated_by,"
                f" 1 AS version FROM {ins} t JOIN import_rows r USING (line)"
            )
            + ") s",
            [at, actor, at, actor, chunk],
        )
        cur.execute(
            f"INSERT INTO import_batch_contacts (batch_id, contact_id, action, version_after)"
            f" SELECT ?, contact_id, 'inserted', 1 FROM {ins} t",
            [batch_id, chunk],
        )
        cur.execute(
            "INSERT INTO attribute_values SELECT t.contact_id, v.attribute_key, v.value_text,"
            " v.value_number, v.value_date, v.value_bool, ?, ?"
            f" FROM {ins} t JOIN import_values_in v USING (line)",
            [at, actor, chunk],
        )
        # Updates: remember the prior values first, then change the contacts and their values.
        cur.execute(
            f"INSERT INTO import_batch_contacts (batch_id, contact_id, action, version_after,"
            f" {', '.join('prior_' + c for c in VALUE_COLUMNS)}, prior_version, prior_updated_at,"
            " prior_updated_by) SELECT ?, c.id, 'updated', c.version + 1,"
            f" {', '.join('c.' + c for c in VALUE_COLUMNS)}, c.version, c.updated_at, c.updated_by"
            f" FROM {upd} t JOIN contacts c ON c.id = t.contact_id",
            [batch_id, chunk],
        )
        cur.execute(
            f"INSERT INTO import_batch_values SELECT ?, v.contact_id, v.attribute_key, v.existed,"
            f" {', '.join('v.old_' + s for s in SLOTS)}, v.old_updated_at, v.old_updated_by"
            f" FROM {upd} t JOIN import_values v USING (line)",
            [batch_id, chunk],
        )
        sets = ", ".join(f"{c} = n.{c}" for c in VALUE_COLUMNS)
        self.dialect.update_rows(
            cur,
            "contacts",
            f"SELECT contact_id FROM {upd} t",
            [chunk],
            f"SET {sets}, search_text = n.search_text, version = contacts.version + 1,"
            " updated_at = ?, updated_by = ? FROM ("
            + _search_text_of(
                f"SELECT u.id, u.platform, u.handle, {', '.join('u.' + c for c in VALUE_COLUMNS)}"
                f" FROM {upd} t JOIN import_updates u USING (line)"
            )
            + ") n WHERE contacts.id = n.id",
            [at, actor, chunk],
        )
        cur.execute(
            f"UPDATE attribute_values SET {', '.join(f'{s} = v.{s}' for s in SLOTS)}, updated_at = ?,"
            f" updated_by = ? FROM (SELECT v.* FROM {upd} t JOIN import_values v USING (line)"
            f" WHERE v.existed) v WHERE attribute_values.contact_id = v.contact_id"
            f" AND attribute_values.attribute_key = v.attribute_key",
            [at, actor, chunk],
        )
        cur.execute(
            "INSERT INTO attribute_values SELECT v.contact_id, v.attribute_key,"
            f" {', '.join('v.' + s for s in SLOTS)}, ?, ?"
            f" FROM {upd} t JOIN import_values v USING (line) WHERE NOT v.existed",
            [at, actor, chunk],
        )

    # -- batches and undo ----------------------------------------------------------------
    def import_batches(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self._rows(
            f"SELECT {', '.join(BATCH_COLS)} FROM import_batches ORDER BY id DESC LIMIT ?", [limit]
        )
        return [dict(zip(BATCH_COLS, r, strict=True)) for r in rows]

    def import_batch(self, batch_id: int) -> dict[str, Any] | None:
        rows = self._rows(f"SELECT {', '.join(BATCH_COLS)} FROM import_batches WHERE id = ?", [batch_id])
        return dict(zip(BATCH_COLS, rows[0], strict=True)) if rows else None

    def undo_import_batch(self, batch_id: int, actor: str, at: datetime) -> dict[str, int]:
        """Undo a committed batch in one transaction: remove the contacts it inserted (with their rows in
        every contact table: values, CRM lookups), restore the prior values of the contacts it updated (a
        new version). Raises ``NotFound``, ``Conflict`` (already undone) or ``UndoRefused`` listing the
        contacts changed since (another version; a conversation, note or VIP flag on an inserted contact) —
        nothing is changed then. Contacts deleted since are left deleted. Returns ``removed``, ``restored``,
        ``already_deleted``.
        """
        batch_id, tables = (
            int(batch_id),
            [t for t in self._deletion.contact_tables() if not t.startswith("import_batch")],
        )
        # No message lands on a contact the undo removes (every inbound lock: the batch may be large).
        with receive_locks(self, None), self.tx() as cur:
            row = cur.execute("SELECT status FROM import_batches WHERE id = ?", [batch_id]).fetchone()
            if row is None:
                raise NotFound(f"there is no import {batch_id}")
            if row[0] != "committed":
                raise Conflict(f"import {batch_id} was already undone")
            changed = cur.execute(
                """
                SELECT * FROM (SELECT b.contact_id, b.action, b.version_after, c.version, c.updated_by,
                       c.updated_at, b.action = 'inserted'
                       AND (EXISTS (SELECT 1 FROM conversations v WHERE v.contact_id = c.id)
                            OR EXISTS (SELECT 1 FROM contact_notes n WHERE n.contact_id = c.id)
                            OR EXISTS (SELECT 1 FROM contact_vips f WHERE f.contact_id = c.id)) AS talked
                FROM import_batch_contacts b JOIN contacts c ON c.id = b.contact_id WHERE b.batch_id = ?) s
                WHERE version <> version_after OR talked ORDER BY contact_id""",
                [batch_id],
            ).fetchall()
            if changed:
                keys = (
                    "contact_id",
                    "action",
                    "version_after",
                    "version",
                    "updated_by",
                    "updated_at",
                    "conversation",
                )
                raise UndoRefused(batch_id, [dict(zip(keys, r, strict=True)) for r in changed])
            counts = cur.execute(
                """
                SELECT count(*) FILTER (WHERE b.action = 'inserted' AND c.id IS NOT NULL),
                       count(*) FILTER (WHERE b.action = 'updated' AND c.id IS NOT NULL),
                       count(*) FILTER (WHERE c.id IS NULL)
                FROM import_batch_contacts b LEFT JOIN contacts c ON c.id = b.contact_id
                WHERE b.batch_id = ?""",
                [batch_id],
            ).fetchall()[0]  # an aggregate: always one row
            inserted = (
                "(SELECT contact_id FROM import_batch_contacts WHERE batch_id = ? AND action = 'inserted')"
            )
            restored = (
                "SELECT contact_id FROM import_batch_contacts WHERE batch_id = ? AND action = 'updated'"
            )
            before = self._history.snapshot(cur, restored, [batch_id])
            # claimed first, as saves claim them: a save in flight collides instead of leaving values behind
            cur.execute(f"UPDATE contacts SET version = version + 1 WHERE id IN {inserted}", [batch_id])
            for table in tables:
                cur.execute(f"DELETE FROM {table} WHERE contact_id IN {inserted}", [batch_id])
            cur.execute(f"DELETE FROM contacts WHERE id IN {inserted}", [batch_id])
            sets = ", ".join(f"{c} = n.{c}" for c in VALUE_COLUMNS)
            prior = ", ".join(f"b.prior_{c} AS {c}" for c in VALUE_COLUMNS)
            self.dialect.update_rows(
                cur,
                "contacts",
                restored,
                [batch_id],
                f"SET {sets}, search_text = n.search_text, version = contacts.version + 1,"
                " updated_at = ?, updated_by = ? FROM ("
                + _search_text_of(
                    f"SELECT c.id, c.platform, c.handle, {prior} FROM import_batch_contacts b"
                    " JOIN contacts c ON c.id = b.contact_id"
                    " WHERE b.batch_id = ? AND b.action = 'updated'"
                )
                + ") n WHERE contacts.id = n.id",
                [at, actor, batch_id],
            )
            olds = (
                "(SELECT v.* FROM import_batch_values v JOIN contacts c ON c.id = v.contact_id"
                " JOIN attribute_definitions d ON d.key = v.attribute_key WHERE v.batch_id = ?)"
            )
            cur.execute(
                f"DELETE FROM attribute_values USING {olds} v WHERE NOT v.existed"
                f" AND attribute_values.contact_id = v.contact_id"
                f" AND attribute_values.attribute_key = v.attribute_key",
                [batch_id],
            )
            cur.execute(
                f"UPDATE attribute_values SET {', '.join(f'{s} = v.{s}' for s in SLOTS)},"
                f" updated_at = v.updated_at, updated_by = v.updated_by FROM {olds} v WHERE v.existed"
                f" AND attribute_values.contact_id = v.contact_id"
                f" AND attribute_values.attribute_key = v.attribute_key",
                [batch_id],
            )
            cur.execute(
                f"INSERT INTO attribute_values SELECT v.contact_id, v.attribute_key,"
                f" {', '.join('v.' + s for s in SLOTS)}, v.updated_at, v.updated_by FROM {olds} v"
                f" WHERE v.existed AND NOT EXISTS (SELECT 1 FROM attribute_values a WHERE"
                f" a.contact_id = v.contact_id AND a.attribute_key = v.attribute_key)",
                [batch_id],
            )
            # Earlier batches that left these contacts in the state now restored may be undone next.
            cur.execute(
                "UPDATE import_batch_contacts SET version_after = s.version FROM (SELECT b.contact_id,"
                " b.prior_version, c.version FROM import_batch_contacts b"
                " JOIN contacts c ON c.id = b.contact_id"
                " WHERE b.batch_id = ? AND b.action = 'updated') s WHERE import_batch_contacts.batch_id <> ?"
                " AND import_batch_contacts.contact_id = s.contact_id"
                " AND import_batch_contacts.version_after = s.prior_version",
                [batch_id, batch_id],
            )
            self._history.record_since(
                cur, before, restored, [batch_id], at=at, source="undo", actor=actor, ref=str(batch_id)
            )
            cur.execute(
                "UPDATE import_batches SET status = 'undone', undone_at = ?, undone_by = ? WHERE id = ?",
                [at, actor, batch_id],
            )
        return {
            "batch_id": batch_id,
            "removed": int(counts[0]),
            "restored": int(counts[1]),
            "already_deleted": int(counts[2]),
        }

    # -- mapping templates ---------------------------------------------------------------
    def save_import_mapping(self, name: str, mapping: dict[str, Any], actor: str, at: datetime) -> None:
        with self.tx() as cur:
            cur.execute(
                "INSERT INTO import_mappings VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                " mapping = excluded.mapping, saved_at = excluded.saved_at, saved_by = excluded.saved_by",
                [name, json.dumps(mapping, ensure_ascii=False), at, actor],
            )

    def import_mappings(self) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT name, mapping, saved_at, saved_by FROM import_mappings ORDER BY lower(name)"
        )
        return [
            {"name": n, "mapping": json.loads(m), "saved_at": at, "saved_by": by} for n, m, at, by in rows
        ]

    def delete_import_mapping(self, name: str) -> bool:
        with self.tx() as cur:
            return bool(
                cur.execute("DELETE FROM import_mappings WHERE name = ? RETURNING name", [name]).fetchall()
            )
