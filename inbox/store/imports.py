"""SQL for bulk CSV imports: tables and columns (queries: ``imports_plan``, ``imports_write``)."""

from __future__ import annotations

from ..errors import Conflict

# Built-in attribute columns an import may set (never id, platform, handle or the audit columns).
VALUE_COLUMNS = ("display_name", "email", "first_name", "last_name", "phone", "account_id", "job_title",
                 "language", "subscription", "external_id")
SLOTS = ("value_text", "value_number", "value_date", "value_bool")
MATCH_KEYS = {"external_id": "ext", "email": "em", "phone": "ph"}  # whitelisted match columns → CTE names
POLICIES = ("update", "skip", "fill-empty")
CHUNK_ROWS = 250_000
_PRIOR = ", ".join(f"prior_{c} VARCHAR" for c in VALUE_COLUMNS)


def m010_import_batches(cur) -> None:
    cur.execute("CREATE SEQUENCE import_batch_seq START 1")
    cur.execute("""
        CREATE TABLE import_batches (
            id BIGINT PRIMARY KEY DEFAULT nextval('import_batch_seq'),
            created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
            encoding VARCHAR NOT NULL, delimiter VARCHAR NOT NULL, on_conflict VARCHAR NOT NULL,
            match_order VARCHAR NOT NULL, mapping VARCHAR NOT NULL, rows_total BIGINT NOT NULL,
            inserted BIGINT NOT NULL, updated BIGINT NOT NULL, unchanged BIGINT NOT NULL, skipped BIGINT NOT NULL,
            rejected BIGINT NOT NULL, status VARCHAR NOT NULL CHECK (status IN ('committed', 'undone')),
            undone_at TIMESTAMP, undone_by VARCHAR)""")


def m011_import_batch_contacts(cur) -> None:
    # One row per contact a batch changed: the batch stamp, and the prior values that undo restores.
    cur.execute(f"""
        CREATE TABLE import_batch_contacts (
            batch_id BIGINT NOT NULL, contact_id BIGINT NOT NULL,
            action VARCHAR NOT NULL CHECK (action IN ('inserted', 'updated')), version_after INTEGER NOT NULL,
            {_PRIOR}, prior_version INTEGER, prior_updated_at TIMESTAMP, prior_updated_by VARCHAR)""")


def m012_import_batch_values(cur) -> None:
    # Custom attribute values an update batch replaced (existed = FALSE: there was none, undo deletes it).
    cur.execute("""
        CREATE TABLE import_batch_values (
            batch_id BIGINT NOT NULL, contact_id BIGINT NOT NULL, attribute_key VARCHAR NOT NULL,
            existed BOOLEAN NOT NULL, value_text VARCHAR, value_number DOUBLE, value_date DATE, value_bool BOOLEAN,
            updated_at TIMESTAMP, updated_by VARCHAR)""")


def m013_import_mappings(cur) -> None:
    cur.execute("CREATE TABLE import_mappings (name VARCHAR PRIMARY KEY, mapping VARCHAR NOT NULL,"
                " saved_at TIMESTAMP NOT NULL, saved_by VARCHAR NOT NULL)")


MIGRATIONS: list = [  # versions 10-13 are reserved for imports
    (10, "import batches", m010_import_batches),
    (11, "contacts changed by an import batch, with prior values", m011_import_batch_contacts),
    (12, "custom values replaced by an import batch", m012_import_batch_values),
    (13, "saved import mappings", m013_import_mappings),
]

BATCH_COLS = ("id", "created_at", "created_by", "file_name", "encoding", "delimiter", "on_conflict", "match_order",
              "mapping", "rows_total", "inserted", "updated", "unchanged", "skipped", "rejected", "status",
              "undone_at", "undone_by")


def _search_text_of(select: str) -> str:
    """``select`` (which names every contacts column SEARCH_TEXT_SQL reads) plus its ``search_text``."""
    from .migrations import SEARCH_TEXT_SQL

    return f"SELECT *, {SEARCH_TEXT_SQL} AS search_text FROM ({select})"


class UndoRefused(Conflict):
    """Contacts of the batch changed since the import; ``contacts`` describes each (nothing was undone)."""

    def __init__(self, batch_id: int, contacts: list[dict]):
        self.batch_id = batch_id
        self.contacts = contacts
        super().__init__(f"import {batch_id} cannot be undone: {len(contacts):,} of its contacts changed since "
                         "(undo the later changes first, or leave the import in place)")
