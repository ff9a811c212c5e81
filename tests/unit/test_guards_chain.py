"""Deletion-log chain and checkpoint guards, pinned by behaviour: values as read back hash like the originals,
every verdict of `verify_log`, the checkpoint file's name, folder and modes, malformed or cut-short
checkpoints."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from inbox import checkpoints, deletion, inbound
from inbox.deletion_chain import Verification, canonical_json, latest_checkpoint, verify_log
from inbox.errors import InvalidInput
from inbox.keys import Keys, require_keys
from inbox.models import SYSTEM

from ..support.deletion import ADMIN, members  # noqa: F401  (members: autouse fixture)
from ..support.keys import ENTRY, KEYS

HINT = {"hint": "ticket #5", "reason": "duplicate"}


class FakeStore:
    """Only what the checkpoint folder needs of a store: the path its files are named after."""

    def __init__(self, path):
        self.file_base = path


def _deleted(store, n: int) -> None:
    for i in range(n):
        cid = inbound.receive(store, "sms", f"+3361000{i:04d}", "hello")["contact_id"]
        deletion.delete_contact(store, ADMIN, cid, **HINT)


def _sql(store, statement, params=()):
    with store.cursor() as cur:
        cur.execute(statement, list(params))


# -- the canonical JSON of values as the database or pandas give them back ---------------------------------
def test_values_read_back_hash_like_the_values_written():
    plain = {**ENTRY, "bytes": None, "deleted_at": datetime(2026, 11, 2, 9, 30, 15)}
    read_back = {
        **ENTRY,
        "bytes": float("nan"),
        "deleted_at": pd.Timestamp("2026-11-02 09:30:15"),
        "contact_id": np.int64(41),
        "messages": np.int32(3),
    }
    assert canonical_json(read_back) == canonical_json(plain)
    assert '"bytes":null' in canonical_json(plain) and '"contact_id":41,' in canonical_json(read_back)
    assert '"bytes":2048.5' in canonical_json({**ENTRY, "bytes": 2048.5})  # a real float stays a number
    assert '"bytes":0.0' in canonical_json({**ENTRY, "bytes": np.float64(0.0)})
    assert '"deleted_at":"2026-11-02"' in canonical_json({**ENTRY, "deleted_at": date(2026, 11, 2)})
    micro = {**ENTRY, "deleted_at": pd.Timestamp("2026-11-02 09:30:15.000250")}
    assert canonical_json(micro) == canonical_json(
        {**ENTRY, "deleted_at": datetime(2026, 11, 2, 9, 30, 15, 250)}
    )
    assert '"deleted_at":"2026-11-02T09:30:15.000250"' in canonical_json(micro)
    assert '"display_name":"Zoé Quill"' in canonical_json(ENTRY)


# -- verify_log: each verdict ---------------------------------------------------------------------------
def test_verdict_lines():
    assert Verification(True, 3, "h").line() == "OK 3 entries"
    assert Verification(False, 3, "h", 2, "why").line() == "entry 2 does not match: why"
    assert Verification(False, 0, "h", None, "why").line() == "the deletion log does not verify: why"


def test_progress_is_reported_and_a_clean_log_verifies(store):
    _deleted(store, 2)
    seen = []
    result = verify_log(store, SYSTEM, seen.append)
    assert seen == ["2 entries verified"]
    assert (result.ok, result.entries, result.bad_entry) == (True, 2, None)
    assert result.head == store.deletion_log.deletion_log_head()[1] and result.checkpoint["entries"] == 2


def test_an_expected_checkpoint_of_another_start_is_reported_at_entry_1(store):
    _deleted(store, 1)
    other_start = checkpoints.sign(require_keys(store), 0, "e" * 64)
    result = verify_log(store, SYSTEM, expect=other_start)
    assert (result.ok, result.bad_entry) == (False, 1)
    assert result.problem.startswith("the signed checkpoint of ")
    assert "another start of the log" in result.problem
    assert verify_log(store, SYSTEM, expect=checkpoints.sign(require_keys(store), 0, deletion.GENESIS)).ok


def test_the_log_head_is_checked_for_its_count_and_its_hash(store):
    _deleted(store, 3)
    entries, head = store.deletion_log.deletion_log_head()
    _sql(store, "UPDATE deletion_log_head SET entries = 2")
    result = verify_log(store, SYSTEM)
    assert (result.ok, result.bad_entry) == (False, 3)
    assert result.problem == "it was added outside the app (the log head records 2 entries)"
    _sql(store, "UPDATE deletion_log_head SET entries = 3, last_hash = ?", ["0" * 64])
    result = verify_log(store, SYSTEM)
    assert (result.ok, result.bad_entry, result.entries) == (False, 3, 3)
    assert result.problem == "the log head records another hash for the last entry"
    _sql(store, "UPDATE deletion_log_head SET last_hash = ?", [head])
    assert verify_log(store, SYSTEM).ok


def test_a_mismatch_before_any_matched_checkpoint_names_no_earlier_entry(store):
    _deleted(store, 1)
    keys = require_keys(store)
    result = verify_log(store, SYSTEM, expect=checkpoints.sign(keys, 1, "f" * 64))
    assert (result.ok, result.bad_entry) == (False, 1)
    assert result.problem.endswith("records another hash for entry 1: the log was rewritten or rolled back")


def test_the_newest_checkpoint_is_the_one_with_most_entries(store):
    _deleted(store, 2)
    with store.cursor() as cur:
        first = cur.execute("SELECT entry_hash FROM deletion_log WHERE id = 1").fetchone()[0]
    later_but_shorter = checkpoints.sign(require_keys(store), 1, first, at=datetime(2099, 1, 1))
    result = verify_log(store, SYSTEM, expect=later_but_shorter)
    assert result.ok and result.checkpoint["entries"] == 2 and result.checkpoint["at"] < "2099"


def test_latest_checkpoint_reuses_the_one_of_the_current_head(store):
    _deleted(store, 2)
    path = checkpoints.file_for(store, require_keys(store))
    before = path.read_text().splitlines()
    result, cp = latest_checkpoint(store, SYSTEM)
    assert result.ok and cp == json.loads(before[-1]) and path.read_text().splitlines() == before
    _sql(store, "DELETE FROM deletion_log WHERE id = 2")  # a log that does not verify: no checkpoint
    result, cp = latest_checkpoint(store, SYSTEM)
    assert not result.ok and cp is None and path.read_text().splitlines() == before


def test_latest_checkpoint_signs_one_when_the_newest_is_older(store):
    _deleted(store, 2)
    keys = require_keys(store)
    path = checkpoints.file_for(store, keys)
    path.write_text(path.read_text().splitlines()[0] + "\n")  # only the checkpoint of 0 entries is left
    result, cp = latest_checkpoint(store, SYSTEM)
    assert result.ok and cp["entries"] == 2 and cp["head"] == result.head
    assert [json.loads(line)["entries"] for line in path.read_text().splitlines()] == [0, 2]
    _, again = latest_checkpoint(store, SYSTEM)
    assert again == cp and len(path.read_text().splitlines()) == 2


# -- the checkpoint folder and file --------------------------------------------------------------------
def test_the_checkpoint_folder_and_file_name(tmp_path, monkeypatch):
    monkeypatch.delenv(checkpoints.CHECKPOINT_ENV, raising=False)
    store = FakeStore(tmp_path / "ws.duckdb")
    assert checkpoints.folder_for(store) == tmp_path / "ws-checkpoints"
    named = tmp_path / "ws-checkpoints" / "checkpoints-090ec4a3f0ed5c14.jsonl"  # the public key's first 16
    assert checkpoints.file_for(store, KEYS) == named
    monkeypatch.setenv(checkpoints.CHECKPOINT_ENV, "   ")
    assert checkpoints.folder_for(store) == tmp_path / "ws-checkpoints"
    monkeypatch.setenv(checkpoints.CHECKPOINT_ENV, f" {tmp_path / 'env'} ")
    assert checkpoints.folder_for(store) == tmp_path / "env"
    checkpoints.use_folder(store, "")
    assert checkpoints.folder_for(store) == tmp_path / "env"
    checkpoints.use_folder(store, str(tmp_path / "cli"))
    assert checkpoints.folder_for(store) == tmp_path / "cli"
    assert checkpoints.folder_for(FakeStore(tmp_path / "other.duckdb")) == tmp_path / "env"  # per store


def test_append_creates_a_private_folder_and_file_and_appends(tmp_path):
    store = FakeStore(tmp_path / "deep" / "er" / "ws.duckdb")
    first = checkpoints.append(store, KEYS, 1, "a" * 64)
    second = checkpoints.append(store, KEYS, 2, "b" * 64)
    path = checkpoints.file_for(store, KEYS)
    assert (path.parent.stat().st_mode & 0o777) == 0o700 and (path.stat().st_mode & 0o777) == 0o600
    assert path.read_text() == checkpoints.as_line(first) + "\n" + checkpoints.as_line(second) + "\n"
    assert " " not in checkpoints.as_line(first) and json.loads(checkpoints.as_line(first)) == first
    assert checkpoints.read(store, KEYS) == ([first, second], [])


def test_sign_stores_utc_times_and_now_by_default():
    paris = datetime(2026, 11, 2, 11, 30, 16, tzinfo=timezone(timedelta(hours=2)))
    assert checkpoints.sign(KEYS, 7, "d" * 64, at=paris) == checkpoints.sign(
        KEYS, 7, "d" * 64, at=datetime(2026, 11, 2, 9, 30, 16)
    )
    cp = checkpoints.sign(KEYS, np.int64(3), "d" * 64)
    assert cp["entries"] == 3 and type(cp["entries"]) is int
    stamp = datetime.fromisoformat(cp["at"].removesuffix("Z"))
    now = datetime.now(UTC).replace(tzinfo=None)
    assert cp["at"].endswith("Z") and abs(stamp - now) < timedelta(1)
    assert checkpoints.problem_of(KEYS, cp) is None


FORGED = "its signature does not match its content (forged or altered)"


@pytest.mark.parametrize(
    "change, why",
    [
        (lambda cp: [1, 2], "it is not a checkpoint (fields missing)"),
        (
            lambda cp: {k: v for k, v in cp.items() if k != "signature"},
            "it is not a checkpoint (fields missing)",
        ),
        (lambda cp: {k: v for k, v in cp.items() if k != "at"}, "it is not a checkpoint (fields missing)"),
        (lambda cp: {**cp, "format": "other"}, "it is not a deletion-log checkpoint of this version"),
        (lambda cp: {**cp, "version": 2}, "it is not a deletion-log checkpoint of this version"),
        (lambda cp: {**cp, "entries": "7"}, "its entry count or head is malformed"),
        (lambda cp: {**cp, "entries": -1}, "its entry count or head is malformed"),
        (lambda cp: {**cp, "head": 7}, "its entry count or head is malformed"),
        (lambda cp: {**cp, "public_key": "0" * 64}, "it was signed with another key than this workspace's"),
        (lambda cp: {**cp, "signature": "not hex"}, FORGED),
        (lambda cp: {**cp, "head": "e" * 64}, FORGED),
    ],
)
def test_each_malformed_checkpoint_is_refused_with_its_reason(change, why):
    cp = checkpoints.sign(KEYS, 7, "d" * 64, at=datetime(2026, 11, 2, 9, 30, 16))
    assert checkpoints.problem_of(KEYS, cp) is None
    assert checkpoints.problem_of(KEYS, change(cp)) == why


def test_a_checkpoint_of_0_entries_is_genuine():
    assert checkpoints.problem_of(KEYS, checkpoints.sign(KEYS, 0, deletion.GENESIS)) is None


def test_parse_takes_a_json_line_or_the_last_line_of_a_file(tmp_path):
    cp = checkpoints.sign(KEYS, 7, "d" * 64, at=datetime(2026, 11, 2, 9, 30, 16))
    assert checkpoints.parse("  " + checkpoints.as_line(cp) + "\n") == cp
    kept = tmp_path / "kept.jsonl"
    kept.write_text(checkpoints.as_line({**cp, "entries": 1}) + "\n" + checkpoints.as_line(cp) + "\n\n  \n")
    assert checkpoints.parse(f" {kept} ") == cp
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    for text in (str(empty), "", None, "not a checkpoint", str(tmp_path / "missing.json")):
        with pytest.raises(
            InvalidInput,
            match="^--expect needs a checkpoint: the JSON line `audit"
            " checkpoint` printed, or a file holding it$",
        ):
            checkpoints.parse(text)
    with pytest.raises(InvalidInput, match=r"^--expect needs a checkpoint \(a JSON object\)$"):
        checkpoints.parse("[1, 2]")


def test_record_writes_the_last_entry_and_survives_an_unwritable_folder(tmp_path, caplog):
    store = FakeStore(tmp_path / "ws.duckdb")
    checkpoints.record(store, KEYS, [])
    assert not checkpoints.folder_for(store).exists()
    checkpoints.record(
        store, KEYS, [{"id": "4", "entry_hash": "a" * 64}, {"id": np.int64(5), "entry_hash": "b" * 64}]
    )
    [cp], problems = checkpoints.read(store, KEYS)
    assert problems == [] and (cp["entries"], cp["head"]) == (5, "b" * 64)
    blocked = FakeStore(tmp_path / "blocked.duckdb")
    checkpoints.folder_for(blocked).write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger="inbox.checkpoints"):
        checkpoints.record(blocked, KEYS, [{"id": 1, "entry_hash": "c" * 64}])
    [message] = [r.getMessage() for r in caplog.records]
    folder = checkpoints.folder_for(blocked)
    assert message.startswith(f"cannot write the deletion-log checkpoint in {folder}: ")
    assert "File exists" in message  # why, from the error


def test_read_reports_bad_lines_by_number_and_forgives_a_last_line_cut_short(tmp_path):
    store = FakeStore(tmp_path / "ws.duckdb")
    assert checkpoints.read(store, KEYS) == ([], [])  # no file yet
    good = checkpoints.append(store, KEYS, 1, "a" * 64)
    path = checkpoints.file_for(store, KEYS)
    with open(path, "a") as out:
        foreign = checkpoints.as_line(checkpoints.sign(Keys(bytes(32)), 2, "b" * 64))
        out.write("\n{broken\n" + foreign + "\n{cut")
    with open(path, "ab") as out:  # a line of bytes that are not ASCII: reported, never a crash
        out.write(b"\xff\xfe\xe9\n")
    found, problems = checkpoints.read(store, KEYS)
    assert found == [good] and problems[-1] == f"{path} line 5: it is not a checkpoint (fields missing)"
    path.write_text(path.read_text(errors="replace").replace("\ufffd\ufffd\ufffd\n", ""))
    found, problems = checkpoints.read(store, KEYS)
    assert found == [good]
    assert problems == [
        f"{path} line 3: it is not a checkpoint (fields missing)",
        f"{path} line 4: it was signed with another key than this workspace's",
    ]
    path.unlink()
    path.mkdir()
    found, problems = checkpoints.read(store, KEYS)
    assert (found, problems) == ([], [f"{path} cannot be read: Is a directory"])


def test_an_entry_edited_in_place_is_reported_as_changed(store):
    _deleted(store, 2)
    _sql(store, "UPDATE deletion_log SET identity_hint = 'forged' WHERE id = 2")
    result = verify_log(store, SYSTEM)
    assert (result.ok, result.bad_entry) == (False, 2)
    assert result.problem == "its content differs from what was hashed"


def test_a_sealed_old_entry_edited_in_place_is_reported_as_changed(tmp_path):
    from inbox import open_store
    from inbox.store import Store

    from ..support.legacy import build_old_database

    path = tmp_path / "old.duckdb"
    build_old_database(path)
    open_store(path).close()  # adopted: the old unkeyed entries are sealed under the key file
    with Store(path) as store, store.cursor() as cur:
        cur.execute("UPDATE deletion_log SET identity_hint = 'forged' WHERE id = 2")
    with open_store(path) as store:
        result = verify_log(store, SYSTEM)
    assert (result.ok, result.bad_entry) == (False, 2)
    assert result.problem == "its content differs from what was hashed"


def test_an_entry_rehashed_without_the_key_is_reported_as_written_outside_the_app(store):
    from inbox.deletion_chain import legacy_entry_hash

    _deleted(store, 2)
    with store.cursor() as cur:
        cols = ", ".join(deletion.LOG_COLUMNS)
        second = dict(
            zip(
                deletion.LOG_COLUMNS,
                cur.execute(f"SELECT {cols} FROM deletion_log WHERE id = 2").fetchone(),
                strict=True,
            )
        )
    _sql(store, "UPDATE deletion_log SET entry_hash = ? WHERE id = 2", [legacy_entry_hash(second)])
    result = verify_log(store, SYSTEM)
    assert (result.ok, result.bad_entry) == (False, 2)
    assert result.problem == (
        "its hash is not keyed with this workspace's key file: it was written or"
        " rewritten outside the app (or it did not verify when the key file was"
        " adopted)"
    )


def test_checkpoint_times_are_utc_whatever_the_machine_s_time_zone(monkeypatch):
    import time as clock

    monkeypatch.setenv("TZ", "America/New_York")
    clock.tzset()
    try:
        paris = datetime(2026, 11, 2, 11, 30, 16, tzinfo=timezone(timedelta(hours=2)))
        assert checkpoints.sign(KEYS, 7, "d" * 64, at=paris)["at"] == "2026-11-02T09:30:16Z"
        stamp = datetime.fromisoformat(checkpoints.sign(KEYS, 7, "d" * 64)["at"].removesuffix("Z"))
        assert abs(stamp - datetime.now(UTC).replace(tzinfo=None)) < timedelta(minutes=1)
    finally:
        monkeypatch.delenv("TZ")
        clock.tzset()
