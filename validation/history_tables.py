"""pandera models of the per-contact value history and of data retention (rules and the log of runs)."""

from __future__ import annotations

import pandera.pandas as pa

from .columns import Int64, StoredTable, Text, Timestamp, actor_field, id_field

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


HISTORY_TABLE_SCHEMAS: dict[str, type[pa.DataFrameModel]] = {"value_history": ValueHistoryTable}
