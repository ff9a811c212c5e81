"""The PostgreSQL core: the same migrations give the same schema and seed rows as on DuckDB, servers starting
together migrate once, transactions roll back whole and a conflict is a ``WriteConflict``."""

from __future__ import annotations

import threading

import psycopg
import pytest

from inbox.errors import TransactionAborted, WriteConflict
from inbox.store import Store
from inbox.store.core_postgres import PgCore, is_postgres_url, redacted
from inbox.store.dialect_postgres import numbered_placeholders
from inbox.store.migrations import MIGRATIONS
from inbox.store.retry import retry_conflicts

# DuckDB's type names as PostgreSQL's information_schema spells the same types
PG_TYPE = {
    "VARCHAR": "character varying",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp without time zone",
}
SEEDED = ("attribute_definitions", "deletion_log_head", "layout_versions", "workspace_settings")


def _columns(store, schema: str) -> dict[str, list[tuple[str, str, str]]]:
    tables: dict[str, list[tuple[str, str, str]]] = {}
    for table, column, type_, nullable in store._rows(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = ? ORDER BY table_name, ordinal_position",
        [schema],
    ):
        tables.setdefault(table, []).append((column, PG_TYPE.get(type_, type_), nullable))
    return tables


def _seed(store, table: str) -> list[tuple]:
    """The table's rows without their timestamps (written at migration time)."""
    frame = store._df(f"SELECT * FROM {table} ORDER BY 1")
    return [tuple(v for k, v in row.items() if not k.endswith("_at")) for row in frame.to_dict("records")]


@pytest.fixture
def pg(pg_url):
    with PgCore(pg_url, files_dir="unused") as core:
        yield core


@pytest.mark.duckdb_only("compares a PostgreSQL database with the DuckDB store")
def test_the_migrations_give_postgres_the_schema_and_seed_rows_duckdb_has(pg, store):
    assert pg.applied_migrations() == [m.key for m in MIGRATIONS] == store.applied_migrations()
    assert _columns(pg, "public") == _columns(store, "main")
    indexes = {r[0] for r in pg._rows("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
    assert {r[0] for r in store._rows("SELECT index_name FROM duckdb_indexes()")} <= indexes
    sequences = "SELECT sequence_name FROM information_schema.sequences ORDER BY 1"
    assert pg._rows(sequences) == store._rows("SELECT sequence_name FROM duckdb_sequences() ORDER BY 1")
    for table in SEEDED:
        assert _seed(pg, table) == _seed(store, table), table


def test_servers_starting_together_migrate_once(pg_url):
    opened, failed = [], []

    def start() -> None:
        try:
            opened.append(PgCore(pg_url, files_dir="unused"))
        except Exception as exc:  # noqa: BLE001 (reported below)
            failed.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert failed == [] and len(opened) == 4
        counts = opened[0]._rows("SELECT migration_set, name, count(*) FROM schema_migrations GROUP BY 1, 2")
        assert len(counts) == len(MIGRATIONS) and {c for *_, c in counts} == {1}
        assert opened[0]._scalar("SELECT count(*) FROM attribute_definitions") == 9  # seeded once
    finally:
        for core in opened:
            core.close()


def test_reopening_applies_nothing_and_a_newer_database_is_refused(pg_url):
    with PgCore(pg_url, files_dir="unused") as core:
        assert core.migrate(MIGRATIONS) == []
        with core.tx() as cur:
            cur.execute("INSERT INTO schema_migrations VALUES (999, 'core', 'from the future', now())")
    with pytest.raises(Exception, match="written by a newer version of the app.*schema version is 999"):
        PgCore(pg_url, files_dir="unused")


def test_a_transaction_is_all_or_nothing(pg):
    with pytest.raises(RuntimeError), pg.tx() as cur:
        cur.execute("INSERT INTO workspace_settings VALUES ('a', '1', now(), 'test')")
        raise RuntimeError("boom")
    with pytest.raises(TransactionAborted, match="nothing was saved"), pg.tx() as cur:
        cur.execute("INSERT INTO workspace_settings VALUES ('b', '1', now(), 'test')")
        try:  # a failed statement the caller swallows still aborts the whole transaction
            cur.execute("INSERT INTO workspace_settings VALUES ('plan', 'x', now(), 'test')")
        except psycopg.errors.UniqueViolation:
            pass
    assert pg._rows("SELECT key FROM workspace_settings ORDER BY key") == [("plan",)]
    with pg.tx() as cur:
        cur.execute("INSERT INTO workspace_settings VALUES (?, ?, now(), ?)", ["c", "it's", "test"])
    assert pg._scalar("SELECT value FROM workspace_settings WHERE key = ?", ["c"]) == "it's"


def test_a_row_changed_since_the_snapshot_is_a_write_conflict_and_a_retry_succeeds(pg):
    interfere, attempts = [True], []

    def bump() -> None:
        with pg.tx() as cur:
            attempts.append(1)
            cur.execute("SELECT entries FROM deletion_log_head").fetchall()  # the snapshot is taken
            if interfere:  # another server commits a change of the row meanwhile
                interfere.pop()
                with pg.tx() as other:
                    other.execute("UPDATE deletion_log_head SET entries = entries + 10 WHERE id = 1")
            cur.execute("UPDATE deletion_log_head SET entries = entries + 1 WHERE id = 1")

    retry_conflicts(bump)
    assert len(attempts) == 2 and pg._scalar("SELECT entries FROM deletion_log_head") == 11
    interfere.append(True)
    with pytest.raises(WriteConflict, match="nothing was saved"):
        bump()
    assert pg._scalar("SELECT entries FROM deletion_log_head") == 21  # the other's change only


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT ? + ?", "SELECT $1 + $2"),
        ("SELECT list_contains(?::VARCHAR[], x)", "SELECT list_contains($1::VARCHAR[], x)"),
        ("SELECT '?', \"a?\", ? -- why?\n, ?", "SELECT '?', \"a?\", $1 -- why?\n, $2"),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"),
        ("SELECT $1, $1", "SELECT $1, $1"),
        ("SELECT 1", "SELECT 1"),
    ],
)
def test_placeholders_are_numbered_outside_literals_names_and_comments(sql, expected):
    assert numbered_placeholders(sql) == expected


