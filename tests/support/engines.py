"""What tests say of the two engines: why a test runs on DuckDB only (``pytest.mark.duckdb_only``)."""

BLOCKED_WRITER = (
    "DuckDB refuses a write over another transaction's uncommitted one at once, PostgreSQL waits for the row"
    " lock: its conflicts are raced between two servers' transactions in test_postgres_core.py"
)


def store_of(target):
    """The store a test opens beside the app's on the same database (no opening steps: ``Store`` as such):
    ``target`` is a DuckDB file's path or a PostgreSQL URL (its files in ``$INBOX_FILES``)."""
    import os

    from inbox.store import PgStore, Store
    from inbox.store.core_postgres import is_postgres_url

    if is_postgres_url(target):
        return PgStore(target, files_dir=os.environ["INBOX_FILES"])
    return Store(target)
