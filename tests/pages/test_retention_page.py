"""AppTest: Data retention — save a rule, its preview, Run now (behind the confirmation), the log."""

import datetime

import pytest

from inbox import contacts, inbound
from inbox.models import SYSTEM
from tests.support.navigation import open_page

from ..support.apptest import ADMIN, shown
from ..support.engines import store_of

PAGE = "retention"


@pytest.fixture
def closed_long_ago(workspace_db):
    with store_of(workspace_db) as store:
        cid = inbound.receive(store, "email", "old@example.org", "hello")["contact_id"]
        c = contacts.get_contact(store, cid)
        contacts.update_values(store, SYSTEM, cid, c.version, {"first_name": "Olga", "job_title": "Chef"})
        with store.tx() as cur:
            cur.execute(
                "UPDATE conversations SET status = 'closed', last_message_at = ? WHERE contact_id = ?",
                [datetime.datetime(2020, 1, 1), cid],
            )
        inbound.receive(store, "email", "new@example.org", "still talking")
    return cid


@pytest.fixture
def page(app, closed_long_ago):
    at = app(ADMIN)
    open_page(at, PAGE).run()
    assert not at.exception
    return at


def test_a_rule_is_saved_previewed_run_and_logged(page, workspace_db, closed_long_ago):
    assert page.title[0].value == "Data retention" and not page.dataframe
    page.selectbox(key="retention.target").set_value("job_title")
    page.selectbox(key="retention.basis").set_value("closed")
    page.number_input(key="retention.days").set_value(30)
    page.button[[b.label for b in page.button].index("Save rule")].click().run()
    assert not page.exception
    assert [shown(s.value) for s in page.success] == [
        "Rule saved: Clear Job title values 30 days after the contact's last conversation was closed."
    ]
    assert any("1 contact due now" in c.value for c in page.caption)
    assert page.button(key="retention.run").disabled  # not before the confirmation
    page.checkbox(key="retention.sure").check().run()
    page.button(key="retention.run").click().run()
    assert [shown(s.value) for s in page.success] == ["Retention ran: 1 value of 1 contact cleared."]
    log = page.dataframe[-1].value
    assert list(log["Values cleared"]) == [1] and list(log["Rule"]) == [
        "Clear Job title values 30 days after the contact's last conversation was closed"
    ]
    with store_of(workspace_db) as store:
        values = contacts.get_contact(store, closed_long_ago).values
    assert values["job_title"] is None and values["first_name"] == "Olga"


def test_a_bad_schedule_is_refused_and_a_good_one_saved(page):
    page.selectbox(key="retention.mode").set_value("weekly")
    page.selectbox(key="retention.hour").set_value(4)
    page.button[[b.label for b in page.button].index("Save schedule")].click().run()
    assert [shown(s.value) for s in page.success] == [
        "Schedule saved: retention runs every Sunday at 04:00 UTC."
    ]


def test_a_refused_action_is_said_next_to_it_and_changes_nothing(page, workspace_db, monkeypatch):
    from inbox import retention
    from inbox.errors import InvalidInput

    def refuse(*args, **kwargs):
        raise InvalidInput("there is no attribute 'gone' to clear")

    monkeypatch.setattr(retention, "save_rule", refuse)
    page.button[[b.label for b in page.button].index("Save rule")].click().run()
    assert not page.exception and not page.success
    assert [shown(e.value) for e in page.error] == [
        "The rule was not saved: there is no attribute 'gone' to clear"
    ]
    with store_of(workspace_db) as store:
        assert retention.rules(store) == []


def test_a_disabled_admin_running_retention_is_signed_out_and_nothing_is_cleared(
    page, workspace_db, closed_long_ago
):
    from inbox import retention, users

    with store_of(workspace_db) as store:
        retention.save_rule(store, SYSTEM, "job_title", "closed", 30)
        users.add_user(store, SYSTEM, "other.admin@example.com", role="admin", password="other-secret-1")
    page.run()
    page.checkbox(key="retention.sure").check().run()
    with store_of(workspace_db) as store:
        users.set_active(store, SYSTEM, ADMIN[0], False)  # by the other admin, meanwhile
    page.button(key="retention.run").click().run()
    assert not page.exception and not page.button and not page.success
    assert any(w.value.startswith("You have been signed out: your access") for w in page.warning)
    with store_of(workspace_db) as store:
        assert contacts.get_contact(store, closed_long_ago).values["job_title"] == "Chef"
        assert retention.runs(store) == []
