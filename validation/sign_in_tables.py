"""pandera model of the sign-in log: one row per attempt (time, e-mail typed, client, outcome)."""

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


SIGN_IN_TABLE_SCHEMAS = {"sign_in_attempts": SignInAttemptTable}
