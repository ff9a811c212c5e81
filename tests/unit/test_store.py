"""Store: migrations, the tx() helper (incl. DuckDB's silent rollback), cursors across threads."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest

from inbox.errors import MigrationFailed, StoreLocked, StoreUnavailable, TransactionAborted
from inbox.store import Store
from inbox.store.migrations import MIGRATIONS, Migration

ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "schema_migrations",
    "workspace_settings",
    "users",
    "contacts",
    "attribute_definitions",
    "attribute_values",
    "conversations",
    "messages",
    "attachments",
}


def tables(store):
    with store.cursor() as cur:
        return {r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def test_fresh_database_is_migrated_to_latest(store):
    assert store.schema_version() == max(m.version for m in MIGRATIONS)
    assert TABLES <= tables(store)
    assert store.applied_migrations() == [(m.set, m.name) for m in MIGRATIONS]


def test_rerunning_migrations_is_a_no_op(store, db_path):
    assert store.migrate(MIGRATIONS) == []
    store.close()
    again = Store(db_path)
    assert again.migrate(MIGRATIONS) == []
    assert again.accounts.get_setting("plan") == "team"  # seed not applied twice (PK would have failed)
    again.close()


def test_failing_migration_leaves_no_table_and_no_record(store):
    before = store.schema_version()

    def broken(cur):
        cur.execute("CREATE TABLE half_done (x INTEGER)")
        cur.execute("INSERT INTO half_done VALUES ('not a number')")

    with pytest.raises(
        MigrationFailed, match=r'migration "broken" \(test\) failed .* stays at schema version'
    ):
        store.migrate(MIGRATIONS + [Migration("test", "broken", broken, 999)])
    assert store.schema_version() == before
    assert "half_done" not in tables(store)


def test_tx_rolls_back_on_exception(store):
    with pytest.raises(RuntimeError):
        with store.tx() as cur:
            cur.execute("INSERT INTO workspace_settings VALUES ('x', 'y', now()::TIMESTAMP, 't')")
            raise RuntimeError("boom")
    assert store.accounts.get_setting("x") is None


def test_tx_refuses_to_pretend_after_a_swallowed_failure(store):
    """DuckDB's commit() after a failed statement silently rolls back: tx() must raise instead."""
    with pytest.raises(TransactionAborted):
        with store.tx() as cur:
            cur.execute("INSERT INTO workspace_settings VALUES ('x', 'y', now()::TIMESTAMP, 't')")
            try:
                cur.execute("INSERT INTO workspace_settings VALUES ('plan', 'dup', now()::TIMESTAMP, 't')")
            except store.dialect.Error:
                pass  # a careless caller swallows the error
    assert store.accounts.get_setting("x") is None
    assert store.accounts.get_setting("plan") == "team"


def test_raw_duckdb_commit_after_failure_is_silent():
    """The behaviour tx() guards against, pinned so an upgrade that changes it is noticed."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a INTEGER PRIMARY KEY)")
    con.begin()
    con.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO t VALUES (1)")
    con.commit()  # returns normally…
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 0  # …but nothing was kept


def test_tx_commits(store):
    with store.tx() as cur:
        cur.execute("INSERT INTO workspace_settings VALUES ('x', 'y', now()::TIMESTAMP, 't')")
    assert store.accounts.get_setting("x") == "y"


def test_concurrent_cursors_from_threads(store):
    errors = []

    def work(n):
        try:
            for i in range(50):
                with store.tx() as cur:
                    cur.execute(
                        "INSERT INTO workspace_settings VALUES (?, 'v', now()::TIMESTAMP, 't')", [f"k{n}-{i}"]
                    )
                store.accounts.get_setting(f"k{n}-{i}")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store._scalar("SELECT count(*) FROM workspace_settings WHERE key LIKE 'k%'") == 400


def test_bad_paths_raise_one_clear_error(tmp_path):
    with pytest.raises(StoreUnavailable, match="does not exist"):
        Store(tmp_path / "missing-folder" / "x.duckdb")
    with pytest.raises(StoreUnavailable, match="is a folder"):
        Store(tmp_path)
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database" * 100)
    with pytest.raises(StoreUnavailable, match="not a DuckDB database"):
        Store(junk)


def test_lock_held_by_another_process_is_named(db_path):
    Store(db_path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time, duckdb
            con = duckdb.connect({str(db_path)!r}); print("locked", flush=True); time.sleep(60)"""),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLocked, match=f"in use by another process \\(PID {holder.pid}\\)"):
            Store(db_path)
    finally:
        holder.kill()
        holder.wait()


def test_kill_9_during_a_migration_leaves_the_previous_version(db_path):
    Store(db_path).close()
    script = textwrap.dedent(f"""
        import time
        from inbox.store import Store
        from inbox.store.migrations import MIGRATIONS, Migration
        def slow(cur):
            cur.execute("CREATE TABLE half_done (x INTEGER)")
            cur.execute("INSERT INTO half_done SELECT range FROM range(100000)")
            cur.execute("UPDATE contacts SET version = 2")
            print("inside", flush=True)
            time.sleep(60)
        Store({str(db_path)!r}).migrate(MIGRATIONS + [Migration("test", "slow", slow, 999)])
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout.readline().strip() == "inside"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    store = Store(db_path)
    assert store.schema_version() == max(m.version for m in MIGRATIONS)
    assert "half_done" not in tables(store)
    store.close()
