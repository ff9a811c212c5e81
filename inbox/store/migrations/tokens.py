"""Migrations of the tokens set: personal API tokens (only the SHA-256 of each token is kept)."""

from __future__ import annotations

from .registry import Cursor, Migrations

tokens = Migrations("tokens")


@tokens("personal API tokens")
def table(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE api_token_id_seq START 1")
    cur.execute("""
        CREATE TABLE api_tokens (
            id BIGINT PRIMARY KEY DEFAULT nextval('api_token_id_seq'),
            token_hash VARCHAR NOT NULL,
            hint VARCHAR NOT NULL,
            user_id BIGINT NOT NULL,
            name VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR NOT NULL,
            expires_at TIMESTAMP,
            last_used_at TIMESTAMP,
            revoked_at TIMESTAMP,
            revoked_by VARCHAR)""")
    cur.execute("CREATE INDEX api_tokens_token_hash ON api_tokens (token_hash)")
    cur.execute("CREATE INDEX api_tokens_user ON api_tokens (user_id)")
