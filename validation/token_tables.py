"""pandera model of the personal API tokens: only the SHA-256 of each token is stored, with a 4-char hint."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .columns import Int64, StoredTable, Text, Timestamp, actor_field, id_field, line_field


class ApiTokenTable(StoredTable):
    """``api_tokens``: a member's named token; expires after it was created (or never), revoked by someone."""

    id: Int64 = id_field(unique=True)
    token_hash: Text = pa.Field(is_sha256_hex=(), unique=True)
    hint: Text = pa.Field(str_length={"min_value": 4, "max_value": 4})
    user_id: Int64 = id_field()
    name: Text = line_field(str_length={"min_value": 1, "max_value": 80})
    created_at: Timestamp
    created_by: Text = actor_field()
    expires_at: Timestamp = pa.Field(nullable=True)
    last_used_at: Timestamp = pa.Field(nullable=True)
    revoked_at: Timestamp = pa.Field(nullable=True)
    revoked_by: Text = pa.Field(nullable=True, not_blank=(), no_control_chars=())

    class Config:
        name = "api_tokens"

    @pa.dataframe_check(name="expires_at_after_created_at")
    def expires_after_created(cls, df: pd.DataFrame) -> pd.Series:
        return df["expires_at"].isna() | (df["expires_at"] > df["created_at"])

    @pa.dataframe_check(name="revoked_by_set_with_revoked_at")
    def revoked_by_someone(cls, df: pd.DataFrame) -> pd.Series:
        return df["revoked_at"].isna() == df["revoked_by"].isna()


TOKEN_TABLE_SCHEMAS = {"api_tokens": ApiTokenTable}
