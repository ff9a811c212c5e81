"""Compaction: deleted contacts' bytes leave the database file; the app's data, files and sequences stay."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox import attributes, compaction, contacts, deletion, inbound, open_store, users
from inbox.cli.main import cli, main
from inbox.models import SYSTEM
from inbox.store import CompactionFailed, Store
from inbox.store import compact as compact_module

from ..support.deletion import ADMIN, files_under, rich_contact

ROOT = Path(__file__).resolve().parents[2]
DOOMED = [
    {"email": f"qvx7-doomed-{i}@example.org", "phone": f"+3361234500{i}", "text": f"doomed-note-{i}-zz"}
    for i in range(3)
]
KEPT = {"email": "kept-wq42@example.org", "phone": "+33698760042", "text": "kept-note-wq42"}


def _add(store, person: dict, handle: str) -> int:
    cid = rich_contact(
        store,
        handle=handle,
        values={"email": person["email"], "phone": person["phone"], "first_name": "Ann", "tier": "gold"},
    )
    inbound.receive(store, "whatsapp", handle, f"{person['text']} " * 3)
    return cid


def raw_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + ".wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def needles(person: dict) -> list[bytes]:
    return [person[k].encode() for k in ("email", "phone", "text")]


def checkpoint(store) -> None:
    with store.cursor() as cur:
        cur.execute("CHECKPOINT")


def app_state(store) -> dict:
    """What the app shows and relies on: counts, the kept contact, users, layout, log, sequences."""
    kept = contacts.get_contact(store, 4)
    with store.cursor() as cur:
        sequences = cur.execute(
            "SELECT sequence_name, last_value FROM duckdb_sequences()"
            " WHERE database_name = current_database() ORDER BY 1"
        ).fetchall()
        indexes = cur.execute(
            "SELECT index_name, sql FROM duckdb_indexes() WHERE database_name = current_database() ORDER BY 1"
        ).fetchall()
    return {
        "counts": store.stats.table_counts(),
        "kept": (kept.handle, kept.version, kept.values),
        "users": users.list_users(store, SYSTEM),
        "layout": attributes.export_layout(store),
        "log": deletion.verify_log(store, SYSTEM),
        "sequences": sequences,
        "indexes": indexes,
        "version": store.schema_version(),
        "settings": store.accounts.get_setting("plan"),
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Built once: three contacts (e-mail, phone, messages, files) deleted, one kept, then checkpointed."""
    path = tmp_path_factory.mktemp("template") / "inbox.duckdb"
    with Store(path) as store:
        users.add_user(store, SYSTEM, "admin@example.com", role="admin", password="admin-secret-1")
        doomed = [_add(store, p, f"+3361234500{i}") for i, p in enumerate(DOOMED)]
        _add(store, KEPT, KEPT["phone"])
        checkpoint(store)
        assert all(n in raw_bytes(path) for p in DOOMED for n in needles(p))  # the probe sees stored text
        deletion.delete_contacts(store, ADMIN, doomed, hint="erasure request", reason="gdpr_request")
        checkpoint(store)
    return path


@pytest.fixture
def deleted(template, tmp_path):
    """An open copy of the template (database, attachments, key file, checkpoints) for one test."""
    path = tmp_path / template.name
    for item in template.parent.iterdir():  # the database with its attachments, key file and checkpoints
        (shutil.copytree if item.is_dir() else shutil.copyfile)(item, tmp_path / item.name)
    store = Store(path)
    yield store
    store.close()


def test_deleted_data_is_in_the_file_until_compaction_and_gone_after(deleted):
    path = deleted.path
    assert all(n in raw_bytes(path) for p in DOOMED for n in needles(p))  # the problem of issue 12 item 5
    before = app_state(deleted)
    result = deleted.compaction.compact()
    raw = raw_bytes(path)
    assert [n for p in DOOMED for n in needles(p) if n in raw] == []
    assert all(n in raw for n in needles(KEPT))
    assert result["bytes_after"] < result["bytes_before"] and result["database"] == str(path)
    assert app_state(deleted) == before and before["log"].ok and before["log"].entries == 3
    new = inbound.receive(deleted, "sms", "+4915112345678", "hello")  # sequences continue where they were
    assert (new["contact_id"], new["conversation_id"]) == (5, 5)
    assert deleted.accounts.user_by_email("admin@example.com").role == "admin"


def test_data_survives_reopening_and_other_files_stay_untouched(deleted, tmp_path):
    others = {
        p: p.read_bytes()
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.name.startswith("inbox.duckdb")
    }
    attachments = files_under(deleted.attachments_dir)
    assert attachments  # the kept contact's files
    before = app_state(deleted)
    deleted.compaction.compact()
    deleted.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("inbox.duckdb")) == ["inbox.duckdb"]
    assert {p: p.read_bytes() for p in others} == others and files_under(
        deleted.attachments_dir
    ) == attachments
    with open_store(deleted.path) as again:
        assert app_state(again) == before


