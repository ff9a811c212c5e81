"""The deletion log: append-only, hash-chained (tamper-evident), safe under concurrent deletions."""

import re
import threading
from pathlib import Path

import pytest

from inbox import deletion, inbound
from inbox.deletion import GENESIS, canonical_json, entry_hash
from inbox.keys import require_keys

from ..support.deletion import (
    ADMIN,
    log_count,
    members,  # noqa: F401 (autouse fixture)
)

ROOT = Path(__file__).resolve().parents[2]
HINT = {"hint": "ticket #77", "reason": "duplicate"}


def make_contacts(store, n, prefix="+336000000"):
    return [inbound.receive(store, "sms", f"{prefix}{i:02d}", "hello")["contact_id"] for i in range(n)]


@pytest.fixture
def logged(store):
    """A log of 5 entries."""
    for cid in make_contacts(store, 5):
        deletion.delete_contact(store, ADMIN, cid, **HINT)
    return store


def sql(store, statement, params=()):
    """Tampering from outside the app (a test may; the app has no such code path)."""
    with store.cursor() as cur:
        cur.execute(statement, list(params))


def test_entries_chain_each_to_the_previous_one(logged):
    rows = list(logged.deletion_log.iter_deletion_log())[0]
    entries = [dict(zip(deletion.LOG_COLUMNS, r, strict=True)) for r in rows]
    assert [e["id"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev_hash"] == GENESIS
    for before, entry in zip(entries, entries[1:], strict=False):
        assert entry["prev_hash"] == before["entry_hash"]
    for entry in entries:
        assert entry["entry_hash"] == entry_hash(require_keys(logged).chain_key, entry)
        assert "prev_hash" not in canonical_json(entry) and '"identity_hint":"ticket #77"' in canonical_json(
            entry
        )
    result = deletion.verify_log(logged, ADMIN)
    assert result.ok and result.line() == "OK 5 entries" and result.head == entries[-1]["entry_hash"]
    assert logged.deletion_log.deletion_log_head() == (5, entries[-1]["entry_hash"])


def test_empty_log_verifies(store):
    assert deletion.verify_log(store, ADMIN).line() == "OK 0 entries"


@pytest.mark.parametrize(
    "tamper,bad,why",
    [
        ("UPDATE deletion_log SET identity_hint = 'someone else' WHERE id = 3", 3, "content differs"),
        ("UPDATE deletion_log SET deleted_by = 'mallory@example.com' WHERE id = 1", 1, "content differs"),
        ("UPDATE deletion_log SET messages = messages + 1 WHERE id = 5", 5, "content differs"),
        (
            "UPDATE deletion_log SET deleted_at = deleted_at - INTERVAL '1 day' WHERE id = 2",
            2,
            "content differs",
        ),
        ("DELETE FROM deletion_log WHERE id = 2", 2, "entry 2 is missing"),
        ("DELETE FROM deletion_log WHERE id = 5", 5, "removed from the end"),
        ("UPDATE deletion_log_head SET last_hash = repeat('f', 64)", 5, "the log head records another hash"),
        ("UPDATE deletion_log_head SET entries = 4", 5, "added outside the app"),
    ],
)
def test_a_tampered_log_names_the_first_entry_that_does_not_match(logged, tamper, bad, why):
    sql(logged, tamper)
    result = deletion.verify_log(logged, ADMIN)
    assert not result.ok and result.bad_entry == bad and why in result.problem
    assert result.line().startswith(f"entry {bad} does not match")


def test_a_rehashed_entry_still_breaks_the_chain(logged):
    """Recomputing the changed entry's own hash (even with the key) is not enough: its signed checkpoint
    records the old hash, and the next entry points to the old one."""
    import shutil

    from inbox.checkpoints import folder_for

    row = dict(zip(deletion.LOG_COLUMNS, list(logged.deletion_log.iter_deletion_log())[0][2], strict=True))
    row["identity_hint"] = "rewritten"
    sql(
        logged,
        "UPDATE deletion_log SET identity_hint = ?, entry_hash = ? WHERE id = 3",
        ["rewritten", entry_hash(require_keys(logged).chain_key, row)],
    )
    result = deletion.verify_log(logged, ADMIN)
    assert not result.ok and result.bad_entry == 3 and "checkpoint" in result.problem
    shutil.move(folder_for(logged), folder_for(logged).with_name("elsewhere"))
    result = deletion.verify_log(logged, ADMIN)
    assert not result.ok and result.bad_entry == 4 and "prev_hash" in result.problem


def test_an_entry_added_outside_the_app_is_detected(logged):
    last = dict(zip(deletion.LOG_COLUMNS, list(logged.deletion_log.iter_deletion_log())[0][-1], strict=True))
    forged = {**last, "id": 6, "contact_id": 999, "prev_hash": last["entry_hash"]}
    forged["entry_hash"] = entry_hash(require_keys(logged).chain_key, forged)  # even with the key file
    cols = deletion.LOG_COLUMNS
    sql(
        logged,
        f"INSERT INTO deletion_log ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [forged[c] for c in cols],
    )
    result = deletion.verify_log(logged, ADMIN)
    assert not result.ok and result.bad_entry == 6 and "outside the app" in result.problem


def test_a_deletion_stands_when_its_checkpoint_cannot_be_written(store, tmp_path, caplog):
    from inbox import checkpoints

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the checkpoint folder should be")
    checkpoints.use_folder(store, blocked)
    entry = deletion.delete_contact(store, ADMIN, make_contacts(store, 1)[0], **HINT)
    assert entry["id"] == 1 and log_count(store) == 1
    assert "cannot write the deletion-log checkpoint" in caplog.text
    result = deletion.verify_log(store, ADMIN)  # and `audit verify` does not say OK without a checkpoint
    assert not result.ok and result.bad_entry is None


def test_no_code_path_updates_or_deletes_log_entries(store):
    """Append-only: no UPDATE/DELETE/TRUNCATE/DROP/ALTER statement names the deletion_log table anywhere in
    the code (deletion_log_head and deletion_pending_files are other tables), and the table-driven cascade
    (DELETE FROM {table} for every table with a contact_id) never includes it."""
    pattern = re.compile(
        r"\b(UPDATE|DELETE\s+FROM|TRUNCATE(\s+TABLE)?|DROP\s+TABLE|ALTER\s+TABLE)\s+"
        r"(IF\s+EXISTS\s+)?(\w+\.)?\"?deletion_log\b(?!_)",
        re.IGNORECASE,
    )
    offenders = []
    for folder in ("inbox", "ui", "app_pages", "validation"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []
    assert pattern.search("UPDATE deletion_log SET x = 1") and pattern.search("delete from main.deletion_log")
    assert not pattern.search("UPDATE deletion_log_head SET entries = 1")
    assert "deletion_log" not in store.deletion.contact_tables()
    assert "contacts" not in store.deletion.contact_tables()


def test_concurrent_deletions_never_fork_the_chain(store):
    ids = make_contacts(store, 24)
    deletion.delete_contact(store, ADMIN, ids.pop(), **HINT)  # the secret exists before the race
    errors, start = [], threading.Barrier(8)

    def worker(mine):
        start.wait()
        for cid in mine:
            try:
                deletion.delete_contact(store, ADMIN, cid, **HINT)
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(ids[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert log_count(store) == 24 and deletion.verify_log(store, ADMIN).line() == "OK 24 entries"
    assert store._scalar("SELECT count(DISTINCT prev_hash) FROM deletion_log") == 24
    assert store._scalar("SELECT count(*) FROM contacts") == 0


def test_two_admins_deleting_the_same_contact_at_once(store):
    cid = make_contacts(store, 1)[0]
    outcomes, start = [], threading.Barrier(2)

    def worker():
        start.wait()
        try:
            outcomes.append(deletion.delete_contact(store, ADMIN, cid, **HINT)["id"])
        except Exception as exc:  # noqa: BLE001
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, outcomes)) == ["1", "NotFound"]
    assert log_count(store) == 1 and deletion.verify_log(store, ADMIN).ok


def test_without_the_process_lock_the_database_still_refuses_a_fork(store, monkeypatch):
    """Deletions racing past the in-process lock (as two processes would, were DuckDB to allow it) collide on
    the unique id/prev_hash or the head row; the loser retries on the new head — the chain never forks."""
    import contextlib

    import inbox.store.deletion as sql_module

    collisions = []
    real = sql_module.DeletionSQL._erase_once

    def counting(self, *args):
        try:
            return real(self, *args)
        except Exception as exc:
            collisions.append(str(exc))
            raise

    monkeypatch.setattr(sql_module, "chain_lock", lambda path: contextlib.nullcontext())
    monkeypatch.setattr(sql_module.DeletionSQL, "_erase_once", counting)
    ids = make_contacts(store, 24)
    deletion.delete_contact(store, ADMIN, ids.pop(), **HINT)
    errors, start = [], threading.Barrier(6)

    def worker(mine):
        start.wait()
        for cid in mine:
            try:
                deletion.delete_contact(store, ADMIN, cid, **HINT)
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(ids[i::6],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and collisions  # they did collide, and every collision was retried
    assert all(re.search(r"(?i)duplicate key|conflict", c) for c in collisions)
    assert deletion.verify_log(store, ADMIN).line() == "OK 24 entries"
    assert store._scalar("SELECT count(DISTINCT prev_hash) FROM deletion_log") == 24


def test_the_deletion_tables_pass_their_pandera_schemas(logged, monkeypatch):
    """Ready for `inbox check` (validation.deletion_log.DELETION_TABLE_SCHEMAS)."""
    from validation.deletion_log import DELETION_TABLE_SCHEMAS
    from validation.tables import frame_failures

    from ..support.deletion import rich_contact

    monkeypatch.setattr(deletion, "finish_file_removal", lambda store, paths: 0)  # leave pending rows
    deletion.delete_contact(logged, ADMIN, rich_contact(logged), **HINT)
    for table, schema in DELETION_TABLE_SCHEMAS.items():
        frame = logged._df(f"SELECT * FROM {table}")
        assert len(frame) or table == "deletion_log_seals", table  # seals: only in adopted databases
        assert frame_failures(schema, frame).empty, (table, frame_failures(schema, frame))
    broken = logged._df("SELECT * FROM deletion_log_head").assign(last_hash="nope")
    assert not frame_failures(DELETION_TABLE_SCHEMAS["deletion_log_head"], broken).empty
