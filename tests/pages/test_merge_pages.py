"""AppTest: *Merge…* in the panel (find the duplicate, choose values, merge) and the Duplicates page."""

import pytest

from inbox import contacts, inbound
from inbox.models import Actor
from tests.support.navigation import open_page

from ..support.apptest import ADMIN, AGENT, shown
from ..support.engines import store_of


@pytest.fixture
def pair(workspace_db):
    """Two records of Inès Roux sharing an e-mail: the older on WhatsApp, the newer on e-mail."""
    ids = []
    with store_of(workspace_db) as store:
        for platform, handle, values in (
            ("whatsapp", "+33677777777", {"job_title": "Chef"}),
            ("email", "ines@example.org", {"job_title": "Head chef"}),
        ):
            cid = inbound.receive(store, platform, handle, f"Hello from {platform}")["contact_id"]
            c = contacts.get_contact(store, cid)
            contacts.update_values(
                store,
                Actor(ADMIN[0], "admin"),
                cid,
                c.version,
                {"first_name": "Inès", "last_name": "Roux", "email": "ines@example.org", **values},
            )
            ids.append(cid)
        with store.tx() as cur:  # the first one's values are a day older
            cur.execute(
                "UPDATE contacts SET updated_at = updated_at - INTERVAL '1 day' WHERE id = ?", [ids[0]]
            )
            cur.execute(
                "UPDATE value_history SET changed_at = changed_at - INTERVAL '1 day' WHERE contact_id = ?",
                [ids[0]],
            )
    return ids


def state(db, cid):
    with store_of(db) as store:
        row = store.contacts.contact_row(cid)
        return row and row["job_title"], len(store.contacts.conversations_of(cid))


def test_an_agent_merges_from_the_panel_choosing_a_value(app, workspace_db, pair):
    a, b = pair
    at = app(AGENT)
    open_page(at, "contacts").run()
    at.session_state["contacts.open"] = a
    at.run()
    at.button(key=f"merge.{a}").click().run()
    assert not at.exception
    assert "Find the duplicates" in at.info[0].value
    at.text_input(key="merge.q").input("ines@example.org").run()
    at.multiselect(key="merge.contacts").select(b).run()
    radio = at.radio(key="merge.pick.job_title")
    assert radio.value == b and [shown(o).split(" · ")[0] for o in radio.options] == ["Chef", "Head chef"]
    radio.set_value(a).run()
    at.button(key="merge.confirm").click().run()
    assert not at.exception
    assert state(workspace_db, a) == ("Chef", 2) and state(workspace_db, b) == (None, 0)
    assert at.session_state["contacts.open"] == a
    assert "Merged 1 contact into contact #" in shown(at.toast[0].value)


def test_a_change_made_meanwhile_is_refused_then_merged_on_the_latest_values(app, workspace_db, pair):
    a, b = pair
    at = app(AGENT)
    open_page(at, "contacts").run()
    at.session_state["contacts.open"] = a
    at.run()
    at.button(key=f"merge.{a}").click().run()
    at.text_input(key="merge.q").input("ines@example.org").run()
    at.multiselect(key="merge.contacts").select(b).run()
    with store_of(workspace_db) as store:
        c = contacts.get_contact(store, b)
        contacts.update_values(store, Actor(ADMIN[0], "admin"), b, c.version, {"job_title": "Owner"})
    at.button(key="merge.confirm").click().run()
    assert f"Contact #{b} was changed by {ADMIN[0]} since you opened the merge" in shown(at.error[0].value)
    assert state(workspace_db, b) == ("Owner", 1)
    at.button(key="merge.confirm").click().run()
    assert state(workspace_db, a) == ("Owner", 2)


def test_the_duplicates_page_groups_then_merges_and_admins_see_the_log(app, workspace_db, pair):
    a, b = pair
    at = app(ADMIN)
    open_page(at, "duplicates").run()
    assert not at.exception
    assert at.title[0].value == "Duplicates" and "1 group of likely duplicates" in at.caption[1].value
    assert "ines@example.org" in shown(at.markdown[0].value) and "2 contacts" in at.markdown[0].value
    assert len(at.text[0].value.splitlines()) == 2  # one line per contact (real line breaks)
    at.button(key=f"duplicates.open.0.{a}").click().run()
    assert at.multiselect(key="merge.contacts").value == [a, b]
    at.button(key="merge.confirm").click().run()
    assert not at.exception
    assert "Merged 1 contact into contact #" in shown(at.success[0].value)
    assert any("No likely duplicates" in i.value for i in at.info)
    log = at.dataframe[0].value
    assert list(log["Kept contact"]) == [f"#{a}"] and list(log["By"]) == [ADMIN[0]]
    assert "Inès" not in log.to_string() and "ines@" not in log.to_string()


def test_agents_see_groups_but_not_the_merge_log(app, pair):
    at = app(AGENT)
    open_page(at, "duplicates").run()
    assert not at.exception and not at.dataframe
    assert not [s for s in at.subheader if s.value == "Merge log"]
