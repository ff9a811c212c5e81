"""AppTest: the Delete button and its confirm dialog on the Contacts page (actions in on_click callbacks)."""

import pytest

from inbox import contacts, deletion, inbound
from inbox.models import Actor
from tests.support.navigation import open_page
from ui.text import literal

from ..support.apptest import ADMIN, AGENT, shown
from ..support.engines import store_of
from ..support.members import seed_members


@pytest.fixture
def contact_id(workspace_db):
    with store_of(workspace_db) as store:
        made = inbound.receive(
            store, "whatsapp", "+33677777777", "Bonjour", attachments=[("cv.pdf", b"x" * 2048)]
        )
        inbound.receive(store, "whatsapp", "+33677777777", "Encore")
        c = contacts.get_contact(store, made["contact_id"])
        contacts.update_values(
            store, Actor(ADMIN[0], "admin"), c.id, c.version, {"first_name": "Inès", "last_name": "Roux"}
        )
    return made["contact_id"]


def opened(app, credentials, contact_id):
    at = app(credentials)
    open_page(at, "contacts").run()
    at.session_state["contacts.open"] = contact_id
    at.run()
    assert not at.exception
    return at


def buttons(at):
    return {b.key: b for b in at.button if b.key}


def contact_exists(db, contact_id):
    with store_of(db) as store:
        return (
            store.contacts.contact_row(contact_id) is not None,
            store._scalar("SELECT count(*) FROM deletion_log"),
        )


def test_agents_see_no_delete_button(app, contact_id):
    at = opened(app, AGENT, contact_id)
    assert f"delete.{contact_id}" not in buttons(at) and "Delete" not in [b.label for b in at.button]
    assert at.subheader[0].value == "Inès Roux"


def test_the_dialog_shows_the_manifest_and_requires_a_hint(app, contact_id, workspace_db):
    at = opened(app, ADMIN, contact_id)
    buttons(at)[f"delete.{contact_id}"].click().run()
    warning = " ".join(w.value for w in at.warning)
    assert "1 conversation" in warning and "2 messages" in warning and "1 attachment" in warning
    assert "2.0 KB" in warning and "cannot be undone" in warning
    assert at.text_input(key=f"delete.hint.{contact_id}").label == "Identity hint"
    assert at.selectbox(key=f"delete.reason.{contact_id}").options == [
        "GDPR request",
        "Duplicate",
        "Test data",
        "Other",
    ]
    buttons(at)["delete.confirm"].click().run()  # no hint, no reason: one message per missing field
    assert [shown(e.value) for e in at.error] == [
        "Enter an identity hint, for example “customer #1234, erasure request of 2026-11-02”.",
        "Choose a reason.",
    ]
    assert contact_exists(workspace_db, contact_id) == (True, 0)
    at.text_input(key=f"delete.hint.{contact_id}").input("ticket #88")
    buttons(at)["delete.confirm"].click().run()  # still no reason
    assert [shown(e.value) for e in at.error] == ["Choose a reason."]  # in words, never the codes
    assert contact_exists(workspace_db, contact_id) == (True, 0)


def test_confirming_deletes_and_closes_the_contact(app, contact_id, workspace_db):
    at = opened(app, ADMIN, contact_id)
    buttons(at)[f"delete.{contact_id}"].click().run()
    at.text_input(key=f"delete.hint.{contact_id}").input("  ticket #88, request of 2026-11-02 ")
    at.selectbox(key=f"delete.reason.{contact_id}").select("gdpr_request")
    buttons(at)["delete.confirm"].click().run()
    assert not at.exception and not at.error
    assert contact_exists(workspace_db, contact_id) == (False, 1)
    assert "contacts.open" not in at.session_state and "delete.open" not in at.session_state
    confirmation = f"Deleted Inès Roux (contact #{contact_id}). Deletion log entry #1."
    assert [t.value for t in at.toast] == [literal(confirmation)]  # the dialog closed with a toast
    assert [shown(s.value) for s in at.success] == [confirmation]  # and the page says it, nothing is open
    assert "delete.confirm" not in buttons(at) and not at.subheader
    assert "contact" not in at.query_params
    with store_of(workspace_db) as store:
        entry = dict(
            zip(deletion.LOG_COLUMNS, list(store.deletion_log.iter_deletion_log())[0][0], strict=True)
        )
    assert (entry["identity_hint"], entry["reason"], entry["deleted_by"]) == (
        "ticket #88, request of 2026-11-02",
        "gdpr_request",
        ADMIN[0],
    )
    assert (entry["messages"], entry["attachments"], entry["bytes"]) == (2, 1, 2048)


