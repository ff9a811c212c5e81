"""Attachments at `receive`: read in chunks with the 25 MB limit, only regular files, names without control
characters, a full disk or a file in place of the attachments folder leaves nothing behind (one line in the
CLI)."""

import errno
import os
import pathlib
import tracemalloc

import pytest

from inbox import files, open_store
from inbox.errors import InvalidInput, StoreUnavailable, WriteFailed
from inbox.inbound import receive
from inbox.store import Store

from ..support.cli import invoke, one_line


def stored(store):
    return store._one(
        "SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM messages),"
        " (SELECT count(*) FROM attachments)"
    )


def files_under(root: pathlib.Path):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_2_gb_file_is_refused_after_reading_at_most_the_limit(store, tmp_path):
    big = tmp_path / "huge.bin"
    with open(big, "wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: 2 GB that take no disk
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput, match="huge.bin is larger than 25 MB"):
            receive(store, "email", "big@example.com", "see attached", attachments=[big])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * files.MAX_ATTACHMENT_BYTES  # the limit and a chunk at most, never the 2 GB
    assert stored(store) == (0, 0, 0)


def test_a_file_of_exactly_the_limit_is_stored_with_its_hash(store, tmp_path):
    import hashlib

    path = tmp_path / "limit.bin"
    data = os.urandom(1024) * (files.MAX_ATTACHMENT_BYTES // 1024)
    path.write_bytes(data)
    meta = files.read_attachment_arg(path)
    assert (
        meta["size_bytes"] == files.MAX_ATTACHMENT_BYTES
        and meta["sha256"] == hashlib.sha256(data).hexdigest()
    )
    path.write_bytes(data + b"x")
    with pytest.raises(InvalidInput, match="larger than 25 MB"):
        files.read_attachment_arg(path)


def test_a_fifo_or_a_device_is_refused_without_blocking(db_path, tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        line = one_line(
            invoke(
                "receive",
                "--platform",
                "sms",
                "--handle",
                "+33612345678",
                "--text",
                "x",
                "--attach",
                path,
                "--db",
                db_path,
            )
        )
        assert "is not a readable file (not a regular file)" in line


@pytest.mark.parametrize(
    "name", ["evil\x00.png", "two\nlines.png", "tab\there.pdf", "bell\x07.txt", "c1\x85.txt"]
)
def test_attachment_names_with_control_characters_are_refused(store, name):
    with pytest.raises(InvalidInput, match="holds control characters") as caught:
        receive(store, "email", "names@example.com", "hello", attachments=[(name, b"data")])
    assert "\n" not in str(caught.value) and "\x00" not in str(caught.value)  # shown escaped
    assert stored(store) == (0, 0, 0)


def test_a_name_with_a_newline_from_the_cli_is_one_line(db_path, tmp_path):
    path = tmp_path / "report\n2024.pdf"
    path.write_bytes(b"%PDF-1.4")
    line = one_line(
        invoke(
            "receive", "--platform", "email", "--handle", "n@example.com", "--attach", path, "--db", db_path
        )
    )
    assert "attachment name report\\x0a2024.pdf holds control characters" in line


def full_disk_after(limit: int):
    """A ``Path.write_bytes`` that writes ``limit`` bytes of the data, then fails as a full disk does."""

    def write_bytes(self, data):
        with open(self, "wb") as fh:
            fh.write(data[:limit])
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    return write_bytes


def test_disk_full_during_receive_leaves_no_partial_file_and_stores_nothing(db_path, tmp_path, monkeypatch):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    first.write_bytes(b"A" * 5000)
    second.write_bytes(b"B" * 5000)
    writes = []
    real = pathlib.Path.write_bytes

    def second_write_fails(self, data):
        writes.append(self)
        return real(self, data) if len(writes) == 1 else full_disk_after(100)(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", second_write_fails)
    line = one_line(
        invoke(
            "receive",
            "--platform",
            "email",
            "--handle",
            "full@example.com",
            "--text",
            "two files",
            "--attach",
            first,
            "--attach",
            second,
            "--db",
            db_path,
        )
    )
    assert line == (
        "inbox: attachment b.png could not be stored (no space left on the device); "
        "the message was not stored"
    )
    assert len(writes) == 2 and not any(
        p.exists() for p in writes
    )  # the whole one and the partial one removed
    with Store(db_path) as store:
        assert stored(store) == (0, 0, 0) and files_under(store.attachments_dir) == []


def test_the_attachments_folder_being_a_file_is_said_at_open_and_at_receive(db_path, tmp_path):
    with Store(db_path) as store:
        folder = store.attachments_dir
    folder.write_text("not a folder")
    line = one_line(
        invoke("receive", "--platform", "email", "--handle", "f@example.com", "--text", "hi", "--db", db_path)
    )
    assert line == f"inbox: the attachments folder {folder} is a file, not a folder: move that file away"
    with pytest.raises(StoreUnavailable, match="is a file, not a folder"):
        open_store(db_path)
    with Store(
        db_path
    ) as store:  # a store opened without the check still refuses at the write, storing nothing
        with pytest.raises(WriteFailed, match=f"the attachments folder {folder} is a file"):
            receive(store, "email", "f@example.com", "hi", attachments=[("a.txt", b"x")])
        assert stored(store) == (0, 0, 0)
    assert folder.read_text() == "not a folder"
