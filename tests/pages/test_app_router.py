"""router.py (the script app.py serves): the signed-out page, sessions re-read at every run, sign-out, and
navigation by role."""

from datetime import timedelta

import pytest

from inbox import sessions
from inbox.models import utcnow
from tests.support.navigation import open_page
from ui.session import TOKEN_KEY
from ui.stores import current_store
from ui.web import sign_out_token

from ..support.apptest import ADMIN, AGENT


def html(at) -> str:
    return "\n".join(e.proto.body for e in at.get("html"))


def test_a_visitor_without_a_session_sees_only_a_link_to_the_sign_in_form(app):
    at = app()
    assert not at.exception
    assert at.title[0].value == "Inbox contacts"
    assert not at.text_input and not at.sidebar.button
    assert [w.value for w in at.warning] == ["Please sign in."]
    assert '<a href="/auth/sign-in?next=%2F" target="_self">Sign in again</a>' in html(at)


def test_wrong_credentials_sign_nobody_in(app):
    for credentials in [("admin@example.com", "not-the-password"), ("nobody@example.com", "x")]:
        at = app(credentials)
        assert TOKEN_KEY not in at.session_state and at.title[0].value == "Inbox contacts"


def test_admin_signs_in_and_sees_role_and_plan(app):
    at = app(ADMIN)
    assert not at.exception and not at.error
    assert at.title[0].value == "Overview"
    assert "Role: Admin · Plan: Team" in [c.value for c in at.sidebar.caption]
    assert "Ada Admin\nadmin@example.com" in [t.value for t in at.sidebar.text]
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Contacts", "Open conversations", "Messages"]  # (the Overview, issue 14)


def test_admin_can_reach_admin_pages_and_agent_cannot(app):
    admin = app(ADMIN)
    open_page(admin, "members").run()
    assert not admin.exception
    assert admin.title[0].value == "Members & plan"

    agent = app(AGENT)
    assert "Role: Agent · Plan: Team" in [c.value for c in agent.sidebar.caption]
    # Not listed for an agent; its address opens a page that only says who may see it.
    open_page(agent, "members").run()
    assert not agent.exception
    assert [e.value for e in agent.error] == ["Only admins can see the members and the plan."]
    assert not agent.title and not agent.text_input


def test_the_sidebar_signs_out_through_the_sign_out_route_with_its_csrf_token(app):
    at = app(AGENT)
    form = html(at)
    assert '<form method="post" action="/auth/sign-out"' in form
    assert f'name="csrf" value="{sign_out_token(at.session_state[TOKEN_KEY])}"' in form
    assert 'name="everywhere" value="1"' in form and ">End all my sessions</button>" in form


def expire(store, token):
    """An admin shortens sessions to 1 hour of inactivity; this one was last seen 2 hours ago."""
    sessions.set_limits(store, store.accounts.user_by_email(ADMIN[0]).actor, 1, 1)
    store.sessions.touch_session(1, utcnow() - timedelta(hours=2))


@pytest.mark.parametrize(
    "end, says",
    [
        (sessions.end, "You have been signed out (in this browser"),
        (expire, "You have been signed out: your session expired."),
    ],
    ids=["signed out in another tab", "expired"],
)
def test_a_session_ended_meanwhile_signs_the_tab_out_on_the_same_page(app, end, says):
    at = app(AGENT)
    open_page(at, "contacts").run()
    at.query_params["contact"] = "12"
    end(current_store(), at.session_state[TOKEN_KEY])
    at.run()
    assert not at.exception and at.title[0].value == "Inbox contacts" and not at.sidebar.text
    assert at.warning[0].value.startswith(says)
    assert 'href="/auth/sign-in?next=%2Fcontacts%3Fcontact%3D12"' in html(at)


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
    at = AppTest.from_file(str(ROOT / "router.py"), default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("The database cannot be opened.")
    assert reason in at.error[0].value


def test_streamlit_reads_our_config_and_skips_the_full_collection_after_each_run(monkeypatch):
    """Streamlit's default runs gc.collect(2) after every script run: ~0.2 s of CPU with this app's modules
    loaded, added to every click (measured in Chromium: opening the contacts page took 5.0 s, now 1.2 s)."""
    from ..support.apptest import app_streamlit_config

    with app_streamlit_config(monkeypatch) as config:
        assert config.get_option("runner.postScriptGC") is False
