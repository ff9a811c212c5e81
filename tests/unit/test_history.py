"""Per-contact value history: recorded per source on saves, moved, deleted with the contact, scrubbed."""

import datetime

import pytest

from inbox import attributes as attrs
from inbox import contacts, inbound
from inbox.errors import Conflict
from inbox.models import SYSTEM, Actor, utcnow

from ..support.members import members_fixture

AGENT = Actor("agent@example.com", "agent")
ADMIN = Actor("admin@example.com", "admin")
_members = members_fixture(ADMIN, AGENT)


@pytest.fixture
def zoe(store):
    version, layout = attrs.load_layout(store)
    for spec in [
        dict(label="Orders", key="orders", type="number"),
        dict(label="VIP", key="vip", type="boolean"),
    ]:
        layout = attrs.new_attribute(layout, **spec)
    attrs.save_layout(store, SYSTEM, layout, base_version=version)
    made = inbound.receive(store, "x", "@zoe", "hello")  # (no phone: nothing recorded at creation)
    return contacts.get_contact(store, made["contact_id"])


def rows(store, cid):
    return [
        (r["attribute_key"], r["old_value"], r["new_value"], r["source"], r["actor"])
        for r in reversed(store.history.for_contact(cid))
    ]


def test_a_member_save_records_each_changed_value_old_to_new(store, zoe):
    c = contacts.update_values(
        store, AGENT, zoe.id, zoe.version, {"first_name": "Zoé", "orders": 12, "vip": True}
    )
    c = contacts.update_values(
        store, AGENT, c.id, c.version, {"first_name": "Zoe", "orders": 12.5, "vip": None, "last_name": None}
    )
    assert rows(store, zoe.id) == [
        ("first_name", None, "Zoé", "member", "agent@example.com"),
        ("orders", None, "12", "member", "agent@example.com"),
        ("vip", None, "Yes", "member", "agent@example.com"),
        ("first_name", "Zoé", "Zoe", "member", "agent@example.com"),
        ("orders", "12", "12.5", "member", "agent@example.com"),
        ("vip", "Yes", None, "member", "agent@example.com"),
    ]  # unchanged values (last_name empty → empty) are not recorded


def test_the_api_and_the_crm_are_named_as_the_source(store, zoe):
    c = contacts.update_values(store, AGENT, zoe.id, zoe.version, {"job_title": "CEO"}, source="api")
    store.contacts.update_contact_values(
        c.id, c.version, {"job_title": "CTO"}, {}, "crm", utcnow(), source="crm"
    )
    assert [r[3:] for r in rows(store, zoe.id)] == [("api", "agent@example.com"), ("crm", "crm")]


def test_a_refused_save_records_nothing(store, zoe):
    with pytest.raises(Conflict):
        contacts.update_values(store, AGENT, zoe.id, zoe.version + 5, {"job_title": "CEO"})
    assert rows(store, zoe.id) == []


def test_pages_newest_first(store, zoe):
    c = zoe
    for n in range(5):
        c = contacts.update_values(store, AGENT, c.id, c.version, {"job_title": f"Job {n}"})
    first = store.history.for_contact(zoe.id, limit=2)
    assert [r["new_value"] for r in first] == ["Job 4", "Job 3"]
    second = store.history.for_contact(zoe.id, limit=2, before_id=first[-1]["id"])
    assert [r["new_value"] for r in second] == ["Job 2", "Job 1"] and store.history.count_for(zoe.id) == 5


def test_bulk_snapshot_records_only_the_differences(store, zoe):
    contacts.update_values(store, AGENT, zoe.id, zoe.version, {"first_name": "Zoé", "orders": 3})
    at = datetime.datetime(2026, 1, 2, 3, 4)
    with store.tx() as cur:
        snap = store.history.snapshot(cur, "SELECT ?", [zoe.id])
        cur.execute("UPDATE contacts SET first_name = 'Zoë', last_name = 'Quill' WHERE id = ?", [zoe.id])
        cur.execute("DELETE FROM attribute_values WHERE contact_id = ?", [zoe.id])
        n = store.history.record_since(
            cur, snap, "SELECT ?", [zoe.id], at=at, source="import", actor="ada@example.com", ref="7"
        )
    assert n == 3
    assert store.history.for_contact(zoe.id, limit=3)[::-1] == [
        {**r, "id": store.history.for_contact(zoe.id, limit=3)[::-1][i]["id"]}
        for i, r in enumerate(
            {
                "contact_id": zoe.id,
                "attribute_key": k,
                "old_value": o,
                "new_value": v,
                "changed_at": at,
                "source": "import",
                "actor": "ada@example.com",
                "ref": "7",
            }
            for k, o, v in [("first_name", "Zoé", "Zoë"), ("last_name", None, "Quill"), ("orders", "3", None)]
        )
    ]


def test_reassign_scrub_and_delete(store, zoe):
    other = inbound.receive(store, "x", "@ann", "hi")["contact_id"]
    o = contacts.get_contact(store, other)
    contacts.update_values(store, AGENT, o.id, o.version, {"first_name": "Ann", "job_title": "Chef"})
    contacts.update_values(store, AGENT, zoe.id, zoe.version, {"first_name": "Zoé"})
    with store.tx() as cur:
        store.history.reassign(cur, [other], zoe.id)
    assert store.history.count_for(other) == 0 and store.history.count_for(zoe.id) == 3
    with store.tx() as cur:
        assert store.history.scrub(cur, [zoe.id], ["first_name"]) == 2
    kept = {(r["attribute_key"], r["old_value"], r["new_value"]) for r in store.history.for_contact(zoe.id)}
    assert kept == {("first_name", None, None), ("job_title", None, "Chef")}  # who/when stay, the text goes
    with store.tx() as cur:
        assert store.history.scrub(cur, "SELECT ?", None, [zoe.id]) == 1
        store.history.delete_for(cur, [zoe.id])
    assert store.history.count_for(zoe.id) == 0


def test_deleting_a_contact_deletes_its_history(store, zoe):
    from inbox import deletion

    contacts.update_values(store, AGENT, zoe.id, zoe.version, {"first_name": "Zoé"})
    deletion.delete_contact(store, ADMIN, zoe.id, hint="test contact", reason="test_data")
    assert store.history.count_for(zoe.id) == 0
    assert store._scalar("SELECT count(*) FROM value_history") == 0


def test_audit_stamps_per_attribute(store, zoe):
    c = contacts.update_values(store, AGENT, zoe.id, zoe.version, {"job_title": "CEO"})
    contacts.update_values(store, AGENT, c.id, c.version, {"job_title": "CTO"})
    (stamp,) = store.history.stamps(zoe.id)
    assert stamp["attribute_key"] == "job_title" and stamp["created_at"] <= stamp["updated_at"]
    assert stamp["cleared_at"] is None


def test_a_contact_first_heard_of_on_sms_has_its_phone_recorded_as_created(store):
    made = inbound.receive(store, "sms", "+33611112222", "hi")
    [row] = store.history.for_contact(made["contact_id"])
    assert (row["attribute_key"], row["new_value"], row["source"], row["actor"]) == (
        "phone",
        "+33611112222",
        "created",
        "channel:sms",
    )
