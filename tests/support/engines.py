"""What tests say of the two engines: why a test runs on DuckDB only (``pytest.mark.duckdb_only``)."""

BLOCKED_WRITER = (
    "DuckDB refuses a write over another transaction's uncommitted one at once, PostgreSQL waits for the row"
    " lock: its conflicts are raced between two servers' transactions in test_postgres_core.py"
)
