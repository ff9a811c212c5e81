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


@history("retention rules and runs")
def retention(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE retention_rule_id_seq START 1")
    cur.execute("""
        CREATE TABLE retention_rules (
            id BIGINT PRIMARY KEY DEFAULT nextval('retention_rule_id_seq'),
            target VARCHAR NOT NULL,
            basis VARCHAR NOT NULL,
            days INTEGER NOT NULL,
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            updated_by VARCHAR NOT NULL)""")
    cur.execute("CREATE SEQUENCE retention_run_id_seq START 1")
    cur.execute("""
        CREATE TABLE retention_runs (
            id BIGINT PRIMARY KEY DEFAULT nextval('retention_run_id_seq'),
            run_at TIMESTAMP NOT NULL,
            actor VARCHAR NOT NULL,
            trigger VARCHAR NOT NULL,
            rule_id BIGINT NOT NULL,
            target VARCHAR NOT NULL,
            basis VARCHAR NOT NULL,
            days INTEGER NOT NULL,
            cutoff TIMESTAMP NOT NULL,
            contacts BIGINT NOT NULL,
            cleared_values BIGINT NOT NULL,
            conversations BIGINT NOT NULL,
            messages BIGINT NOT NULL,
            attachments BIGINT NOT NULL,
            seconds DOUBLE PRECISION NOT NULL)""")
