"""Key-file guards, pinned by behaviour: the file's format and what is refused in it, atomic writes that never
overwrite, the encrypted-secret format, read-only stores, and what `check` says about the key file."""

from __future__ import annotations

import json
import os

import pytest

from inbox import keys as keyfile
from inbox.keys import (
    KeyFileProblem,
    Keys,
    key_file_for,
    key_problems,
    read_key_file,
    require_keys,
    workspace_keys,
    write_key_file,
)
from inbox.store import Store

from ..support.keys import KEYS, MASTER

LEGACY = (bytes([7]) * 32, bytes([8]) * 16)


def _damaged(path, text: str) -> str:
    path.write_text(text)
    with pytest.raises(KeyFileProblem) as caught:
        read_key_file(path)
    return str(caught.value)


def test_the_key_file_format_round_trips_with_its_legacy_keys(tmp_path):
    keys = Keys(MASTER, LEGACY)
    data = json.loads(keys.to_json())
    assert data == {
        "format": "inbox-key-file",
        "version": 1,
        "master": MASTER.hex(),
        "legacy_identifier_keys": [k.hex() for k in LEGACY],
    }
    path = tmp_path / "a" / "b" / "ws.key"
    write_key_file(path, keys, replace=False)
    assert read_key_file(path) == keys and read_key_file(path).identifier_keys[1:] == LEGACY
    assert path.read_text() == keys.to_json() + "\n" and (path.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["ws.key"]  # no temporary file left
    for missing in ({}, {"legacy_identifier_keys": None}):
        without = {k: v for k, v in data.items() if k != "legacy_identifier_keys"}
        path.write_text(json.dumps({**without, **missing}))
        assert read_key_file(path) == Keys(MASTER)


def test_a_key_file_is_never_overwritten_unless_replaced(tmp_path):
    path = tmp_path / "ws.key"
    write_key_file(path, KEYS, replace=False)
    with pytest.raises(FileExistsError):
        write_key_file(path, Keys(bytes(32)), replace=False)
    assert read_key_file(path) == KEYS and [p.name for p in tmp_path.iterdir()] == ["ws.key"]
    write_key_file(path, Keys(bytes(32)), replace=True)
    assert read_key_file(path) == Keys(bytes(32)) and [p.name for p in tmp_path.iterdir()] == ["ws.key"]


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"format": "other", "version": 1, "master": MASTER.hex()}),
        json.dumps({"format": "inbox-key-file", "version": 2, "master": MASTER.hex()}),
        json.dumps({"version": 1, "master": MASTER.hex()}),
        json.dumps({"format": "inbox-key-file", "master": MASTER.hex()}),
        json.dumps({"format": "inbox-key-file", "version": 1}),
        json.dumps({"format": "inbox-key-file", "version": 1, "master": "zz"}),
        json.dumps({"format": "inbox-key-file", "version": 1, "master": 12}),
        json.dumps(
            {
                "format": "inbox-key-file",
                "version": 1,
                "master": MASTER.hex(),
                "legacy_identifier_keys": ["zz"],
            }
        ),
        "[1]",
        "not json",
        "",
    ],
)
def test_a_damaged_key_file_is_refused_in_one_line(tmp_path, text):
    path = tmp_path / "ws.key"
    message = _damaged(path, text)
    assert message.startswith(f"the key file {path} is damaged or not a key file (") and "\n" not in message


def test_a_master_key_shorter_than_32_bytes_is_refused(tmp_path):
    path = tmp_path / "ws.key"
    body = {"format": "inbox-key-file", "version": 1}
    assert _damaged(path, json.dumps({**body, "master": bytes(31).hex()})) == (
        f"the key file {path} is damaged or not a key file (the key is too short)"
    )
    path.write_text(json.dumps({**body, "master": bytes(32).hex()}))
    assert read_key_file(path) == Keys(bytes(32))


def test_an_unreadable_key_file_says_why(tmp_path):
    assert str(pytest.raises(KeyFileProblem, read_key_file, tmp_path / "none.key").value) == (
        f"the key file {tmp_path / 'none.key'} is missing"
    )
    folder = tmp_path / "dir.key"
    folder.mkdir()
    assert str(pytest.raises(KeyFileProblem, read_key_file, folder).value) == (
        f"the key file {folder} cannot be read: Is a directory"
    )


def test_the_key_file_path_ignores_a_blank_environment_value(tmp_path, monkeypatch):
    monkeypatch.setenv(keyfile.KEY_ENV, "  ")
    assert key_file_for(tmp_path / "ws.duckdb") == tmp_path / "ws.key"
    monkeypatch.setenv(keyfile.KEY_ENV, f" {tmp_path / 'k' / 'x.key'} ")
    assert key_file_for(str(tmp_path / "ws.duckdb")) == tmp_path / "k" / "x.key"
    monkeypatch.delenv(keyfile.KEY_ENV)
    assert key_file_for(str(tmp_path / "data" / "inbox.duckdb")) == tmp_path / "data" / "inbox.key"


