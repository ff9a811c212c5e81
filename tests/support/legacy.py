"""A database as the previous version left it: the HMAC secret in workspace_settings, the CRM secret in plain
text, an unkeyed sha256 deletion-log chain, no key file."""

from types import SimpleNamespace

from inbox import deletion, inbound, workspace
from inbox.deletion_chain import legacy_entry_hash
from inbox.keys import key_file_for
from inbox.models import SYSTEM, utcnow
from inbox.store import Store

from .deletion import ADMIN
from .members import seed_members

OLD_SECRET = "5e" * 32  # what the old version generated and kept in workspace_settings
CRM_SECRET = "old-plaintext-crm-secret-42"


def old_entries(secret: bytes):
    """``make_entries`` as the old version wrote them: identifiers keyed with the in-database secret, the
    chain unkeyed (sha256)."""
    inner = deletion._entry_maker(
        SimpleNamespace(identifier_key=secret, chain_key=b"unused"), ADMIN, "old ticket", "gdpr_request", True
    )

    def make(last_id, last_hash, facts, snapshot):
        entries, prev = inner(last_id, last_hash, facts, snapshot), last_hash
        for entry in entries:
            entry["prev_hash"] = prev
            entry["entry_hash"] = prev = legacy_entry_hash(entry)
        return entries

    return make


def build_old_database(path, n=4):
    """A database as the previous version left it (no key file anywhere)."""
    with Store(path) as store:
        seed_members(store, ADMIN)
        with store.tx() as cur:
            cur.execute(
                "INSERT INTO workspace_settings VALUES ('deletion_hmac_secret', ?, ?, 'system')",
                [OLD_SECRET, utcnow()],
            )
        workspace.set_plan(store, SYSTEM, "enterprise")
        store.crm.save_crm_settings(
            lookup_url="https://crm.example.com/l",
            timeout_seconds=5,
            lookup_key="email",
            aliases={},
            enabled=False,
            secret=CRM_SECRET,
            actor="admin@example.com",
            at=utcnow(),
        )
        ids = [inbound.receive(store, "email", f"old{i}@example.org", "hi")["contact_id"] for i in range(n)]
        for cid in ids:
            store.deletion.erase_contacts(
                [cid], snapshot_key=deletion.SNAPSHOT_KEY, make_entries=old_entries(bytes.fromhex(OLD_SECRET))
            )
        assert store.keys.key_fingerprint() is None
    assert not key_file_for(path).exists()
