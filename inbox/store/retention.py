"""SQL for data retention: the rules, when each contact falls due, clearing set-based, and the log of runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .history import BUILTIN_COLUMNS, texts_sql
from .repository import Repository
from .schema import SEARCH_TEXT_SQL

if TYPE_CHECKING:
    from .core import StoreCore, TxCursor
    from .history import HistorySQL

ALL = "*"  # a rule's target: every attribute
CONVERSATIONS = "#conversations"  # a rule's target: closed conversations, their messages and attachments
RULE_COLS = ("id", "target", "basis", "days", "created_at", "created_by", "updated_at", "updated_by")
RUN_COLS = (
    "id",
    "run_at",
    "actor",
    "trigger",
    "rule_id",
    "target",
    "basis",
    "days",
    "cutoff",
    "contacts",
    "cleared_values",
    "conversations",
    "messages",
    "attachments",
    "seconds",
)
# When a contact's clock starts (one row per contact): "closed" — every conversation of the contact is
# closed, since the last message of its conversations; "active" — its last message, or its creation.
_REFERENCE = {
    "closed": "SELECT contact_id, max(last_message_at) AS ref FROM conversations GROUP BY contact_id"
    " HAVING bool_and(status = 'closed')",
    "active": "SELECT c.id AS contact_id, greatest(c.created_at, coalesce(max(v.last_message_at),"
    " c.created_at)) AS ref FROM contacts c LEFT JOIN conversations v ON v.contact_id = c.id"
    " GROUP BY c.id, c.created_at",
}
# When a closed conversation's clock starts: its own last message, or its contact's last activity.
_CONVERSATION_REFERENCE = {
    "closed": "SELECT id, contact_id, last_message_at AS ref FROM conversations WHERE status = 'closed'",
    "active": "SELECT v.id, v.contact_id, r.ref FROM conversations v JOIN ("
    + _REFERENCE["active"]
    + ") r USING (contact_id) WHERE v.status = 'closed'",
}
_SEARCHED = ("first_name", "last_name", "display_name", "email", "phone", "account_id", "external_id")
_CUSTOM_KEY = "SELECT key FROM attribute_definitions WHERE NOT builtin"


def _has_values(target: str) -> str:
    """A condition on ``c`` (a contacts row): it holds a value the rule clears (``target``: checked key)."""
    if target == ALL:
        builtins = " OR ".join(f"c.{col} IS NOT NULL" for col in BUILTIN_COLUMNS)
        return f"({builtins} OR EXISTS (SELECT 1 FROM attribute_values a WHERE a.contact_id = c.id))"
    if target in BUILTIN_COLUMNS:
        return f"c.{target} IS NOT NULL"
    return "EXISTS (SELECT 1 FROM attribute_values a WHERE a.contact_id = c.id AND a.attribute_key = $3)"


class RetentionSQL(Repository):
    """``retention_rules`` and ``retention_runs``; clearing writes the history (``history``) and scrubs it."""

    def __init__(self, core: StoreCore, history: HistorySQL):
        super().__init__(core)
        self._history = history

    # -- rules ----------------------------------------------------------------------------------
    def retention_rules(self) -> list[dict[str, Any]]:
        rows = self._rows(
            f"SELECT {', '.join(RULE_COLS)} FROM retention_rules ORDER BY target = '*' DESC, id"
        )
        return [dict(zip(RULE_COLS, r, strict=True)) for r in rows]

    def save_retention_rule(self, target: str, basis: str, days: int, actor: str, at: datetime) -> int:
        """Add the rule of ``target`` or change it (one rule per target); returns its id."""
        with self.tx() as cur:
            found = cur.execute("SELECT id FROM retention_rules WHERE target = ?", [target]).fetchall()
            if found:
                cur.execute(
                    "UPDATE retention_rules SET basis = ?, days = ?, updated_at = ?, updated_by = ?"
                    " WHERE id = ?",
                    [basis, int(days), at, actor, found[0][0]],
                )
                return int(found[0][0])
            return int(
                cur.execute(
                    "INSERT INTO retention_rules (target, basis, days, created_at, created_by, updated_at,"
                    " updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    [target, basis, int(days), at, actor, at, actor],
                ).fetchall()[0][0]
            )

    def delete_retention_rule(self, rule_id: int) -> bool:
        with self.tx() as cur:
            return bool(
                cur.execute(
                    "DELETE FROM retention_rules WHERE id = ? RETURNING id", [int(rule_id)]
                ).fetchall()
            )

    def custom_attribute_keys(self) -> list[str]:
        return [r[0] for r in self._rows(_CUSTOM_KEY + " ORDER BY key")]

    # -- what falls due ---------------------------------------------------------------------------
    def _due_sql(self, rule: dict[str, Any]) -> str:
        """SELECT (contact_id, due) of the contacts a values rule clears, ``due`` when it falls due;
        parameters: ``$1`` days, ``$3`` the attribute key."""
        return (
            f"SELECT r.contact_id, r.ref + to_days($1) AS due FROM ({_REFERENCE[rule['basis']]}) r"
            f" JOIN contacts c ON c.id = r.contact_id WHERE {_has_values(rule['target'])}"
        )

    def _conversations_due_sql(self, rule: dict[str, Any]) -> str:
        return (
            f"SELECT r.id, r.contact_id, r.ref + to_days($1) AS due"
            f" FROM ({_CONVERSATION_REFERENCE[rule['basis']]}) r"
        )

    @staticmethod
    def _params(rule: dict[str, Any], sql: str, second: Any) -> list[Any]:
        """``$1``: the rule's days, ``$2``: ``second`` (the time, or a limit), ``$3``: its attribute key."""
        return [int(rule["days"]), second, *([rule["target"]] if "$3" in sql else [])]

    def retention_preview(self, rule: dict[str, Any], limit: int = 60) -> list[tuple[Any, int]]:
        """``[(date, how many)]``: contacts (conversations for the conversations rule) falling due per day,
        in order (overdue ones on the first, earliest day)."""
        due = self._conversations_due_sql(rule) if rule["target"] == CONVERSATIONS else self._due_sql(rule)
        sql = f"SELECT CAST(due AS DATE) AS day, count(*) FROM ({due}) d GROUP BY day ORDER BY day LIMIT $2"
        return [(r[0], int(r[1])) for r in self._rows(sql, self._params(rule, sql, int(limit)))]

    def retention_due_count(self, rule: dict[str, Any], now: datetime) -> int:
        due = self._conversations_due_sql(rule) if rule["target"] == CONVERSATIONS else self._due_sql(rule)
        sql = f"SELECT count(*) FROM ({due}) d WHERE due <= $2"
        return int(self._scalar(sql, self._params(rule, sql, now)))

    # -- clearing ----------------------------------------------------------------------------------
    def apply_retention_rule(
        self, rule: dict[str, Any], now: datetime, *, actor: str, trigger: str, seconds: Any
    ) -> tuple[dict[str, Any], list[str]]:
        """Clear what ``rule`` makes due at ``now`` in ONE transaction that also logs the run; returns the
        log row and the storage paths of the attachment files to remove once committed.
        ``seconds()`` gives the time spent so far (for the log)."""
        with self.tx() as cur:
            run_id = int(cur.execute("SELECT nextval('retention_run_id_seq')").fetchall()[0][0])
            counts = {"contacts": 0, "cleared_values": 0, "conversations": 0, "messages": 0, "attachments": 0}
            paths: list[str] = []
            if rule["target"] == CONVERSATIONS:
                paths = self._clear_conversations(cur, rule, now, counts)
            else:
                self._clear_values(cur, rule, now, run_id, actor, counts)
            row = {
                "id": run_id,
                "run_at": now,
                "actor": actor,
                "trigger": trigger,
                "rule_id": rule["id"],
                "target": rule["target"],
                "basis": rule["basis"],
                "days": int(rule["days"]),
                "cutoff": now - timedelta(days=int(rule["days"])),
                **counts,
                "seconds": round(float(seconds()), 3),
            }
            cur.execute(
                f"INSERT INTO retention_runs ({', '.join(RUN_COLS)})"
                f" VALUES ({', '.join('?' for _ in RUN_COLS)})",
                [row[c] for c in RUN_COLS],
            )
        return row, paths

    def _clear_values(
        self,
        cur: TxCursor,
        rule: dict[str, Any],
        now: datetime,
        run_id: int,
        actor: str,
        counts: dict[str, int],
    ) -> None:
        due = self._due_sql(rule)
        self.dialect.temp_table(
            cur,
            "retention_due",
            f"SELECT contact_id FROM ({due}) d WHERE due <= $2",
            self._params(rule, due, now),
        )
        counts["contacts"] = int(cur.execute("SELECT count(*) FROM retention_due").fetchall()[0][0])
        if not counts["contacts"]:
            cur.execute("DROP TABLE retention_due")
            return
        ids = "SELECT contact_id FROM retention_due"
        target = rule["target"]
        keys = None if target == ALL else [target]
        columns = list(BUILTIN_COLUMNS) if target == ALL else [c for c in BUILTIN_COLUMNS if c == target]
        # the history: one row per cleared value, who and when only (the text is never kept)
        (counts["cleared_values"],) = cur.execute(
            "INSERT INTO value_history (contact_id, attribute_key, old_value, new_value, changed_at, source,"
            f" actor, ref) SELECT contact_id, attribute_key, NULL, NULL, ?, 'retention', ?, ?"
            f" FROM ({texts_sql(self.dialect, ids, keys)}) t",
            [now, actor, str(run_id)],
        ).fetchall()[0]
        shown = ", ".join(f"NULL::VARCHAR AS {c}" if c in columns else f"c.{c}" for c in _SEARCHED)
        sets = "".join(f"{c} = NULL, " for c in columns)
        self.dialect.update_rows(
            cur,
            "contacts",
            ids,
            [],
            f"SET {sets}version = contacts.version + 1, updated_at = ?, updated_by = ?,"
            f" search_text = n.search_text FROM (SELECT id, {SEARCH_TEXT_SQL} AS search_text FROM"
            f" (SELECT c.id, c.handle, {shown} FROM contacts c WHERE c.id IN ({ids})) c) n"
            " WHERE contacts.id = n.id",
            [now, actor],
        )
        only = "" if keys is None else " AND attribute_key = ?"
        if keys is None or target not in BUILTIN_COLUMNS:
            cur.execute(f"DELETE FROM attribute_values WHERE contact_id IN ({ids}){only}", keys or [])
        # cleared values never come back: not from the history, not from an import's undo
        self._history.scrub(cur, ids, keys)
        if columns:
            cur.execute(
                f"UPDATE import_batch_contacts SET {', '.join(f'prior_{c} = NULL' for c in columns)}"
                f" WHERE contact_id IN ({ids})"
            )
        if keys is None or target not in BUILTIN_COLUMNS:
            cur.execute(f"DELETE FROM import_batch_values WHERE contact_id IN ({ids}){only}", keys or [])
        cur.execute("DROP TABLE retention_due")

    def _clear_conversations(
        self, cur: TxCursor, rule: dict[str, Any], now: datetime, counts: dict[str, int]
    ) -> list[str]:
        due = self._conversations_due_sql(rule)
        self.dialect.temp_table(
            cur,
            "retention_conversations",
            f"SELECT id, contact_id FROM ({due}) d WHERE due <= $2",
            self._params(rule, due, now),
        )
        these = "SELECT id FROM retention_conversations"
        paths = [
            r[0]
            for r in cur.execute(
                f"SELECT storage_path FROM attachments WHERE conversation_id IN ({these}) ORDER BY id"
            ).fetchall()
        ]
        counts["contacts"] = int(
            cur.execute("SELECT count(DISTINCT contact_id) FROM retention_conversations").fetchall()[0][0]
        )
        for table, key, name in (
            ("attachments", "conversation_id", "attachments"),
            ("messages", "conversation_id", "messages"),
            ("conversations", "id", "conversations"),
        ):
            (counts[name],) = cur.execute(f"DELETE FROM {table} WHERE {key} IN ({these})").fetchall()[0]
        cur.execute("DROP TABLE retention_conversations")
        return paths

    # -- the log -------------------------------------------------------------------------------------
    def retention_runs(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self._rows(
            f"SELECT {', '.join(RUN_COLS)} FROM retention_runs ORDER BY id DESC LIMIT ?", [limit]
        )
        return [dict(zip(RUN_COLS, r, strict=True)) for r in rows]
