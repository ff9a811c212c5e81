"""SQL of exports: a search's contacts as Arrow batches (one snapshot), a contact's data, the access log."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .contacts_search import ORDERS
from .contacts_search import where as _where
from .repository import Repository

#: Built-in attribute columns of ``contacts`` an export may read (fixed names, never built from input).
BUILTIN = (
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
SLOTS = ("value_text", "value_number", "value_date", "value_bool")
ORDER_UPDATED = "updated_at DESC, id DESC"  # the list's default order (inbox.contacts.SORTS)
ACCESS_COLS = ("id", "accessed_at", "actor", "kind", "format", "query", "contact_id", "row_count")


@dataclass(frozen=True)
class ExportColumn:
    """One attribute column of an export: a built-in column of ``contacts`` or a custom value's slot."""

    key: str
    builtin: bool
    slot: int = 0  # index in SLOTS for a custom attribute


@dataclass(frozen=True)
class Selection:
    """Which contacts an export holds: the search's folded terms and filters, or exact ``ids``."""

    terms: Sequence[str] = ()
    platform: str | None = None
    language: str | None = None
    subscription: str | None = None
    custom: dict[str, str] | None = None
    ids: Sequence[int] | None = None  # an exact match (the search's #id, e-mail, phone…): these, in order
    order: str = "updated"
    vip: bool | None = None  # the VIP filter (issue 16's notes and VIP feature), when set


