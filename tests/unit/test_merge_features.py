"""Merging and deleting meet the other per-contact features: notes move, a VIP flag is kept once, the access
log (an audit trail) neither moves nor goes."""

import io

from inbox import access_log, contact_flags, contact_notes, deletion, merge, subject_export

from ..support.deletion import ADMIN, AGENT, rich_contact
from ..support.deletion import members as members  # noqa: F401 (autouse fixture)


def two(store):
    return rich_contact(store), rich_contact(store, "zoe.q@work.example", {"email": "zoe.q@work.example"})


def vips(store):
    with store.cursor() as cur:
        return cur.execute("SELECT contact_id, marked_by FROM contact_vips ORDER BY 1").fetchall()


def test_notes_move_to_the_survivor(store):
    a, b = two(store)
    contact_notes.add_note(store, AGENT, a, "Kept on a")
    contact_notes.add_note(store, AGENT, b, "Written on b")
    merge.merge_contacts(store, AGENT, a, [b])
    assert sorted(n["body"] for n in contact_notes.notes(store, a)) == ["Kept on a", "Written on b"]
    assert contact_notes.notes(store, b) == []


def test_a_vip_flag_of_a_merged_contact_goes_to_the_survivor(store):
    a, b = two(store)
    contact_flags.set_vip(store, ADMIN, b, True)
    merge.merge_contacts(store, AGENT, a, [b])
    assert vips(store) == [(a, ADMIN.email)]


def test_two_vip_contacts_merge_into_one_flag_the_survivors(store):
    a, b = two(store)
    contact_flags.set_vip(store, AGENT, a, True)
    contact_flags.set_vip(store, ADMIN, b, True)
    merge.merge_contacts(store, AGENT, a, [b])  # (contact_vips has one row per contact: no collision)
    assert vips(store) == [(a, AGENT.email)]
    assert contact_flags.is_vip(store, a)


def test_the_access_log_keeps_naming_the_contact_after_a_merge_and_a_deletion(store):
    a, b = two(store)
    subject_export.write_subject_export(store, ADMIN, b, io.BytesIO())
    merge.merge_contacts(store, AGENT, a, [b])
    deletion.delete_contact(store, ADMIN, a, hint="test", reason="duplicate")
    [entry] = access_log.entries(store, ADMIN)
    assert entry["contact_id"] == b  # whose data was downloaded, as it was then
