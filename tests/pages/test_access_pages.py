"""AppTest: a member disabled meanwhile is signed out at its next action; sign-in waits; Members page."""

from datetime import timedelta

import pytest

from inbox import attributes as attrs
from inbox import inbound, sign_in, users
from inbox.models import SYSTEM, utcnow
from tests.support.navigation import open_page
from ui.session import TOKEN_KEY

from ..support.apptest import ADMIN, AGENT, shown
from ..support.engines import store_of

OTHER = ("other.admin@example.com", "other-secret-1")


@pytest.fixture
def second_admin(workspace_db):
    with store_of(workspace_db) as store:
        users.add_user(store, SYSTEM, OTHER[0], role="admin", password=OTHER[1])


def disable(db, email):
    with store_of(db) as store:
        users.set_active(store, SYSTEM, email, False)


def failures(db, email, n, client="203.0.113.50", at=None):
    with store_of(db) as store:
        for _ in range(n):
            store.sign_ins.record_sign_in(at or utcnow(), email, client, "failure")


def signed_out(at) -> bool:
    """The signed-out page: why, a link to sign in again, nothing of the app (no page, no sidebar)."""
    return (
        not at.exception
        and [t.value for t in at.title] == ["Inbox contacts"]
        and not at.button
        and not at.sidebar.text
        and any(w.value.startswith("You have been signed out: your access") for w in at.warning)
    )


def test_a_disabled_admin_saving_the_layout_is_signed_out_and_nothing_saved(app, workspace_db, second_admin):
    at = app(ADMIN)
    open_page(at, "attributes").run()
    with store_of(workspace_db) as store:
        version = attrs.load_layout(store)[0]
    disable(workspace_db, ADMIN[0])  # another admin, on Members & plan
    at.button(key="attrs.save").click().run()
    assert signed_out(at)
    with store_of(workspace_db) as store:
        assert attrs.load_layout(store)[0] == version


def test_a_disabled_admin_confirming_a_deletion_is_signed_out_and_nothing_is_deleted(
    app, workspace_db, second_admin
):
    with store_of(workspace_db) as store:
        cid = inbound.receive(store, "whatsapp", "+33677777777", "Bonjour")["contact_id"]
    at = app(ADMIN)
    open_page(at, "contacts").run()
    at.session_state["contacts.open"] = cid
    at.run()
    at.button(key=f"delete.{cid}").click().run()
    at.text_input(key=f"delete.hint.{cid}").input("ticket #88")
    at.selectbox(key=f"delete.reason.{cid}").select("gdpr_request")
    at.run()
    disable(workspace_db, ADMIN[0])
    at.button(key="delete.confirm").click().run()
    assert signed_out(at)
    with store_of(workspace_db) as store:
        assert store.contacts.contact_row(cid) is not None
        assert store._scalar("SELECT count(*) FROM deletion_log") == 0


def test_any_rerun_of_a_disabled_member_signs_out(app, workspace_db):
    at = app(AGENT)
    disable(workspace_db, AGENT[0])
    at.run()
    assert signed_out(at)


@pytest.mark.parametrize("email", [ADMIN[0], "nobody@example.com"])
def test_the_sign_in_page_says_how_long_to_wait(workspace_db, email):
    import re

    from starlette.applications import Starlette

    from ui import web

    from ..support.asgi import Client

    failures(workspace_db, email, sign_in.ACCOUNT_FREE, client="198.51.100.3")
    client = Client(Starlette(routes=web.routes()))
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/auth/sign-in").text).group(1)
    page = client.post("/auth/sign-in", data={"csrf": csrf, "email": email, "password": ADMIN[1]})
    assert web.COOKIE not in page.cookies  # not signed in, even with the right password
    [error] = re.findall(r'<p class="error" role="alert">([^<]*)</p>', page.text)
    assert error.startswith("Too many failed sign-ins: wait ") and error.endswith(
        "seconds before trying again."
    )


def test_the_members_page_shows_sign_ins_and_unlocks(app, workspace_db):
    failures(workspace_db, AGENT[0], sign_in.LOCK_AFTER)
    at = app(ADMIN)
    open_page(at, "members").run()
    table = at.dataframe[0].value.set_index("Email")
    assert table.loc[AGENT[0], "Failed sign-ins (24 h)"] == sign_in.LOCK_AFTER
    assert table.loc[AGENT[0], "Sign-in"].startswith("Locked until ")
    assert table.loc[ADMIN[0], "Sign-in"] == "OK" and table.loc[ADMIN[0], "Last sign-in"] is not None
    assert at.selectbox(key="members.unlock.email").value == AGENT[0]
    at.button(key="members.unlock.go").click().run()
    assert any(f"Unlocked {AGENT[0]}" in shown(s.value) for s in at.success)
    assert at.dataframe[0].value.set_index("Email").loc[AGENT[0], "Sign-in"] == "OK"
    assert TOKEN_KEY in app(AGENT).session_state  # can sign in again


def test_old_failures_do_not_count(app, workspace_db):
    failures(workspace_db, ADMIN[0], sign_in.LOCK_AFTER, at=utcnow() - timedelta(days=2))
    assert TOKEN_KEY in app(ADMIN).session_state
