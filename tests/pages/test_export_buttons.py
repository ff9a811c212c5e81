"""AppTest: Export on the Contacts list and Download data in the panel are admins' only; the Access log page
lists exports and downloads in words."""

import io

import pytest

from inbox import contact_export, inbound, subject_export
from inbox.models import Actor
from tests.support.navigation import open_page

from ..support.apptest import ADMIN, AGENT
from ..support.engines import store_of

ADMIN_ACTOR = Actor(ADMIN[0], "admin")


@pytest.fixture
def contact_id(workspace_db):
    with store_of(workspace_db) as store:
        return inbound.receive(store, "whatsapp", "+33611111111", "Bonjour", [("a.txt", b"x")])["contact_id"]


def labels(at):
    return [b.label for b in at.get("download_button")]


def test_admins_get_export_and_download_data_agents_do_not(app, contact_id):
    at = app(ADMIN)
    open_page(at, "contacts").run()
    assert not at.exception and labels(at) == ["Download CSV"]
    assert at.radio(key="contacts.export.format").options == ["CSV", "Excel (.xlsx)", "Parquet"]
    at.radio(key="contacts.export.format").set_value("parquet").run()
    assert labels(at) == ["Download Parquet"]
    assert any(c.value.startswith("Every contact —") for c in at.caption)
    at.selectbox(key="contacts.vip").set_value(True).run()  # the list's VIP filter is the export's too
    assert not at.exception
    assert any(c.value.startswith("Every contact matching the current search") for c in at.caption)
    at.query_params["contact"] = str(contact_id)
    at.run()
    assert "Download data" in labels(at)
    agent = app(AGENT)
    open_page(agent, "contacts").run()
    assert not agent.exception and labels(agent) == []
    agent.query_params["contact"] = str(contact_id)
    agent.run()
    assert "Download data" not in labels(agent) and not [r for r in agent.radio if r.key]


def test_the_access_log_page_lists_exports_and_downloads(app, contact_id, workspace_db):
    with store_of(workspace_db) as store:
        contact_export.write_export(
            store,
            ADMIN_ACTOR,
            contact_export.ExportQuery("bonjour", platform="whatsapp"),
            "csv",
            io.BytesIO(),
        )
        subject_export.write_subject_export(store, ADMIN_ACTOR, contact_id, io.BytesIO())
    at = app(ADMIN)
    open_page(at, "access_log").run()
    assert not at.exception and at.title[0].value == "Access log"
    [table] = [d.value for d in at.dataframe]
    assert list(table["What"]) == ["Contact data download", "Contacts export"]
    assert list(table["Format"]) == ["ZIP", "CSV"] and list(table["Who"]) == [ADMIN[0]] * 2
    assert table["Search, filters or contact"][1] == "Search “bonjour” · Platform: WhatsApp"
    assert table["Search, filters or contact"][0].startswith(f"Contact #{contact_id} · 1 conversation")
    agent = app(AGENT)
    open_page(agent, "access_log").run()  # not listed for agents; its address says who may see it
    assert [e.value for e in agent.error] == ["Only admins can see the access log."] and not agent.dataframe
