"""pandera models of the sign-in log (one row per attempt) and of the sign-in sessions (hashed tokens)."""

from __future__ import annotations

import pandera.pandas as pa

from .columns import Int64, StoredTable, Text, Timestamp, id_field

SIGN_IN_OUTCOMES: tuple[str, ...] = ("success", "failure", "throttled", "locked", "busy", "unlocked")


class SignInAttemptTable(StoredTable):
    """``sign_in_attempts``: the e-mail as typed (normalised, at most 320 characters, maybe empty), client."""

    id: Int64 = id_field(unique=True)
    attempted_at: Timestamp
    email: Text = pa.Field(str_length={"max_value": 320})
    client: Text = pa.Field(str_length={"min_value": 1, "max_value": 100})
    outcome: Text = pa.Field(isin=list(SIGN_IN_OUTCOMES))

    class Config:
        name = "sign_in_attempts"


class SessionTable(StoredTable):
    """``sessions``: a sign-in session; only the SHA-256 of its token (64 hex digits) is stored."""

    id: Int64 = id_field(unique=True)
    token_hash: Text = pa.Field(is_sha256_hex=(), unique=True)
    user_id: Int64 = id_field()
    created_at: Timestamp
    last_seen_at: Timestamp
    ended_at: Timestamp = pa.Field(nullable=True)
    ended_why: Text = pa.Field(nullable=True, str_length={"max_value": 100})
    client: Text = pa.Field(str_length={"max_value": 100})
    user_agent: Text = pa.Field(str_length={"max_value": 200})

    class Config:
        name = "sessions"


SIGN_IN_TABLE_SCHEMAS = {"sign_in_attempts": SignInAttemptTable, "sessions": SessionTable}
