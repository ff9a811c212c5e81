"""The key file: known answers of every recipe (kept across versions), mode 0600, a wrong or missing key file,
the CRM secret encrypted, and nothing secret in the raw database file."""

import os
from datetime import datetime

import pytest

from inbox import checkpoints, crm, deletion, inbound, workspace
from inbox.deletion_chain import canonical_json, entry_hash, legacy_entry_hash
from inbox.keys import KeyFileProblem, Keys, forget, key_file_for, read_key_file, require_keys, workspace_keys
from inbox.models import SYSTEM
from inbox.store import Store

from ..support.crm_server import SECRET
from ..support.deletion import ADMIN, PERSON, members, rich_contact  # noqa: F401  (members: autouse)
from ..support.keys import ENTRY, KEYS, MASTER
from ..support.members import seed_members


# -- known answers: fixed inputs -> fixed outputs. NEVER update these values: every existing log, key file,
# -- checkpoint and encrypted secret depends on them (a change here means existing workspaces stop verifying).
def test_known_answers_of_the_key_derivations():
    assert KEYS.fingerprint == "be235a424f1d8e2252d0c1debd73833ec86da366719d70c4904a59d14789ae5c"
    assert KEYS.identifier_key.hex() == "4e00710b6101dbcd30dce24c158a8c34abb120ac1563f48894e1e2bb5b4ba693"
    assert KEYS.chain_key.hex() == "d4239db7834f62a03ff4a3dd6726a1447005b5aab74d41c2a8cc5ce38547f542"
    assert KEYS.secrets_key.hex() == "4265943228d722a0700e37313896b6415fb889429529d018164d30e2f9e31f47"
    assert KEYS.public_key_hex == "090ec4a3f0ed5c14929360b311a97ac6f64bb437c15784d5360025de6242f403"
    assert KEYS.identifier_keys == (KEYS.identifier_key, bytes([7]) * 32)  # legacy keys still answer lookups


def test_known_answer_of_an_entry_hash():
    """Covers the recipe whole: the JSON encoding (sorted keys, no spaces, UTF-8 kept), every content column
    (snapshot included), prev_hash appended, the chain key — dropping or changing any of them fails here."""
    assert canonical_json(ENTRY) == (
        '{"attachments":2,"bytes":2048,"contact_id":41,"conversations":1,"deleted_at":"2026-11-02T09:30:15",'
        '"deleted_by":"ada@example.com","display_name":"Zoé Quill","email_hmac":"' + "a" * 64 + '",'
        '"external_id_hmac":null,"handle_hmac":"' + "b" * 64 + '","id":7,"identity_hint":"customer #1234",'
        '"messages":3,"phone_hmac":null,"platform":"whatsapp","reason":"gdpr_request",'
        '"snapshot":"{\\"contact\\": {\\"email\\": \\"zoe@example.org\\"}}"}'
    )
    assert entry_hash(MASTER, ENTRY) == "fc1e9b1cbc5f184a6ce22ddf8d9b8abe82dea4440c85081ad4f2ffc45c02e195"
    assert legacy_entry_hash(ENTRY) == "dad37d23576a3eff61fe4221a6a6c9beba9f4fedc89141790732c3056dd6359e"
    assert entry_hash(MASTER, {**ENTRY, "prev_hash": "d" * 64}) != entry_hash(MASTER, ENTRY)
    assert entry_hash(MASTER, {**ENTRY, "snapshot": None}) != entry_hash(MASTER, ENTRY)
    assert entry_hash(MASTER, {**ENTRY, "entry_hash": "other"}) == entry_hash(MASTER, ENTRY)  # not hashed


def test_known_answer_of_an_identifier_hash():
    assert deletion.keyed_hash(MASTER, "email", "zoe@example.org") == (
        "90cdcf837067fc80f0554cf3873a13bf218d2ec3d619ef97dce7eb5584a978ab"
    )  # HMAC of "email:zoe@example.org"
    assert deletion.keyed_hash(MASTER, "phone", "zoe@example.org") != deletion.keyed_hash(
        MASTER, "email", "zoe@example.org"
    )


def test_known_answer_of_a_checkpoint_signature():
    """Ed25519 is deterministic: the same checkpoint always has the same signature."""
    cp = checkpoints.sign(KEYS, 7, "d" * 64, at=datetime(2026, 11, 2, 9, 30, 16))
    assert checkpoints.signed_bytes(cp) == (
        b'{"at":"2026-11-02T09:30:16Z","entries":7,"format":"inbox-deletion-log-checkpoint","head":"'
        + b"d" * 64
        + b'","public_key":"090ec4a3f0ed5c14929360b311a97ac6f64bb437c15784d5360025de6242f403","version":1}'
    )
    assert cp["signature"] == (
        "ebe01240881145646a0add8713a125a639ea46620e89fe9c4daa371b8aea674a4ddcbf5508e3913ab52b"
        "3f5ee56441b8943dc896d3d8e69bd902890dae335500"
    )
    assert checkpoints.problem_of(KEYS, cp) is None
    assert "altered" in checkpoints.problem_of(KEYS, {**cp, "entries": 8})
    assert "another key" in checkpoints.problem_of(Keys(bytes(32)), cp)


