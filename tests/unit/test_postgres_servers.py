"""Several processes on one PostgreSQL database, as app servers behind a load balancer: what one saves the
others see, and deletions made at the same moment by different processes keep one valid deletion-log chain."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from inbox import contacts, inbound, open_store, users
from inbox.deletion_chain import verify_log
from inbox.models import SYSTEM, Actor

ADMIN = Actor("admin@example.com", "admin")
# One process: open the store, then delete the contacts given on the command line one by one.
DELETER = textwrap.dedent("""
    import sys, time
    from inbox import deletion, open_store
    from inbox.models import Actor
    with open_store() as store:
        start = float(sys.argv[1])
        time.sleep(max(0.0, start - time.time()))  # every process starts deleting at the same moment
        for cid in sys.argv[2:]:
            deletion.delete_contact(store, Actor("admin@example.com", "admin"), int(cid),
                                    hint=f"ticket {cid}", reason="test_data")
""")


@pytest.fixture
def workspace(pg_migrated_url, tmp_path, monkeypatch):
    monkeypatch.setenv("INBOX_DB", pg_migrated_url)
    monkeypatch.setenv("INBOX_FILES", str(tmp_path))
    with open_store() as store:
        users.add_user(store, SYSTEM, ADMIN.email, role="admin", password="long-enough-1")
        ids = [inbound.receive(store, "email", f"p{i}@example.org", "hello")["contact_id"] for i in range(16)]
    return ids


def test_what_one_server_saves_the_other_sees_at_once(workspace):
    with open_store() as first, open_store() as second:
        seen = contacts.get_contact(second, workspace[0])
        contacts.update_values(first, ADMIN, workspace[0], seen.version, {"first_name": "Ada"})
        again = contacts.get_contact(second, workspace[0])
        assert again.values["first_name"] == "Ada" and again.version == seen.version + 1


def test_deletions_from_four_processes_at_once_keep_one_valid_chain(workspace):
    import time

    start = f"{time.time() + 3:.3f}"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", DELETER, start, *[str(c) for c in workspace[i::4]]],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    with open_store() as store:
        result = verify_log(store, ADMIN)
        assert result.ok and result.entries == 16, result
        entries = store._rows("SELECT id, contact_id FROM deletion_log ORDER BY id")
        assert [e[0] for e in entries] == list(range(1, 17))
        assert sorted(e[1] for e in entries) == sorted(workspace)
        assert store._scalar("SELECT count(*) FROM contacts") == 0


def test_the_cli_runs_while_the_app_holds_the_database_open(workspace, tmp_path):
    """No file lock on PostgreSQL: import, audit export and retention run from other processes while this
    process (the app) keeps its store open and writes between them."""
    env = {**os.environ, "PYTHONPATH": os.getcwd()}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "inbox", *args], env=env, capture_output=True, text=True, timeout=120
        )

    people = tmp_path / "people.csv"
    people.write_text("email,first_name\nnew1@example.org,Nina\nnew2@example.org,Noa\n", encoding="utf-8")
    with open_store() as app:
        imported = cli("import", str(people), "--actor", ADMIN.email)
        assert imported.returncode == 0, imported.stderr
        assert app.stats.table_counts()["contacts"] == 18  # the app sees the import at once
        from inbox import deletion

        deletion.delete_contact(app, ADMIN, workspace[0], hint="ticket 1", reason="test_data")
        exported = cli("audit", "export", "--format", "csv", "--out", str(tmp_path / "log.csv"))
        assert exported.returncode == 0, exported.stderr
        assert "ticket 1" in (tmp_path / "log.csv").read_text(encoding="utf-8")
        retention = cli("retention", "run", "--actor", ADMIN.email)
        assert retention.returncode == 0, retention.stderr
        assert app.stats.table_counts()["contacts"] == 17
