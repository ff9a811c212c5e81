"""Migrations of the notes set: notes on a contact (plain text, author and time) and the VIP flag."""

from __future__ import annotations

from .registry import Cursor, Migrations

notes = Migrations("notes")


@notes("contact notes and VIP flags")
def tables(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE contact_note_id_seq START 1")
    cur.execute("""
        CREATE TABLE contact_notes (
            id BIGINT PRIMARY KEY DEFAULT nextval('contact_note_id_seq'),
            contact_id BIGINT NOT NULL,
            body VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR NOT NULL)""")
    cur.execute("CREATE INDEX contact_notes_contact_idx ON contact_notes (contact_id)")
    # A contact is a VIP while it has a row here (who marked it, when); unmarking deletes the row.
    cur.execute("""
        CREATE TABLE contact_vips (
            contact_id BIGINT PRIMARY KEY,
            marked_at TIMESTAMP NOT NULL,
            marked_by VARCHAR NOT NULL)""")
