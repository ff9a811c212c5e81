"""AppTest: the Contacts page — lookup, open a contact, edit with validation and stale-save refusal."""

import pytest

from inbox import contacts, inbound
from inbox.models import Actor
from inbox.store import AREAS
from tests.support.navigation import open_page
from ui.text import literal

from ..support.apptest import ADMIN, AGENT
from ..support.engines import BLOCKED_WRITER, store_of

SYSTEM_AGENT = Actor("agent@example.com", "agent")


@pytest.fixture
def seeded(workspace_db):
    with store_of(workspace_db) as store:
        ids = {}
        for handle, values in [
            (
                "+33611111111",
                {
                    "first_name": "Élodie",
                    "last_name": "Durand",
                    "email": "elodie@example.fr",
                    "job_title": "Buyer",
                },
            ),
            ("+33622222222", {"first_name": "<img src=x onerror=alert(1)>", "last_name": "**bold**"}),
        ]:
            made = inbound.receive(
                store,
                "whatsapp",
                handle,
                "Bonjour, ma commande ?",
                attachments=[("facture.txt", b"facture 42")],
            )
            c = contacts.get_contact(store, made["contact_id"])
            ids[handle] = contacts.update_values(store, SYSTEM_AGENT, c.id, c.version, values).id
    return ids


@pytest.fixture
def page(app, seeded):
    at = app(AGENT)
    open_page(at, "contacts").run()
    assert not at.exception
    return at


