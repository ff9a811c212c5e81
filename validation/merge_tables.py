"""pandera models of the merge tables: the merge audit log and the identifiers merged contacts keep."""

from __future__ import annotations

import json

import pandas as pd
import pandera.pandas as pa

from . import PLATFORMS
from .columns import Int64, StoredTable, Text, Timestamp, actor_field, id_field

#: The kinds of identifier a merged contact leaves on its survivor.
ALIAS_KINDS = ("handle", "email", "phone", "external_id")


def _json_list(text: object) -> bool:
    try:
        return isinstance(json.loads(text), list) if isinstance(text, str) else False
    except ValueError:
        return False


class MergeLogTable(StoredTable):
    """``merge_log``: who merged which contact ids into which survivor, when; ids, keys and hashes only."""

    id: Int64 = id_field(unique=True)
    merged_at: Timestamp
    merged_by: Text = actor_field()
    survivor_id: Int64 = id_field()
    merged_ids: Text
    conversations: Int64 = pa.Field(ge=0)
    messages: Int64 = pa.Field(ge=0)
    attachments: Int64 = pa.Field(ge=0)
    changed_keys: Text
    identities: Text

    class Config:
        name = "merge_log"

    @pa.check("merged_ids", "changed_keys", "identities", name="is_json_list")
    def json_lists(cls, s: pd.Series) -> pd.Series:
        return s.map(_json_list).astype(bool)


class ContactAliasTable(StoredTable):
    """``contact_aliases``: an identifier of a merged contact, now the survivor's (handles with platform)."""

    contact_id: Int64 = id_field()
    kind: Text = pa.Field(isin=list(ALIAS_KINDS))
    platform: Text = pa.Field(nullable=True, isin=list(PLATFORMS))
    value: Text = pa.Field(not_blank=(), no_control_chars=())
    merged_from: Int64 = id_field()
    merge_id: Int64 = id_field()
    created_at: Timestamp

    class Config:
        name = "contact_aliases"

    @pa.dataframe_check(name="platform_of_handles_known")
    def platform_for_handles(cls, df: pd.DataFrame) -> pd.Series:
        return (df["kind"] == "handle") == df["platform"].notna()


MERGE_TABLE_SCHEMAS = {"merge_log": MergeLogTable, "contact_aliases": ContactAliasTable}
