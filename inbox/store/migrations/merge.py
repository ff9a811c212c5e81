"""Migrations of the merge set: the merge audit log and the identifiers merged contacts keep (aliases)."""

from __future__ import annotations

from .registry import Cursor, Migrations

merge = Migrations("merge")


@merge("merge log and contact aliases")
def log_and_aliases(cur: Cursor) -> None:
    # merge_log has no contact_id column on purpose: deleting a survivor keeps its merges' audit entries
    # (they hold ids, attribute keys and keyed hashes only, never a merged contact's data in clear).
    cur.execute("CREATE SEQUENCE merge_log_id_seq START 1")
    cur.execute("""
        CREATE TABLE merge_log (
            id BIGINT PRIMARY KEY DEFAULT nextval('merge_log_id_seq'),
            merged_at TIMESTAMP NOT NULL,
            merged_by VARCHAR NOT NULL,
            survivor_id BIGINT NOT NULL,
            merged_ids VARCHAR NOT NULL,
            conversations BIGINT NOT NULL,
            messages BIGINT NOT NULL,
            attachments BIGINT NOT NULL,
            changed_keys VARCHAR NOT NULL,
            identities VARCHAR NOT NULL)""")
    # Every identifier of a merged contact (platform handle, e-mail, phone, external id) now names the
    # survivor: inbound messages, search, erasure and imports look here after the contacts themselves.
    cur.execute("""
        CREATE TABLE contact_aliases (
            contact_id BIGINT NOT NULL,
            kind VARCHAR NOT NULL,
            platform VARCHAR,
            value VARCHAR NOT NULL,
            merged_from BIGINT NOT NULL,
            merge_id BIGINT NOT NULL,
            created_at TIMESTAMP NOT NULL)""")
    cur.execute("CREATE INDEX contact_aliases_value_idx ON contact_aliases (value)")
    cur.execute("CREATE INDEX contact_aliases_contact_idx ON contact_aliases (contact_id)")
