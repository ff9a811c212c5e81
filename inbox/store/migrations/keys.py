"""Migrations of the keys set: seals of the deletion-log entries written before the key file."""

from __future__ import annotations

from .registry import Cursor, Migrations

keys = Migrations("keys")


@keys("seals of deletion-log entries written before the key file", version=19)
def seals(cur: Cursor) -> None:
    # Entries written before the chain was keyed keep their (unkeyed) hashes; when the key file is adopted,
    # each entry that verifies gets a seal — its hash under the chain key — so a later rewrite is detected.
    # Insert-only, like the log.
    cur.execute("""
        CREATE TABLE deletion_log_seals (
            id BIGINT PRIMARY KEY,
            seal VARCHAR NOT NULL)""")
