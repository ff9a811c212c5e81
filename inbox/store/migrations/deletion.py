"""Migrations of the deletion set: the append-only deletion log, its head, files pending removal."""

from __future__ import annotations

from ...models import utcnow
from .registry import Cursor, Migrations

deletion = Migrations("deletion")

_GENESIS = "0" * 64  # the prev_hash of entry 1 (frozen copy of inbox.store.deletion.GENESIS)


@deletion("deletion log and its head", version=6)
def log_and_head(cur: Cursor) -> None:
    # Append-only: no code path updates or deletes a row (tests/unit/test_deletion_log.py scans for it).
    # id = previous id + 1 and a unique prev_hash: two deletions at once cannot fork the chain.
    cur.execute("""
        CREATE TABLE deletion_log (
            id BIGINT PRIMARY KEY,
            deleted_at TIMESTAMP NOT NULL,
            deleted_by VARCHAR NOT NULL,
            contact_id BIGINT NOT NULL,
            platform VARCHAR NOT NULL,
            display_name VARCHAR,
            identity_hint VARCHAR NOT NULL,
            reason VARCHAR NOT NULL CHECK (reason IN ('gdpr_request', 'duplicate', 'test_data', 'other')),
            conversations BIGINT NOT NULL CHECK (conversations >= 0),
            messages BIGINT NOT NULL CHECK (messages >= 0),
            attachments BIGINT NOT NULL CHECK (attachments >= 0),
            bytes BIGINT NOT NULL CHECK (bytes >= 0),
            email_hmac VARCHAR,
            phone_hmac VARCHAR,
            handle_hmac VARCHAR NOT NULL,
            external_id_hmac VARCHAR,
            snapshot VARCHAR,
            prev_hash VARCHAR NOT NULL UNIQUE,
            entry_hash VARCHAR NOT NULL)""")
    # The chain's head (a pointer, not the log): read in the deleting transaction, so concurrent
    # deletions conflict here and retry; `audit verify` also detects a log cut short at the end.
    cur.execute("""
        CREATE TABLE deletion_log_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            entries BIGINT NOT NULL,
            last_hash VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL)""")
    cur.execute("INSERT INTO deletion_log_head VALUES (1, 0, ?, ?)", [_GENESIS, utcnow()])


@deletion("attachment files pending removal", version=7)
def pending_files(cur: Cursor) -> None:
    # Attachment files of deleted contacts, recorded in the deleting transaction and removed after
    # commit; rows left by a crash in between are finished by the next open (inbox.deletion).
    cur.execute("""
        CREATE TABLE deletion_pending_files (
            storage_path VARCHAR PRIMARY KEY,
            entry_id BIGINT NOT NULL,
            recorded_at TIMESTAMP NOT NULL)""")


@deletion("attribute values by contact", version=8)
def values_by_contact(cur: Cursor) -> None:
    # The (contact_id, attribute_key) primary key does not serve `WHERE contact_id = ?`.
    cur.execute("CREATE INDEX attribute_values_contact_idx ON attribute_values (contact_id)")
