"""SQL for the per-contact value history: recording changes (one or in bulk), reading, moving, scrubbing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from .repository import Repository

if TYPE_CHECKING:
    from .core import Cursor
    from .dialect import Dialect

SOURCES = ("member", "api", "import", "undo", "crm", "retention", "merge", "created")
HISTORY_COLS = (
    "id",
    "contact_id",
    "attribute_key",
    "old_value",
    "new_value",
    "changed_at",
    "source",
    "actor",
    "ref",
)
_WRITE_COLS = HISTORY_COLS[1:]
# The built-in values stored as columns of ``contacts`` (all VARCHAR): the built-in attributes and the
# display name (an import may set it).
BUILTIN_COLUMNS = (
    "display_name",
    "email",
    "first_name",
    "last_name",
    "phone",
    "account_id",
    "job_title",
    "language",
    "subscription",
    "external_id",
)
# A custom value as the text the history shows: numbers without a useless ".0", dates ISO, booleans Yes/No.
VALUE_TEXT_SQL = (
    "coalesce(v.value_text,"
    " CASE WHEN v.value_number = trunc(v.value_number) AND abs(v.value_number) < 1e15"
    " THEN CAST(CAST(v.value_number AS BIGINT) AS VARCHAR) ELSE CAST(v.value_number AS VARCHAR) END,"
    " CAST(v.value_date AS VARCHAR),"  # ISO on both engines (PostgreSQL's DateStyle is set to ISO)
    " CASE WHEN v.value_bool THEN 'Yes' WHEN NOT v.value_bool THEN 'No' END)"
)


def texts_sql(dialect: Dialect, ids_sql: str, keys: Sequence[str] | None = None) -> str:
    """SELECT (contact_id, attribute_key, value) of every non-empty value of the contacts ``ids_sql``
    selects (a fixed SELECT of ids, maybe with ``?``: its parameters come twice), limited to ``keys``."""
    builtins = [c for c in BUILTIN_COLUMNS if keys is None or c in keys]
    custom_keys = None if keys is None else [k for k in keys if k not in BUILTIN_COLUMNS]
    parts = []
    if builtins:
        source = f"SELECT id AS contact_id, {', '.join(builtins)} FROM contacts WHERE id IN ({ids_sql})"
        parts.append(dialect.unpivot(source, ["contact_id"], builtins, "attribute_key", "value"))
    else:
        parts.append(
            "SELECT NULL::BIGINT AS contact_id, NULL::VARCHAR AS attribute_key, NULL::VARCHAR AS value"
            f" WHERE false AND 0 IN ({ids_sql})"
        )
    only = ""
    if custom_keys is not None:
        only = " AND v.attribute_key IN ({})".format(", ".join(_quoted(k) for k in custom_keys) or "NULL")
    parts.append(
        f"SELECT v.contact_id, v.attribute_key, {VALUE_TEXT_SQL} FROM attribute_values v"
        f" WHERE v.contact_id IN ({ids_sql}){only}"
    )
    return " UNION ALL ".join(parts)


def _quoted(key: str) -> str:
    """An attribute key as a SQL literal (keys are slugs: checked, never free text)."""
    if not key.replace("_", "").isalnum() or not key.isascii():
        raise ValueError(f"not an attribute key: {key!r}")
    return f"'{key}'"


class HistorySQL(Repository):
    """``value_history``: one row per changed value; deleted with its contact, moved by a merge, its texts
    scrubbed by retention so a cleared value never comes back."""

    # -- recording ---------------------------------------------------------------------------
    def record(self, cur: Cursor, rows: list[dict[str, Any]]) -> None:
        """Insert history rows (dicts of contact_id, attribute_key, old_value, new_value, changed_at,
        source, actor, ref) inside the caller's transaction."""
        if not rows:
            return
        one = f"({', '.join('?' for _ in _WRITE_COLS)})"
        for start in range(0, len(rows), 500):  # one statement per 500 rows
            chunk = rows[start : start + 500]
            cur.execute(
                f"INSERT INTO value_history ({', '.join(_WRITE_COLS)})"
                f" VALUES {', '.join(one for _ in chunk)}",
                [r.get(c) for r in chunk for c in _WRITE_COLS],
            )

    def record_frame(self, cur: Cursor, frame: pd.DataFrame | str, params: Sequence[Any] = ()) -> int:
        """Bulk: insert every row of a DataFrame, or of a SELECT (fixed SQL of the store) giving the
        columns contact_id, attribute_key, old_value, new_value, changed_at, source, actor, ref."""
        cols = ", ".join(_WRITE_COLS)
        if isinstance(frame, str):
            sql, args = f"INSERT INTO value_history ({cols}) SELECT {cols} FROM ({frame}) f", list(params)
        else:
            if frame.empty:
                return 0
            name = f"history_rows_{uuid.uuid4().hex[:12]}"
            cur.register(name, frame)
            sql, args = f"INSERT INTO value_history ({cols}) SELECT {cols} FROM {name}", []
        try:
            return int(cur.execute(sql, args).fetchall()[0][0])
        finally:
            if not isinstance(frame, str):
                cur.unregister(name)

    def texts(
        self, cur: Cursor, ids_sql: str, params: Sequence[Any], keys: Sequence[str] | None = None
    ) -> dict[tuple[int, str], str]:
        """``{(contact_id, key): text}`` of the non-empty values (a few contacts: a single save)."""
        sql = texts_sql(self.dialect, ids_sql, keys)
        rows = cur.execute(sql, [*params, *params]).fetchall()
        return {(int(r[0]), r[1]): r[2] for r in rows}

    def record_diff(
        self,
        cur: Cursor,
        before: dict[tuple[int, str], str],
        after: dict[tuple[int, str], str],
        *,
        at: datetime,
        source: str,
        actor: str,
        ref: str | None = None,
    ) -> int:
        """Record every value that differs between two ``texts`` reads; returns how many."""
        rows = [
            {
                "contact_id": cid,
                "attribute_key": key,
                "old_value": before.get((cid, key)),
                "new_value": after.get((cid, key)),
                "changed_at": at,
                "source": source,
                "actor": actor,
                "ref": ref,
            }
            for cid, key in sorted(set(before) | set(after))
            if before.get((cid, key)) != after.get((cid, key))
        ]
        self.record(cur, rows)
        return len(rows)

    def snapshot(
        self, cur: Cursor, ids_sql: str, params: Sequence[Any] = (), keys: Sequence[str] | None = None
    ) -> str:
        """Bulk, before a write: the current texts of the contacts ``ids_sql`` selects, kept in a temporary
        table whose name is returned (for ``record_since``)."""
        name = f"history_before_{uuid.uuid4().hex[:12]}"
        cur.execute(
            f"CREATE TEMP TABLE {name} AS {texts_sql(self.dialect, ids_sql, keys)}", [*params, *params]
        )
        return name

    def record_since(
        self,
        cur: Cursor,
        snapshot: str,
        ids_sql: str,
        params: Sequence[Any] = (),
        keys: Sequence[str] | None = None,
        *,
        at: datetime,
        source: str,
        actor: str,
        ref: str | None = None,
    ) -> int:
        """Bulk, after the write: record every value that differs from ``snapshot`` (set-based), drop it."""
        try:
            (count,) = cur.execute(
                f"INSERT INTO value_history ({', '.join(_WRITE_COLS)})"
                " SELECT coalesce(b.contact_id, a.contact_id), coalesce(b.attribute_key, a.attribute_key),"
                f" b.value, a.value, ?, ?, ?, ? FROM {snapshot} b"
                f" FULL OUTER JOIN ({texts_sql(self.dialect, ids_sql, keys)}) a"
                " ON a.contact_id = b.contact_id AND a.attribute_key = b.attribute_key"
                " WHERE a.value IS DISTINCT FROM b.value ORDER BY 1, 2",
                [at, source, actor, ref, *params, *params],
            ).fetchall()[0]
        finally:
            cur.execute(f"DROP TABLE IF EXISTS {snapshot}")
        return int(count)

    # -- moving, deleting, scrubbing -----------------------------------------------------------
    def reassign(self, cur: Cursor, from_ids: list[int], to_id: int) -> None:
        """Merge: the merged contacts' history becomes the survivor's."""
        if from_ids:
            cur.execute(
                "UPDATE value_history SET contact_id = ? WHERE contact_id IN (SELECT unnest(?::BIGINT[]))",
                [int(to_id), [int(i) for i in from_ids]],
            )

    def delete_for(self, cur: Cursor, ids: list[int]) -> None:
        """The history of contacts being deleted (deletion also does it: every contact table)."""
        if ids:
            cur.execute(
                "DELETE FROM value_history WHERE contact_id IN (SELECT unnest(?::BIGINT[]))",
                [[int(i) for i in ids]],
            )

    def scrub(
        self,
        cur: Cursor,
        contact_ids: list[int] | str,
        keys: Sequence[str] | None,
        params: Sequence[Any] = (),
    ) -> int:
        """Retention: forget the texts (old and new) of ``keys`` (every key when ``None``) of the contacts
        — a list of ids, or a fixed SELECT of ids with ``params`` —; who and when stay. Returns the rows."""
        if isinstance(contact_ids, str):
            match, args = f"IN ({contact_ids})", list(params)
        else:
            match, args = "IN (SELECT unnest(?::BIGINT[]))", [[int(i) for i in contact_ids]]
        only = ""
        if keys is not None:
            only = " AND attribute_key IN ({})".format(", ".join(_quoted(k) for k in keys) or "NULL")
        (count,) = cur.execute(
            "UPDATE value_history SET old_value = NULL, new_value = NULL"
            f" WHERE contact_id {match}{only} AND (old_value IS NOT NULL OR new_value IS NOT NULL)",
            args,
        ).fetchall()[0]
        return int(count)

    # -- reading ---------------------------------------------------------------------------------
    def for_contact(
        self, contact_id: int, limit: int = 50, before_id: int | None = None
    ) -> list[dict[str, Any]]:
        """The contact's history, newest first (``before_id``: the page after the row with that id)."""
        rows = self._rows(
            f"SELECT {', '.join(HISTORY_COLS)} FROM value_history WHERE contact_id = ?"
            " AND (CAST(? AS BIGINT) IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
            [int(contact_id), before_id, before_id, int(limit)],
        )
        return [dict(zip(HISTORY_COLS, r, strict=True)) for r in rows]

    def count_for(self, contact_id: int) -> int:
        return int(self._scalar("SELECT count(*) FROM value_history WHERE contact_id = ?", [int(contact_id)]))

    def stamps(self, contact_id: int) -> list[dict[str, Any]]:
        """Per attribute: first set, last updated, last cleared by retention (the audit timestamps)."""
        cols = ("attribute_key", "created_at", "updated_at", "cleared_at")
        rows = self._rows(
            "SELECT attribute_key, min(changed_at) FILTER (WHERE source <> 'retention'),"
            " max(changed_at) FILTER (WHERE source <> 'retention'),"
            " max(changed_at) FILTER (WHERE source = 'retention')"
            " FROM value_history WHERE contact_id = ? GROUP BY attribute_key ORDER BY attribute_key",
            [int(contact_id)],
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]
