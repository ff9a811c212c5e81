"""Migrations of the access set: the access log (contact exports and data-subject downloads)."""

from __future__ import annotations

from .registry import Cursor, Migrations

access = Migrations("access")

# The kinds the CHECK allows (frozen copy of validation.access_tables.ACCESS_KINDS).
_KINDS = ("contacts_export", "subject_export")


@access("access log")
def log(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE access_log_id_seq START 1")
    cur.execute(f"""
        CREATE TABLE access_log (
            id BIGINT PRIMARY KEY DEFAULT nextval('access_log_id_seq'),
            accessed_at TIMESTAMP NOT NULL,
            actor VARCHAR NOT NULL,
            kind VARCHAR NOT NULL CHECK (kind IN ({', '.join(f"'{k}'" for k in _KINDS)})),
            format VARCHAR NOT NULL,
            query VARCHAR,
            contact_id BIGINT,
            row_count BIGINT NOT NULL)""")
    cur.execute("CREATE INDEX access_log_contact ON access_log (contact_id)")
