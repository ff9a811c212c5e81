"""Deletion guards, pinned by behaviour (the log's hash recipe is pinned elsewhere): hint and reason at their
boundaries, the log head checked by verify, identifiers found again after deletion, roles, snapshots."""

from __future__ import annotations

import json

import pytest

from inbox import contacts, deletion, deletion_report, inbound
from inbox.errors import InvalidInput, NotFound, PermissionDenied
from inbox.models import SYSTEM, Actor

from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")
members = members_fixture(ADMIN, AGENT)  # a write re-reads its acting member in the database
GDPR = {"hint": "erasure request #7", "reason": "gdpr_request"}


def _contact(store, handle="+33612345678", **values) -> int:
    cid = inbound.receive(store, "sms", handle, "hello")["contact_id"]
    if values:
        contacts.update_values(store, SYSTEM, cid, contacts.get_contact(store, cid).version, values)
    return cid


def _sql(store, statement, params=()):
    """Tampering from outside the app (a file editor)."""
    with store.cursor() as cur:
        cur.execute(statement, list(params))


@pytest.mark.parametrize(
    "hint, expected", [("x", "x"), ("  x  ", "x"), ("é" * 500, "é" * 500), (1234, "1234")]
)
def test_hints_accepted_at_the_boundary(hint, expected):
    assert deletion.check_hint(hint) == expected


REQUIRED = 'the identity hint is required (e.g. "customer #1234, erasure request of 2026-11-02")'
ONE_LINE = "the identity hint must be one line without control characters (tabs, line breaks…)"


@pytest.mark.parametrize(
    "hint, message",
    [
        (None, REQUIRED),
        ("", REQUIRED),
        ("   ", REQUIRED),
        ("x" * 501, "the identity hint has 501 characters; at most 500"),
        ("a\tb", ONE_LINE),
        ("a\nb", ONE_LINE),
        ("a\x00b", ONE_LINE),
    ],
)
def test_hints_refused(store, hint, message):
    cid = _contact(store)
    with pytest.raises(InvalidInput) as refused:
        deletion.delete_contact(store, ADMIN, cid, hint=hint, reason="gdpr_request")
    assert str(refused.value) == message
    assert contacts.get_contact(store, cid).id == cid and store.deletion_log.deletion_log_head()[0] == 0


@pytest.mark.parametrize(
    "reason, code",
    [
        ("gdpr_request", "gdpr_request"),
        ("GDPR request", "gdpr_request"),
        ("  gdpr-request ", "gdpr_request"),
        ("Duplicate", "duplicate"),
        ("DUPLICATE", "duplicate"),
    ],
)
def test_reasons_by_code_or_label(reason, code):
    assert deletion.check_reason(reason) == code


@pytest.mark.parametrize("reason", [None, "", "because", "gdpr", "gdpr request please"])
def test_unknown_reasons_refused(reason):
    with pytest.raises(InvalidInput, match="^the reason must be one of gdpr_request, "):
        deletion.check_reason(reason)


def test_the_entry_records_who_why_and_what_was_removed(store):
    cid = _contact(store, first_name="Zoé", last_name="Quill", email="zoe@example.org")
    inbound.receive(store, "sms", "+33612345678", "again", attachments=[("a.txt", b"12345")])
    entry = deletion.delete_contact(store, ADMIN, cid, hint="  ticket 9 ", reason="Duplicate")
    assert (entry["id"], entry["contact_id"], entry["deleted_by"]) == (1, cid, ADMIN.email)
    assert (entry["identity_hint"], entry["reason"]) == ("ticket 9", "duplicate")
    assert entry["display_name"] == "Zoé Quill"
    assert (entry["conversations"], entry["messages"], entry["attachments"], entry["bytes"]) == (1, 2, 1, 5)
    assert entry["snapshot"] is None
    assert "zoe@example.org" not in json.dumps(deletion.public_entry(entry))
    assert "+33612345678" not in json.dumps(deletion.public_entry(entry))
    with pytest.raises(NotFound):
        contacts.get_contact(store, cid)


def test_a_deleted_contact_is_found_by_each_identifier_and_only_by_its_own(store):
    cid = _contact(store, email="Zoe@Example.org", external_id="crm-1")
    other = _contact(store, "+33611112222", email="other@example.org")
    deletion.delete_contact(store, ADMIN, cid, **GDPR)
    for identifier, kind in (
        ("zoe@example.org", "email"),
        ("ZOE@EXAMPLE.ORG", "email"),
        ("+33612345678", "phone"),
        ("crm-1", "external_id"),
    ):
        (hit,) = deletion_report.lookup(store, ADMIN, identifier)
        assert hit["id"] == 1 and kind in hit["matched"], identifier
    for identifier in ("other@example.org", "+33611112222", "crm-2", "zoe@example.com"):
        assert deletion_report.lookup(store, ADMIN, identifier) == [], identifier
    assert contacts.get_contact(store, other).id == other


def test_the_snapshot_is_kept_only_when_turned_on(store):
    assert deletion.keeps_snapshot(store) is False
    with pytest.raises(PermissionDenied):
        deletion.set_keep_snapshot(store, AGENT, True)
    assert deletion.keeps_snapshot(store) is False
    assert deletion.set_keep_snapshot(store, ADMIN, True) is True and deletion.keeps_snapshot(store) is True
    entry = deletion.delete_contact(store, ADMIN, _contact(store, job_title="Chef"), **GDPR)
    assert json.loads(entry["snapshot"])["contact"]["job_title"] == "Chef"
    deletion.set_keep_snapshot(store, ADMIN, False)
    assert deletion.keeps_snapshot(store) is False
    assert deletion.delete_contact(store, ADMIN, _contact(store, "+33611112222"), **GDPR)["snapshot"] is None


def test_agents_and_missing_contacts(store):
    cid = _contact(store)
    for call in (
        lambda: deletion.delete_contact(store, AGENT, cid, **GDPR),
        lambda: deletion.delete_contacts(store, AGENT, [cid], **GDPR),
        lambda: deletion.manifest(store, AGENT, cid),
        lambda: deletion.verify_log(store, AGENT),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert deletion.manifest(store, ADMIN, cid)["messages"] == 1
    with pytest.raises(NotFound):
        deletion.manifest(store, ADMIN, 999)
    with pytest.raises(NotFound):
        deletion.delete_contact(store, ADMIN, 999, **GDPR)
    assert deletion.delete_contacts(store, ADMIN, [], **GDPR) == ([], [])
    entries, missing = deletion.delete_contacts(store, SYSTEM, [cid, 999], **GDPR)
    assert [e["contact_id"] for e in entries] == [cid] and missing == [999]


def test_verify_checks_the_head_of_the_log(store):
    for handle in ("+33612345678", "+33611112222"):
        deletion.delete_contact(store, ADMIN, _contact(store, handle), **GDPR)
    assert deletion.verify_log(store, ADMIN).ok
    _sql(store, "UPDATE deletion_log_head SET last_hash = ? WHERE id = 1", ["f" * 64])
    assert not deletion.verify_log(store, ADMIN).ok


def test_verify_notices_the_last_entry_removed_with_the_head_count_kept(store):
    for handle in ("+33612345678", "+33611112222"):
        deletion.delete_contact(store, ADMIN, _contact(store, handle), **GDPR)
    _sql(store, "DELETE FROM deletion_log WHERE id = 2")
    result = deletion.verify_log(store, ADMIN)
    assert not result.ok and result.bad_entry == 2
