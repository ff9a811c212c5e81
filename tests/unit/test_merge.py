"""Merging contacts: values chosen, rows moved, identifiers kept (inbound, search, erasure), deletion,
conflicts, one transaction, the merge log, duplicate suggestions."""

import json
from datetime import timedelta

import pytest

from inbox import contacts, deletion, erasure, inbound, merge
from inbox.errors import InvalidInput, NotFound, PermissionDenied, PreconditionFailed
from inbox.models import utcnow

from ..support.deletion import ADMIN, AGENT, PERSON, rich_contact, text_anywhere
from ..support.deletion import members as members  # noqa: F401 (autouse fixture)

OTHER = {
    "email": "zoe.q@work.example",
    "phone": "+33611112222",
    "external_id": "crm-zq-2",
    "first_name": "Zoe",
    "last_name": "Quill",
    "tier": "silver",
}


@pytest.fixture
def pair(store):
    """Two records of one person: ``a`` (WhatsApp, older edit) and ``b`` (e-mail, edited later)."""
    a = rich_contact(store)
    b = rich_contact(store, "zoe.q@work.example", OTHER, platform="email")
    with store.tx() as cur:  # a's values are older than b's
        cur.execute("UPDATE contacts SET updated_at = updated_at - INTERVAL '2 day' WHERE id = ?", [a])
        cur.execute(
            "UPDATE value_history SET changed_at = changed_at - INTERVAL '2 day' WHERE contact_id = ?", [a]
        )
        cur.execute(
            "UPDATE attribute_values SET updated_at = updated_at - INTERVAL '2 day' WHERE contact_id = ?", [a]
        )
    return a, b


def counts(store, cid):
    with store.cursor() as cur:
        return cur.execute(
            "SELECT (SELECT count(*) FROM conversations WHERE contact_id = $1),"
            " (SELECT count(*) FROM messages WHERE contact_id = $1),"
            " (SELECT count(*) FROM attachments WHERE contact_id = $1)",
            [cid],
        ).fetchall()[0]


def test_default_keeps_the_most_recent_non_empty_value_and_a_choice_overrides(store, pair):
    a, b = pair
    contacts.update_values(store, AGENT, b, contacts.get_contact(store, b).version, {"job_title": None})
    with store.tx() as cur:
        cur.execute("UPDATE contacts SET job_title = 'Pilot' WHERE id = ?", [a])
    entry = merge.merge_contacts(store, AGENT, a, [b], choices={"first_name": a})
    kept = contacts.get_contact(store, a).values
    assert kept["email"] == "zoe.q@work.example" and kept["tier"] == "silver"  # b's: more recent
    assert kept["first_name"] == "Zoé"  # chosen from a
    assert kept["job_title"] == "Pilot"  # b's is empty: a's non-empty value stays
    assert set(entry["changed_keys"]) >= {"email", "phone", "external_id", "tier"}
    assert "first_name" not in entry["changed_keys"] and "job_title" not in entry["changed_keys"]


def test_conversations_messages_and_attachments_move_and_the_other_contact_goes(store, pair):
    a, b = pair
    before = [x + y for x, y in zip(counts(store, a), counts(store, b), strict=True)]
    entry = merge.merge_contacts(store, AGENT, a, [b])
    assert list(counts(store, a)) == before and counts(store, b) == (0, 0, 0)
    assert (entry["conversations"], entry["messages"], entry["attachments"]) == (1, 3, 2)
    with pytest.raises(NotFound):
        contacts.get_contact(store, b)
    for conv in contacts.conversations(store, a):  # every file still readable through its (re-pointed) row
        for atts in contacts.thread(store, conv["id"])["attachments"].values():
            for att in atts:
                assert contacts.attachment_bytes(store, AGENT, att["storage_path"])
    with store.cursor() as cur:
        for table in ("crm_lookups", "import_batch_contacts", "attribute_values"):
            assert (
                cur.execute(f"SELECT count(*) FROM {table} WHERE contact_id = ?", [b]).fetchall()[0][0] == 0
            )
    broken = [f.name for f in store.integrity.integrity_findings() if f.count]
    assert broken == ["import_batch_contacts_without_batch"]  # (the fixture's made-up import row of a)


