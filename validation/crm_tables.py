"""pandera models of the CRM integration tables: its one-row settings and each contact's last lookup."""

from __future__ import annotations

import json

import pandas as pd
import pandera.pandas as pa

from .columns import Bool, Float, Int32, Int64, StoredTable, Text, Timestamp, actor_field, id_field

CRM_TRIGGERS: tuple[str, ...] = ("manual", "new_contact", "sync")  # Refresh from CRM, a new contact, crm sync


def _json_object_of_str(text: object) -> bool:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return False
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


class CrmSettingsTable(StoredTable):
    """``crm_settings``: one row, an http(s) URL, a bounded timeout, aliases as a JSON object.
    ``secret`` has no value check on purpose: a failing check would echo it into the report."""

    id: Int32 = pa.Field(isin=[1], unique=True)
    lookup_url: Text = pa.Field(is_url=())
    secret: Text
    secret_set_at: Timestamp
    secret_set_by: Text = actor_field()
    timeout_seconds: Float = pa.Field(ge=0.5, le=30)
    lookup_key: Text = pa.Field(is_slug=())
    aliases: Text
    enabled: Bool
    updated_at: Timestamp
    updated_by: Text = actor_field()

    class Config:
        name = "crm_settings"

    @pa.check("aliases", name="is_json_object_of_str")
    def aliases_are_json(cls, s: pd.Series) -> pd.Series:
        return s.map(_json_object_of_str).astype(bool)


class CrmLookupTable(StoredTable):
    """``crm_lookups``: each contact's last CRM lookup; an error exactly when it failed."""

    contact_id: Int64 = id_field(unique=True)
    attempted_at: Timestamp
    attempted_by: Text = actor_field()
    trigger: Text = pa.Field(isin=list(CRM_TRIGGERS))
    ok: Bool
    last_success_at: Timestamp = pa.Field(nullable=True)
    last_error: Text = pa.Field(nullable=True)
    written: Text = pa.Field(is_json_list_of_str=())
    skipped: Text = pa.Field(is_json_list_of_str=())

    class Config:
        name = "crm_lookups"

    @pa.dataframe_check(name="error_iff_failed_and_last_success_at_attempted_at")
    def consistent(cls, df: pd.DataFrame) -> pd.Series:
        ok = df["ok"].astype(bool)
        succeeded_now = df["last_success_at"] == df["attempted_at"]
        return ((ok == df["last_error"].isna()) & (~ok | succeeded_now)).astype(bool)


CRM_TABLE_SCHEMAS = {"crm_settings": CrmSettingsTable, "crm_lookups": CrmLookupTable}
