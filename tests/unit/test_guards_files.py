"""Attachment files: the orphan sweep at open and finish_file_removal never delete a file a row references,
keep failed removals pending, never leave the attachments folder; names and the size limit at receive."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from inbox import contacts, deletion, files, inbound, open_store
from inbox.errors import InvalidInput
from inbox.models import Actor
from validation.checks import relative_path_ok

from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
members = members_fixture(ADMIN)  # a deletion re-reads its acting member in the database
GDPR = {"hint": "erasure request #7", "reason": "gdpr_request"}
LONG_AGO = time.time() - 30 * 24 * 3600  # far older than the grace period


def _age(*paths: Path) -> None:
    for path in paths:
        os.utime(path, (LONG_AGO, LONG_AGO))


def _read(root: Path, storage_path: str) -> bytes:
    """``files.read`` whether it returns the bytes, a file object or chunks."""
    got = files.read(root, storage_path)
    if isinstance(got, bytes):
        return got
    return got.read() if hasattr(got, "read") else b"".join(got)


def _file_of(store, contact_id: int) -> Path:
    (path,) = [p for p in (store.attachments_dir / str(contact_id)).iterdir()]
    return path


@pytest.fixture
def kept(store):
    """A contact whose attachment file is old on disk: a row still references it."""
    cid = inbound.receive(
        store, "email", "kept@example.com", "invoice", attachments=[("a.pdf", b"%PDF kept")]
    )["contact_id"]
    _age(_file_of(store, cid))
    return cid


def test_the_sweep_at_open_keeps_every_referenced_file_however_old(store, kept, db_target):
    path = _file_of(store, kept)
    store.close()
    reopened = open_store(db_target)
    try:
        assert path.read_bytes() == b"%PDF kept"
        assert deletion.remove_orphan_files(reopened, grace_seconds=0) == {"pending": 0, "orphans": 0}
        assert path.exists()
    finally:
        reopened.close()


def test_the_sweep_removes_a_stale_unreferenced_file_and_keeps_a_young_one(store, kept):
    root = store.attachments_dir
    stale, young = root / str(kept) / "old-stray.bin", root / "4242" / "arriving.bin"
    young.parent.mkdir()
    stale.write_bytes(b"left by a crash"), young.write_bytes(b"being received")
    _age(stale)
    assert deletion.remove_orphan_files(store) == {"pending": 0, "orphans": 1}
    assert not stale.exists() and young.exists() and _file_of(store, kept).exists()


def test_the_sweep_touches_nothing_outside_contact_id_folders(store, kept):
    root = store.attachments_dir
    outside = [root / "notes.txt", root / "abc" / "x.bin", root / "12a" / "x.bin", root / "-3" / "x.bin"]
    for path in outside:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"not an attachment")
    nested = root / "77" / "sub"
    nested.mkdir(parents=True)
    (nested / "deep.bin").write_bytes(b"deeper than <id>/<name>")
    _age(*outside, nested, nested / "deep.bin")
    result = deletion.remove_orphan_files(store)
    assert result["orphans"] == 0
    assert all(p.exists() for p in outside) and (nested / "deep.bin").exists()


def test_finish_file_removal_never_deletes_a_file_a_row_references(store, kept):
    (row,) = store.contacts.attachments_of_conversation(contacts.conversations(store, kept)[0]["id"])
    assert deletion.finish_file_removal(store, [row["storage_path"]]) == 1
    assert (store.attachments_dir / row["storage_path"]).read_bytes() == b"%PDF kept"


def test_finish_file_removal_refuses_paths_outside_the_attachments_folder(store, kept, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("outside")
    link_dir = store.attachments_dir / "55"
    link_dir.mkdir()
    (link_dir / "link").symlink_to(victim)
    paths = ["../victim.txt", str(victim), "55/link", "55/../../victim.txt"]
    deletion.finish_file_removal(store, paths)
    assert victim.read_text() == "outside"


def test_a_failed_removal_stays_pending_until_the_next_open(store, db_target):
    two = [("a.txt", b"x"), ("b.txt", b"y")]
    cid = inbound.receive(store, "email", "gone@example.com", "hi", attachments=two)["contact_id"]
    stuck, other = sorted((store.attachments_dir / str(cid)).iterdir())
    stuck.unlink()
    stuck.mkdir()  # a non-empty folder where the file was: unlink fails
    (stuck / "inside").write_bytes(b"z")
    deletion.delete_contact(store, ADMIN, cid, **GDPR)
    assert not other.exists()
    assert store.deletion.pending_files() == [f"{cid}/{stuck.name}"]
    # still failing: still pending
    assert deletion.finish_file_removal(store, store.deletion.pending_files()) == 0
    assert store.deletion.pending_files() == [f"{cid}/{stuck.name}"]
    (stuck / "inside").unlink()
    stuck.rmdir()
    stuck.write_bytes(b"x")  # the obstacle is gone: the next open finishes the removal
    store.close()
    reopened = open_store(db_target)
    try:
        assert reopened.deletion.pending_files() == [] and not stuck.exists()
    finally:
        reopened.close()


def test_deleting_a_contact_leaves_the_other_contacts_files(store, kept):
    cid = inbound.receive(store, "email", "bye@example.com", "x", attachments=[("c.txt", b"c")])
    cid = cid["contact_id"]
    deletion.delete_contact(store, ADMIN, cid, **GDPR)
    assert not (store.attachments_dir / str(cid)).exists()
    assert _file_of(store, kept).read_bytes() == b"%PDF kept"


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..", "a/../../b.txt", "C:\\evil\\x.exe", "we ird;name.txt"]
)
def test_a_received_file_name_never_leaves_the_contacts_folder(store, name):
    try:
        got = inbound.receive(store, "email", "n@example.com", "x", attachments=[(name, b"data")])
        cid = got["contact_id"]
    except InvalidInput:
        return  # refusing the name is fine too
    (row,) = store.contacts.attachments_of_conversation(contacts.conversations(store, cid)[0]["id"])
    assert relative_path_ok(row["storage_path"]) and row["storage_path"].startswith(f"{cid}/")
    target = (store.attachments_dir / row["storage_path"]).resolve()
    assert target.parent == (store.attachments_dir / str(cid)).resolve()
    assert _read(store.attachments_dir, row["storage_path"]) == b"data"


def test_reading_refuses_a_path_outside_the_folder(store, tmp_path):
    (tmp_path / "secret.txt").write_text("s")
    for path in ("../secret.txt", str(tmp_path / "secret.txt")):
        with pytest.raises(InvalidInput, match="^attachment path outside the attachments folder$"):
            _read(store.attachments_dir, path)


def test_the_size_limit_is_inclusive(monkeypatch, tmp_path):
    monkeypatch.setattr(files, "MAX_ATTACHMENT_BYTES", 10)
    assert files.read_attachment_arg(("ten.bin", b"x" * 10))["size_bytes"] == 10
    with pytest.raises(InvalidInput):
        files.read_attachment_arg(("eleven.bin", b"x" * 11))
    (tmp_path / "eleven.bin").write_bytes(b"x" * 11)
    with pytest.raises(InvalidInput):
        files.read_attachment_arg(str(tmp_path / "eleven.bin"))


def test_attachment_metadata(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8 jpeg")
    meta = files.read_attachment_arg(str(tmp_path / "photo.jpg"))
    assert (meta["filename"], meta["content_type"], meta["size_bytes"]) == ("photo.jpg", "image/jpeg", 7)
    assert meta["sha256"] == hashlib.sha256(b"\xff\xd8 jpeg").hexdigest() and meta["data"] == b"\xff\xd8 jpeg"
    assert files.read_attachment_arg(("x.unknownext", b""))["content_type"] == "application/octet-stream"
    for bad in ("", "   ", "/", None):
        with pytest.raises(InvalidInput, match="^an attachment needs a file name$"):
            files.read_attachment_arg((bad, b"x"))
    with pytest.raises(InvalidInput, match=r"^attachment .*missing\.bin is not a readable file \(No such"):
        files.read_attachment_arg(str(tmp_path / "missing.bin"))


def test_the_real_limit_is_25_mb_and_named_in_the_message(tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as out:
        out.truncate(files.MAX_ATTACHMENT_BYTES + 1)  # sparse: no 25 MB written
    with pytest.raises(InvalidInput, match=r"big\.bin is larger than 25 MB"):
        files.read_attachment_arg(str(big))


def test_stored_names_are_sanitised_shortened_and_unique(store):
    long_name = "x" * 90 + "-é ü.pdf"
    cid = inbound.receive(
        store, "email", "s@example.com", "x", attachments=[(long_name, b"1"), (long_name, b"2")]
    )["contact_id"]
    rows = store.contacts.attachments_of_conversation(contacts.conversations(store, cid)[0]["id"])
    names = [r["storage_path"].split("/", 1)[1] for r in rows]
    assert [r["filename"] for r in rows] == [long_name, long_name]  # the shown name is kept as sent
    assert len(set(names)) == 2
    for name, data in zip(names, (b"1", b"2"), strict=True):
        prefix, safe = name.split("-", 1)
        assert len(prefix) == 12 and all(c in "0123456789abcdef" for c in prefix)
        assert safe == ("x" * 90 + "-_.pdf")[-80:]
        assert (store.attachments_dir / str(cid) / name).read_bytes() == data


def test_a_failed_receive_leaves_no_file(store, monkeypatch):
    real = store.contacts.receive_message

    def write_then_fail(**kwargs):
        kwargs["write_files"](123, [files.read_attachment_arg(("a.txt", b"a"))])
        raise RuntimeError("database gone")

    monkeypatch.setattr(store.contacts, "receive_message", write_then_fail)
    with pytest.raises(RuntimeError):
        inbound.receive(store, "email", "f@example.com", "x", attachments=[("a.txt", b"a")])
    assert not (store.attachments_dir / "123").exists()
    monkeypatch.setattr(store.contacts, "receive_message", real)


def test_removing_a_file_keeps_a_folder_that_still_holds_files(store):
    cid = inbound.receive(
        store, "email", "k@example.com", "x", attachments=[("a.txt", b"a"), ("b.txt", b"b")]
    )["contact_id"]
    first, second = sorted((store.attachments_dir / str(cid)).iterdir())
    files.remove([first, store.attachments_dir / str(cid) / "never-existed.bin"])
    assert not first.exists() and second.exists()
    files.remove([second])
    assert not (store.attachments_dir / str(cid)).exists()


def test_every_writable_open_runs_the_orphan_sweep_as_a_named_step(store, kept, db_target, monkeypatch):
    swept = []
    monkeypatch.setattr(files, "sweep_orphans", lambda s, grace_seconds=0: swept.append(s) or 0)
    store.close()
    open_store(db_target).close()
    open_store(db_target, read_only=True).close()  # a read-only open changes nothing on disk
    assert len(swept) == 1


def test_bytes_and_a_path_give_the_same_type_data_and_refusal(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_ATTACHMENT_BYTES", 10)
    monkeypatch.setattr(files, "CHUNK_BYTES", 4)  # a path is read in several chunks
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 x")
    (tmp_path / "blob.unknownext").write_bytes(b"abc")
    (tmp_path / "big.pdf").write_bytes(b"x" * 11)
    for item in (str(tmp_path / "report.pdf"), ("report.pdf", b"%PDF-1.4 x")):
        meta = files.read_attachment_arg(item)
        assert (meta["content_type"], meta["data"], meta["size_bytes"]) == (
            "application/pdf",
            b"%PDF-1.4 x",
            10,
        )
    for item in (str(tmp_path / "blob.unknownext"), ("blob.unknownext", b"abc")):
        assert files.read_attachment_arg(item)["content_type"] == "application/octet-stream"
    for item in (str(tmp_path / "big.pdf"), ("big.pdf", b"x" * 11)):
        with pytest.raises(InvalidInput, match=r"^attachment big\.pdf is larger than 0 MB$"):
            files.read_attachment_arg(item)


def test_a_name_with_control_characters_is_refused_escaped_and_cut_to_120_characters():
    with pytest.raises(InvalidInput) as caught:
        files.read_attachment_arg(("a" * 200 + "\n.pdf", b"x"))
    assert str(caught.value) == (
        f"attachment name {'a' * 120} holds control characters (NUL, line breaks or the like):"
        " rename the file"
    )
    with pytest.raises(InvalidInput, match=r"^attachment name ab\\x00c\.pdf holds control characters"):
        files.read_attachment_arg(("ab\x00c.pdf", b"x"))


def test_removing_goes_on_past_a_file_whose_folder_is_a_file(tmp_path):
    blocker = tmp_path / "7"
    blocker.write_bytes(b"a file where a contact folder should be")
    real = tmp_path / "8" / "a.bin"
    real.parent.mkdir()
    real.write_bytes(b"x")
    files.remove([blocker / "a.bin", real])
    assert blocker.exists() and not real.exists() and not real.parent.exists()


def test_a_file_exactly_as_old_as_the_grace_period_is_kept(store, monkeypatch):
    from types import SimpleNamespace

    now = 2_000_000_000.0
    monkeypatch.setattr(files, "time", SimpleNamespace(time=lambda: now))
    path = store.attachments_dir / "4242" / "edge.bin"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x")
    os.utime(path, (now - 600, now - 600))
    assert files.sweep_orphans(store, grace_seconds=600) == 0 and path.exists()
    os.utime(path, (now - 601, now - 601))
    assert files.sweep_orphans(store, grace_seconds=600) == 1 and not path.exists()


def test_an_orphan_that_cannot_be_removed_does_not_stop_the_sweep(store, monkeypatch):
    folder = store.attachments_dir / "4242"
    folder.mkdir(parents=True)
    paths = [folder / f"stray{i}.bin" for i in range(3)]
    for path in paths:
        path.write_bytes(b"left by a crash")
    _age(*paths)
    real_remove, calls = files.remove, []

    def first_fails(targets):
        calls.append(targets)
        if len(calls) == 1:
            raise PermissionError("busy")
        real_remove(targets)

    monkeypatch.setattr(files, "remove", first_fails)
    assert files.sweep_orphans(store) == 2
    assert sum(p.exists() for p in paths) == 1  # left for the next open