def test_urls_are_recognised_and_their_password_never_shown():
    assert is_postgres_url("postgresql://u@h/db") and is_postgres_url("postgres://h/db")
    assert not is_postgres_url("data/inbox.duckdb") and not is_postgres_url(None)
    assert (
        redacted("postgresql://ann:s3cr:et@db.example:5432/inbox")
        == "postgresql://ann:***@db.example:5432/inbox"
    )
    assert redacted("postgresql://ann@db.example/inbox") == "postgresql://ann@db.example/inbox"


@pytest.mark.duckdb_only("the DuckDB store is the reference")
def test_duckdb_and_postgres_stores_share_one_migration_plan(store):
    assert isinstance(store, Store) and store.dialect.name == "duckdb"
    overridden = [m.name for m in MIGRATIONS if "postgres" in m.engines]
    assert overridden == [
        "contact search text and lookup indexes",
        "language tags",
        "e-mail addresses normalised",
        "phone numbers as libphonenumber reads them",
        "contact identifiers stored uncompressed",
        "contact search trigram index",
    ]


def test_a_range_of_ids_is_reserved_and_the_sequence_goes_on_after_it(pg):
    with pg.tx() as cur:
        first = pg.dialect.reserve_ids(cur, "contact_id_seq", 5)
        assert pg.dialect.reserve_ids(cur, "contact_id_seq", 1) == first + 5
    assert pg._scalar("SELECT nextval('contact_id_seq')") == first + 6


def test_a_substring_search_can_read_the_trigram_index(pg):
    with pg.cursor() as cur:
        cur.execute("SET enable_seqscan = off")  # (an empty table: the planner would rather scan it)
        plan = cur.execute(
            "EXPLAIN SELECT id FROM contacts WHERE contains(search_text, ?)", ["dupont"]
        ).fetchall()
        cur.execute("RESET enable_seqscan")
    assert "contacts_search_trgm_idx" in "\n".join(r[0] for r in plan)
