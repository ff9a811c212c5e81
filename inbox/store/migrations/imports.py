"""Migrations of the imports set: batches, the contacts and custom values a batch changed, saved mappings."""

from __future__ import annotations

from .registry import Cursor, Migrations

imports = Migrations("imports")

# The prior values an undo restores, one column per built-in value an import could set (frozen).
_PRIOR = ", ".join(
    f"prior_{c} VARCHAR"
    for c in (
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
)


@imports("import batches", version=10)
def batches(cur: Cursor) -> None:
    cur.execute("CREATE SEQUENCE import_batch_seq START 1")
    cur.execute("""
        CREATE TABLE import_batches (
            id BIGINT PRIMARY KEY DEFAULT nextval('import_batch_seq'),
            created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
            encoding VARCHAR NOT NULL, delimiter VARCHAR NOT NULL, on_conflict VARCHAR NOT NULL,
            match_order VARCHAR NOT NULL, mapping VARCHAR NOT NULL, rows_total BIGINT NOT NULL,
            inserted BIGINT NOT NULL, updated BIGINT NOT NULL, unchanged BIGINT NOT NULL,
            skipped BIGINT NOT NULL,
            rejected BIGINT NOT NULL, status VARCHAR NOT NULL CHECK (status IN ('committed', 'undone')),
            undone_at TIMESTAMP, undone_by VARCHAR)""")


@imports("contacts changed by an import batch, with prior values", version=11)
def batch_contacts(cur: Cursor) -> None:
    # One row per contact a batch changed: the batch stamp, and the prior values that undo restores.
    cur.execute(f"""
        CREATE TABLE import_batch_contacts (
            batch_id BIGINT NOT NULL, contact_id BIGINT NOT NULL,
            action VARCHAR NOT NULL CHECK (action IN ('inserted', 'updated')), version_after INTEGER NOT NULL,
            {_PRIOR}, prior_version INTEGER, prior_updated_at TIMESTAMP, prior_updated_by VARCHAR)""")


@imports("custom values replaced by an import batch", version=12)
def batch_values(cur: Cursor) -> None:
    # Custom attribute values an update batch replaced (existed = FALSE: there was none, undo deletes it).
    cur.execute("""
        CREATE TABLE import_batch_values (
            batch_id BIGINT NOT NULL, contact_id BIGINT NOT NULL, attribute_key VARCHAR NOT NULL,
            existed BOOLEAN NOT NULL, value_text VARCHAR, value_number DOUBLE PRECISION, value_date DATE,
            value_bool BOOLEAN,
            updated_at TIMESTAMP, updated_by VARCHAR)""")


@imports("saved import mappings", version=13)
def mappings(cur: Cursor) -> None:
    cur.execute(
        "CREATE TABLE import_mappings (name VARCHAR PRIMARY KEY, mapping VARCHAR NOT NULL,"
        " saved_at TIMESTAMP NOT NULL, saved_by VARCHAR NOT NULL)"
    )
