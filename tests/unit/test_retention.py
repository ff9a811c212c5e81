"""Data retention: what falls due (closed / last active), set-based clearing, no way back, conversations."""

import datetime

import pytest

from inbox import attributes as attrs
from inbox import contacts, imports, inbound, retention
from inbox.errors import InvalidInput, PermissionDenied
from inbox.models import SYSTEM, Actor

from ..support.imports import run, write
from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")
_members = members_fixture(ADMIN, AGENT)
NOW = datetime.datetime(2026, 6, 1, 12, 0)
LONG_AGO = datetime.datetime(2026, 1, 1)


def person(store, handle, values, *, status="closed", last=LONG_AGO, platform="email"):
    cid = inbound.receive(store, platform, handle, "hello", attachments=[("cv.pdf", b"%PDF")])["contact_id"]
    c = contacts.get_contact(store, cid)
    contacts.update_values(store, SYSTEM, cid, c.version, values)
    with store.tx() as cur:
        cur.execute(
            "UPDATE conversations SET status = ?, last_message_at = ? WHERE contact_id = ?",
            [status, last, cid],
        )
        cur.execute("UPDATE contacts SET created_at = ? WHERE id = ?", [LONG_AGO, cid])
    return cid


@pytest.fixture
def tier(store):
    version, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(layout, label="Tier", key="tier", type="text")
    attrs.save_layout(store, SYSTEM, layout, base_version=version)


def test_a_rule_clears_only_the_due_contacts_and_bumps_their_version(store, tier):
    old = person(store, "old@example.org", {"first_name": "Olga", "tier": "gold", "job_title": "Chef"})
    talking = person(store, "open@example.org", {"tier": "gold"}, status="open")
    recent = person(store, "new@example.org", {"tier": "gold"}, last=NOW - datetime.timedelta(days=3))
    retention.save_rule(store, ADMIN, "tier", "closed", 30)
    before = contacts.get_contact(store, old).version
    [row] = retention.run(store, ADMIN, now=NOW)
    assert (row["contacts"], row["cleared_values"], row["trigger"], row["actor"]) == (
        1,
        1,
        "manual",
        ADMIN.email,
    )
    assert row["cutoff"] == NOW - datetime.timedelta(days=30)
    after = contacts.get_contact(store, old)
    assert (
        after.values.get("tier") is None
        and after.values["first_name"] == "Olga"
        and after.version == before + 1
    )
    assert contacts.get_contact(store, talking).values["tier"] == "gold"  # a conversation still open
    assert contacts.get_contact(store, recent).values["tier"] == "gold"  # closed 3 days ago
    [again] = retention.run(store, ADMIN, now=NOW)  # nothing left: no version bump, still logged
    assert again["contacts"] == 0 and contacts.get_contact(store, old).version == after.version
    assert [r["id"] for r in retention.runs(store)] == [again["id"], row["id"]]


def test_every_attribute_and_last_activity(store, tier):
    cid = person(store, "ann@example.org", {"first_name": "Zedd", "email": "ann@example.org", "tier": "x"})
    quiet = store._scalar("SELECT id FROM contacts WHERE id <> ? LIMIT 1", [cid])  # (none: only one)
    assert quiet is None
    retention.save_rule(store, ADMIN, "*", "active", 100)
    [row] = retention.run(store, ADMIN, now=NOW)
    assert (row["contacts"], row["cleared_values"]) == (1, 3)
    c = contacts.get_contact(store, cid)
    assert all(v is None for v in c.values.values()) and c.handle == "ann@example.org"  # the handle stays
    assert contacts.search(store, "Zedd").rows == [] and store._scalar(
        "SELECT search_text FROM contacts"
    ) == ("ann@example.org")


def test_cleared_values_leave_no_text_in_the_history_and_keep_the_audit_times(store, tier):
    cid = person(store, "zoe@example.org", {"first_name": "Zoé", "tier": "gold"})
    retention.save_rule(store, ADMIN, "*", "closed", 30)
    retention.run(store, ADMIN, now=NOW)
    texts = store._rows("SELECT old_value, new_value FROM value_history WHERE contact_id = ?", [cid])
    assert texts and all(t == (None, None) for t in texts)
    stamps = {s["attribute_key"]: s for s in store.history.stamps(cid)}
    assert stamps["tier"]["created_at"] is not None and stamps["tier"]["cleared_at"] == NOW
    from inbox import history

    [cleared, *_] = history.changes(store, cid)
    assert (cleared.who, cleared.new) == ("Automatic clearing", "(empty)")