def test_cancel_closes_without_deleting(app, contact_id, workspace_db):
    at = opened(app, ADMIN, contact_id)
    buttons(at)[f"delete.{contact_id}"].click().run()
    at.text_input(key=f"delete.hint.{contact_id}").input("oops")
    buttons(at)["delete.cancel"].click().run()
    assert "delete.open" not in at.session_state and "delete.confirm" not in buttons(at)
    assert contact_exists(workspace_db, contact_id) == (True, 0)
    assert at.subheader[0].value == "Inès Roux"  # the contact stays open


def test_a_contact_deleted_meanwhile_says_so(app, contact_id, workspace_db):
    at = opened(app, ADMIN, contact_id)
    buttons(at)[f"delete.{contact_id}"].click().run()
    with store_of(workspace_db) as store:  # another admin was faster
        seed_members(store, Actor("other@example.com", "admin"))
        deletion.delete_contact(
            store, Actor("other@example.com", "admin"), contact_id, hint="dup", reason="duplicate"
        )
    at.text_input(key=f"delete.hint.{contact_id}").input("ticket #88")
    at.selectbox(key=f"delete.reason.{contact_id}").select("gdpr_request")
    buttons(at)["delete.confirm"].click().run()
    assert not at.exception
    assert contact_exists(workspace_db, contact_id) == (False, 1)
    assert any("no longer exists" in w.value for w in at.warning) or any(
        "no contact" in e.value for e in at.error
    )


def two_lukas_webers(db) -> list[int]:
    """The issue's case: two contacts named Lukas Weber, side by side in the list."""
    ids = []
    with store_of(db) as store:
        for handle in ("+491511111111", "+491522222222"):
            made = inbound.receive(store, "whatsapp", handle, "Hallo")
            c = contacts.get_contact(store, made["contact_id"])
            contacts.update_values(
                store,
                Actor(ADMIN[0], "admin"),
                c.id,
                c.version,
                {"first_name": "Lukas", "last_name": "Weber"},
            )
            ids.append(c.id)
    return ids


def test_after_a_deletion_no_other_contact_is_opened_or_ticked(app, workspace_db):
    first, second = two_lukas_webers(workspace_db)
    at = app(ADMIN)
    open_page(at, "contacts").run()
    at.text_input(key="contacts.q").input("Lukas Weber").run()
    [table] = [d for d in at.dataframe if (d.key or "").startswith("contacts.table.")]
    row = {first: 1, second: 0}  # most recently updated first
    at.session_state[table.key] = {"selection": {"rows": [row[first]], "columns": [], "cells": []}}
    at.run()
    assert at.session_state["contacts.open"] == first and at.query_params["contact"] == str(first)
    buttons(at)[f"delete.{first}"].click().run()
    at.text_input(key=f"delete.hint.{first}").input("ticket #307")
    at.selectbox(key=f"delete.reason.{first}").select("duplicate")
    buttons(at)["delete.confirm"].click().run()
    at.run()  # and once more, as any later click does
    assert "contacts.open" not in at.session_state and "contact" not in at.query_params
    assert not at.subheader and f"delete.{second}" not in buttons(at)  # nothing opened
    [table] = [d for d in at.dataframe if (d.key or "").startswith("contacts.table.")]
    assert list(table.value["Name"]) == ["Lukas Weber"]  # the other one, listed …
    assert not table.proto.selection_default  # … and not ticked
    assert at.session_state[table.key]["selection"]["rows"] == []
    assert [shown(s.value) for s in at.success] == [
        f"Deleted Lukas Weber (contact #{first}). Deletion log entry #1."
    ]
    assert contact_exists(workspace_db, second)[0] and not contact_exists(workspace_db, first)[0]


def test_a_library_refusal_reads_as_a_sentence(app, contact_id, monkeypatch):
    from inbox.errors import InvalidInput

    def refuse(*args, **kwargs):
        raise InvalidInput(
            "the identity hint must be one line without control characters (tabs, line breaks…)"
        )

    monkeypatch.setattr(deletion, "delete_contact", refuse)
    at = opened(app, ADMIN, contact_id)
    buttons(at)[f"delete.{contact_id}"].click().run()
    at.text_input(key=f"delete.hint.{contact_id}").input("ticket")
    at.selectbox(key=f"delete.reason.{contact_id}").select("other")
    buttons(at)["delete.confirm"].click().run()
    assert [shown(e.value) for e in at.error] == [
        "The identity hint must be one line without control characters (tabs, line breaks…)."
    ]
