"""SQL for bulk CSV imports: tables and columns (queries: ``imports_plan``, ``imports_write``)."""

from __future__ import annotations

from .schema import SEARCH_TEXT_SQL

# Built-in attribute columns an import may set (never id, platform, handle or the audit columns).
VALUE_COLUMNS = (
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
SLOTS = ("value_text", "value_number", "value_date", "value_bool")
MATCH_KEYS = {"external_id": "ext", "email": "em", "phone": "ph"}  # whitelisted match columns → CTE names
POLICIES = ("update", "skip", "fill-empty")
CHUNK_ROWS = 250_000


BATCH_COLS = (
    "id",
    "created_at",
    "created_by",
    "file_name",
    "encoding",
    "delimiter",
    "on_conflict",
    "match_order",
    "mapping",
    "rows_total",
    "inserted",
    "updated",
    "unchanged",
    "skipped",
    "rejected",
    "status",
    "undone_at",
    "undone_by",
)


def _search_text_of(select: str) -> str:
    """``select`` (which names every contacts column SEARCH_TEXT_SQL reads) plus its ``search_text``."""
    return f"SELECT *, {SEARCH_TEXT_SQL} AS search_text FROM ({select}) AS picked"
