"""pandera models of the per-contact value history and of data retention (rules and the log of runs)."""

from __future__ import annotations

from typing import Any

import pandera.pandas as pa

from .columns import Float, Int32, Int64, StoredTable, Text, Timestamp, actor_field, id_field

HISTORY_SOURCES = ("member", "api", "import", "undo", "crm", "retention", "merge", "created")


class ValueHistoryTable(StoredTable):
    """``value_history``: one changed value of a contact (old → new as text; NULL = empty or scrubbed)."""

    id: Int64 = id_field(unique=True)
    contact_id: Int64 = id_field()
    attribute_key: Text = pa.Field(is_slug=())
    old_value: Text = pa.Field(nullable=True)
    new_value: Text = pa.Field(nullable=True)
    changed_at: Timestamp
    source: Text = pa.Field(isin=list(HISTORY_SOURCES))
    actor: Text = actor_field()
    ref: Text = pa.Field(nullable=True, no_control_chars=())

    class Config:
        name = "value_history"


RETENTION_BASES = ("closed", "active")
RETENTION_TRIGGERS = ("schedule", "manual", "cli")


def _target_field() -> Any:  # (pa.Field is a function returning a FieldInfo)
    """``*`` (every attribute), ``#conversations`` or an attribute key."""
    return pa.Field(str_matches=r"^(\*|#conversations|[a-z][a-z0-9_]*)$")


class RetentionRuleTable(StoredTable):
    """``retention_rules``: clear ``target`` ``days`` after the conversations closed or the last activity."""

    id: Int64 = id_field(unique=True)
    target: Text = _target_field()
    basis: Text = pa.Field(isin=list(RETENTION_BASES))
    days: Int32 = pa.Field(ge=1, le=36500)
    created_at: Timestamp
    created_by: Text = actor_field()
    updated_at: Timestamp
    updated_by: Text = actor_field()

    class Config:
        name = "retention_rules"


class RetentionRunTable(StoredTable):
    """``retention_runs``: one rule applied once — when, by whom, the rule as it was, and how much went."""

    id: Int64 = id_field(unique=True)
    run_at: Timestamp
    actor: Text = actor_field()
    trigger: Text = pa.Field(isin=list(RETENTION_TRIGGERS))
    rule_id: Int64 = id_field()
    target: Text = _target_field()
    basis: Text = pa.Field(isin=list(RETENTION_BASES))
    days: Int32 = pa.Field(ge=1)
    cutoff: Timestamp
    contacts: Int64 = pa.Field(ge=0)
    cleared_values: Int64 = pa.Field(ge=0)
    conversations: Int64 = pa.Field(ge=0)
    messages: Int64 = pa.Field(ge=0)
    attachments: Int64 = pa.Field(ge=0)
    seconds: Float = pa.Field(ge=0)

    class Config:
        name = "retention_runs"


HISTORY_TABLE_SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "value_history": ValueHistoryTable,
    "retention_rules": RetentionRuleTable,
    "retention_runs": RetentionRunTable,
}
