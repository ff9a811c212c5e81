"""CLI: delete, erase, audit verify|export|lookup; bad input is one line on stderr and exit 2."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from inbox import users
from inbox.models import SYSTEM
from inbox.store import Store

from ..support.cli import invoke, one_line
from ..support.deletion import PERSON, rich_contact


def run(*args):
    return invoke(*args, env={"INBOX_DB": ""})


@pytest.fixture
def db(tmp_path, migrated_template):
    path = tmp_path / "w.duckdb"
    shutil.copyfile(migrated_template, path)  # migrated once per run: opening it runs no migration
    with Store(path) as store:
        users.add_user(store, SYSTEM, "boss@example.com", role="admin", password="boss-password")
        users.add_user(store, SYSTEM, "agent@example.com", role="agent", password="agent-password")
        users.add_user(store, SYSTEM, "gone@example.com", role="admin", password="gone-password")
        users.set_active(store, SYSTEM, "gone@example.com", False)
        ids = [rich_contact(store)]
        for n in range(3):
            ids.append(
                rich_contact(
                    store, f"+3361111000{n}", {"email": f"p{n}@example.com", "external_id": f"ext-{n}"}
                )
            )
    (tmp_path / "ids.json").write_text(json.dumps(ids))
    return str(path)


def ids_of(db):
    return json.loads((Path(db).parent / "ids.json").read_text())


def test_delete_prints_the_entry_then_verify_and_lookup(db):
    cid = ids_of(db)[0]
    done = run(
        "delete",
        str(cid),
        "--actor",
        "Boss@Example.com",
        "--hint",
        "ticket #1",
        "--reason",
        "gdpr_request",
        "--db",
        db,
    )
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)
    assert entry["id"] == 1 and entry["contact_id"] == cid and entry["deleted_by"] == "boss@example.com"
    assert entry["messages"] == 3 and entry["attachments"] == 2 and len(entry["entry_hash"]) == 64
    assert entry["deleted_at"].count("T") == 1
    verified = run("audit", "verify", "--db", db)
    assert (verified.returncode, verified.stdout) == (0, "OK 1 entries\n")
    found = run("audit", "lookup", PERSON["email"].upper(), "--db", db)
    assert (found.returncode, found.stdout) == (0, "deleted 1\n")
    missing = run("audit", "lookup", "nobody@example.com", "--db", db)
    assert (missing.returncode, missing.stdout) == (1, "not found\n")


def test_tampered_log_fails_verify(db):
    cid = ids_of(db)[0]
    run("delete", str(cid), "--actor", "boss@example.com", "--hint", "t", "--reason", "other", "--db", db)
    run(
        "delete",
        str(ids_of(db)[1]),
        "--actor",
        "boss@example.com",
        "--hint",
        "t",
        "--reason",
        "other",
        "--db",
        db,
    )
    with Store(db) as store, store.cursor() as cur:
        cur.execute("UPDATE deletion_log SET reason = 'duplicate' WHERE id = 1")
    verified = run("audit", "verify", "--db", db)
    assert verified.returncode == 1 and verified.stdout.startswith("entry 1 does not match")


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ["delete", "{cid}", "--actor", "agent@example.com", "--hint", "h", "--reason", "other"],
            "only admins",
        ),
        (
            ["delete", "{cid}", "--actor", "gone@example.com", "--hint", "h", "--reason", "other"],
            "no active user",
        ),
        (
            ["delete", "{cid}", "--actor", "boss@example.com", "--hint", " ", "--reason", "other"],
            "identity hint",
        ),
        (
            ["delete", "{cid}", "--actor", "boss@example.com", "--hint", "h", "--reason", "whim"],
            "reason must be",
        ),
        (
            ["delete", "999999", "--actor", "boss@example.com", "--hint", "h", "--reason", "other"],
            "no contact",
        ),
        (["delete", "abc", "--actor", "boss@example.com", "--hint", "h", "--reason", "other"], "--help"),
        (["delete", "{cid}", "--hint", "h", "--reason", "other"], "--actor"),
        (["audit", "export", "--format", "xlsx", "--out", "x"], "--help"),
        (["audit", "export", "--format", "csv", "--out", "/nope/x.csv"], "does not exist"),
        (
            ["audit", "export", "--format", "csv", "--out", "{tmp}/x.csv", "--since", "last week"],
            "YYYY-MM-DD",
        ),
        (["audit", "lookup", " "], "enter an email"),
        (
            ["erase", "{tmp}/missing.txt", "--actor", "boss@example.com", "--hint", "h", "--reason", "other"],
            "--help",
        ),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(db, args, message):
    tmp = str(Path(db).parent)
    args = [a.format(cid=ids_of(db)[0], tmp=tmp) for a in args]
    assert message in one_line(run(*args, "--db", db))
    with Store(db, read_only=True) as store:
        assert store._scalar("SELECT count(*) FROM deletion_log") == 0


def test_export_csv_and_parquet_since(db, tmp_path):
    for cid in ids_of(db)[:2]:
        run(
            "delete",
            str(cid),
            "--actor",
            "boss@example.com",
            "--hint",
            "=1+1",
            "--reason",
            "duplicate",
            "--db",
            db,
        )
    out = tmp_path / "log.csv"
    done = run("audit", "export", "--format", "csv", "--out", str(out), "--db", db)
    assert done.returncode == 0 and "exported 2 entries" in done.stderr
    frame = pd.read_csv(out, dtype=str)
    assert list(frame["id"]) == ["1", "2"] and set(frame["identity_hint"]) == {"'=1+1"}
    assert (
        run(
            "audit",
            "export",
            "--format",
            "parquet",
            "--out",
            str(tmp_path / "l.parquet"),
            "--since",
            "2000-01-01",
            "--db",
            db,
        ).returncode
        == 0
    )
    assert len(pd.read_parquet(tmp_path / "l.parquet")) == 2
    assert (
        run(
            "audit", "export", "--format", "csv", "--out", str(out), "--since", "2999-01-01", "--db", db
        ).returncode
        == 0
    )
    assert len(pd.read_csv(out)) == 0


def test_erase_previews_deletes_and_writes_the_result_file(db, tmp_path):
    listing = tmp_path / "people.csv"
    listing.write_text(
        "name,contact\nZoé,zoe.quill@example.org\nP1,+33 6 11 11 00 01\nX,nobody@example.com\nP2,ext-2\n"
    )
    dry = run(
        "erase",
        str(listing),
        "--column",
        "contact",
        "--actor",
        "boss@example.com",
        "--hint",
        "batch 7",
        "--reason",
        "gdpr_request",
        "--dry-run",
        "--db",
        db,
    )
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["contacts"] == 3 and json.loads(dry.stdout)["dry_run"] is True
    done = run(
        "erase",
        str(listing),
        "--column",
        "contact",
        "--actor",
        "boss@example.com",
        "--hint",
        "batch 7",
        "--reason",
        "gdpr_request",
        "--result",
        str(tmp_path / "out.csv"),
        "--db",
        db,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["deleted"] == 3 and summary["not_found"] == 1 and summary["contacts_deleted"] == 3
    result = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(result["outcome"]) == ["deleted", "deleted", "not_found", "deleted"]
    assert run("audit", "verify", "--db", db).stdout == "OK 3 entries\n"
    assert "no active user" in one_line(
        run(
            "erase",
            str(listing),
            "--column",
            "contact",
            "--actor",
            "ghost@example.com",
            "--hint",
            "h",
            "--reason",
            "other",
            "--db",
            db,
        )
    )
    assert "no column" in one_line(
        run(
            "erase",
            str(listing),
            "--column",
            "mail",
            "--actor",
            "boss@example.com",
            "--hint",
            "h",
            "--reason",
            "other",
            "--db",
            db,
        )
    )
