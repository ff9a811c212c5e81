"""app.py: sign-in, wrong password, sign-out, and navigation by role."""

import pytest

from tests.support.navigation import open_page

from ..support.apptest import ADMIN, AGENT, sign_in


def test_signed_out_visitor_sees_only_the_sign_in_form(app):
    at = app()
    assert not at.exception
    assert at.title[0].value == "Inbox contacts"
    assert [t.label for t in at.text_input] == ["Email", "Password"]


def test_wrong_password_says_only_wrong_email_or_password(app):
    at = app(("admin@example.com", "not-the-password"))
    assert [e.value for e in at.error] == ["wrong email or password"]
    at = app(("nobody@example.com", "not-the-password"))
    assert [e.value for e in at.error] == ["wrong email or password"]


def test_admin_signs_in_and_sees_role_and_plan(app):
    at = app(ADMIN)
    assert not at.exception and not at.error
    assert at.title[0].value == "Overview"
    assert "Role: admin · Plan: team" in [c.value for c in at.sidebar.caption]
    assert "Ada Admin\nadmin@example.com" in [t.value for t in at.sidebar.text]
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Contacts", "Open conversations", "Messages"]  # (the Overview, issue 14)


def test_admin_can_reach_admin_pages_and_agent_cannot(app):
    admin = app(ADMIN)
    open_page(admin, "members").run()
    assert not admin.exception
    assert admin.title[0].value == "Members & plan"

    agent = app(AGENT)
    assert "Role: agent · Plan: team" in [c.value for c in agent.sidebar.caption]
    with pytest.raises(ValueError):  # the page is not even registered for an agent
        open_page(agent, "members")


def test_sign_out_returns_to_the_sign_in_form(app):
    at = app(AGENT)
    at.sidebar.button(key="sign_out").click().run()
    assert at.title[0].value == "Inbox contacts"
    assert [t.label for t in at.text_input] == ["Email", "Password"]


def test_sign_in_fields_can_be_reused_after_a_failure(app):
    at = app(("agent@example.com", "nope-nope"))
    sign_in(at, *AGENT)
    assert at.title[0].value == "Overview"


@pytest.mark.parametrize(
    "make_path,reason",
    [
        (lambda tmp: tmp / "missing" / "x.duckdb", "does not exist"),
        (lambda tmp: tmp, "is a folder"),
    ],
)
def test_unusable_database_is_one_clear_error(tmp_path, monkeypatch, make_path, reason):
    from streamlit.testing.v1 import AppTest

    from ..support.apptest import ROOT

    monkeypatch.setenv("INBOX_DB", str(make_path(tmp_path)))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("The database cannot be opened.")
    assert reason in at.error[0].value