def test_encrypted_secrets_have_a_prefix_a_fresh_nonce_and_refuse_anything_else():
    token = KEYS.encrypt("s3cret é", "crm_settings.secret")
    assert token.startswith("aesgcm1:") and KEYS.decrypt(token, "crm_settings.secret") == "s3cret é"
    raw = __import__("base64").urlsafe_b64decode(token[len("aesgcm1:") :])
    assert len(raw) == 12 + len("s3cret é".encode()) + 16  # nonce, ciphertext, tag
    for bad in ("s3cret é", "aesgcm2:" + token[8:], "aesgcm1:%%%", "aesgcm1:", token[:-4], token[8:]):
        with pytest.raises(
            KeyFileProblem,
            match=r"^the stored crm_settings\.secret cannot be decrypted with"
            r" this key file \(another workspace's key file\?\)$",
        ):
            KEYS.decrypt(bad, "crm_settings.secret")


def test_derived_keys_differ_by_purpose_and_by_master():
    other = Keys(bytes(32))
    derived = [KEYS.identifier_key, KEYS.chain_key, KEYS.secrets_key, KEYS.derive("checkpoint-signing")]
    assert len(set(derived)) == 4 and all(len(k) == 32 for k in derived)
    assert KEYS.derive("deletion-chain") == KEYS.chain_key and other.chain_key != KEYS.chain_key
    assert KEYS.fingerprint != other.fingerprint and len(KEYS.fingerprint) == 64


def test_a_read_only_store_without_a_key_gets_none_and_require_keys_says_to_init(tmp_path):
    import duckdb

    path = tmp_path / "ro.duckdb"
    Store(path).close()
    key_file_for(path).unlink(missing_ok=True)
    con = duckdb.connect(str(path))  # a database as it was before it got its key file
    con.execute("DELETE FROM workspace_settings WHERE key = 'key_fingerprint'")
    con.close()
    with Store(path, read_only=True) as store:
        assert workspace_keys(store, create=True) is None and key_problems(store) == []
        with pytest.raises(
            KeyFileProblem,
            match=r"^the database .*ro\.duckdb has no key file yet: open it"
            r" once read-write \(python -m inbox init\)$",
        ):
            require_keys(store)
    assert not key_file_for(path).exists()
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO workspace_settings VALUES ('deletion_hmac_secret', ?, now(), 'system')", ["5e" * 32]
    )
    con.close()
    with Store(path, read_only=True) as store:
        assert key_problems(store) == [
            f"the deletion log's HMAC key is still in the database {path}: open it once read-write"
            " (python -m inbox init) to move it into a key file"
        ]
    with Store(path) as store:  # read-write: the key file is made when first needed
        assert require_keys(store) == read_key_file(key_file_for(path))
        assert key_problems(store) == []


def test_keys_are_cached_per_store_until_forgotten(store):
    first = require_keys(store)
    path = key_file_for(store.file_base)
    os.replace(path, path.with_suffix(".away"))
    assert require_keys(store) is first  # cached: the file is not read again
    keyfile.forget(store)
    with pytest.raises(KeyFileProblem, match="is missing"):
        require_keys(store)
    os.replace(path.with_suffix(".away"), path)
    assert require_keys(store) == first


def test_check_says_what_is_wrong_with_the_key_file(store):
    keys = require_keys(store)
    path = key_file_for(store.file_base)
    assert key_problems(store) == []
    for mode in (0o640, 0o604, 0o700):
        path.chmod(mode)
        expected = (
            []
            if mode == 0o700
            else [f"the key file {path} can be read by other users (mode {mode:04o}): chmod 600 {path}"]
        )
        assert key_problems(store) == expected
    path.chmod(0o600)
    path.unlink()  # the keys are cached, but the file is gone
    assert key_problems(store) == [f"the key file {path} cannot be read: No such file or directory"]
    write_key_file(path, keys, replace=False)
    assert key_problems(store) == []


def test_check_never_creates_a_key_file_for_a_writable_database_without_one(tmp_path):
    path = tmp_path / "new.duckdb"
    with Store(path) as store:  # opened without open_store: nothing keyed yet
        assert key_problems(store) == []
        assert not store.keys.key_fingerprint()
    assert not key_file_for(path).exists()


def test_the_key_file_is_read_once_per_store(tmp_path, monkeypatch):
    from inbox import open_store

    path = tmp_path / "ws.duckdb"
    with open_store(path) as store:
        keys = workspace_keys(store, create=False)
        reads = []
        monkeypatch.setattr(keyfile, "read_key_file", lambda p: reads.append(p) or keys)
        assert [workspace_keys(store, create=False) for _ in range(3)] == [keys] * 3
        assert reads == []  # cached: deleting, checking and exporting do not re-read the file each time
        keyfile.forget(store)
        assert workspace_keys(store, create=False) == keys and reads == [key_file_for(path)]


def test_the_key_file_is_private_from_its_creation_not_only_after_the_chmod(tmp_path, monkeypatch):
    from inbox import key_file

    monkeypatch.setattr(key_file.os, "chmod", lambda *args, **kwargs: None)  # only the create mode is left
    old = os.umask(0o022)
    try:
        write_key_file(tmp_path / "ws.key", KEYS, replace=False)
    finally:
        os.umask(old)
    assert (tmp_path / "ws.key").stat().st_mode & 0o777 == 0o600


def test_new_keys_keep_the_legacy_keys_they_are_given():
    from inbox.key_file import MASTER_BYTES, new_keys

    legacy = (b"\x01" * 32, b"\x02" * 32)
    made = new_keys(legacy)
    assert made.legacy_identifier_keys == legacy and len(made.master) == MASTER_BYTES
    assert new_keys().legacy_identifier_keys == () and new_keys().master != new_keys().master
