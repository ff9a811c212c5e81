"""pandera model of the access log: who exported contacts or downloaded a contact's data, when, rows."""

from __future__ import annotations

import json

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .columns import Int64, StoredTable, Text, Timestamp, actor_field, id_field

ACCESS_KINDS: tuple[str, ...] = ("contacts_export", "subject_export")
ACCESS_FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet", "zip")


class AccessLogTable(StoredTable):
    """``access_log``: a contacts export (its query as JSON) or a data-subject download (its contact id)."""

    id: Int64 = id_field(unique=True)
    accessed_at: Timestamp
    actor: Text = actor_field()
    kind: Text = pa.Field(isin=list(ACCESS_KINDS))
    format: Text = pa.Field(isin=list(ACCESS_FORMATS))
    query: Text = pa.Field(nullable=True)
    contact_id: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    row_count: Int64 = pa.Field(ge=0)

    class Config:
        name = "access_log"

    @pa.dataframe_check(name="subject_export_contact_known")
    def subject_has_contact(cls, df: pd.DataFrame) -> pd.Series:
        return (df["kind"] != "subject_export") | df["contact_id"].notna()

    @pa.check("query", name="is_json_object")
    def query_is_json(cls, s: pd.Series) -> pd.Series:
        return s.map(_json_object, na_action="ignore").fillna(True).astype(bool)


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


ACCESS_TABLE_SCHEMAS = {"access_log": AccessLogTable}
