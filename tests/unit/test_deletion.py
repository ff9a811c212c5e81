"""Deleting a contact: the cascade leaves no row and no file, atomicity, roles, a new contact afterwards,
files after a crash."""

import json
import os
import time

import pytest

from inbox import contacts, deletion, inbound
from inbox.errors import InvalidInput, NotFound, PermissionDenied
from inbox.models import SYSTEM

from ..support.deletion import (
    ADMIN,
    AGENT,
    HANDLE,
    PERSON,
    files_under,
    log_count,
    members,  # noqa: F401 (autouse fixture)
    rich_contact,
    rows_of,
    text_anywhere,
)

GDPR = {"hint": "customer #1234, erasure request of 2026-11-02", "reason": "gdpr_request"}


@pytest.fixture
def two(store):
    """The contact to delete and a bystander that must stay whole."""
    return rich_contact(store), rich_contact(
        store,
        "+33611112222",
        {**PERSON, "email": "other@example.org", "phone": "+33611112222", "external_id": "crm-other"},
    )


def test_cascade_leaves_no_row_and_no_file(store, two):
    cid, other = two
    root = store.attachments_dir
    before_other = rows_of(store, other)
    assert rows_of(store, cid) == {
        "attachments": 2,
        "attribute_values": 1,
        "contacts": 1,
        "conversations": 1,
        "crm_lookups": 1,
        "import_batch_contacts": 1,
        "messages": 3,
        "value_history": 6,  # the history of its values goes with it
    }
    assert [f for f in files_under(root) if f.startswith(f"{cid}/")] and (root / str(cid)).is_dir()
    assert deletion.manifest(store, ADMIN, cid) == {
        "conversations": 1,
        "messages": 3,
        "attachments": 2,
        "bytes": len(b"%PDF-1.4 secret") + len(b"\xff\xd8 jpeg"),
    }

    entry = deletion.delete_contact(store, ADMIN, cid, **GDPR)

    assert rows_of(store, cid) == {}
    assert not (root / str(cid)).exists() and not [f for f in files_under(root) if f.startswith(f"{cid}/")]
    assert store.deletion.pending_files() == []
    # no identifier of the person is left in clear anywhere (the log keeps keyed hashes only)
    assert text_anywhere(store, [PERSON["email"], PERSON["phone"], PERSON["external_id"]]) == []
    assert text_anywhere(store, ["other@example.org"])  # (the probe does find what is there)
    assert rows_of(store, other) == before_other and len(files_under(root / str(other))) == 2
    assert entry["contact_id"] == cid and entry["display_name"] == "Zoé Quill"
    assert (entry["conversations"], entry["messages"], entry["attachments"]) == (1, 3, 2)
    assert entry["identity_hint"] == GDPR["hint"] and entry["reason"] == "gdpr_request"
    assert entry["deleted_by"] == ADMIN.email and entry["snapshot"] is None
    assert all(len(entry[k]) == 64 for k in ("email_hmac", "phone_hmac", "handle_hmac", "external_id_hmac"))


