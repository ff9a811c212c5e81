"""Guards of the deletion SQL, pinned by behaviour: the manifest of a contact without conversations, what a
transaction conflict is, and the log lookups by keyed hash of every identifier kind (exact rows)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from inbox import contacts, deletion, inbound
from inbox.contact_create import create_contact
from inbox.errors import Conflict
from inbox.models import SYSTEM, Actor
from inbox.store import deletion as store_deletion
from inbox.store.deletion import WriteConflict, _retryable, chain_lock

from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
members = members_fixture(ADMIN)
KINDS = ("email", "phone", "handle", "external_id")


def _deleted(store, handle: str, **values) -> dict:
    cid = inbound.receive(store, "whatsapp", handle, "hello")["contact_id"]
    if values:
        contacts.update_values(store, SYSTEM, cid, contacts.get_contact(store, cid).version, values)
    return deletion.delete_contact(store, ADMIN, cid, hint="request #1", reason="gdpr_request")


def test_a_contact_without_conversations_has_a_manifest_of_zeros(store):
    cid = inbound.receive(store, "whatsapp", "+33612345678", "hello")["contact_id"]
    with store.cursor() as cur:  # its only conversation and message gone: the contact itself remains
        cur.execute("DELETE FROM messages WHERE contact_id = ?", [cid])
        cur.execute("DELETE FROM conversations WHERE contact_id = ?", [cid])
    assert store.deletion.contact_manifest(cid) == {
        "conversations": 0,
        "messages": 0,
        "attachments": 0,
        "bytes": 0,
    }
    assert store.deletion.contact_manifest(cid + 1000) is None
    entry = deletion.delete_contact(store, ADMIN, cid, hint="request #1", reason="gdpr_request")
    assert [entry[k] for k in ("conversations", "messages", "attachments", "bytes")] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    "exc, retry",
    [
        (WriteConflict("x"), True),
        (duckdb.TransactionException("TransactionContext Error: Conflict on tuple deletion!"), True),
        (duckdb.ConstraintException("Constraint Error: Duplicate key \"id: 7\" violates primary key"), True),
        (Exception("Constraint violation on the head"), True),
        (Exception("duplicate key value"), True),
        (Exception("CONFLICT"), True),
        (Exception("constraint"), False),
        (Exception("duplicate"), False),
        (Exception("disk full"), False),
        (ValueError(""), False),
    ],
)
def test_which_errors_are_retried_as_transaction_conflicts(exc, retry):
    assert _retryable(exc) is retry


def test_lookup_by_one_kind_returns_the_exact_entry_and_the_kind_matched(store):
    entry = _deleted(store, "+33612345678", email="Ann@Example.com", external_id="crm-42")
    other = _deleted(store, "+33699999999", email="bob@example.com")
    for kind in KINDS:  # one kind given at a time (the others absent from the dict)
        found = store.deletion_log.deletion_lookup({kind: [entry[f"{kind}_hmac"]]})
        assert [set(f) for f in found] == [
            {"id", "deleted_at", "deleted_by", "platform", "reason", "matched"}
        ]
        assert found[0]["id"] == entry["id"] and found[0]["matched"] == [kind]
        assert (found[0]["deleted_by"], found[0]["platform"], found[0]["reason"]) == (
            "admin@example.com",
            "whatsapp",
            "gdpr_request",
        )
    both = store.deletion_log.deletion_lookup(
        {"email": [entry["email_hmac"], other["email_hmac"]], "phone": []}
    )
    assert [f["id"] for f in both] == [entry["id"], other["id"]]
    assert store.deletion_log.deletion_lookup({"email": [], "phone": []}) == []
    assert store.deletion_log.deletion_lookup({}) == []


def test_erasure_lines_are_matched_for_every_identifier_kind(store):
    entry = _deleted(store, "+33612345678", email="ann@example.com", external_id="crm-42")
    hashes = pd.DataFrame(
        {
            "line": [1, 2, 3, 4, 5],
            "kind": ["email", "phone", "handle", "external_id", "handle"],
            "hash": [entry[f"{k}_hmac"] for k in KINDS]
            + [entry["email_hmac"]],  # a hash under the wrong kind
        }
    )
    assert store.deletion_log.deleted_identifiers(hashes) == [(n, entry["id"]) for n in (1, 2, 3, 4)]
    assert store.deletion_log.deleted_identifiers(hashes.iloc[0:0]) == []


def test_the_import_list_shows_the_latest_fifty_batches_by_default(store):
    with store.cursor() as cur:
        for n in range(51):
            cur.execute(
                "INSERT INTO import_batches (created_at, created_by, file_name, encoding, delimiter,"
                " on_conflict, match_order, mapping, rows_total, inserted, updated, unchanged, skipped,"
                " rejected, status)"
                " VALUES (now(), 'a@example.com', ?, 'utf-8', ',', 'update', 'email', '{}', 1, 1, 0, 0, 0, 0,"
                " 'committed')",
                [f"f{n}.csv"],
            )
    batches = store.imports.import_batches()
    assert (
        len(batches) == 50 and batches[0]["file_name"] == "f50.csv" and batches[-1]["file_name"] == "f1.csv"
    )
    assert len(store.imports.import_batches(51)) == 51


def test_an_erasure_preview_labels_contacts_with_their_platform_and_best_name(store):
    named = inbound.receive(store, "whatsapp", "+33612345678", "hello")["contact_id"]
    contacts.update_values(
        store,
        SYSTEM,
        named,
        contacts.get_contact(store, named).version,
        {"first_name": "Ann", "last_name": "Lee"},
    )
    shown = create_contact(
        store, ADMIN, {}, platform="email", handle="bob@example.com", display_name="Bob B"
    ).id
    assert store.deletion.contact_labels([named, shown, shown + 99]) == {
        named: ("whatsapp", "Ann Lee"),
        shown: ("email", "Bob B"),
    }
    assert store.deletion.contact_labels([]) == {}


def test_a_bulk_deletion_counts_zero_of_what_a_contact_does_not_have(store):
    ids = [inbound.receive(store, "whatsapp", f"+3361234567{i}", "hello")["contact_id"] for i in range(2)]
    with store.cursor() as cur:  # the second one without its conversation and message
        cur.execute("DELETE FROM messages WHERE contact_id = ?", [ids[1]])
        cur.execute("DELETE FROM conversations WHERE contact_id = ?", [ids[1]])
    entries, missing = deletion.delete_contacts(store, ADMIN, ids, hint="request #2", reason="gdpr_request")
    counts = [[e[k] for k in ("conversations", "messages", "attachments", "bytes")] for e in entries]
    assert counts == [[1, 1, 0, 0], [0, 0, 0, 0]] and missing == []


def test_one_chain_lock_per_database_file_however_its_path_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.duckdb").touch()
    lock = chain_lock(tmp_path / "a.duckdb")
    assert chain_lock(Path("a.duckdb")) is lock and chain_lock(str(tmp_path / "a.duckdb")) is lock
    assert chain_lock(tmp_path / "b.duckdb") is not lock  # another file: deletions there do not wait
    assert chain_lock("postgresql://db.example/inbox") is chain_lock("postgresql://db.example/inbox")


def test_a_missing_head_row_reads_as_an_empty_chain_and_the_log_is_read_in_chunks(store):
    ids = [_deleted(store, f"+3361234560{i}")["id"] for i in range(5)]
    chunks = list(store.deletion_log.iter_deletion_log(chunk=2))
    assert [[row[0] for row in c] for c in chunks] == [ids[0:2], ids[2:4], ids[4:]]
    assert store.deletion_log.deletion_log_head()[0] == 5
    with store.cursor() as cur:  # a file editor removed the head row
        cur.execute("DELETE FROM deletion_log_head")
    assert store.deletion_log.deletion_log_head() == (0, "0" * 64)


def test_deletions_that_keep_losing_the_race_give_up_after_forty_attempts_with_a_conflict(store, monkeypatch):
    cid = inbound.receive(store, "whatsapp", "+33612345678", "hello")["contact_id"]
    attempts, waits = [], []

    def lose(*args):
        attempts.append(1)
        raise duckdb.TransactionException("TransactionContext Error: Conflict on tuple deletion!")

    monkeypatch.setattr(store.deletion, "_erase_once", lose)
    monkeypatch.setattr(store_deletion.time, "sleep", waits.append)
    with pytest.raises(Conflict) as caught:
        deletion.delete_contact(store, ADMIN, cid, hint="request #1", reason="gdpr_request")
    assert (
        str(caught.value) == "other deletions kept changing the deletion log; nothing was deleted — try again"
    )
    assert len(attempts) == 40 and len(waits) == 39  # no wait after the last attempt
    for attempt, wait in enumerate(waits):  # a random wait that grows with each attempt
        assert 0.001 * (1 + attempt) <= wait <= 0.004 * (1 + attempt)
    assert contacts.get_contact(store, cid) is not None