def test_a_failure_before_the_swap_leaves_the_old_file_and_no_copy(deleted, monkeypatch):
    def no_space(copy, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(compact_module, "_swap", no_space)
    before = app_state(deleted)
    with pytest.raises(CompactionFailed, match="No space left on device.*nothing changed"):
        deleted.compaction.compact()
    assert not compact_module.copy_path(deleted.path).exists()
    assert not Path(f"{compact_module.copy_path(deleted.path)}.wal").exists()
    assert DOOMED[0]["email"].encode() in raw_bytes(deleted.path)  # still the old file
    assert app_state(deleted) == before
    inbound.receive(deleted, "sms", "+4915112345678", "the store works after the failure")
    monkeypatch.undo()
    deleted.compaction.compact()
    assert DOOMED[0]["email"].encode() not in raw_bytes(deleted.path)


def test_a_copy_that_does_not_match_is_never_swapped_in(deleted, monkeypatch):
    monkeypatch.setattr(compact_module, "_differences", lambda con, a, b: ["table contacts has 1 rows but 0"])
    with pytest.raises(CompactionFailed, match="does not match.*nothing changed"):
        deleted.compaction.compact()
    assert not compact_module.copy_path(deleted.path).exists()
    assert DOOMED[0]["email"].encode() in raw_bytes(deleted.path)


def test_differences_are_found(tmp_path):
    """The verification compares rows, table definitions, indexes, sequences and the schema version."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{tmp_path / 'a.duckdb'}' AS a")
    con.execute(f"ATTACH '{tmp_path / 'b.duckdb'}' AS b")
    for db in ("a", "b"):
        con.execute(f"CREATE TABLE {db}.schema_migrations (version INTEGER)")
        con.execute(f"INSERT INTO {db}.schema_migrations VALUES (21)")
        con.execute(f"CREATE TABLE {db}.t (x INTEGER PRIMARY KEY)")
        con.execute(f"CREATE SEQUENCE {db}.s")
    assert compact_module._differences(con, "a", "b") == []
    con.execute("INSERT INTO a.t VALUES (1)")
    con.execute("SELECT nextval('a.s')")
    con.execute("CREATE INDEX ix ON b.t (x)")
    con.execute("INSERT INTO b.schema_migrations VALUES (22)")
    assert compact_module._differences(con, "a", "b") == [
        "the indexes differ",
        "the sequences differ",
        "table schema_migrations has 1 rows but 2 in the copy",
        "table t has 1 rows but 0 in the copy",
        "schema version 21 but 22 in the copy",
    ]


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_crash_around_the_swap_leaves_a_whole_database(deleted, moment):
    """kill -9 just before or just after the rename: the next open finds the old or the new file, whole."""
    path, before = deleted.path, app_state(deleted)
    deleted.close()
    script = textwrap.dedent(f"""
        import os
        from inbox.store import Store, compact
        real = compact._swap
        def crash(copy, target):
            if {moment!r} == "after":
                real(copy, target)
            os._exit(9)
        compact._swap = crash
        Store({str(path)!r}).compaction.compact()
        """)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 9, done.stderr
    assert compact_module.copy_path(path).exists() == (moment == "before")  # a crash leaves the copy …
    with open_store(path) as again:  # … which the next open removes
        assert not compact_module.copy_path(path).exists()
        assert app_state(again) == before
        assert (DOOMED[0]["email"].encode() in raw_bytes(path)) == (moment == "before")


def test_refused_when_read_only_or_opened_twice(deleted):
    with Store(deleted.path) as twice:  # same process: DuckDB shares one instance, the file stays open
        with pytest.raises(CompactionFailed, match="open more than once"):
            deleted.compaction.compact()
        assert twice.accounts.count_users() == deleted.accounts.count_users() == 2  # admin and agent
    deleted.compaction.compact()  # alone again


def test_cli_compacts_and_prints_one_json_line(deleted):
    path = deleted.path
    deleted.close()
    result = CliRunner().invoke(cli, ["compact", "--db", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    out = json.loads(lines[-1]) if len(lines) == 1 else pytest.fail(result.output)
    assert out["purged_deletions"] == 3 and out["bytes_after"] < out["bytes_before"] and out["seconds"] >= 0
    assert DOOMED[1]["phone"].encode() not in raw_bytes(path)
    with Store(path) as again:
        assert compaction.pending_count(again) == 0 and compaction.last_purge(again) is not None
        assert json.loads(again.accounts.get_setting(compaction.LAST_KEY))["by"] == SYSTEM.email


def test_cli_missing_or_locked_database_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["compact", "--db", str(tmp_path / "nope.duckdb")])
    assert exit_.value.code == 2 and not (tmp_path / "nope.duckdb").exists()
    assert (
        capsys.readouterr().err == f"inbox: no database at {tmp_path / 'nope.duckdb'}: nothing to compact\n"
    )
    db = tmp_path / "w.duckdb"
    Store(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time, duckdb
        con = duckdb.connect({str(db)!r}); print("locked", flush=True); time.sleep(60)"""),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(SystemExit) as exit_:
            main(["compact", "--db", str(db)])
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and len(err.splitlines()) == 1 and "in use by another process" in err
        assert sorted(os.listdir(tmp_path)) == ["w.duckdb"]  # no copy was started
    finally:
        holder.kill()
        holder.wait()
