"""Migrations of the history set: every change of a contact's attribute values (who, when, old → new)."""

from __future__ import annotations

from .registry import Cursor, Migrations

history = Migrations("history")


@history("value history")
def value_history(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE value_history_id_seq START 1")
    cur.execute("""
        CREATE TABLE value_history (
            id BIGINT PRIMARY KEY DEFAULT nextval('value_history_id_seq'),
            contact_id BIGINT NOT NULL,
            attribute_key VARCHAR NOT NULL,
            old_value VARCHAR,
            new_value VARCHAR,
            changed_at TIMESTAMP NOT NULL,
            source VARCHAR NOT NULL,
            actor VARCHAR NOT NULL,
            ref VARCHAR)""")
    cur.execute("CREATE INDEX value_history_contact ON value_history (contact_id)")
