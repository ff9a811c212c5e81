"""pandera models of the deletion tables (log, head, files pending removal) and their vocabulary."""

from __future__ import annotations

import json

import pandas as pd
import pandera.pandas as pa

from . import PLATFORMS
from .columns import Int32, Int64, StoredTable, Text, Timestamp, actor_field

#: Why a contact was deleted: stored value → label shown to people.
DELETION_REASONS: dict[str, str] = {
    "gdpr_request": "GDPR request",
    "duplicate": "Duplicate",
    "test_data": "Test data",
    "other": "Other",
}
MAX_HINT = 500
#: The columns of an entry, in table order (``entry_hash`` is computed over all the others).
LOG_COLUMNS: tuple[str, ...] = (
    "id",
    "deleted_at",
    "deleted_by",
    "contact_id",
    "platform",
    "display_name",
    "identity_hint",
    "reason",
    "conversations",
    "messages",
    "attachments",
    "bytes",
    "email_hmac",
    "phone_hmac",
    "handle_hmac",
    "external_id_hmac",
    "snapshot",
    "prev_hash",
    "entry_hash",
)
COUNT_COLUMNS: tuple[str, ...] = ("conversations", "messages", "attachments", "bytes")


def _json_object(text: object) -> bool:
    try:
        return isinstance(json.loads(text), dict) if isinstance(text, str) else False
    except ValueError:
        return False


class DeletionLogSchema(StoredTable):
    """``deletion_log``: one row per deleted contact; no personal identifier in clear (keyed hashes only)."""

    id: Int64 = pa.Field(ge=1, unique=True)
    deleted_at: Timestamp
    deleted_by: Text = actor_field()
    contact_id: Int64 = pa.Field(ge=1)
    platform: Text = pa.Field(isin=list(PLATFORMS))
    display_name: Text = pa.Field(nullable=True, no_control_chars=(), not_blank=())
    identity_hint: Text = pa.Field(not_blank=(), no_control_chars=(), str_length={"max_value": MAX_HINT})
    reason: Text = pa.Field(isin=list(DELETION_REASONS))
    conversations: Int64 = pa.Field(ge=0)
    messages: Int64 = pa.Field(ge=0)
    attachments: Int64 = pa.Field(ge=0)
    bytes: Int64 = pa.Field(ge=0)
    email_hmac: Text = pa.Field(nullable=True, is_sha256_hex=())
    phone_hmac: Text = pa.Field(nullable=True, is_sha256_hex=())
    handle_hmac: Text = pa.Field(is_sha256_hex=())
    external_id_hmac: Text = pa.Field(nullable=True, is_sha256_hex=())
    snapshot: Text = pa.Field(nullable=True)
    prev_hash: Text = pa.Field(is_sha256_hex=(), unique=True)
    entry_hash: Text = pa.Field(is_sha256_hex=(), unique=True)

    class Config:
        name = "deletion_log"

    @pa.check("snapshot", name="is_json_object")
    def snapshot_is_json(cls, s: pd.Series) -> pd.Series:
        missing = s.isna().to_numpy()
        judged = [bool(m) or _json_object(v) for v, m in zip(s, missing, strict=True)]
        return pd.Series(judged, index=s.index, dtype=bool)

    @pa.dataframe_check(name="no_bytes_without_attachments")
    def bytes_need_attachments(cls, df: pd.DataFrame) -> pd.Series:
        return ((df["attachments"] > 0) | (df["bytes"] == 0)).astype(bool)


class DeletionLogHeadTable(StoredTable):
    """``deletion_log_head``: one row (id 1), the number of entries and the last entry's hash."""

    id: Int32 = pa.Field(isin=[1], unique=True)
    entries: Int64 = pa.Field(ge=0)
    last_hash: Text = pa.Field(is_sha256_hex=())
    updated_at: Timestamp

    class Config:
        name = "deletion_log_head"


class DeletionPendingFileTable(StoredTable):
    """``deletion_pending_files``: attachment files of deleted contacts not yet removed from disk."""

    storage_path: Text = pa.Field(is_relative_path=(), unique=True)
    entry_id: Int64 = pa.Field(ge=1)
    recorded_at: Timestamp

    class Config:
        name = "deletion_pending_files"


class DeletionLogSealTable(StoredTable):
    """``deletion_log_seals``: the keyed hash of each entry written before the key file existed."""

    id: Int64 = pa.Field(ge=1, unique=True)
    seal: Text = pa.Field(is_sha256_hex=())

    class Config:
        name = "deletion_log_seals"


#: The deletion feature's tables, for ``validation.tables.TABLE_SCHEMAS`` (``inbox check``).
DELETION_TABLE_SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "deletion_log": DeletionLogSchema,
    "deletion_log_head": DeletionLogHeadTable,
    "deletion_pending_files": DeletionPendingFileTable,
    "deletion_log_seals": DeletionLogSealTable,
}