class ExportsSQL(Repository):
    """Contact exports (read in one snapshot), a contact's whole data, and the ``access_log``."""

    def fold(self, text: str) -> str:
        """``text`` lower-cased without accents, as the search folds its terms."""
        return str(self._scalar("SELECT lower(strip_accents(?))", [text]) or "")

    def _select(
        self, columns: Sequence[ExportColumn], sel: Selection
    ) -> tuple[str, list[Any], str, list[Any]]:
        """``(count SQL, its params, rows SQL, its params)``; ``c0…cN`` are the attribute columns."""
        if sel.ids is not None:
            ids = [int(i) for i in sel.ids]
            where = f" WHERE id IN ({', '.join('?' for _ in ids)})" if ids else " WHERE false"
            params: list[Any] = ids
            order = "list_position(?::BIGINT[], id)" if ids else "id"
            order_params: list[Any] = [ids] if ids else []
        else:
            vip = {"vip": sel.vip} if sel.vip is not None else {}  # (``where`` takes it with the VIP feature)
            where, params = _where(sel.terms, sel.platform, sel.language, sel.subscription, sel.custom, **vip)
            order, order_params = ORDERS.get(sel.order, ORDER_UPDATED), []
        picked, joins, keys = [], [], []
        for n, col in enumerate(columns):
            if col.builtin:
                if col.key not in BUILTIN:
                    raise ValueError(f"not a built-in attribute column: {col.key}")
                picked.append(f"m.{col.key} AS c{n}")
            else:
                joins.append(
                    f" LEFT JOIN attribute_values v{n} ON v{n}.contact_id = m.id AND v{n}.attribute_key = ?"
                )
                keys.append(col.key)
                picked.append(f"v{n}.{SLOTS[col.slot]} AS c{n}")
        inner = f"SELECT *, row_number() OVER (ORDER BY {order}) AS rank_ FROM contacts{where}"
        rows = (
            f"SELECT m.id, m.platform, m.handle, {''.join(p + ', ' for p in picked)}"
            f"m.created_at, m.updated_at FROM ({inner}) m{''.join(joins)} ORDER BY m.rank_"
        )
        return f"SELECT count(*) FROM contacts{where}", params, rows, [*order_params, *params, *keys]

    @contextmanager
    def export_batches(
        self, columns: Sequence[ExportColumn], sel: Selection, batch_rows: int = 10_000
    ) -> Iterator[tuple[int, Iterator[Any]]]:
        """``(row count, Arrow record batches)`` of the selected contacts, both read in one snapshot (a
        read transaction held until the block exits): the count is the number of rows the batches hold,
        whatever is written meanwhile. Columns: ``id, platform, handle, c0…cN, created_at, updated_at``."""
        count_sql, count_params, rows_sql, rows_params = self._select(columns, sel)
        with self.cursor() as cur:
            cur.begin()
            reader = None
            try:
                count = int(cur.execute(count_sql, count_params).fetchall()[0][0])
                reader = cur.sql(rows_sql, params=rows_params).to_arrow_reader(batch_rows)  # streamed
                yield count, iter(reader)
            finally:
                if reader is not None:
                    reader.close()  # a result left half-read (a refusal, a full disk) is dropped
                try:
                    cur.rollback()  # a read-only transaction: nothing to keep
                except self.dialect.Error:
                    pass

    # -- one contact's data (the data-subject export) -------------------------------------------------
    def contact_record(self, contact_id: int) -> dict[str, Any] | None:
        """Every stored column of the contact (columns other features add too, e.g. a VIP flag) but the
        derived search text; ``None`` when there is no such contact."""
        frame = self._df("SELECT * FROM contacts WHERE id = ?", [int(contact_id)]).drop(columns="search_text")
        if frame.empty:
            return None
        return {str(k): _plain(v) for k, v in frame.iloc[0].items()}

    def contact_conversations(self, contact_id: int) -> list[dict[str, Any]]:
        cols = ("id", "platform", "status", "subject", "started_at", "last_message_at")
        rows = self._rows(
            f"SELECT {', '.join(cols)} FROM conversations WHERE contact_id = ? ORDER BY started_at, id",
            [int(contact_id)],
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def contact_messages(self, contact_id: int) -> list[dict[str, Any]]:
        """Every message of the contact's conversations, oldest first (a person's messages: hundreds)."""
        cols = ("id", "conversation_id", "direction", "author", "body", "sent_at")
        rows = self._rows(
            f"SELECT {', '.join(cols)} FROM messages WHERE conversation_id IN"
            " (SELECT id FROM conversations WHERE contact_id = ?) OR contact_id = ? ORDER BY sent_at, id",
            [int(contact_id), int(contact_id)],
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def contact_attachments(self, contact_id: int) -> list[dict[str, Any]]:
        cols = (
            "id",
            "message_id",
            "conversation_id",
            "filename",
            "content_type",
            "size_bytes",
            "sha256",
            "storage_path",
            "created_at",
        )
        rows = self._rows(
            f"SELECT {', '.join(cols)} FROM attachments WHERE contact_id = ? ORDER BY id", [int(contact_id)]
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def contact_values(self, contact_id: int) -> list[dict[str, Any]]:
        """Every stored custom value of the contact with when and by whom it was last set."""
        cols = ("key", "value_text", "value_number", "value_date", "value_bool", "updated_at", "updated_by")
        rows = self._rows(
            "SELECT attribute_key, value_text, value_number, value_date, value_bool, updated_at, updated_by"
            " FROM attribute_values WHERE contact_id = ? ORDER BY attribute_key",
            [int(contact_id)],
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def contact_imports(self, contact_id: int) -> list[dict[str, Any]]:
        """The import batches that created or updated the contact (file name, when, by whom, status)."""
        cols = ("batch_id", "action", "file_name", "created_at", "created_by", "status")
        rows = self._rows(
            "SELECT b.id, c.action, b.file_name, b.created_at, b.created_by, b.status"
            " FROM import_batch_contacts c JOIN import_batches b ON b.id = c.batch_id"
            " WHERE c.contact_id = ? ORDER BY b.id",
            [int(contact_id)],
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def optional_rows(self, table: str, contact_id: int, order: str) -> list[dict[str, Any]] | None:
        """Rows of another feature's per-contact ``table`` (``contact_notes``), or ``None`` when this
        database has no such table. ``table`` and ``order`` are fixed names of the caller, never input."""
        with self.cursor() as cur:
            if table not in self.dialect.table_names(cur):
                return None
        frame = self._df(f"SELECT * FROM {table} WHERE contact_id = ? ORDER BY {order}", [int(contact_id)])
        return [{str(k): _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]

    # -- the access log --------------------------------------------------------------------------------
    def record_access(self, entry: dict[str, Any]) -> int:
        """Append one access (``accessed_at, actor, kind, format, query, contact_id, row_count``); its id."""
        with self.tx() as cur:
            new_id = cur.execute(
                "INSERT INTO access_log (accessed_at, actor, kind, format, query, contact_id, row_count)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [entry[c] for c in ACCESS_COLS[1:]],
            ).fetchall()[0][0]
        return int(new_id)

    def access_entries(
        self, *, kind: str | None = None, contact_id: int | None = None, limit: int = 500
    ) -> list[dict[str, Any]]:
        """The newest entries first (of one ``kind``, of one contact, when given)."""
        clauses, params = [], []
        for column, value in (("kind", kind), ("contact_id", contact_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._rows(
            f"SELECT {', '.join(ACCESS_COLS)} FROM access_log{where} ORDER BY id DESC LIMIT ?",
            [*params, int(limit)],
        )
        return [dict(zip(ACCESS_COLS, r, strict=True)) for r in rows]

    def access_count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM access_log"))


def _plain(value: Any) -> Any:
    """A frame cell as a plain Python value: ``None`` for a missing one, numpy scalars as Python's."""
    import pandas as pd

    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value
