"""Migrations of the crm set: the CRM settings and the last lookup of each contact."""

from __future__ import annotations

from .registry import Cursor, Migrations

crm = Migrations("crm")


@crm("crm settings", version=14)
def settings(cur: Cursor) -> None:
    # One row (id = 1). The secret is write-only for people: no read path shows it, only that it is set.
    cur.execute("""
        CREATE TABLE crm_settings (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            lookup_url VARCHAR NOT NULL,
            secret VARCHAR NOT NULL,
            secret_set_at TIMESTAMP NOT NULL,
            secret_set_by VARCHAR NOT NULL,
            timeout_seconds DOUBLE PRECISION NOT NULL,
            lookup_key VARCHAR NOT NULL,
            aliases VARCHAR NOT NULL,
            enabled BOOLEAN NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            updated_by VARCHAR NOT NULL)""")


@crm("crm lookup status per contact", version=15)
def lookups(cur: Cursor) -> None:
    # The last lookup of each contact: shown in the panel (Validated at … / the last error).
    cur.execute("""
        CREATE TABLE crm_lookups (
            contact_id BIGINT PRIMARY KEY,
            attempted_at TIMESTAMP NOT NULL,
            attempted_by VARCHAR NOT NULL,
            trigger VARCHAR NOT NULL,
            ok BOOLEAN NOT NULL,
            last_success_at TIMESTAMP,
            last_error VARCHAR,
            written VARCHAR NOT NULL,
            skipped VARCHAR NOT NULL)""")