def test_known_answer_of_the_secret_encryption():
    """A secret encrypted by an earlier version still decrypts (AES-256-GCM, the label bound in)."""
    token = "aesgcm1:SnLy7A0Ms6habRQh2NBoe4DMwEPDLq6Jfph9BvgHS-6irChZRxd-pVNC2-n2BJX3RvA0LtOIGjya"
    assert KEYS.decrypt(token, "crm_settings.secret") == "test-shared-secret-0123456789"
    with pytest.raises(KeyFileProblem, match="cannot be decrypted"):
        KEYS.decrypt(token, "another.label")
    with pytest.raises(KeyFileProblem, match="cannot be decrypted"):
        Keys(bytes(32)).decrypt(token, "crm_settings.secret")
    again = KEYS.encrypt("x" * 20, "crm_settings.secret")
    assert again != KEYS.encrypt("x" * 20, "crm_settings.secret")  # a fresh nonce each time


# -- the key file ------------------------------------------------------------------------------------
def test_the_key_file_is_created_at_open_with_mode_0600_next_to_the_database(tmp_path):
    from inbox import open_store

    path = tmp_path / "ws.duckdb"
    with open_store(path) as store:
        keys = workspace_keys(store, create=False)
        assert store.keys.key_fingerprint() == keys.fingerprint
    key_file = tmp_path / "ws.key"
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws-checkpoints", "ws.duckdb", "ws.key"]
    assert read_key_file(key_file) == keys and len(keys.master) == 32
    before = key_file.read_bytes()
    with open_store(path) as store:
        assert workspace_keys(store, create=False) == keys
    assert key_file.read_bytes() == before  # never rewritten


def test_the_key_file_path_comes_from_the_environment(tmp_path, monkeypatch):
    elsewhere = tmp_path / "vault" / "inbox.key"
    monkeypatch.setenv("INBOX_KEY_FILE", str(elsewhere))
    assert key_file_for(tmp_path / "x.duckdb") == elsewhere
    with Store(tmp_path / "x.duckdb") as store:
        require_keys(store)
    assert elsewhere.exists() and not (tmp_path / "x.key").exists()


def test_a_missing_or_wrong_key_file_is_refused_and_never_replaced(store):
    keys = require_keys(store)
    path = key_file_for(store.file_base)
    forget(store)
    os.replace(path, path.with_suffix(".bak"))
    with pytest.raises(KeyFileProblem, match="is missing: the database .* was keyed with it"):
        require_keys(store)
    assert not path.exists()  # a new key was NOT made: it would orphan every keyed hash
    path.write_text(Keys(os.urandom(32)).to_json())
    with pytest.raises(KeyFileProblem, match="is not the key of the database"):
        deletion.delete_contact(store, ADMIN, rich_contact(store), hint="h", reason="other")
    path.write_text("garbage")
    with pytest.raises(KeyFileProblem, match="damaged or not a key file"):
        require_keys(store)
    os.replace(path.with_suffix(".bak"), path)
    assert require_keys(store) == keys


def test_check_reports_a_missing_a_wrong_and_a_readable_key_file(store):
    from inbox.check import run_check

    require_keys(store)
    path = key_file_for(store.file_base)
    assert run_check(store).ok
    path.chmod(0o644)
    report = run_check(store)
    assert not report.ok and "can be read by other users (mode 0644)" in "\n".join(report.lines())
    path.chmod(0o600)
    forget(store)
    path.write_text(Keys(os.urandom(32)).to_json())
    assert "is not the key of the database" in "\n".join(run_check(store).lines())
    forget(store)
    path.unlink()
    lines = run_check(store).lines()
    assert [line for line in lines if "key file" in line and "missing" in line] and lines[-1] == "1 problem"


# -- secrets at rest -------------------------------------------------------------------------------
def test_the_crm_secret_is_stored_encrypted(store):
    workspace.set_plan(store, SYSTEM, "enterprise")
    crm.save_settings(
        store,
        ADMIN,
        lookup_url="https://crm.example.com/lookup",
        timeout_seconds=5,
        lookup_key="email",
        aliases={},
        secret=SECRET,
    )
    stored = store.crm.crm_settings_row()["secret"]
    assert stored.startswith("aesgcm1:") and SECRET not in stored
    assert crm.signing_secret(store) == SECRET and crm.lookup_config(store, "x")["secret"] == SECRET


def test_the_raw_database_file_holds_no_key_and_no_secret(tmp_path):
    path = tmp_path / "raw.duckdb"
    with Store(path) as store:
        seed_members(store, ADMIN)
        workspace.set_plan(store, SYSTEM, "enterprise")
        crm.save_settings(
            store,
            ADMIN,
            lookup_url="https://crm.example.com/lookup",
            timeout_seconds=5,
            lookup_key="email",
            aliases={},
            secret=SECRET,
        )
        cid = rich_contact(store)
        inbound.receive(store, "sms", "+33611110000", "a bystander")
        entry = deletion.delete_contact(store, ADMIN, cid, hint="ticket #1", reason="gdpr_request")
        keys = require_keys(store)
        assert entry["email_hmac"] == deletion.keyed_hash(
            keys.identifier_key, "email", PERSON["email"].lower()
        )
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.suffix != ".key")
    for secret in (
        keys.master,
        keys.identifier_key,
        keys.chain_key,
        keys.secrets_key,
        keys.derive("checkpoint-signing"),
        SECRET.encode(),
    ):
        assert secret not in raw and secret.hex().encode() not in raw
    assert keys.fingerprint.encode() in raw  # only the fingerprint, to recognise the key file
