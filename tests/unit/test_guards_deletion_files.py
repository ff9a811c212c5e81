"""Deletion guards found by mutation testing: the snapshot's exact form, the orphan sweep's counts and the
entries it must skip, the key lookup that never creates a key, and the messages of refused deletions."""

from __future__ import annotations

import json
import os
import pathlib

import pytest

from inbox import contacts, deletion, inbound
from inbox.errors import InvalidInput, NotFound
from inbox.keys import key_file_for
from inbox.models import SYSTEM, Actor

from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
members = members_fixture(ADMIN)
GDPR = {"hint": "erasure request #7", "reason": "gdpr_request"}


def test_the_snapshot_is_sorted_unescaped_json_without_counts():
    contact = {
        "id": 7,
        "platform": "sms",
        "first_name": "Zoë",
        "conversations": 2,
        "messages": 5,
        "attachments": 1,
        "bytes": 10,
        "values": {"job_title": [None, "Chef"], "vip": [None, None]},
    }
    assert deletion._snapshot(contact) == (
        '{"contact": {"first_name": "Zoë", "id": 7, "platform": "sms"}, '
        '"values": {"job_title": "Chef", "vip": null}}'
    )


def test_a_kept_snapshot_holds_the_contact_and_its_values(store):
    deletion.set_keep_snapshot(store, ADMIN, True)
    cid = inbound.receive(store, "sms", "+33612345678", "hello")["contact_id"]
    contacts.update_values(
        store, SYSTEM, cid, contacts.get_contact(store, cid).version, {"job_title": "Chef"}
    )
    snapshot = json.loads(deletion.delete_contact(store, ADMIN, cid, **GDPR)["snapshot"])
    assert snapshot["contact"]["job_title"] == "Chef" and snapshot["contact"]["id"] == cid
    assert isinstance(snapshot["values"], dict)
    assert not {"values", "conversations", "messages", "attachments", "bytes"} & set(snapshot["contact"])


def test_public_entry_gives_every_column_as_json_values(store):
    cid = inbound.receive(store, "sms", "+33612345678", "hello")["contact_id"]
    entry = deletion.delete_contact(store, ADMIN, cid, **GDPR)
    public = deletion.public_entry(entry)
    assert list(public) == list(deletion.LOG_COLUMNS)
    assert public["contact_id"] == cid and public["reason"] == "gdpr_request" and public["messages"] == 1
    assert public["deleted_at"] == entry["deleted_at"].isoformat() or public["deleted_at"].startswith(
        entry["deleted_at"].strftime("%Y-%m-%dT%H:%M:%S")
    )


def test_deleting_a_missing_contact_names_it(store):
    with pytest.raises(NotFound) as missing:
        deletion.delete_contact(store, ADMIN, 424242, **GDPR)
    assert str(missing.value) == "no contact with id 424242 (it may have been deleted already)"


def test_an_empty_reason_is_refused_quoting_nothing():
    with pytest.raises(InvalidInput) as refused:
        deletion.check_reason(None)
    assert str(refused.value).endswith(", not ''")


def test_looking_up_identifier_keys_never_creates_a_key(store):
    assert deletion.identifier_keys(store) == ()
    assert not key_file_for(store.file_base).exists()


def test_the_sweep_without_an_attachments_folder_counts_nothing(store):
    assert not pathlib.Path(store.attachments_dir).exists()
    assert deletion.remove_orphan_files(store, grace_seconds=0) == {"pending": 0, "orphans": 0}


def _orphans(root: pathlib.Path, folder: str, names) -> list[pathlib.Path]:
    (root / folder).mkdir(parents=True, exist_ok=True)
    paths = [root / folder / name for name in names]
    for path in paths:
        path.write_bytes(b"x")
        os.utime(path, (1, 1))  # long past the grace period
    return paths


def test_other_entries_of_the_attachments_folder_are_skipped_not_the_end_of_the_sweep(store):
    root = pathlib.Path(store.attachments_dir)
    root.mkdir()
    others = [root / f"notes-{n}" for n in range(20)]  # listed in any order: the sweep must go on after each
    for folder in others:
        folder.mkdir()
        _orphans(folder, ".", ["keep.bin"])
    (root / "readme.txt").write_text("not a contact folder")
    orphans = _orphans(root, "12", ["a.bin"])
    assert deletion.remove_orphan_files(store, grace_seconds=60) == {"pending": 0, "orphans": 1}
    assert not orphans[0].exists() and (root / "readme.txt").exists()
    assert all((folder / "keep.bin").exists() for folder in others)


def test_a_file_that_vanishes_during_the_sweep_is_skipped(store, monkeypatch):
    root = pathlib.Path(store.attachments_dir)
    orphans = _orphans(root, "12", [f"{n}.bin" for n in range(20)] + ["vanishing.bin"])
    real_stat = pathlib.Path.stat

    def stat(self, *args, **kwargs):
        if self.name == "vanishing.bin":
            raise FileNotFoundError(self)
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "stat", stat)
    assert deletion.remove_orphan_files(store, grace_seconds=60) == {"pending": 0, "orphans": 20}
    monkeypatch.undo()
    assert [p.name for p in orphans if p.exists()] == ["vanishing.bin"]


def test_files_that_cannot_be_removed_are_not_counted_as_removed(store, monkeypatch):
    root = pathlib.Path(store.attachments_dir)
    _orphans(root, "12", ["a.bin", "b.bin", "stuck.bin"])
    real_remove = deletion.files.remove

    def remove(paths):
        if any(p.name == "stuck.bin" for p in paths):
            raise PermissionError("read-only")
        return real_remove(paths)

    monkeypatch.setattr(deletion.files, "remove", remove)
    assert deletion.remove_orphan_files(store, grace_seconds=60) == {"pending": 0, "orphans": 2}
    assert [p.name for p in (root / "12").iterdir()] == ["stuck.bin"]