def test_every_identifier_keeps_naming_the_survivor(store, pair):
    a, b = pair
    merge.merge_contacts(store, AGENT, a, [b])
    again = inbound.receive(store, "email", "zoe.q@work.example", "It's me again")
    assert again["contact_id"] == a and not again["new_contact"]
    assert [r["id"] for r in contacts.search(store, "Zoe.Quill@example.org").rows] == [a]  # replaced: alias
    assert [r["id"] for r in contacts.search(store, "crm-zq-991").rows] == [a]
    kinds = {(x["kind"], x["value"]) for x in store.merge.aliases_of(a)}
    assert ("handle", "zoe.q@work.example") in kinds and ("email", "zoe.quill@example.org") in kinds
    assert ("phone", "+33698765432") in kinds


def test_a_survivor_merged_again_keeps_the_earlier_aliases(store, pair):
    a, b = pair
    c = rich_contact(store, "zq-web", {"email": "z@web.example"}, platform="webchat")
    merge.merge_contacts(store, AGENT, a, [b])
    merge.merge_contacts(store, AGENT, c, [a])
    for platform, handle in (("email", "zoe.q@work.example"), ("whatsapp", "+33698765432")):
        assert inbound.receive(store, platform, handle, "hi")["contact_id"] == c


def test_erasure_finds_the_survivor_by_an_identifier_only_an_alias_holds(store, pair):
    a, b = pair
    merge.merge_contacts(store, AGENT, a, [b])
    plan = erasure.preview(store, ADMIN, ["zoe.quill@example.org", "email:zoe.q@work.example"])
    assert plan.contact_ids == [a] and all(r.status == "match" for r in plan.rows)


def test_deleting_the_survivor_deletes_its_aliases_and_keeps_the_merge_log(store, pair):
    a, b = pair
    merge.merge_contacts(store, AGENT, a, [b])
    deletion.delete_contact(store, ADMIN, a, hint="test", reason="duplicate")
    assert store.merge.aliases_of(a) == [] and store.merge.log_count() == 1
    assert text_anywhere(store, ["zoe.q@work.example", "crm-zq-2"]) == []
    new = inbound.receive(store, "email", "zoe.q@work.example", "hello?")
    assert new["new_contact"]


def test_the_log_keeps_who_when_and_ids_but_no_data_in_clear(store, pair):
    a, b = pair
    entry = merge.merge_contacts(store, AGENT, a, [b])
    assert entry["merged_by"] == AGENT.email and entry["survivor_id"] == a and entry["merged_ids"] == [b]
    (ident,) = entry["identities"]
    assert ident["id"] == b and ident["hint"] == "Z. Q." and len(ident["email_hmac"]) == 64
    stored = json.dumps(store.merge.log_entries(), default=str)
    for clear in ("zoe.q@work.example", "+33611112222", "crm-zq-2", "Zoe"):
        assert clear not in stored
    entries, total = merge.merge_log(store, ADMIN)
    assert total == 1 and entries[0]["id"] == entry["id"]
    with pytest.raises(PermissionDenied):
        merge.merge_log(store, AGENT)


def test_a_stale_version_or_a_contact_gone_is_refused_and_nothing_changes(store, pair):
    a, b = pair
    seen = {a: contacts.get_contact(store, a).version, b: contacts.get_contact(store, b).version}
    contacts.update_values(store, ADMIN, b, seen[b], {"job_title": "Chef"})
    with pytest.raises(PreconditionFailed, match="changed by .* since you opened the merge"):
        merge.merge_contacts(store, AGENT, a, [b], versions=seen)
    assert counts(store, b) != (0, 0, 0) and store.merge.log_count() == 0
    deletion.delete_contact(store, ADMIN, b, hint="gone", reason="other")
    with pytest.raises(NotFound, match="no longer exists"):
        merge.merge_contacts(store, AGENT, a, [b])
    with pytest.raises(InvalidInput):
        merge.merge_contacts(store, AGENT, a, [a])


