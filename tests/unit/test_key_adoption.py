"""An old-format database (HMAC secret in workspace_settings, plaintext CRM secret, unkeyed sha256 chain) gets
its key file: secrets move out, the old chain is verified and sealed — or, tampered, reported, never
blessed."""

import os

import pytest

from inbox import crm, deletion, inbound, open_store
from inbox import deletion_report as report
from inbox.deletion_chain import legacy_entry_hash
from inbox.key_adoption import last_adoption
from inbox.keys import key_file_for, read_key_file, require_keys
from inbox.store import AREAS, Store

from ..support.cli import invoke
from ..support.deletion import ADMIN
from ..support.legacy import CRM_SECRET, OLD_SECRET, build_old_database


def run(*args: str):
    """``python -m inbox ARGS`` in-process, with neither $INBOX_DB, $INBOX_KEY_FILE nor
    $INBOX_CHECKPOINT_DIR."""
    return invoke(*args, env={"INBOX_DB": "", "INBOX_KEY_FILE": None, "INBOX_CHECKPOINT_DIR": None})


def test_an_old_database_is_adopted_secrets_move_out_and_its_log_stays_verifiable(tmp_path):
    path = tmp_path / "old.duckdb"
    build_old_database(path)
    with open_store(path) as store:
        done = last_adoption(path)
        assert (
            done.created,
            done.legacy_key_moved,
            done.crm_secret_encrypted,
            done.sealed,
            done.problem,
        ) == (True, True, True, 4, None)
        keys = require_keys(store)
        assert read_key_file(key_file_for(path)).legacy_identifier_keys == (bytes.fromhex(OLD_SECRET),)
        assert store.accounts.get_setting("deletion_hmac_secret") is None and store.keys.seal_count() == 4
        from validation.deletion_log import DELETION_TABLE_SCHEMAS
        from validation.tables import frame_failures

        seals = store._df("SELECT * FROM deletion_log_seals")
        assert frame_failures(DELETION_TABLE_SCHEMAS["deletion_log_seals"], seals).empty
        stored = store.crm.crm_settings_row()["secret"]
        assert CRM_SECRET not in stored and crm.signing_secret(store) == CRM_SECRET
        assert deletion.verify_log(store, ADMIN).line() == "OK 4 entries"
        # an identifier deleted before the key file is still found, through the legacy key
        assert [e["id"] for e in report.lookup(store, ADMIN, "old2@example.org")] == [3]
        cid = inbound.receive(store, "email", "new@example.org", "hi")["contact_id"]
        entry = deletion.delete_contact(store, ADMIN, cid, hint="after", reason="other")
        assert entry["handle_hmac"] == deletion.keyed_hash(
            keys.identifier_key, "handle", "email:new@example.org"
        )
        assert deletion.verify_log(store, ADMIN).line() == "OK 5 entries"
        assert [e["id"] for e in report.lookup(store, ADMIN, "new@example.org")] == [5]
    with open_store(path) as store:  # adopted once: reopening changes nothing
        assert last_adoption(path) is None and store.keys.seal_count() == 4
        assert deletion.verify_log(store, ADMIN).ok


def test_a_rewritten_old_entry_is_caught_by_its_seal(tmp_path):
    path = tmp_path / "old.duckdb"
    build_old_database(path)
    open_store(path).close()
    with Store(path) as store, store.cursor() as cur:  # edited, the unkeyed chain recomputed from entry 2
        entries = [
            dict(zip(deletion.LOG_COLUMNS, r, strict=True))
            for r in list(store.deletion_log.iter_deletion_log())[0]
        ]
        entries[1]["identity_hint"] = "forged"
        prev = entries[0]["entry_hash"]
        for e in entries[1:]:
            e["prev_hash"] = prev
            e["entry_hash"] = prev = legacy_entry_hash(e)
            cur.execute(
                "UPDATE deletion_log SET identity_hint = ?, prev_hash = ?, entry_hash = ? WHERE id = ?",
                [e["identity_hint"], e["prev_hash"], e["entry_hash"], e["id"]],
            )
        cur.execute("UPDATE deletion_log_head SET last_hash = ?", [prev])
    with open_store(path) as store:
        result = deletion.verify_log(store, ADMIN)
    assert not result.ok and result.bad_entry == 2
    assert result.problem == "it was rewritten since the chain was keyed (its seal does not match)"


