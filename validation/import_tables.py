"""pandera models of the bulk-import tables: batches, the contacts and values a batch changed, mappings."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .columns import (
    Bool,
    Date,
    Float,
    Int32,
    Int64,
    NullableBool,
    NullableInt32,
    StoredTable,
    Text,
    Timestamp,
    actor_field,
    id_field,
)

PRIOR = (
    "display_name",
    "email",
    "first_name",
    "last_name",
    "phone",
    "account_id",
    "job_title",
    "language",
    "subscription",
    "external_id",
)


class ImportBatchTable(StoredTable):
    """``import_batches``: one row per committed import; counts are ≥ 0 and an undo has who and when."""

    id: Int64 = id_field(unique=True)
    created_at: Timestamp
    created_by: Text = actor_field()
    file_name: Text
    encoding: Text = pa.Field(not_blank=())
    delimiter: Text = pa.Field(str_length={"min_value": 1, "max_value": 1})
    on_conflict: Text = pa.Field(isin=["update", "skip", "fill-empty"])
    match_order: Text = pa.Field(not_blank=())
    mapping: Text
    rows_total: Int64 = pa.Field(ge=0)
    inserted: Int64 = pa.Field(ge=0)
    updated: Int64 = pa.Field(ge=0)
    unchanged: Int64 = pa.Field(ge=0)
    skipped: Int64 = pa.Field(ge=0)
    rejected: Int64 = pa.Field(ge=0)
    status: Text = pa.Field(isin=["committed", "undone"])
    undone_at: Timestamp = pa.Field(nullable=True)
    undone_by: Text = pa.Field(nullable=True)

    class Config:
        name = "import_batches"

    @pa.dataframe_check(name="undone_iff_undone_by_and_undone_at")
    def undone_iff_undone_by_and_undone_at(cls, df: pd.DataFrame) -> pd.Series:
        undone = df["status"] == "undone"
        return (undone == df["undone_at"].notna()) & (undone == df["undone_by"].notna())


class ImportBatchContactTable(StoredTable):
    """``import_batch_contacts``: a contact a batch inserted or updated, with its prior values."""

    batch_id: Int64 = id_field()
    contact_id: Int64 = id_field()
    action: Text = pa.Field(isin=["inserted", "updated"])
    version_after: Int32 = pa.Field(ge=1)
    prior_display_name: Text = pa.Field(nullable=True)
    prior_email: Text = pa.Field(nullable=True)
    prior_first_name: Text = pa.Field(nullable=True)
    prior_last_name: Text = pa.Field(nullable=True)
    prior_phone: Text = pa.Field(nullable=True)
    prior_account_id: Text = pa.Field(nullable=True)
    prior_job_title: Text = pa.Field(nullable=True)
    prior_language: Text = pa.Field(nullable=True)
    prior_subscription: Text = pa.Field(nullable=True)
    prior_external_id: Text = pa.Field(nullable=True)
    prior_version: NullableInt32 = pa.Field(nullable=True, ge=1)
    prior_updated_at: Timestamp = pa.Field(nullable=True)
    prior_updated_by: Text = pa.Field(nullable=True)

    class Config:
        name = "import_batch_contacts"
        unique = ["batch_id", "contact_id"]

    @pa.dataframe_check(name="updated_rows_have_a_prior_version")
    def updated_rows_have_a_prior_version(cls, df: pd.DataFrame) -> pd.Series:
        return (df["action"] == "inserted") | df["prior_version"].notna()


class ImportBatchValueTable(StoredTable):
    """``import_batch_values``: a custom value a batch replaced (``existed`` false: there was none)."""

    batch_id: Int64 = id_field()
    contact_id: Int64 = id_field()
    attribute_key: Text = pa.Field(is_slug=())
    existed: Bool
    value_text: Text = pa.Field(nullable=True)
    value_number: Float = pa.Field(nullable=True)
    value_date: Date = pa.Field(nullable=True)
    value_bool: NullableBool = pa.Field(nullable=True)
    updated_at: Timestamp = pa.Field(nullable=True)
    updated_by: Text = pa.Field(nullable=True)

    class Config:
        name = "import_batch_values"
        unique = ["batch_id", "contact_id", "attribute_key"]


class ImportMappingTable(StoredTable):
    """``import_mappings``: saved header → attribute mappings, by unique name."""

    name: Text = pa.Field(not_blank=(), no_control_chars=(), unique=True)
    mapping: Text
    saved_at: Timestamp
    saved_by: Text = actor_field()

    class Config:
        name = "import_mappings"


IMPORT_TABLE_SCHEMAS = {
    "import_batches": ImportBatchTable,
    "import_batch_contacts": ImportBatchContactTable,
    "import_batch_values": ImportBatchValueTable,
    "import_mappings": ImportMappingTable,
}
