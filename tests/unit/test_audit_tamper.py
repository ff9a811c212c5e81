"""A file editor against the deletion log: each attack on a real DuckDB file (opened with duckdb directly),
then `audit verify` through the CLI in-process — truncation, emptying, rollback, rewriting, dropped tables,
forged checkpoints, `--expect`; and every command that needs the key file with the key file gone."""

import json
import shutil

import duckdb
import pytest

from inbox import deletion, inbound, users
from inbox.checkpoints import sign
from inbox.deletion_chain import legacy_entry_hash
from inbox.keys import Keys
from inbox.models import SYSTEM
from inbox.store import Store

from ..support.cli import Ran, invoke, one_line
from ..support.deletion import ADMIN

HINT = {"hint": "ticket #77", "reason": "duplicate"}


def run(*args: str) -> Ran:
    """``python -m inbox ARGS`` in-process (the same `main`: one line on stderr and exit 2 for bad input)."""
    return invoke(*args, env={"INBOX_DB": "", "INBOX_KEY_FILE": None, "INBOX_CHECKPOINT_DIR": None})


def delete_some(path, n: int, start: int = 0) -> None:
    with Store(path) as store:
        ids = [
            inbound.receive(store, "sms", f"+3360000{start + i:04d}", "hello")["contact_id"] for i in range(n)
        ]
        deletion.delete_contacts(store, ADMIN, ids[:2], **HINT)  # one batch: one checkpoint
        for cid in ids[2:]:
            deletion.delete_contact(store, ADMIN, cid, **HINT)


@pytest.fixture
def db(tmp_path, migrated_template):
    """A database file whose log has 5 entries (checkpoints at 0, 2, 3, 4, 5), every store closed."""
    path = tmp_path / "w.duckdb"
    shutil.copyfile(migrated_template, path)  # migrated once per run: opening it runs no migration
    with Store(path) as store:
        users.add_user(store, SYSTEM, "admin@example.com", role="admin", password="admin-password")
    delete_some(path, 5)
    return path


def tamper(path, *statements, params=()):
    con = duckdb.connect(str(path))
    try:
        for sql in statements:
            con.execute(sql, list(params) if "?" in sql else None)
    finally:
        con.close()


