"""AppTest: Admin settings › Members & plan — the plan switch asks first and spells out its consequences;
*Add a member* keeps its fields on an error and clears them once added; human wording in the table."""

import pytest

from inbox import attributes as attrs
from inbox import crm, users, workspace
from inbox.models import SYSTEM
from tests.support.navigation import open_page

from ..support.apptest import ADMIN, shown
from ..support.engines import store_of


@pytest.fixture
def page(app):
    at = app(ADMIN)
    open_page(at, "members").run()
    assert not at.exception
    return at


def plan(db) -> str:
    with store_of(db) as store:
        return workspace.get_plan(store)


def text(at) -> str:
    return "\n".join(shown(m.value) for m in at.markdown)


def test_a_plan_switch_asks_first_and_cancel_changes_nothing(page, workspace_db):
    assert not page.radio  # no radio that switches on a click
    assert "This workspace is on the **Team** plan." in page.markdown[0].value
    page.button(key="members.plan.switch").click().run()
    assert page.button(key="members.plan.confirm").label == "Switch to Enterprise"
    assert "No attribute is managed by the CRM yet: choose them on the CRM page." in text(page)
    assert plan(workspace_db) == "team"  # opening the dialog changed nothing
    page.button(key="members.plan.cancel").click().run()
    assert plan(workspace_db) == "team" and not page.toast
    assert not [b for b in page.button if b.key == "members.plan.confirm"]  # closed


def test_confirming_switches_the_plan_and_says_so(page, workspace_db):
    page.button(key="members.plan.switch").click().run()
    page.button(key="members.plan.confirm").click().run()
    assert plan(workspace_db) == "enterprise"
    assert [shown(t.value) for t in page.toast] == ["Plan changed to Enterprise."]
    assert not [b for b in page.button if b.key == "members.plan.confirm"]  # the dialog closed
    assert page.button(key="members.plan.switch").label == "Switch to Team…"
    assert "This workspace is on the **Enterprise** plan." in page.markdown[0].value


def test_back_to_team_names_the_crm_managed_attributes_and_what_becomes_of_them(page, workspace_db):
    with store_of(workspace_db) as store:
        workspace.set_plan(store, SYSTEM, "enterprise")
        crm.set_managed(store, SYSTEM, ["job_title", "account_id"])
    page.run()
    page.button(key="members.plan.switch").click().run()
    said = text(page)
    assert "No request is sent to the CRM any more" in said
    assert (
        "Account ID and Job title are no longer managed by the CRM: agents and imports can edit them, "
        "and the current values are kept." in said
    )
    page.button(key="members.plan.confirm").click().run()
    with store_of(workspace_db) as store:
        assert workspace.get_plan(store) == "team"
        assert not [a for a in attrs.all_attributes(store) if a.crm_managed]  # editable on Team
        assert attrs.crm_marked(store) == ["Account ID", "Job title"]  # the marks are kept
        workspace.set_plan(store, SYSTEM, "enterprise")
        assert [a.key for a in attrs.all_attributes(store) if a.crm_managed] == ["account_id", "job_title"]


def add(at, email, name, role, password):
    at.text_input(key="members.add.email").input(email)
    at.text_input(key="members.add.name").input(name)
    at.selectbox(key="members.add.role").set_value(role)
    at.text_input(key="members.add.password").input(password)
    return at.button(key="FormSubmitter:members.add-Add member").click().run()


def form_values(at) -> tuple:
    return (
        at.text_input(key="members.add.email").value,
        at.text_input(key="members.add.name").value,
        at.selectbox(key="members.add.role").value,
        at.text_input(key="members.add.password").value,
    )


def test_add_member_keeps_every_field_on_an_error_and_clears_them_once_added(page, workspace_db):
    add(page, "nina@example.com", "Nina", "admin", "short")
    assert [shown(e.value) for e in page.error] == [
        f"The password must have at least {users.MIN_PASSWORD_LENGTH} characters."
    ]
    assert form_values(page) == ("nina@example.com", "Nina", "admin", "short")  # nothing wiped
    page.text_input(key="members.add.password").input("a-long-enough-password")
    page.button(key="FormSubmitter:members.add-Add member").click().run()
    assert [shown(s.value) for s in page.success] == ["Added nina@example.com as admin."]
    assert form_values(page) == ("", "", "agent", "")  # ready for the next one
    with store_of(workspace_db) as store:
        assert users.current_user(store, "nina@example.com").role == "admin"


def test_the_member_table_speaks_words(page):
    table = page.dataframe[0].value.set_index("Email")
    assert table.loc[ADMIN[0], "Role"] == "Admin" and table.loc[ADMIN[0], "Status"] == "Active"
    assert table.loc["agent@example.com", "Last sign-in"] == ""  # blank, not "None"
    assert table.loc[ADMIN[0], "Last sign-in"].endswith(" UTC")
    assert page.selectbox(key="members.add.role").format_func("admin") == "Admin"


def test_a_plan_already_switched_meanwhile_gives_one_calm_message(page, workspace_db):
    page.button(key="members.plan.switch").click().run()
    with store_of(workspace_db) as store:  # another admin switches first
        workspace.set_plan(store, SYSTEM, "enterprise")
    page.button(key="members.plan.confirm").click().run()
    assert [shown(t.value) for t in page.toast] == ["The workspace is already on Enterprise."]
    assert not page.error and not page.success and plan(workspace_db) == "enterprise"