def test_a_failure_midway_writes_nothing(store, pair, monkeypatch):
    a, b = pair
    before = counts(store, a), counts(store, b), contacts.get_contact(store, a)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(type(store.merge), "_move_rows", boom)  # after the log and the survivor's values
    with pytest.raises(RuntimeError):
        merge.merge_contacts(store, AGENT, a, [b])
    assert (counts(store, a), counts(store, b), contacts.get_contact(store, a)) == before
    assert store.merge.log_count() == 0 and store.merge.aliases_of(a) == []


def test_preview_lists_differing_values_with_the_default(store, pair):
    a, b = pair
    shown = merge.preview(store, AGENT, a, [b])
    by_key = {attr.key: (cands, default) for attr, cands, default in shown.attributes}
    assert by_key["email"][1] == b and "last_name" not in by_key  # equal values are not asked about
    assert shown.versions == {c.id: c.version for c in shown.contacts}


def person(store, handle, **values):
    """A light contact: one message, then ``values`` typed by an agent."""
    cid = inbound.receive(store, "whatsapp", handle, "hi")["contact_id"]
    contacts.update_values(store, AGENT, cid, contacts.get_contact(store, cid).version, values)
    return cid


def test_duplicate_groups_by_email_phone_and_name_with_account(store):
    person(store, "+33600000001", email="same@example.org", first_name="Ann", last_name="Lee")
    person(store, "+33600000002", email="same@example.org", account_id="A1")
    person(store, "+33600000003", first_name="Lukas", last_name="Weber", account_id="A1")
    person(store, "+33600000004", first_name="lúkas ", last_name="WEBER", account_id="A1")
    person(store, "+33600000005", first_name="Ann", last_name="Lee")
    groups, total = merge.duplicates(store, AGENT)
    assert total == 2 and {(g["kind"], g["size"]) for g in groups} == {("email", 2), ("name_account", 2)}
    named, n = merge.duplicates(store, AGENT, ("name",))
    assert n == 2 and {g["shown"] for g in named} == {"Ann Lee", "Lukas Weber"}
    page, total = merge.duplicates(store, AGENT, limit=1, offset=5)
    assert page == [] and total == 2


def test_agents_merge_signed_out_nobody(store, pair):
    from inbox.models import Actor

    a, b = pair
    with pytest.raises(PermissionDenied):
        merge.merge_contacts(store, Actor("ghost@example.com", "agent"), a, [b])
    assert (
        merge.merge_contacts(store, ADMIN, a, [b])["merged_at"]
        <= (utcnow() + timedelta(seconds=1)).isoformat()
    )
    assert PERSON["email"]  # (the fixture's person)


def test_history_gets_a_merge_row_per_changed_value_and_the_merged_contacts_rows(store, pair):
    a, b = pair
    b_rows = store.history.count_for(b)
    entry = merge.merge_contacts(store, AGENT, a, [b])
    rows = store.history.for_contact(a, 500)
    merged = [r for r in rows if r["source"] == "merge"]
    assert sorted(r["attribute_key"] for r in merged) == sorted(entry["changed_keys"])
    email = next(r for r in merged if r["attribute_key"] == "email")
    assert (email["old_value"], email["new_value"]) == ("zoe.quill@example.org", "zoe.q@work.example")
    assert {r["ref"] for r in merged} == {str(entry["id"])} and email["actor"] == AGENT.email
    assert store.history.count_for(b) == 0 and len(rows) >= b_rows + len(merged)


def test_a_value_changed_later_in_the_history_wins_over_a_more_recent_contact(store, pair):
    a, b = pair  # b was updated last; then a's job title changes: a's is the most recent job title
    contacts.update_values(store, AGENT, a, contacts.get_contact(store, a).version, {"job_title": "Pilot"})
    contacts.update_values(store, AGENT, b, contacts.get_contact(store, b).version, {"job_title": "Cook"})
    with store.tx() as cur:  # b's whole row changes after, but not its job title
        cur.execute(
            "UPDATE value_history SET changed_at = changed_at - INTERVAL '1 day' WHERE contact_id = ?", [b]
        )
        cur.execute("UPDATE contacts SET updated_at = updated_at + INTERVAL '1 hour' WHERE id = ?", [b])
    merge.merge_contacts(store, AGENT, b, [a])
    assert contacts.get_contact(store, b).values["job_title"] == "Pilot"
