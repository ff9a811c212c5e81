"""SQL for contacts: lookup, reading, versioned updates of values, and inbound messages."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import duckdb

from ..errors import Conflict, NotFound
from .repository import Repository
from .retry import as_conflict, retry_conflicts
from .schema import CONTACT_COLS, SEARCH_TEXT_SQL

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
    "updated_at",
)
VALUE_SLOTS = ("value_text", "value_number", "value_date", "value_bool")
_RECEIVE_LOCKS = [threading.Lock() for _ in range(64)]  # striped by (platform, handle)


# Characters of the search text from most to least frequent (names, emails, phones, ids).
_RANK = {c: i for i, c in enumerate(" a0e13c4985627mroiln.-sptx@+ghudbkzvwj_yfq'")}


def _anchor(term: str) -> str:
    """The suffix of ``term`` that starts at its least frequent character.

    A substring test looks for the needle's first character and then compares byte by byte, so
    "a.hadd" costs about twice as much as "dd": testing the rarer suffix first lets the full test
    run only on the rows that contain it (it is implied by the term, so results are the same).
    """
    start = max(range(len(term)), key=lambda i: (_RANK.get(term[i], len(_RANK)), -i))
    return term[start:]


def _where(terms, platform, language, subscription, custom) -> tuple[str, list]:
    clauses, params = [], []
    for term in terms:
        anchor = _anchor(term)
        if anchor != term:
            clauses.append("contains(search_text, ?)")
            params.append(anchor)
        clauses.append("contains(search_text, ?)")
        params.append(term)
    for column, value in (("platform", platform), ("subscription", subscription)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if language:  # a language and its regional or script variants: pt finds pt, pt-BR and pt-PT
        clauses.append("(language = ? OR starts_with(language, ?))")
        params += [language, f"{language}-"]
    for key, value in (custom or {}).items():
        clauses.append(
            "id IN (SELECT contact_id FROM attribute_values WHERE attribute_key = ? AND value_text = ?)"
        )
        params += [key, value]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _capped(total: int, cap: int | None) -> tuple[int, bool]:
    """``(count, is_floor)``: a count above ``cap`` is reported as ``cap`` and a floor."""
    return (int(total), False) if cap is None or total <= cap else (cap, True)


class ContactsSQL(Repository):
    """Contacts (built-in attributes are columns) and attribute_values (custom, typed)."""

    def contact_row(self, contact_id: int) -> dict | None:
        row = self._one(f"SELECT {', '.join(CONTACT_COLS)} FROM contacts WHERE id = ?", [int(contact_id)])
        return dict(zip(CONTACT_COLS, row)) if row else None

    def first_contact_id(self) -> int | None:
        return self._scalar("SELECT min(id) FROM contacts")

    def custom_values(self, contact_id: int) -> dict[str, tuple]:
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
    _window: tuple[float, object] | None = None  # (computed at, updated_at threshold), per store

    def search_contacts(
        self,
        *,
        terms=(),
        platform=None,
        language=None,
        subscription=None,
        custom=None,
        limit: int = 25,
        offset: int = 0,
    ) -> tuple[list[dict], int, bool, bool]:
        """One page of contacts matching every term (substring, accent/case-insensitive) and filter,
        most recently updated first; the number of matches, whether that number is only a floor, and
        whether a next page exists (known from the ids, so a contact deleted meanwhile changes nothing).

        With a term or filter the count is exact up to ``search_count_cap`` and a floor above it.
        A page is first looked for among the ``search_window_rows`` most recently updated contacts
        (every contact outside that window sorts after every contact in it), so a common term never
        scans the whole table; otherwise one aggregate scan gives the count and the top ids.
        """
        folded = [self._scalar("SELECT lower(strip_accents(?))", [t]) for t in terms]  # once, not per row
        folded = [f for f in folded if f]  # a lone combining accent folds to nothing: it restricts nothing
        where, params = _where(folded, platform, language, subscription, custom)
        need, cap = int(offset) + int(limit) + 1, self.search_count_cap  # one more id: is there a next page?
        since = self._since()
        if since is not None:
            # The threshold is pushed down into the scan; the match sits in a CASE so that the
            # substring tests run on the window's rows only, not on every row of the table.
            match = f"CASE WHEN updated_at >= ? THEN {where[len(' WHERE ') :]} END" if where else "true"
            count, top = self._one(
                "SELECT count(*), max_by(id, {'u': updated_at, 'i': id}, ?) FROM contacts"
                f" WHERE updated_at >= ? AND {match}",
                [need, since] + ([since, *params] if where else []),
            )
            if count >= need:
                if not where:
                    total = self._scalar("SELECT count(*) FROM contacts")
                elif count > cap:
                    total = cap + 1
                else:
                    total = self._scalar(
                        f"SELECT count(*) FROM (SELECT 1 FROM contacts{where} LIMIT ?)", [*params, cap + 1]
                    )
                return self._page(list(top), offset, limit, total, cap if where else None)
        total, top = self._one(
            "SELECT count(*), max_by(id, {'u': updated_at, 'i': id}, ?) FROM contacts" + where,
            [need] + params,
        )
        return self._page(list(top or []), offset, limit, total, cap if where else None)

    def _page(self, top: list[int], offset: int, limit: int, total: int, cap: int | None):
        ids = top[int(offset) :]
        return (self._list_rows(ids[: int(limit)]), *_capped(total, cap), len(ids) > int(limit))

    def _since(self):
        """The ``updated_at`` of the ``search_window_rows``-th most recently updated contact, or
        ``None`` when the table is not much bigger than the window. Cached for a minute: a stale
        threshold only makes the window bigger or smaller, never a result wrong."""
        cached = self._window
        if cached is not None and time.monotonic() - cached[0] < 60:
            return cached[1]
        since = None
        if self._scalar("SELECT count(*) FROM contacts") > 4 * self.search_window_rows:
            since = self._scalar(
                "SELECT updated_at FROM contacts ORDER BY updated_at DESC LIMIT 1 OFFSET ?",
                [self.search_window_rows],
            )
        self._window = (time.monotonic(), since)
        return since

    def _list_rows(self, ids: list[int]) -> list[dict]:
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = {
            r[0]: dict(zip(LIST_COLS, r))
            for r in self._rows(
                f"SELECT {', '.join(LIST_COLS)} FROM contacts WHERE id IN ({marks})", [int(i) for i in ids]
            )
        }
        return [rows[i] for i in ids if i in rows]

    def exact_contacts(self, column: str, value) -> list[dict]:
        """Contacts whose ``column`` (id, email, phone, external_id, account_id, handle) equals ``value``.

        A plain equality so DuckDB answers from the column's ART index (ORDER BY/LIMIT would scan).
        """
        if column not in ("id", "email", "phone", "external_id", "account_id", "handle"):
            raise ValueError(f"not an exact-lookup column: {column}")
        rows = self._rows(f"SELECT {', '.join(LIST_COLS)} FROM contacts WHERE {column} = ?", [value])
        return sorted((dict(zip(LIST_COLS, r)) for r in rows), key=lambda r: r["id"])[:50]

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

    # -- writes -------------------------------------------------------------------------
    def update_contact_values(
        self, contact_id: int, expected_version: int, builtin: dict, custom: dict, actor: str, at: datetime
    ) -> int:
        """Set built-in columns and custom values if the contact is still at ``expected_version``.

        ``custom`` maps key → ``(text, number, date, bool)`` or ``None`` (clear). Returns the new
        version. Raises ``NotFound`` or ``Conflict`` (stale version); nothing is written then. A save
        that collides with a simultaneous one is retried: it then sees the new version (``Conflict``).
        """
        return retry_conflicts(
            lambda: self._update_values(int(contact_id), expected_version, builtin, custom, actor, at)
        )

    def _update_values(self, contact_id, expected_version, builtin, custom, actor, at) -> int:
        sets = "".join(f"{col} = ?, " for col in builtin)
        with self.tx() as cur:
            # No RETURNING here: DuckDB 2.0 skips the write-write conflict check of an UPDATE … RETURNING, and
            # a save made at the same moment would be lost without a word (tests/unit/test_concurrency.py).
            (updated,) = cur.execute(
                f"UPDATE contacts SET {sets}updated_at = ?, updated_by = ?, version = version + 1"
                " WHERE id = ? AND version = ?",
                [*builtin.values(), at, actor, contact_id, int(expected_version)],
            ).fetchone()
            if not updated:
                current = cur.execute(
                    "SELECT version, updated_by FROM contacts WHERE id = ?", [contact_id]
                ).fetchone()
                if current is None:
                    raise NotFound(f"contact {contact_id} no longer exists (it may have been deleted)")
                raise Conflict(
                    f"{current[1]} changed this contact since you opened it (version "
                    f"{expected_version} → {current[0]}); nothing was saved"
                )
            if builtin:
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
                        " ON CONFLICT (contact_id, attribute_key) DO UPDATE SET value_text = excluded.value_text,"
                        " value_number = excluded.value_number, value_date = excluded.value_date,"
                        " value_bool = excluded.value_bool, updated_at = excluded.updated_at,"
                        " updated_by = excluded.updated_by",
                        [contact_id, key, *slots, at, actor],
                    )
        return int(expected_version) + 1

    def receive_message(
        self,
        *,
        platform: str,
        handle: str,
        text: str,
        at: datetime,
        attachments: list[dict],
        write_files,
        phone: str | None = None,
    ) -> dict:
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
        except duckdb.ConstraintException as exc:  # another thread created the same contact meanwhile
            raise as_conflict(exc) from exc

    def _receive(self, platform, handle, text, at, attachments, write_files, phone) -> dict:
        with self.tx() as cur:
            found = cur.execute(
                "SELECT id FROM contacts WHERE platform = ? AND handle IN (?, ?)"
                " ORDER BY handle = ? DESC, id LIMIT 1",
                [platform, handle, phone or handle, phone or handle],
            ).fetchone()
            new_contact = found is None
            if new_contact:
                contact_id = cur.execute(
                    "INSERT INTO contacts (platform, handle, phone, created_at, created_by, updated_at, updated_by)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    [platform, phone or handle, phone, at, f"channel:{platform}", at, f"channel:{platform}"],
                ).fetchone()[0]
                cur.execute(f"UPDATE contacts SET search_text = {SEARCH_TEXT_SQL} WHERE id = ?", [contact_id])
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
                ).fetchone()[0]
            else:
                conversation_id = conversation[0]
                cur.execute(
                    "UPDATE conversations SET last_message_at = ? WHERE id = ?", [at, conversation_id]
                )
            message_id = cur.execute(
                "INSERT INTO messages (conversation_id, contact_id, direction, body, sent_at)"
                " VALUES (?, ?, 'inbound', ?, ?) RETURNING id",
                [conversation_id, contact_id, text, at],
            ).fetchone()[0]
            paths = write_files(contact_id, attachments) if attachments else []
            for meta, path in zip(attachments, paths):
                cur.execute(
                    "INSERT INTO attachments (message_id, conversation_id, contact_id, filename, content_type,"
                    " size_bytes, storage_path, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    def conversations_of(self, contact_id: int) -> list[dict]:
        cols = ("id", "platform", "status", "subject", "started_at", "last_message_at", "messages")
        rows = self._rows(
            "SELECT c.id, c.platform, c.status, c.subject, c.started_at, c.last_message_at,"
            " (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)"
            " FROM conversations c WHERE c.contact_id = ? ORDER BY c.last_message_at DESC",
            [int(contact_id)],
        )
        return [dict(zip(cols, r)) for r in rows]

    def messages_of(self, conversation_id: int, limit: int = 200) -> list[dict]:
        cols = ("id", "direction", "author", "body", "sent_at")
        rows = self._rows(
            "SELECT * FROM (SELECT id, direction, author, body, sent_at FROM messages"
            " WHERE conversation_id = ? ORDER BY sent_at DESC, id DESC LIMIT ?)"
            " ORDER BY sent_at, id",
            [int(conversation_id), int(limit)],
        )
        return [dict(zip(cols, r)) for r in rows]

    def attachments_of_conversation(self, conversation_id: int) -> list[dict]:
        cols = ("id", "message_id", "filename", "content_type", "size_bytes", "storage_path", "contact_id")
        rows = self._rows(
            f"SELECT {', '.join(cols)} FROM attachments WHERE conversation_id = ? ORDER BY id",
            [int(conversation_id)],
        )
        return [dict(zip(cols, r)) for r in rows]

    def attachment(self, attachment_id: int) -> dict | None:
        cols = ("id", "message_id", "filename", "content_type", "size_bytes", "storage_path", "contact_id")
        row = self._one(f"SELECT {', '.join(cols)} FROM attachments WHERE id = ?", [int(attachment_id)])
        return dict(zip(cols, row)) if row else None
