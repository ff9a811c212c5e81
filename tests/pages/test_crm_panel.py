"""AppTest: the CRM block of the contact panel — Refresh from CRM fills read-only managed attributes,
failures show the last error, the Team plan shows nothing CRM-related."""

import pytest

from inbox import contacts, crm, inbound, workspace
from inbox.models import SYSTEM, Actor
from tests.support.navigation import open_page
from ui.text import literal

from ..support.apptest import ADMIN, AGENT, shown
from ..support.crm_server import SECRET, FakeCrm
from ..support.engines import store_of

SYSTEM_AGENT = Actor("agent@example.com", "agent")


@pytest.fixture
def fake():
    with FakeCrm() as server:
        yield server


@pytest.fixture
def contact_id(workspace_db, fake):
    """One contact with an email, made on Team; then Enterprise with the CRM set up and job_title managed."""
    with store_of(workspace_db) as store:
        made = inbound.receive(store, "whatsapp", "+33611111111", "Bonjour")
        c = contacts.get_contact(store, made["contact_id"])
        contacts.update_values(
            store, SYSTEM_AGENT, c.id, c.version, {"email": "elodie@example.fr", "first_name": "Élodie"}
        )
        workspace.set_plan(store, SYSTEM, "enterprise")
        crm.save_settings(
            store,
            SYSTEM,
            lookup_url=fake.url,
            timeout_seconds=1,
            lookup_key="email",
            aliases={"title": "job_title", "account": "account_id"},
            secret=SECRET,
        )
        crm.set_managed(store, SYSTEM, ["job_title", "account_id"])
    return c.id


def open_contact(app, cid, credentials=AGENT):
    at = app(credentials)
    open_page(at, "contacts").run()
    at.session_state["contacts.open"] = cid
    at.run()
    assert not at.exception
    return at


def badges(at):
    return [m.value for m in at.markdown if "-badge[" in m.value]


def field(at, cid, key):
    version = at.session_state[f"contacts.loaded.{cid}"][0]
    return at.text_input(key=f"contacts.v.{cid}.{version}.{key}")


def test_refresh_fills_managed_attributes_which_stay_read_only(app, contact_id, fake):
    fake.records["elodie@example.fr"] = {
        "title": "Head of purchasing",
        "account": "ACC-42",
        "last_name": "Durand",
    }
    at = open_contact(app, contact_id)
    assert badges(at) == [":gray-badge[:material/help: Not validated]"]
    assert "Never looked up in the CRM." in [c.value for c in at.caption]
    job_title = field(at, contact_id, "job_title")
    assert job_title.disabled and job_title.label == "Job title · CRM"
    at.button(key=f"crm.refresh.{contact_id}").click().run()
    assert not at.exception
    assert [t.value for t in at.toast] == [literal("Looked up in the CRM: 3 attributes updated.")]
    assert badges(at) == [":green-badge[:material/verified: Validated]"]
    assert any(c.value.startswith("Last CRM lookup ") for c in at.caption)
    assert field(at, contact_id, "job_title").value == "Head of purchasing"
    assert field(at, contact_id, "job_title").disabled and field(at, contact_id, "account_id").disabled
    assert (
        field(at, contact_id, "last_name").value == "Durand"
        and not field(at, contact_id, "last_name").disabled
    )
    assert fake.count == 1 and fake.requests[0]["signature_ok"]
    assert "by crm" in " ".join(c.value for c in at.caption)


def test_saving_the_form_never_sends_managed_attributes(app, contact_id, fake, workspace_db):
    fake.records["elodie@example.fr"] = {"title": "Buyer"}
    at = open_contact(app, contact_id)
    at.button(key=f"crm.refresh.{contact_id}").click().run()
    field(at, contact_id, "first_name").input("Elo")
    [b for b in at.button if b.label == "Save"][0].click().run()
    assert "Saved." in [s.value for s in at.success]
    with store_of(workspace_db) as store:
        c = contacts.get_contact(store, contact_id)
    assert (c.values["first_name"], c.values["job_title"]) == ("Elo", "Buyer")


