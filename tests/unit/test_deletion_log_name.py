"""The deletion log's name setting: new entries keep the display name (default) or only the identity hint;
old entries are never rewritten, exports follow, and the chain verifies over a log mixing both."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from inbox import contacts, deletion, inbound
from inbox import deletion_report as report
from inbox.errors import PermissionDenied
from inbox.models import SYSTEM, Actor

from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")
members = members_fixture(ADMIN, AGENT)
GDPR = {"hint": "erasure request #7", "reason": "gdpr_request"}


def _contact(store, handle: str, first: str, last: str) -> int:
    cid = inbound.receive(store, "sms", handle, "hello")["contact_id"]
    version = contacts.get_contact(store, cid).version
    contacts.update_values(store, SYSTEM, cid, version, {"first_name": first, "last_name": last})
    return cid


def _log(store) -> list[tuple]:
    return store._rows("SELECT id, display_name, identity_hint, entry_hash FROM deletion_log ORDER BY id")


def test_names_are_kept_by_default_and_only_admins_change_it(store):
    assert deletion.keeps_name(store) is True
    with pytest.raises(PermissionDenied):
        deletion.set_keep_name(store, AGENT, False)
    assert deletion.keeps_name(store) is True
    assert report.name_setting(store, ADMIN) is None  # never changed
    with pytest.raises(PermissionDenied):
        report.name_setting(store, AGENT)


def test_hint_only_entries_have_no_name_old_ones_keep_theirs_and_the_chain_verifies(store):
    first = deletion.delete_contact(store, ADMIN, _contact(store, "+33611110001", "Ann", "Lee"), **GDPR)
    assert first["display_name"] == "Ann Lee"
    assert deletion.set_keep_name(store, ADMIN, False) is False
    assert deletion.keeps_name(store) is False
    changed = report.name_setting(store, ADMIN)
    assert changed["value"] == "hint" and changed["by"] == ADMIN.email and changed["at"] is not None
    entries, _ = deletion.delete_contacts(
        store,
        ADMIN,
        [_contact(store, "+33611110002", "Bob", "Ray"), _contact(store, "+33611110003", "Cy", "Po")],
        **GDPR,
    )
    assert [e["display_name"] for e in entries] == [None, None]
    one = deletion.delete_contact(store, ADMIN, _contact(store, "+33611110004", "Di", "Su"), **GDPR)
    assert one["display_name"] is None and one["identity_hint"] == GDPR["hint"]
    assert deletion.set_keep_name(store, ADMIN, True) is True
    assert deletion.keeps_name(store) is True and report.name_setting(store, ADMIN)["value"] == "name"
    last = deletion.delete_contact(store, ADMIN, _contact(store, "+33611110005", "Eve", "Oh"), **GDPR)
    assert last["display_name"] == "Eve Oh"

    rows = _log(store)
    assert [r[1] for r in rows] == ["Ann Lee", None, None, None, "Eve Oh"]
    assert rows[0][3] == first["entry_hash"]  # the old entry was not rewritten
    assert deletion.verify_log(store, ADMIN).ok  # a log mixing both verifies
    # no name anywhere in the hint-only entries, exports included
    csv = pd.read_csv(io.BytesIO(report.export_bytes(store, ADMIN, report.Filters(), "csv")))
    named = ["Ann Lee", None, None, None, "Eve Oh"]
    assert csv["display_name"].astype(object).where(csv["display_name"].notna(), None).tolist() == named
    parquet = pd.read_parquet(io.BytesIO(report.export_bytes(store, ADMIN, report.Filters(), "parquet")))
    column = parquet["display_name"].astype(object)
    assert column.where(column.notna(), None).tolist() == named
    assert not any(n in csv.to_csv() for n in ("Bob", "Ray", "Cy", "Po", "Di", "Su"))
    assert report.report(store, ADMIN, report.Filters()).flagged == []  # the schema allows no name


def test_an_entry_without_a_name_has_a_pinned_hash(store):
    """The hash recipe is unchanged: a null display_name is hashed as JSON null."""
    deletion.set_keep_name(store, ADMIN, False)
    entry = deletion.delete_contact(store, ADMIN, _contact(store, "+33611110009", "Zed", "Ko"), **GDPR)
    assert '"display_name":null' in deletion.canonical_json(entry)
    from inbox.keys import require_keys

    assert deletion.entry_hash(require_keys(store).chain_key, entry) == entry["entry_hash"]