def test_an_error_after_the_log_insert_leaves_contact_and_log_untouched(store, two, monkeypatch):
    cid, _ = two
    before, files_before = rows_of(store, cid), files_under(store.attachments_dir)
    real = store.deletion._delete_contact_rows

    def half_then_boom(cur, match, arg, tables):
        cur.execute(f"DELETE FROM messages WHERE contact_id {match}", arg)  # some rows really go…
        raise RuntimeError("disk on fire")  # …then the transaction fails after the log insert

    monkeypatch.setattr(store.deletion, "_delete_contact_rows", half_then_boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        deletion.delete_contact(store, ADMIN, cid, **GDPR)
    assert rows_of(store, cid) == before and files_under(store.attachments_dir) == files_before
    assert log_count(store) == 0 and store.deletion_log.deletion_log_head()[0] == 0
    assert store.deletion.pending_files() == []
    monkeypatch.setattr(store.deletion, "_delete_contact_rows", real)
    assert deletion.delete_contact(store, ADMIN, cid, **GDPR)["id"] == 1  # and it works afterwards
    assert deletion.verify_log(store, ADMIN).ok


def test_agents_are_refused_everywhere(store, two):
    cid, _ = two
    from inbox import deletion_report, erasure

    calls = [
        lambda: deletion.delete_contact(store, AGENT, cid, **GDPR),
        lambda: deletion.delete_contacts(store, AGENT, [cid], **GDPR),
        lambda: deletion.manifest(store, AGENT, cid),
        lambda: deletion.verify_log(store, AGENT),
        lambda: deletion.set_keep_snapshot(store, AGENT, True),
        lambda: deletion_report.report(store, AGENT, deletion_report.Filters()),
        lambda: deletion_report.lookup(store, AGENT, PERSON["email"]),
        lambda: deletion_report.export_bytes(store, AGENT, deletion_report.Filters(), "csv"),
        lambda: erasure.preview(store, AGENT, [PERSON["email"]]),
        lambda: erasure.execute(store, AGENT, erasure.preview(store, ADMIN, [PERSON["email"]]), **GDPR),
        lambda: deletion.delete_contact(store, None, cid, **GDPR),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert rows_of(store, cid)["contacts"] == 1 and log_count(store) == 0


def test_the_cli_operator_counts_as_admin(store, two):
    assert deletion.delete_contact(store, SYSTEM, two[0], **GDPR)["deleted_by"] == SYSTEM.email


def test_a_message_from_the_same_handle_later_creates_a_new_contact(store, two):
    cid, _ = two
    deletion.delete_contact(store, ADMIN, cid, **GDPR)
    again = inbound.receive(store, "whatsapp", HANDLE, "C'est encore moi")
    assert again["new_contact"] and again["contact_id"] != cid
    fresh = contacts.get_contact(store, again["contact_id"])
    # none of the old data; the phone is the number the new message came from
    assert (
        all(fresh.values.get(k) is None for k in PERSON if k != "phone") and fresh.values["phone"] == HANDLE
    )
    assert [m["body"] for m in contacts.thread(store, again["conversation_id"])["messages"]] == [
        "C'est encore moi"
    ]
    assert len(contacts.conversations(store, fresh.id)) == 1 and rows_of(store, cid) == {}


@pytest.mark.parametrize(
    "hint,reason,message",
    [
        ("", "gdpr_request", "identity hint is required"),
        ("   ", "duplicate", "identity hint is required"),
        ("x" * 501, "other", "at most 500"),
        ("line one\nline two", "other", "control characters"),
        ("tab\there", "other", "control characters"),
        ("ok", "because", "reason must be one of"),
        ("ok", None, "reason"),
    ],
)
def test_bad_hint_or_reason_deletes_nothing(store, two, hint, reason, message):
    with pytest.raises(InvalidInput, match=message):
        deletion.delete_contact(store, ADMIN, two[0], hint=hint, reason=reason)
    assert rows_of(store, two[0])["contacts"] == 1 and log_count(store) == 0


def test_hint_is_trimmed_and_reason_labels_are_accepted(store, two):
    entry = deletion.delete_contact(store, ADMIN, two[0], hint="  ticket #9  ", reason="Test data")
    assert (entry["identity_hint"], entry["reason"]) == ("ticket #9", "test_data")
    assert len(deletion.check_hint("é" * 500)) == 500


def test_unknown_contact(store):
    with pytest.raises(NotFound):
        deletion.delete_contact(store, ADMIN, 424242, **GDPR)
    with pytest.raises(NotFound):
        deletion.manifest(store, ADMIN, 424242)
    assert log_count(store) == 0


def test_the_key_is_created_once_outside_the_database_and_identifiers_are_keyed_hashes(store, two):
    from inbox.keys import key_file_for, read_key_file, require_keys

    cid, other = two
    e1 = deletion.delete_contact(store, ADMIN, cid, **GDPR)
    path = key_file_for(store.file_base)
    assert path == store.file_base.with_name("inbox.key") and (path.stat().st_mode & 0o777) == 0o600
    keys = require_keys(store)
    assert read_key_file(path) == keys and store.keys.key_fingerprint() == keys.fingerprint
    assert store.accounts.get_setting("deletion_hmac_secret") is None  # nothing secret in the database
    key = keys.identifier_key
    assert e1["email_hmac"] == deletion.keyed_hash(key, "email", PERSON["email"].lower())
    assert e1["phone_hmac"] == deletion.keyed_hash(key, "phone", PERSON["phone"])
    assert e1["handle_hmac"] == deletion.keyed_hash(key, "handle", f"whatsapp:{HANDLE}")
    assert e1["external_id_hmac"] == deletion.keyed_hash(key, "external_id", PERSON["external_id"])
    before = path.read_bytes()
    e2 = deletion.delete_contact(store, ADMIN, other, **GDPR)
    assert path.read_bytes() == before and e2["email_hmac"] != e1["email_hmac"]  # never replaced


def test_snapshot_is_off_by_default_and_kept_when_turned_on(store, two):
    cid, other = two
    assert not deletion.keeps_snapshot(store)
    assert deletion.delete_contact(store, ADMIN, cid, **GDPR)["snapshot"] is None
    deletion.set_keep_snapshot(store, ADMIN, True)
    snap = json.loads(deletion.delete_contact(store, ADMIN, other, **GDPR)["snapshot"])
    assert snap["contact"]["email"] == "other@example.org" and snap["contact"]["handle"] == "+33611112222"
    assert snap["values"] == {"tier": "gold"}
    assert deletion.verify_log(store, ADMIN).ok


def test_files_survive_a_crash_between_commit_and_removal(store, two, monkeypatch, db_target):
    """The process dies after the commit, before removing files: the next open removes them."""
    cid, other = two
    from inbox import open_store

    def die(*_args, **_kwargs):
        raise SystemExit("killed after commit")

    monkeypatch.setattr(deletion, "finish_file_removal", die)
    with pytest.raises(SystemExit):
        deletion.delete_contact(store, ADMIN, cid, **GDPR)
    assert rows_of(store, cid) == {} and log_count(store) == 1
    assert len(store.deletion.pending_files()) == 2
    assert len(files_under(store.attachments_dir / str(cid))) == 2
    store.close()
    monkeypatch.undo()
    reopened = open_store(db_target)
    try:
        assert reopened.deletion.pending_files() == [] and not (reopened.attachments_dir / str(cid)).exists()
        assert len(files_under(reopened.attachments_dir / str(other))) == 2  # the bystander's files stay
    finally:
        reopened.close()


def test_orphan_files_older_than_the_grace_period_are_removed_at_open(store, two, db_target):
    _, other = two
    from inbox import open_store

    root = store.attachments_dir
    (root / "999").mkdir()
    old, new = root / "999" / "stray.bin", root / "999" / "arriving.bin"
    foreign = root / "README.txt"  # not an attachment path (<contact id>/<name>): never touched
    old.write_bytes(b"left by a crash"), new.write_bytes(b"being received"), foreign.write_text("mine")
    past = time.time() - deletion.ORPHAN_GRACE_SECONDS - 60
    os.utime(old, (past, past)), os.utime(foreign, (past, past))
    store.close()
    reopened = open_store(db_target)
    try:
        assert not old.exists() and new.exists()  # a young file may belong to a message being received
        assert foreign.exists()
        assert len(files_under(root / str(other))) == 2
    finally:
        reopened.close()
    read_only = open_store(db_target, read_only=True)  # read-only opens never touch files
    read_only.close()
    assert new.exists()


def test_several_contacts_in_one_transaction_one_entry_each(store, two):
    cid, other = two
    deletion.set_keep_snapshot(store, ADMIN, True)
    entries, missing = deletion.delete_contacts(store, ADMIN, [other, 999_999, cid], **GDPR)
    assert missing == [999_999] and [e["contact_id"] for e in entries] == [cid, other] == sorted([cid, other])
    assert [e["id"] for e in entries] == [1, 2] and entries[1]["prev_hash"] == entries[0]["entry_hash"]
    for e in entries:
        assert (e["conversations"], e["messages"], e["attachments"], e["bytes"]) == (1, 3, 2, 15 + 7)
        assert json.loads(e["snapshot"])["values"] == {"tier": "gold"}
    assert (
        rows_of(store, cid) == {} and rows_of(store, other) == {} and files_under(store.attachments_dir) == []
    )
    assert store.deletion.pending_files() == [] and deletion.verify_log(store, ADMIN).line() == "OK 2 entries"


def test_inbox_check_stays_clean_after_deletions(store):
    from inbox import erasure
    from inbox.check import run_check
    from inbox.demo import build_demo

    build_demo(store, contacts=120, attachments=30)
    with_files = [r[0] for r in store._rows("SELECT DISTINCT contact_id FROM attachments ORDER BY 1 LIMIT 3")]
    for cid in with_files:
        deletion.delete_contact(store, ADMIN, cid, **GDPR)
    emails = [
        r[0] for r in store._rows("SELECT email FROM contacts WHERE email IS NOT NULL ORDER BY id LIMIT 20")
    ]
    result = erasure.execute(store, ADMIN, erasure.preview(store, ADMIN, emails), **GDPR)
    assert result.summary["contacts_deleted"] >= 20
    report = run_check(store)
    assert report.ok, report.lines()
    assert deletion.verify_log(store, ADMIN).ok and store.deletion.pending_files() == []
