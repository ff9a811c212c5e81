"""AppTest: the Overview — figures that link to their pages, contacts by platform, deletions and imports
over the last 30 days, the last layout change; agents see the contact figures only."""

import pytest

from inbox import attributes as attrs
from inbox import deletion, imports, inbound
from inbox.models import Actor

from ..support.apptest import ADMIN, AGENT, shown
from ..support.engines import store_of

ADA = Actor(ADMIN[0], "admin")


@pytest.fixture
def busy(workspace_db, tmp_path):
    """3 WhatsApp contacts, 1 deleted today, 1 import of 2 new e-mail contacts, 1 layout change."""
    with store_of(workspace_db) as store:
        for i in range(3):
            inbound.receive(store, "whatsapp", f"+3361000000{i}", "hi")
        gone = inbound.receive(store, "email", "gone@example.com", "hi")["contact_id"]
        deletion.delete_contact(store, ADA, gone, hint="ticket 1", reason="gdpr_request")
        csv = tmp_path / "people.csv"
        csv.write_text("Email\nann@example.com\nbob@example.com\n")
        imports.run_import(store, ADA, csv)
        version, layout = attrs.load_layout(store)
        attrs.save_layout(
            store,
            ADA,
            attrs.new_attribute(layout, label="Tier", key="tier", type="text"),
            base_version=version,
        )
    return workspace_db


def links(at) -> list[tuple[str, str]]:
    return [(e.proto.page, e.proto.label) for e in at.main.get("page_link")]  # (not the sidebar's)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_admins_see_figures_linking_to_their_pages(app, busy):
    at = app(ADMIN)
    assert not at.exception and at.title[0].value == "Overview"
    assert metrics(at) == {
        "Contacts": "5",
        "Open conversations": "3",
        "Messages": "3",
        "Deleted contacts": "1",
        "Imports": "1",
        "Custom attributes": "1",
    }
    assert links(at) == [
        ("contacts", "Go to the contact list"),
        ("deleted_contacts", "Open the deletion log"),
        ("import_contacts", "Import a CSV file"),
        ("attributes", "Edit the contact layout"),
        ("attributes", "See the layout history"),
    ]
    texts = [shown(m.value) for m in at.markdown]
    assert any(t.startswith("Version 2, saved by admin@example.com on ") for t in texts)
    assert any("Added text attribute Tier (tier)." in t for t in texts)
    assert len(at.get("vega_lite_chart")) == 3  # by platform, deletions, imports


def test_the_charts_data(busy):
    from inbox import workspace

    with store_of(busy) as store:
        assert workspace.contacts_by_platform(store) == [("whatsapp", 3), ("email", 2)]
        activity = workspace.activity(store, ADA)
    assert len(activity.deletions) == 30 and len(activity.imports) == 30
    assert [n for _, n in activity.deletions] == [0] * 29 + [1]  # today, in a window of zeros
    assert activity.imports[-1][1:] == (1, 2, 0) and sum(i[1] for i in activity.imports) == 1


def test_agents_see_the_contact_figures_only(app, busy):
    at = app(AGENT)
    assert not at.exception
    assert metrics(at) == {"Contacts": "5", "Open conversations": "3", "Messages": "3"}
    assert links(at) == [("contacts", "Go to the contact list")]
    assert len(at.get("vega_lite_chart")) == 1
    assert not any("layout" in m.value.lower() for m in at.markdown)


def test_agents_cannot_read_the_activity(busy):
    from inbox import workspace
    from inbox.errors import PermissionDenied

    with store_of(busy) as store, pytest.raises(PermissionDenied):
        workspace.activity(store, Actor(AGENT[0], "agent"))
