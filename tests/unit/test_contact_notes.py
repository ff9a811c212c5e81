"""Notes on a contact and the VIP flag: who may add and delete, the limits, the list filter and query term,
deletion with the contact, ``inbox check``."""

import pytest

from inbox import contact_flags, contact_notes, contacts, deletion
from inbox.check import run_check
from inbox.contact_create import create_contact
from inbox.errors import InvalidInput, NotFound, PermissionDenied
from inbox.models import Actor

from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")
OTHER = Actor("other@example.com", "agent")
_members = members_fixture(ADMIN, AGENT, OTHER)


@pytest.fixture
def two(store):
    ann = create_contact(store, AGENT, {"email": "ann@example.com", "first_name": "Ann"})
    bob = create_contact(store, AGENT, {"email": "bob@example.com", "first_name": "Bob"})
    return ann.id, bob.id


def test_notes_are_plain_text_newest_first_with_author(store, two):
    ann, _ = two
    contact_notes.add_note(store, AGENT, ann, "  Called back on Monday.\r\nPrefers e-mail.  ")
    contact_notes.add_note(store, ADMIN, ann, "<b>VIP</b> since 2020 [link](http://x)")
    found = contact_notes.notes(store, ann)
    assert [n["body"] for n in found] == [
        "<b>VIP</b> since 2020 [link](http://x)",
        "Called back on Monday.\nPrefers e-mail.",
    ]
    assert [n["created_by"] for n in found] == ["admin@example.com", "agent@example.com"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("   ", "a note cannot be empty"),
        ("x" * 2001, "a note holds at most 2,000 characters; this one has 2,001"),
        ("bell\x07", "control characters"),
    ],
)
def test_a_bad_note_is_refused(store, two, text, message):
    with pytest.raises(InvalidInput, match=message):
        contact_notes.add_note(store, AGENT, two[0], text)
    assert contact_notes.notes(store, two[0]) == []


def test_a_note_of_2000_characters_is_kept_whole(store, two):
    contact_notes.add_note(store, AGENT, two[0], "é" * 2000)
    assert contact_notes.notes(store, two[0])[0]["body"] == "é" * 2000


def test_the_author_or_an_admin_deletes_a_note(store, two):
    note = contact_notes.add_note(store, AGENT, two[0], "mine")
    with pytest.raises(PermissionDenied, match="only the note's author or an admin"):
        contact_notes.delete_note(store, OTHER, note["id"])
    contact_notes.delete_note(store, AGENT, note["id"])
    other = contact_notes.add_note(store, OTHER, two[0], "theirs")
    contact_notes.delete_note(store, ADMIN, other["id"])
    assert contact_notes.notes(store, two[0]) == []
    with pytest.raises(NotFound):
        contact_notes.delete_note(store, ADMIN, other["id"])


def test_a_note_on_a_deleted_contact_is_refused(store):
    with pytest.raises(NotFound):
        contact_notes.add_note(store, AGENT, 999, "x")
    with pytest.raises(NotFound):
        contact_flags.set_vip(store, AGENT, 999, True)


def test_vip_filter_in_the_list_and_the_query_language(store, two):
    ann, bob = two
    assert contact_flags.set_vip(store, AGENT, ann, True) is True
    assert contact_flags.vip_ids(store, [ann, bob]) == {ann}
    assert [r["id"] for r in contacts.search(store, "", vip=True).rows] == [ann]
    assert [r["id"] for r in contacts.search(store, "", vip=False).rows] == [bob]
    assert [r["id"] for r in contacts.search(store, "vip:yes").rows] == [ann]
    assert [r["id"] for r in contacts.search(store, "VIP:no").rows] == [bob]
    assert [r["id"] for r in contacts.search(store, "bob vip:yes").rows] == []
    assert [r["id"] for r in contacts.search(store, "ann@example.com vip:yes").rows] == [ann]  # exact lookup
    assert contacts.search(store, "ann@example.com vip:no").rows == []
    contact_flags.set_vip(store, ADMIN, ann, False)
    assert not contact_flags.is_vip(store, ann)


def test_vip_filter_parses_its_terms():
    assert contact_flags.vip_filter("anna vip:yes berlin") == ("anna berlin", True)
    assert contact_flags.vip_filter("vip:0") == ("", False)
    assert contact_flags.vip_filter("vipx:yes") == ("vipx:yes", None)
    assert contact_flags.vip_filter("plain", True) == ("plain", True)


def test_notes_and_vip_go_with_the_contact_and_check_is_clean(store, two):
    ann, bob = two
    contact_notes.add_note(store, AGENT, ann, "gone with Ann")
    contact_notes.add_note(store, AGENT, bob, "stays with Bob")
    contact_flags.set_vip(store, AGENT, ann, True)
    contact_flags.set_vip(store, AGENT, bob, True)
    assert run_check(store).ok
    deletion.delete_contact(store, ADMIN, ann, hint="Ann, test", reason="test_data")
    assert store._rows("SELECT contact_id FROM contact_notes") == [(bob,)]
    assert store._rows("SELECT contact_id FROM contact_vips") == [(bob,)]
    assert run_check(store).ok


def test_undo_import_is_refused_when_a_new_contact_got_a_note_or_a_vip_flag(store, tmp_path):
    from inbox import imports

    from ..support.imports import run, write

    noted = run(store, write(tmp_path, "Email\nnoted@example.com\n", name="a.csv"))
    flagged = run(store, write(tmp_path, "Email\nflagged@example.com\n", name="b.csv"))
    [n] = contacts.search(store, "noted@example.com").rows
    [f] = contacts.search(store, "flagged@example.com").rows
    contact_notes.add_note(store, AGENT, n["id"], "keep me")
    contact_flags.set_vip(store, AGENT, f["id"], True)
    for batch in (flagged.batch_id, noted.batch_id):
        with pytest.raises(imports.UndoRefused):
            imports.undo(store, ADMIN, batch)
    assert contact_notes.notes(store, n["id"])[0]["body"] == "keep me"