def select_row(at, row):
    """Tick ``row`` of the result list, as a click does (AppTest cannot click a grid)."""
    [table] = [d for d in at.dataframe if (d.key or "").startswith("contacts.table.")]
    at.session_state[table.key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def open_contact(at, contact_id):
    at.session_state["contacts.open"] = contact_id
    return at.run()


def test_search_lists_matches_and_says_when_empty(page):
    page.text_input(key="contacts.q").input("elodie").run()
    table = page.dataframe[0].value
    assert list(table["Name"]) == ["Élodie Durand"]
    page.text_input(key="contacts.q").input("zzz-nobody").run()
    assert [i.value for i in page.info] == ["No contact matches this search."]


def test_selecting_a_row_opens_the_workspace(page, seeded):
    page.text_input(key="contacts.q").input("elodie").run()
    select_row(page, 0)
    cid = seeded["+33611111111"]
    assert page.session_state["contacts.open"] == cid
    assert page.query_params["contact"] == str(cid)  # the URL names the open contact
    assert page.subheader[0].value == "Élodie Durand"
    assert f"WhatsApp · \\+33611111111 · contact #{cid}" in [c.value for c in page.caption]
    assert "Bonjour, ma commande ?" in [t.value for t in page.text]  # st.text: no Markdown at all
    labels = [t.label for t in page.text_input]
    assert labels[1:4] == ["Email", "First name", "Last name"]  # the admin's order, enabled ones only


def test_edit_job_title_is_saved(page, seeded, workspace_db):
    cid = seeded["+33611111111"]
    open_contact(page, cid)
    page.text_input(key=f"contacts.v.{cid}.2.job_title").input("Head of purchasing")
    submit = [b for b in page.button if b.label == "Save"][0]
    submit.click().run()
    assert "Saved." in [s.value for s in page.success]
    with store_of(workspace_db) as store:
        c = contacts.get_contact(store, cid)
        assert c.values["job_title"] == "Head of purchasing" and c.updated_by == "agent@example.com"


def test_invalid_email_shows_the_reason_and_saves_nothing(page, seeded, workspace_db):
    cid = seeded["+33611111111"]
    open_contact(page, cid)
    page.text_input(key=f"contacts.v.{cid}.2.email").input("elodie-at-example")
    page.text_input(key=f"contacts.v.{cid}.2.job_title").input("Changed too")
    [b for b in page.button if b.label == "Save"][0].click().run()
    assert any(e.value.startswith("Email: not a valid email address") for e in page.error)
    with store_of(workspace_db) as store:
        c = contacts.get_contact(store, cid)
        assert c.values["email"] == "elodie@example.fr" and c.values["job_title"] == "Buyer"


def lose_a_save(page, cid, workspace_db):
    """The agent types Intern and a new note while an admin saves CFO: the agent's save loses."""
    with store_of(workspace_db) as store:  # an admin edits meanwhile
        c = contacts.get_contact(store, cid)
        contacts.update_values(store, Actor(ADMIN[0], "admin"), cid, c.version, {"job_title": "CFO"})
    page.text_input(key=f"contacts.v.{cid}.2.job_title").input("Intern")
    page.text_input(key=f"contacts.v.{cid}.2.last_name").input("Durand-Lefèvre")
    [b for b in page.button if b.label == "Save"][0].click().run()
    assert not page.exception


def test_stale_save_is_refused_with_the_typed_values_shown_back(page, seeded, workspace_db):
    cid = seeded["+33611111111"]
    open_contact(page, cid)
    lose_a_save(page, cid, workspace_db)
    [error] = [e.value for e in page.error]
    assert error.startswith(
        f"Not saved: {literal('admin@example.com')} changed this contact since you opened it"
    )
    assert "- Job title: yours **Intern**, saved meanwhile **CFO**" in error  # labels, not keys
    assert "- Last name: yours **Durand\\-Lefèvre**, saved meanwhile **Durand**" in error
    # the form is at the latest version, with the agent's values put back
    assert page.text_input(key=f"contacts.v.{cid}.3.job_title").value == "Intern"
    assert page.text_input(key=f"contacts.v.{cid}.3.last_name").value == "Durand-Lefèvre"
    assert page.text_input(key=f"contacts.v.{cid}.3.email").value == "elodie@example.fr"
    with store_of(workspace_db) as store:
        assert contacts.get_contact(store, cid).values["job_title"] == "CFO"
    [b for b in page.button if b.label == "Save"][0].click().run()  # the agent keeps their values
    assert "Saved." in [s.value for s in page.success]
    with store_of(workspace_db) as store:
        after = contacts.get_contact(store, cid)
        assert (after.values["job_title"], after.values["last_name"], after.version) == (
            "Intern",
            "Durand-Lefèvre",
            4,
        )


def test_after_a_lost_save_discard_shows_the_saved_values(page, seeded, workspace_db):
    cid = seeded["+33611111111"]
    open_contact(page, cid)
    lose_a_save(page, cid, workspace_db)
    page.button(key=f"contacts.discard.{cid}").click().run()
    assert page.text_input(key=f"contacts.v.{cid}.3.job_title").value == "CFO"
    assert page.text_input(key=f"contacts.v.{cid}.3.last_name").value == "Durand"
    assert not [b for b in page.button if b.label == "Discard my values"]


@pytest.mark.duckdb_only(BLOCKED_WRITER)
def test_a_save_that_collides_at_the_same_moment_gets_the_conflict_message(
    page, seeded, workspace_db, monkeypatch
):
    """Both saves start from version 2; the other one's UPDATE is still uncommitted when this one runs."""
    from inbox.store import retry

    cid = seeded["+33611111111"]
    open_contact(page, cid)
    from ui.session import _store_for

    store = _store_for(str(workspace_db))  # the app's store (cached per path, shared with the test)
    other = store._con.cursor()
    other.begin()
    other.execute(
        "UPDATE contacts SET job_title = 'CFO', updated_by = ?, version = version + 1 WHERE id = ?",
        [ADMIN[0], cid],
    )
    monkeypatch.setattr(retry, "sleep", lambda seconds: other.commit())  # it commits while this one backs off
    page.text_input(key=f"contacts.v.{cid}.2.job_title").input("Intern")
    [b for b in page.button if b.label == "Save"][0].click().run()
    assert not page.exception
    [error] = [e.value for e in page.error]
    assert "changed this contact since you opened it" in error and "yours **Intern**" in error
    assert page.text_input(key=f"contacts.v.{cid}.3.job_title").value == "Intern"


def test_user_data_is_rendered_as_text(page, seeded):
    open_contact(page, seeded["+33622222222"])
    assert page.subheader[0].value == literal("<img src=x onerror=alert(1)> **bold**")


def test_attachments_are_downloadable(page, seeded):
    open_contact(page, seeded["+33611111111"])
    assert any(b.label.startswith(literal("facture.txt")) for b in page.get("download_button"))


def test_a_count_above_the_cap_shows_as_a_floor_and_pages_on(app, workspace_db, monkeypatch):
    with store_of(workspace_db) as store:
        for n in range(30):
            inbound.receive(store, "webchat", f"visitor-{n}", "hi")
    monkeypatch.setattr(AREAS["contacts"], "search_count_cap", 3)
    at = app(AGENT)
    open_page(at, "contacts").run()
    at.text_input(key="contacts.q").input("visitor").run()
    assert "1–25 of 26+ contacts" in [c.value for c in at.caption]
    at.button(key="contacts.next").click().run()
    assert "26–30 of 30 contacts" in [c.value for c in at.caption] and at.button(key="contacts.next").disabled


def test_language_is_saved_as_a_tag_shown_with_its_name_and_filtered_by_language(page, seeded, workspace_db):
    cid = seeded["+33611111111"]
    open_contact(page, cid)
    page.text_input(key=f"contacts.v.{cid}.2.language").input("Brazilian Portuguese")
    [b for b in page.button if b.label == "Save"][0].click().run()
    assert "Saved." in [s.value for s in page.success]
    assert page.text_input(key=f"contacts.v.{cid}.3.language").value == "pt-BR"
    assert "Portuguese \\(Brazil\\) — pt\\-BR" in [c.value for c in page.caption]
    language = page.selectbox(key="contacts.language")
    assert language.options == ["Portuguese (pt)"]
    language.set_value("pt").run()
    assert list(page.dataframe[0].value["Name"]) == ["Élodie Durand"]