def test_a_failed_lookup_shows_the_admin_the_error_and_keeps_the_contact(app, contact_id, fake):
    fake.then({"raw": b"<html>oops</html>"})
    at = open_contact(app, contact_id, ADMIN)
    at.button(key=f"crm.refresh.{contact_id}").click().run()
    assert badges(at) == [":red-badge[:material/sync_problem: Not validated]"]
    assert [t.value for t in at.toast] == [literal("CRM lookup failed: the CRM's answer is not valid JSON")]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("The CRM lookup of ") and "not valid JSON" in errors[0]
    assert field(at, contact_id, "job_title").value == ""


def test_team_plan_shows_nothing_crm_related_and_calls_nothing(app, contact_id, fake, workspace_db):
    with store_of(workspace_db) as store:
        workspace.set_plan(store, SYSTEM, "team")
    at = open_contact(app, contact_id)
    assert not [b for b in at.button if "CRM" in b.label]
    assert not [c for c in at.caption if "CRM" in c.value] and not badges(at)
    assert fake.count == 0


def refused_connection(workspace_db):
    """The issue's case: the CRM's address refuses connections (nothing listens on port 9)."""
    with store_of(workspace_db) as store:
        crm.save_settings(
            store,
            SYSTEM,
            lookup_url="http://127.0.0.1:9/lookup",
            timeout_seconds=1,
            lookup_key="email",
            aliases={"title": "job_title", "account": "account_id"},
            secret=SECRET,
        )


def test_agents_never_see_infrastructure_errors_only_that_crm_values_may_be_out_of_date(
    app, contact_id, workspace_db
):
    refused_connection(workspace_db)
    at = open_contact(app, contact_id)
    at.button(key=f"crm.refresh.{contact_id}").click().run()
    assert not at.exception
    shown_text = " ".join(
        [t.value for t in at.toast] + [e.value for e in at.error] + [w.value for w in at.warning]
    )
    assert "127.0.0.1" not in shown_text and "connect" not in shown_text.lower() and not at.error
    assert [t.value for t in at.toast] == ["Could not refresh from the CRM: CRM values may be out of date."]
    assert [shown(w.value) for w in at.warning] == [
        "CRM values may be out of date: the last CRM lookup did not succeed. An admin can see why on the"
        " CRM page."
    ]
    assert badges(at) == [":red-badge[:material/sync_problem: Not validated]"]
    again = open_contact(app, contact_id)  # a later visit: the same words, never the detail
    assert "127.0.0.1" not in " ".join(w.value for w in again.warning) and not again.error


def test_admins_see_the_detail_and_a_link_to_the_crm_page(app, contact_id, workspace_db):
    refused_connection(workspace_db)
    at = open_contact(app, contact_id, ADMIN)
    at.button(key=f"crm.refresh.{contact_id}").click().run()
    [error] = [shown(e.value) for e in at.error]
    assert error.startswith("The CRM lookup of ") and "127.0.0.1:9" in error
    assert "127.0.0.1:9" in shown(at.toast[0].value)
    [link] = at.main.get("page_link")  # (the sidebar has its own: API tokens)
    assert link.proto.page == "crm_settings" and link.proto.label == "Open the CRM settings"


def test_a_lookup_refused_before_asking_tells_agents_in_words(app, contact_id, fake, workspace_db):
    at = open_contact(app, contact_id)
    with store_of(workspace_db) as store:  # an admin turns lookups off meanwhile
        crm.save_settings(
            store,
            SYSTEM,
            lookup_url=fake.url,
            timeout_seconds=1,
            lookup_key="email",
            aliases={"title": "job_title", "account": "account_id"},
            enabled=False,
        )
    at.button(key=f"crm.refresh.{contact_id}").click().run()
    assert not at.exception and not at.error
    assert [shown(w.value) for w in at.warning] == [
        "The CRM could not be asked now: CRM values may be out of date. An admin can see why on the CRM page."
    ]
    assert fake.count == 0
