"""pandera models of contact notes (plain text, at most 2,000 characters) and VIP flags."""

from __future__ import annotations

import pandera.pandas as pa

from .columns import Int64, StoredTable, Text, Timestamp, actor_field, id_field


class ContactNoteTable(StoredTable):
    """``contact_notes``: a note on a contact, with its author and time."""

    id: Int64 = id_field(unique=True)
    contact_id: Int64 = id_field()
    body: Text = pa.Field(str_length={"min_value": 1, "max_value": 2000})
    created_at: Timestamp
    created_by: Text = actor_field()

    class Config:
        name = "contact_notes"


class ContactVipTable(StoredTable):
    """``contact_vips``: a contact marked VIP, by whom and when."""

    contact_id: Int64 = id_field(unique=True)
    marked_at: Timestamp
    marked_by: Text = actor_field()

    class Config:
        name = "contact_vips"


NOTE_TABLE_SCHEMAS = {"contact_notes": ContactNoteTable, "contact_vips": ContactVipTable}