@pytest.mark.parametrize(
    "tamper,bad,sealed",
    [
        ("UPDATE deletion_log SET deleted_by = 'mallory@example.com' WHERE id = 3", 3, 2),
        ("DELETE FROM deletion_log WHERE id = 4", 4, 3),  # the head still records 4 entries
    ],
)
def test_an_old_log_that_does_not_verify_is_never_blessed(tmp_path, tamper, bad, sealed):
    path = tmp_path / "old.duckdb"
    build_old_database(path)
    with Store(path) as store, store.cursor() as cur:
        cur.execute(tamper)
    with open_store(path) as store:
        done = last_adoption(path)
        assert done.sealed == sealed and f"entry {bad}" in done.problem
        assert store.accounts.get_setting("deletion_hmac_secret") is None  # the secrets move out all the same
        result = deletion.verify_log(store, ADMIN)
        assert not result.ok and result.bad_entry == bad
        cid = inbound.receive(store, "email", "later@example.org", "hi")["contact_id"]
        deletion.delete_contact(store, ADMIN, cid, hint="after", reason="other")
        assert deletion.verify_log(store, ADMIN).bad_entry == bad  # later deletions do not hide it


def test_an_adoption_interrupted_before_its_transaction_is_redone_with_the_same_key(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    build_old_database(path)

    def crash(self, **kwargs):
        raise SystemExit("killed before the adoption committed")

    monkeypatch.setattr(AREAS["keys"], "adopt_keys", crash)
    with pytest.raises(SystemExit):
        open_store(path)
    monkeypatch.undo()
    first = read_key_file(key_file_for(path))
    assert first.legacy_identifier_keys == (bytes.fromhex(OLD_SECRET),)
    with open_store(path) as store:
        assert require_keys(store) == first and store.accounts.get_setting("deletion_hmac_secret") is None
        assert deletion.verify_log(store, ADMIN).line() == "OK 4 entries"


def test_the_raw_file_of_an_adopted_database_no_longer_holds_the_secrets_after_a_rewrite(tmp_path):
    """Adoption deletes the old secret's row; its bytes may linger in freed blocks until the file is rewritten
    (here with COPY FROM DATABASE, as a compaction does): then neither the old HMAC key nor the CRM secret is
    in the file."""
    import duckdb

    path = tmp_path / "old.duckdb"
    build_old_database(path)
    open_store(path).close()
    fresh = tmp_path / "fresh.duckdb"
    con = duckdb.connect(str(fresh))
    con.execute(f"ATTACH '{path}' AS old (READ_ONLY)")
    con.execute("COPY FROM DATABASE old TO fresh")
    con.close()
    raw = fresh.read_bytes()
    assert OLD_SECRET.encode() not in raw and CRM_SECRET.encode() not in raw
    assert os.path.getsize(fresh) > 0


def test_init_adopts_an_old_database_and_says_what_it_did(tmp_path):
    from inbox.check import run_check

    path = tmp_path / "old.duckdb"
    build_old_database(path)
    with Store(path, read_only=True) as store:  # before adoption, check says the secret is still in the file
        assert "HMAC key is still in the database" in "\n".join(run_check(store).lines())
    ran = run("init", "--db", str(path))
    assert ran.code == 0 and ran.stdout.startswith("database ")
    assert f"key file {tmp_path / 'old.key'} created" in ran.stderr
    assert "HMAC key moved from the database into the key file" in ran.stderr
    assert "CRM shared secret is now stored encrypted" in ran.stderr
    assert "4 deletion-log entries verified and sealed" in ran.stderr and "warning" not in ran.stderr
    assert run("audit", "verify", "--db", str(path)).stdout == "OK 4 entries\n"
