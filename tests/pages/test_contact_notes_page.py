"""AppTest: the panel's Details | Notes tabs and VIP toggle, the list's VIP badge and filter, New contact."""

import pytest

from inbox import contact_flags, contact_notes, contacts
from inbox.contact_create import create_contact
from inbox.models import Actor
from tests.support.navigation import open_page
from ui.text import literal

from ..support.apptest import ADMIN, AGENT
from ..support.engines import store_of

MEMBER = Actor("agent@example.com", "agent")


@pytest.fixture
def seeded(workspace_db):
    with store_of(workspace_db) as store:
        ann = create_contact(store, MEMBER, {"email": "ann@example.com", "first_name": "Ann"}).id
        bob = create_contact(store, MEMBER, {"email": "bob@example.com", "first_name": "Bob"}).id
    return {"ann": ann, "bob": bob, "db": workspace_db}


def opened(app, who, contact_id):
    at = app(who)
    open_page(at, "contacts")
    at.session_state["contacts.open"] = contact_id
    at.run()
    assert not at.exception
    return at


def test_notes_tab_adds_shows_plain_text_and_deletes(app, seeded):
    at = opened(app, AGENT, seeded["ann"])
    assert [t.label for t in at.tabs] == ["Details", "Notes", "History"]
    at.text_area(key=f"contacts.note.new.{seeded['ann']}").input("**Call** <b>after</b> 5pm").run()
    at.button(key=f"contacts.note.add.{seeded['ann']}").click().run()
    assert [s.value for s in at.success] == ["Note added."]
    assert "**Call** <b>after</b> 5pm" in [t.value for t in at.text]  # st.text: no Markdown, no HTML
    assert any(c.value.startswith(literal("agent@example.com") + " · ") for c in at.caption)
    with store_of(seeded["db"]) as store:
        [note] = contact_notes.notes(store, seeded["ann"])
    at.button(key=f"contacts.note.del.{note['id']}").click().run()
    assert [s.value for s in at.success] == ["Note deleted."]
    assert "No notes yet." in [c.value for c in at.caption]


def test_another_agents_note_has_no_delete_button_but_an_admins_view_does(app, seeded):
    with store_of(seeded["db"]) as store:
        note = contact_notes.add_note(store, Actor("admin@example.com", "admin"), seeded["ann"], "by admin")
    agent = opened(app, AGENT, seeded["ann"])
    assert f"contacts.note.del.{note['id']}" not in [b.key for b in agent.button]
    admin = opened(app, ADMIN, seeded["ann"])
    assert f"contacts.note.del.{note['id']}" in [b.key for b in admin.button]


def test_a_too_long_note_is_refused_in_words(app, seeded):
    at = opened(app, AGENT, seeded["ann"])
    at.session_state[f"contacts.note.new.{seeded['ann']}"] = "   "
    at.button(key=f"contacts.note.add.{seeded['ann']}").click().run()
    assert [e.value for e in at.error] == [literal("A note cannot be empty.")]


def test_vip_toggle_badge_and_filter(app, seeded):
    at = opened(app, AGENT, seeded["ann"])
    at.toggle(key=f"contacts.vip.{seeded['ann']}").set_value(True).run()
    with store_of(seeded["db"]) as store:
        assert contact_flags.is_vip(store, seeded["ann"])
    [table] = [d for d in at.dataframe if (d.key or "").startswith("contacts.table.")]
    frame = table.value
    assert dict(zip(frame["Name"], frame["VIP"].fillna(""), strict=True)) == {"Ann": "★ VIP", "Bob": ""}
    at.selectbox(key="contacts.vip").set_value(True).run()
    [table] = [d for d in at.dataframe if (d.key or "").startswith("contacts.table.")]
    assert list(table.value["Name"]) == ["Ann"]
    at.selectbox(key="contacts.vip").set_value(None).run()
    at.text_input(key="contacts.q").input("vip:no").run()
    [table] = [d for d in at.dataframe if (d.key or "").startswith("contacts.table.")]
    assert list(table.value["Name"]) == ["Bob"]


def new_contact(app):
    at = app(AGENT)
    open_page(at, "contacts").run()
    at.button(key="contacts.new").click().run()
    assert not at.exception
    return at


def test_new_contact_is_created_checked_and_opened(app, seeded):
    at = new_contact(app)
    gen = at.session_state["contacts.new.gen"]
    at.text_input(key=f"contacts.new.{gen}.email").input("not-an-email").run()
    at.button(key="contacts.new.create").click().run()
    assert any(e.value.startswith("Email: ") for e in at.error)
    assert at.session_state["contacts.new.open"]
    at.text_input(key=f"contacts.new.{gen}.email").input("Nina@Example.com").run()
    at.text_input(key=f"contacts.new.{gen}.first_name").input("Nina").run()
    at.button(key="contacts.new.create").click().run()
    assert not at.exception
    with store_of(seeded["db"]) as store:
        [row] = contacts.search(store, "nina@example.com").rows
    assert at.session_state["contacts.open"] == row["id"]
    assert "contacts.new.open" not in at.session_state


def test_new_contact_with_a_taken_email_names_the_contact_and_opens_it(app, seeded):
    at = new_contact(app)
    gen = at.session_state["contacts.new.gen"]
    at.text_input(key=f"contacts.new.{gen}.email").input("ann@example.com").run()
    at.button(key="contacts.new.create").click().run()
    expected = (
        f"Contact #{seeded['ann']} already has this email (ann@example.com); update that contact instead."
    )
    assert [w.value for w in at.warning] == ["Not created: " + literal(expected)]
    assert any("**Ann** · contact #" in m.value for m in at.markdown)
    at.button(key="contacts.new.open_existing").click().run()
    assert at.session_state["contacts.open"] == seeded["ann"]
    with store_of(seeded["db"]) as store:
        assert len(contacts.search(store, "").rows) == 2
