"""Migrations of the sessions set: server-side sign-in sessions (only a hash of each token is kept)."""

from __future__ import annotations

from .registry import Cursor, Migrations

sessions = Migrations("sessions")


@sessions("sign-in sessions")
def table(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE session_id_seq START 1")
    cur.execute("""
        CREATE TABLE sessions (
            id BIGINT PRIMARY KEY DEFAULT nextval('session_id_seq'),
            token_hash VARCHAR NOT NULL,
            user_id BIGINT NOT NULL,
            created_at TIMESTAMP NOT NULL,
            last_seen_at TIMESTAMP NOT NULL,
            ended_at TIMESTAMP,
            ended_why VARCHAR,
            client VARCHAR NOT NULL,
            user_agent VARCHAR NOT NULL)""")
    cur.execute("CREATE INDEX sessions_token_hash ON sessions (token_hash)")
    cur.execute("CREATE INDEX sessions_user ON sessions (user_id)")