def rows(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [
            dict(zip(deletion.LOG_COLUMNS, r, strict=True))
            for r in con.execute(
                f"SELECT {', '.join(deletion.LOG_COLUMNS)} FROM deletion_log ORDER BY id"
            ).fetchall()
        ]
    finally:
        con.close()


def verify(path, *extra) -> Ran:
    return run("audit", "verify", "--db", str(path), *extra)


def test_an_untouched_log_verifies_and_checkpoints_are_one_per_batch(db):
    assert verify(db).stdout == "OK 5 entries\n"
    [path] = db.with_name("w-checkpoints").iterdir()
    assert path.name.startswith("checkpoints-") and (path.stat().st_mode & 0o777) == 0o600
    lines = path.read_text().splitlines()
    assert [json.loads(line)["entries"] for line in lines] == [0, 2, 3, 4, 5]


def test_truncation_is_reported(db):
    """The last entry deleted and the head rolled back onto the one before: consistent inside the file."""
    fourth = rows(db)[3]
    tamper(
        db,
        "DELETE FROM deletion_log WHERE id = 5",
        "UPDATE deletion_log_head SET entries = 4, last_hash = ?",
        params=[fourth["entry_hash"]],
    )
    ran = verify(db)
    assert (
        ran.code == 1
        and ran.stdout.startswith("entry 5 does not match: entry 5 is missing (the signed checkpoint of ")
        and "records 5 entries" in ran.stdout
    )


def test_emptying_the_log_is_not_ok_0_entries(db):
    tamper(
        db,
        "DELETE FROM deletion_log",
        "UPDATE deletion_log_head SET entries = 0, last_hash = ?",
        params=[deletion.GENESIS],
    )
    ran = verify(db)
    assert ran.code == 1 and "OK" not in ran.stdout
    assert (
        ran.stdout.startswith("entry 1 does not match: entry 1 is missing")
        and "records 5 entries" in ran.stdout
    )


def test_a_rewritten_chain_recomputed_with_plain_sha256_is_reported_at_the_edited_entry(db):
    entries = rows(db)
    entries[2]["identity_hint"] = "someone else"
    prev = entries[1]["entry_hash"]
    statements, params = [], []
    for entry in entries[2:]:
        entry["prev_hash"] = prev
        entry["entry_hash"] = prev = legacy_entry_hash(entry)
        statements.append(
            "UPDATE deletion_log SET identity_hint = ?, prev_hash = ?, entry_hash = ? WHERE id = ?"
        )
        params.append([entry["identity_hint"], entry["prev_hash"], entry["entry_hash"], entry["id"]])
    con = duckdb.connect(str(db))
    for sql, p in zip(statements, params, strict=True):
        con.execute(sql, p)
    con.execute("UPDATE deletion_log_head SET last_hash = ?", [prev])
    con.close()
    ran = verify(db)
    assert ran.code == 1 and ran.stdout.startswith(
        "entry 3 does not match: its hash is not keyed with this workspace's key file"
    )


def test_a_rollback_to_an_older_copy_of_the_file_is_reported(db, tmp_path):
    old = tmp_path / "old.duckdb"
    shutil.copyfile(db, old)  # 5 entries
    delete_some(db, 4, start=100)  # entries 6-9
    shutil.copyfile(old, db)
    ran = verify(db)
    assert (
        ran.code == 1
        and ran.stdout.startswith("entry 6 does not match: entry 6 is missing (the signed checkpoint of ")
        and "rolled back" in ran.stdout
    )
    delete_some(db, 3, start=200)  # the app goes on after the rollback: entries 6-8 differ from the lost ones
    ran = verify(db)  # checkpoints were signed per batch (5, then 7): the difference is proven at entry 7
    assert ran.code == 1 and ran.stdout.startswith("entry 7 does not match: the signed checkpoint of ")
    assert (
        "records another hash for entry 7: the log was rewritten or rolled back after entry 5" in ran.stdout
    )


@pytest.mark.parametrize(
    "tables",
    [("deletion_log",), ("deletion_log_head",), ("deletion_log", "deletion_log_head", "deletion_log_seals")],
)
def test_dropped_log_tables_give_a_verdict_not_a_traceback(db, tables):
    tamper(db, *(f"DROP TABLE {t}" for t in tables))
    ran = verify(db)
    assert ran.code == 1 and "Traceback" not in ran.stderr + ran.stdout
    assert ran.stdout == (
        f"the deletion log does not verify: its table{'s' if len(tables) > 1 else ''} "
        f"{', '.join(tables)} {'are' if len(tables) > 1 else 'is'} missing (dropped outside"
        " the app)\n"
    )


def test_checkpoints_removed_moved_or_forged(db, tmp_path):
    folder = db.with_name("w-checkpoints")
    moved = tmp_path / "kept-elsewhere"
    shutil.move(folder, moved)
    ran = verify(db)
    assert ran.code == 1 and "no signed checkpoint in" in ran.stdout
    assert verify(db, "--checkpoints", str(moved)).stdout == "OK 5 entries\n"
    forged = sign(Keys(bytes(32)), 5, "e" * 64)  # signed, but not with this workspace's key
    [kept] = moved.iterdir()
    with open(kept, "a") as out:
        out.write(json.dumps(forged) + "\n")
    ran = verify(db, "--checkpoints", str(moved))
    assert ran.code == 1 and "a checkpoint cannot be trusted" in ran.stdout and "another key" in ran.stdout


def test_audit_checkpoint_and_verify_expect(db, tmp_path):
    printed = run("audit", "checkpoint", "--db", str(db))
    assert printed.code == 0 and "public key (Ed25519)" in printed.stderr
    cp = json.loads(printed.stdout)
    assert cp["entries"] == 5 and cp["head"] == rows(db)[-1]["entry_hash"]
    kept = tmp_path / "kept.json"
    kept.write_text(printed.stdout)
    delete_some(db, 3, start=300)
    ran = verify(db, "--expect", str(kept))
    assert ran.stdout == "OK 8 entries\n" and "extends the expected checkpoint" in ran.stderr
    altered = verify(db, "--expect", json.dumps({**cp, "entries": 4}))
    assert altered.code == 1 and "the expected checkpoint is rejected" in altered.stdout
    assert "forged or altered" in altered.stdout
    forged = verify(db, "--expect", json.dumps(sign(Keys(bytes(32)), 5, cp["head"])))
    assert forged.code == 1 and "signed with another key" in forged.stdout
    assert "needs a checkpoint" in one_line(verify(db, "--expect", "not a checkpoint"))
    # the log cut back below the kept checkpoint AND the folder's checkpoints removed with it: --expect still
    # sees it
    fourth = rows(db)[3]
    tamper(
        db,
        "DELETE FROM deletion_log WHERE id >= 5",
        "UPDATE deletion_log_head SET entries = 4, last_hash = ?",
        params=[fourth["entry_hash"]],
    )
    shutil.rmtree(db.with_name("w-checkpoints"))
    ran = verify(db, "--expect", str(kept))
    assert ran.code == 1 and ran.stdout.startswith("entry 5 does not match: entry 5 is missing")
    refused = run("audit", "checkpoint", "--db", str(db))  # never a checkpoint of a log that does not verify
    assert refused.code == 1 and refused.stdout == "" and "no signed checkpoint" in refused.stderr


def test_commands_that_need_the_key_file_refuse_without_it(db, tmp_path):
    db.with_name("w.key").rename(tmp_path / "away.key")
    ids = tmp_path / "ids.txt"
    ids.write_text("+33600000001\n")
    for args in (
        ["audit", "verify"],
        ["audit", "checkpoint"],
        ["audit", "lookup", "+33600000001"],
        ["delete", "1", "--actor", "admin@example.com", "--hint", "h", "--reason", "other"],
        ["erase", str(ids), "--actor", "admin@example.com", "--hint", "h", "--reason", "other"],
        ["init"],
    ):
        line = one_line(run(*args, "--db", str(db)))
        assert f"the key file {db.with_name('w.key')} is missing" in line, (args, line)
    ran = run("check", "--db", str(db))
    assert ran.code == 1 and "  key file: 1 problem: the key file" in ran.stdout
    assert run("users", "list", "--db", str(db)).code == 0  # what needs no key keeps working


def test_an_erasure_writes_one_checkpoint_per_committed_batch(db):
    from inbox import erasure

    with Store(db) as store:
        handles = [
            inbound.receive(store, "sms", f"+3361234{i:04d}", "hi") and f"+3361234{i:04d}" for i in range(5)
        ]
        plan = erasure.preview(store, ADMIN, handles)
        erasure.execute(store, ADMIN, plan, hint="batch", reason="gdpr_request", batch_size=2)
    [path] = db.with_name("w-checkpoints").iterdir()
    assert [json.loads(line)["entries"] for line in path.read_text().splitlines()] == [
        0,
        2,
        3,
        4,
        5,
        7,
        9,
        10,
    ]
    assert verify(db).stdout == "OK 10 entries\n"