def test_undoing_an_import_cannot_bring_a_cleared_value_back(store, tier, tmp_path):
    cid = person(store, "bob@example.org", {"first_name": "Bob", "tier": "silver"})
    with store.tx() as cur:
        cur.execute("UPDATE contacts SET email = 'bob@example.org' WHERE id = ?", [cid])
    batch = run(store, write(tmp_path, "Email,First name,Tier\nbob@example.org,Robert,gold\n")).batch_id
    held = store._rows("SELECT prior_first_name FROM import_batch_contacts WHERE batch_id = ?", [batch])
    assert held == [("Bob",)] and store._scalar("SELECT count(*) FROM import_batch_values") == 1
    retention.save_rule(store, ADMIN, "*", "closed", 30)
    retention.run(store, ADMIN, now=NOW)
    assert store._rows("SELECT prior_first_name, prior_email FROM import_batch_contacts") == [(None, None)]
    assert store._scalar("SELECT count(*) FROM import_batch_values") == 0
    with pytest.raises(imports.UndoRefused):  # the contact changed since (retention bumped its version)
        imports.undo(store, ADMIN, batch)
    assert contacts.get_contact(store, cid).values["first_name"] is None


def test_closed_conversations_go_with_their_messages_and_files(store):
    old = person(store, "old@example.org", {"first_name": "Olga"})
    talking = person(store, "open@example.org", {}, status="open")
    files = sorted(p.name for p in store.attachments_dir.rglob("*") if p.is_file())
    assert len(files) == 2
    retention.save_rule(store, ADMIN, "#conversations", "closed", 30)
    [row] = retention.run(store, ADMIN, now=NOW)
    assert (row["conversations"], row["messages"], row["attachments"], row["contacts"]) == (1, 1, 1, 1)
    assert contacts.conversations(store, old) == [] and len(contacts.conversations(store, talking)) == 1
    assert len([p for p in store.attachments_dir.rglob("*") if p.is_file()]) == 1
    assert contacts.get_contact(store, old).values["first_name"] == "Olga"  # values are another rule's


def test_preview_and_dry_run_change_nothing(store, tier):
    person(store, "a@example.org", {"tier": "a"})
    person(store, "b@example.org", {"tier": "b"}, last=NOW - datetime.timedelta(days=10))
    rule = retention.save_rule(store, ADMIN, "tier", "closed", 30)
    assert retention.preview(store, rule) == [
        (datetime.date(2026, 1, 31), 1),
        ((NOW + datetime.timedelta(days=20)).date(), 1),
    ]
    assert retention.run(store, ADMIN, dry_run=True, now=NOW)[0]["due"] == 1
    assert retention.runs(store) == [] and store._scalar("SELECT count(*) FROM attribute_values") == 2


def test_only_admins_set_rules_and_run_them_and_inputs_are_checked(store, tier):
    with pytest.raises(PermissionDenied):
        retention.save_rule(store, AGENT, "tier", "closed", 30)
    with pytest.raises(PermissionDenied):
        retention.run(store, AGENT)
    for target, basis, days, words in [
        ("nope", "closed", 30, "no attribute 'nope'"),
        ("tier", "resolved", 30, "closed or active"),
        ("tier", "closed", 0, "between 1 and 36,500"),
        ("tier", "closed", "ten", "whole number"),
    ]:
        with pytest.raises(InvalidInput, match=words):
            retention.save_rule(store, ADMIN, target, basis, days)
    rule = retention.save_rule(store, ADMIN, "tier", "closed", 30)
    assert retention.save_rule(store, ADMIN, "tier", "active", 7).id == rule.id  # one rule per target
    retention.delete_rule(store, ADMIN, rule.id)
    assert retention.rules(store) == []


def test_the_schedule_runs_when_due_and_records_a_failure(store, tier, monkeypatch):
    person(store, "a@example.org", {"tier": "a"})
    retention.save_rule(store, ADMIN, "tier", "closed", 30)
    retention.set_schedule(store, ADMIN, "daily", 2, now=datetime.datetime(2026, 5, 30, 12))
    assert retention.run_if_due(store, datetime.datetime(2026, 5, 31, 1, 59)) is None
    [row] = retention.run_if_due(store, datetime.datetime(2026, 5, 31, 2, 0))
    assert (row["trigger"], row["actor"], row["contacts"]) == ("schedule", "system (retention schedule)", 1)
    assert retention.run_if_due(store, datetime.datetime(2026, 5, 31, 3, 0)) is None  # done for the day
    scheduler = retention.RetentionScheduler(clock=lambda: datetime.datetime(2026, 5, 31, 3, 0))
    scheduler.watch(store)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store.retention, "apply_retention_rule", boom)
    assert scheduler.tick(datetime.datetime(2026, 6, 1, 2, 0)) == []  # failed: logged, the thread lives on
    assert retention.last_run(store)["error"] == "disk full"
    with pytest.raises(PermissionDenied):
        retention.set_schedule(store, AGENT, "off")
