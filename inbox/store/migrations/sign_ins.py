"""Migrations of the sign_ins set: the log of sign-in attempts."""

from __future__ import annotations

from .registry import Cursor, Migrations

sign_ins = Migrations("sign_ins")

# The outcomes the CHECK allowed (frozen copy of validation.sign_in_tables.SIGN_IN_OUTCOMES).
_OUTCOMES = ("success", "failure", "throttled", "locked", "busy", "unlocked")


@sign_ins("sign-in attempts", version=22)
def attempts(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE sign_in_attempt_id_seq START 1")
    cur.execute(f"""
        CREATE TABLE sign_in_attempts (
            id BIGINT PRIMARY KEY DEFAULT nextval('sign_in_attempt_id_seq'),
            attempted_at TIMESTAMP NOT NULL,
            email VARCHAR NOT NULL,
            client VARCHAR NOT NULL,
            outcome VARCHAR NOT NULL CHECK (outcome IN ({', '.join(f"'{o}'" for o in _OUTCOMES)})))""")
    cur.execute("CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email)")
    cur.execute("CREATE INDEX sign_in_attempts_client ON sign_in_attempts (client)")
