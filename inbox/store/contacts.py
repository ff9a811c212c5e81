"""SQL for contacts: lookup, reading, versioned updates of values, and inbound messages."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import datetime
from typing import Any

from .contacts_create import ContactCreation
from .contacts_search import ORDERS
from .contacts_search import capped as _capped
from .contacts_search import where as _where
from .contacts_update import ContactUpdates
from .repository import Repository
from .retry import as_conflict
from .schema import CONTACT_COLS, RECEIVE_LOOKUP_SQL, SEARCH_TEXT_SQL

BUILTIN_COLUMNS = CONTACT_COLS[4:13]
LIST_COLS = (
    "id",
    "platform",
    "handle",
    "display_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "language",
    "subscription",
    "account_id",
    "external_id",
    "created_at",
    "updated_at",
)
VALUE_SLOTS = ("value_text", "value_number", "value_date", "value_bool")
# ``write_files(contact_id, attachments)``: stores the bytes, returns the storage paths (inbox.files.writer).
WriteFiles = Callable[[int, list[dict[str, Any]]], list[str]]
_RECEIVE_LOCKS = [threading.Lock() for _ in range(64)]  # striped by (platform, handle)


def receive_locks(repo: Repository, ids: list[int] | None) -> ExitStack:
    """The inbound path's locks of every handle of the contacts ``ids`` (their own, their phones', the
    handles merges left them; ``None`` or more than 1,000 contacts: every lock), taken in one order. While
    they are held no message from those handles is written: merges, deletions and import undos hold them
    around their transaction, so no message lands on a contact they remove (DuckDB raises no conflict
    between a delete and a write of the same rows)."""
    held = ExitStack()
    if ids is None or len(ids) > 1000:
        for lock in _RECEIVE_LOCKS:
            held.enter_context(lock)
        return held
    if len(ids) <= 8:  # point lookups by the primary key
        rows = repo._rows(
            " UNION ALL ".join("SELECT platform, handle, phone FROM contacts WHERE id = ?" for _ in ids)
            + " UNION ALL SELECT platform, value, NULL FROM contact_aliases WHERE kind = 'handle' AND"
            f" contact_id IN ({', '.join('?' for _ in ids)})",
            [*ids, *ids],
        )
    else:
        rows = repo._rows(
            "SELECT platform, handle, phone FROM contacts WHERE id IN (SELECT unnest($1::BIGINT[]))"
            " UNION ALL SELECT platform, value, NULL FROM contact_aliases WHERE kind = 'handle'"
            " AND contact_id IN (SELECT unnest($1::BIGINT[]))",
            [ids],
        )
    keys: set[tuple[str, str]] = set()
    for platform, handle, phone in rows:
        keys |= {(platform, handle)} | ({(platform, phone)} if phone else set())
    for stripe in sorted({hash(k) % len(_RECEIVE_LOCKS) for k in keys}):
        held.enter_context(_RECEIVE_LOCKS[stripe])
    return held


class ContactsSQL(ContactCreation, ContactUpdates):
    """Contacts (built-in values are columns), attribute_values (custom, typed); creating and saving values:
    the base classes."""

    def contact_row(self, contact_id: int) -> dict[str, Any] | None:
        row = self._one(f"SELECT {', '.join(CONTACT_COLS)} FROM contacts WHERE id = ?", [int(contact_id)])
        return dict(zip(CONTACT_COLS, row, strict=True)) if row else None

    def first_contact_id(self) -> int | None:
        first: int | None = self._scalar("SELECT min(id) FROM contacts")
        return first

    def custom_values(self, contact_id: int) -> dict[str, tuple[Any, ...]]:
        """``{attribute_key: (text, number, date, bool)}`` for one contact."""
        rows = self._rows(
            "SELECT attribute_key, value_text, value_number, value_date, value_bool"
            " FROM attribute_values WHERE contact_id = ?",
            [int(contact_id)],
        )
        return {r[0]: r[1:] for r in rows}

    # -- lookup ------------------------------------------------------------------------
    search_window_rows = 50_000  # the most recently updated contacts a search looks at first
    search_count_cap = 1_000  # a count above this is reported as "more than"
    _window: tuple[float, datetime | None] | None = None  # (computed at, updated_at threshold), per store

    def search_contacts(
        self,
        *,
        terms: Sequence[str] = (),
        platform: str | None = None,
        language: str | None = None,
        subscription: str | None = None,
        custom: dict[str, str] | None = None,
        vip: bool | None = None,
        limit: int = 25,
        offset: int = 0,
        order: str = "updated",
    ) -> tuple[list[dict[str, Any]], int, bool, bool]:
        """One page of contacts matching every term (substring, accent/case-insensitive) and filter (``vip``:
        VIPs only, or non-VIPs), most recently updated first (or in one of ``ORDERS``); the number of matches,
        whether it is only a floor, and whether a next page exists (known from the ids).

        With a term or filter the count is exact up to ``search_count_cap`` and a floor above it.
        A page is first looked for among the ``search_window_rows`` most recently updated contacts
        (every contact outside that window sorts after every contact in it), so a common term never
        scans the whole table; otherwise one aggregate scan gives the count and the top ids.
        """
        folded = [self._scalar("SELECT lower(strip_accents(?))", [t]) for t in terms]  # once, not per row
        folded = [f for f in folded if f]  # a lone combining accent folds to nothing: it restricts nothing
        where, params = _where(folded, platform, language, subscription, custom, vip)
        need, cap = int(offset) + int(limit) + 1, self.search_count_cap  # one more id: a next page?
        if order in ORDERS:  # another order than the window's: the top ids of every match, then the count
            top = [
                r[0]
                for r in self._rows(
                    f"SELECT id FROM contacts{where} ORDER BY {ORDERS[order]} LIMIT ?", [*params, need]
                )
            ]
            count_sql = f"SELECT count(*) FROM (SELECT 1 FROM contacts{where} LIMIT ?) s" if where else None
            total = (
                self._scalar(count_sql, [*params, cap + 1])
                if count_sql
                else self._scalar("SELECT count(*) FROM contacts")
            )
            return self._page(top, offset, limit, total, cap if where else None)
        since = self._since()
        if since is not None:
            # The threshold is pushed down into the scan; the match sits in a CASE so that the
            # substring tests run on the window's rows only, not on every row of the table.
            match = f"CASE WHEN updated_at >= ? THEN {where[len(' WHERE ') :]} END" if where else "true"
            count, top = self._rows(  # an aggregate: always one row
                f"SELECT count(*), {self._newest} FROM contacts WHERE updated_at >= ? AND {match}",
                [need, since] + ([since, *params] if where else []),
            )[0]
            if count >= need:
                if not where:
                    total = self._scalar("SELECT count(*) FROM contacts")
                elif count > cap:
                    total = cap + 1
                else:
                    total = self._scalar(
                        f"SELECT count(*) FROM (SELECT 1 FROM contacts{where} LIMIT ?) s", [*params, cap + 1]
                    )
                return self._page(list(top), offset, limit, total, cap if where else None)
        total, top = self._rows(  # an aggregate: always one row
            f"SELECT count(*), {self._newest} FROM contacts" + where,
            [need] + params,
        )[0]
        return self._page(list(top or []), offset, limit, total, cap if where else None)

    @property
    def _newest(self) -> str:
        """The aggregate of the ids of the ``?`` most recently updated contacts, newest first."""
        return self.dialect.first_values("id", ["updated_at", "id"], "?", descending=True)

    def _page(
        self, top: list[int], offset: int, limit: int, total: int, cap: int | None
    ) -> tuple[list[dict[str, Any]], int, bool, bool]:
        ids = top[int(offset) :]
        return (self._list_rows(ids[: int(limit)]), *_capped(total, cap), len(ids) > int(limit))

    def _since(self) -> datetime | None:
        """The ``updated_at`` of the ``search_window_rows``-th most recently updated contact, or
        ``None`` when the table is not much bigger than the window. Cached for a minute: a stale
        threshold only makes the window bigger or smaller, never a result wrong."""
        cached = self._window
        if cached is not None and time.monotonic() - cached[0] < 60:
            return cached[1]
        since: datetime | None = None
        if self._scalar("SELECT count(*) FROM contacts") > 4 * self.search_window_rows:
            since = self._scalar(
                "SELECT updated_at FROM contacts ORDER BY updated_at DESC LIMIT 1 OFFSET ?",
                [self.search_window_rows],
            )
        self._window = (time.monotonic(), since)
        return since

    def _list_rows(self, ids: list[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = {
            r[0]: dict(zip(LIST_COLS, r, strict=True))
            for r in self._rows(
                f"SELECT {', '.join(LIST_COLS)} FROM contacts WHERE id IN ({marks})", [int(i) for i in ids]
            )
        }
        return [rows[i] for i in ids if i in rows]

    def exact_contacts(self, column: str, value: object) -> list[dict[str, Any]]:
        """Contacts whose ``column`` equals ``value``, from its ART index (ORDER BY/LIMIT would scan)."""
        if column not in ("id", "email", "phone", "external_id", "account_id", "handle"):
            raise ValueError(f"not an exact-lookup column: {column}")
        found = [
            dict(zip(LIST_COLS, r, strict=True))
            for r in self._rows(f"SELECT {', '.join(LIST_COLS)} FROM contacts WHERE {column} = ?", [value])
        ]
        if column in ("email", "phone", "external_id"):  # an identifier a merged contact left its survivor
            sql = "SELECT contact_id FROM contact_aliases WHERE value = ? AND kind = ?"
            found += self._list_rows(
                sorted({r[0] for r in self._rows(sql, [value, column])} - {r["id"] for r in found})
            )
        return sorted(found, key=lambda r: r["id"])[:50]

    def distinct_values(self, column: str, limit: int = 200) -> list[str]:
        if column not in ("language", "subscription"):
            raise ValueError(f"not a filter column: {column}")
        return [
            r[0]
            for r in self._rows(
                f"SELECT DISTINCT {column} FROM contacts WHERE {column} IS NOT NULL ORDER BY 1 LIMIT ?",
                [limit],
            )
        ]

    def primary_languages(self, limit: int = 200) -> list[str]:
        """The language subtags in use (``pt`` for ``pt``, ``pt-BR`` and ``pt-PT``), in order."""
        tags = self._rows(
            "SELECT DISTINCT language FROM contacts WHERE language IS NOT NULL"
        )  # a few hundred
        return sorted({tag.split("-", 1)[0] for (tag,) in tags})[:limit]

    # -- writes (values: ContactUpdates) ------------------------------------------------------
    def receive_message(
        self,
        *,
        platform: str,
        handle: str,
        text: str,
        at: datetime,
        attachments: list[dict[str, Any]],
        write_files: WriteFiles,
        phone: str | None = None,
    ) -> dict[str, Any]:
        """Append an inbound message to the contact's open conversation (creating either if needed).

        ``attachments`` are metadata dicts (filename, content_type, size_bytes, sha256, data);
        ``write_files(contact_id, attachments)`` stores the bytes and returns the storage paths; it
        runs inside the transaction so a failure stores nothing. ``phone``: the handle as a stored phone
        number (SMS, WhatsApp): the contact is found by either, and a new one gets it as handle and phone.
        One attempt: ``WriteConflict`` when another transaction created the same contact or wrote to the
        same conversation meanwhile (nothing stored; the caller retries with ``retry_conflicts``).
        """
        # Messages from one handle are written one at a time in this process (the only one holding the
        # file read-write), so a burst from a new handle does not turn into a storm of conflicts.
        try:
            with _RECEIVE_LOCKS[hash((platform, phone or handle)) % len(_RECEIVE_LOCKS)]:
                return self._receive(platform, handle, text, at, attachments, write_files, phone)
        except self.dialect.Error as exc:  # another thread created the same contact meanwhile
            if not self.dialect.is_constraint_violation(exc):
                raise
            raise as_conflict(exc) from exc

    def _receive(
        self,
        platform: str,
        handle: str,
        text: str,
        at: datetime,
        attachments: list[dict[str, Any]],
        write_files: WriteFiles,
        phone: str | None,
    ) -> dict[str, Any]:
        with self.tx() as cur:
            found = cur.execute(RECEIVE_LOOKUP_SQL, [platform, handle, phone or handle]).fetchone()
            new_contact = found is None
            if found is None:
                contact_id = cur.execute(
                    "INSERT INTO contacts (platform, handle, phone, created_at, created_by, updated_at,"
                    " updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    [platform, phone or handle, phone, at, f"channel:{platform}", at, f"channel:{platform}"],
                ).fetchall()[0][0]
                cur.execute(f"UPDATE contacts SET search_text = {SEARCH_TEXT_SQL} WHERE id = ?", [contact_id])
                if phone:  # the one value a channel gives: in the history as the contact's creation
                    self.history.record_diff(
                        cur,
                        {},
                        {(contact_id, "phone"): phone},
                        at=at,
                        source="created",
                        actor=f"channel:{platform}",
                    )
                conversation = None
            else:
                contact_id = found[0]
                conversation = cur.execute(
                    "SELECT id FROM conversations WHERE contact_id = ? AND status = 'open'"
                    " ORDER BY last_message_at DESC LIMIT 1",
                    [contact_id],
                ).fetchone()
            if conversation is None:
                conversation_id = cur.execute(
                    "INSERT INTO conversations (contact_id, platform, status, started_at, last_message_at)"
                    " VALUES (?, ?, 'open', ?, ?) RETURNING id",
                    [contact_id, platform, at, at],
                ).fetchall()[0][0]
            else:
                conversation_id = conversation[0]
                cur.execute(
                    "UPDATE conversations SET last_message_at = ? WHERE id = ?", [at, conversation_id]
                )
            message_id = cur.execute(
                "INSERT INTO messages (conversation_id, contact_id, direction, body, sent_at)"
                " VALUES (?, ?, 'inbound', ?, ?) RETURNING id",
                [conversation_id, contact_id, text, at],
            ).fetchall()[0][0]
            paths = write_files(contact_id, attachments) if attachments else []
            for meta, path in zip(attachments, paths, strict=False):  # (paths come from the caller)
                cur.execute(
                    "INSERT INTO attachments (message_id, conversation_id, contact_id, filename,"
                    " content_type, size_bytes, storage_path, sha256, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        message_id,
                        conversation_id,
                        contact_id,
                        meta["filename"],
                        meta["content_type"],
                        meta["size_bytes"],
                        path,
                        meta["sha256"],
                        at,
                    ],
                )
        return {
            "contact_id": contact_id,
            "conversation_id": conversation_id,
            "message_id": message_id,
            "new_contact": new_contact,
        }

    # -- conversations --------------------------------------------------------------------
    def conversations_of(self, contact_id: int) -> list[dict[str, Any]]:
        cols = ("id", "platform", "status", "subject", "started_at", "last_message_at", "messages")
        rows = self._rows(
            "SELECT c.id, c.platform, c.status, c.subject, c.started_at, c.last_message_at,"
            " (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)"
            " FROM conversations c WHERE c.contact_id = ? ORDER BY c.last_message_at DESC",
            [int(contact_id)],
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def messages_of(self, conversation_id: int, limit: int = 200) -> list[dict[str, Any]]:
        cols = ("id", "direction", "author", "body", "sent_at")
        rows = self._rows(
            "SELECT * FROM (SELECT id, direction, author, body, sent_at FROM messages"
            " WHERE conversation_id = ? ORDER BY sent_at DESC, id DESC LIMIT ?) m"
            " ORDER BY sent_at, id",
            [int(conversation_id), int(limit)],
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def attachments_of_conversation(self, conversation_id: int) -> list[dict[str, Any]]:
        cols = ("id", "message_id", "filename", "content_type", "size_bytes", "storage_path", "contact_id")
        rows = self._rows(
            f"SELECT {', '.join(cols)} FROM attachments WHERE conversation_id = ? ORDER BY id",
            [int(conversation_id)],
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def attachment(self, attachment_id: int) -> dict[str, Any] | None:
        cols = ("id", "message_id", "filename", "content_type", "size_bytes", "storage_path", "contact_id")
        row = self._one(f"SELECT {', '.join(cols)} FROM attachments WHERE id = ?", [int(attachment_id)])
        return dict(zip(cols, row, strict=True)) if row else None
