"""Real browser and server: a member opens API tokens from the sidebar, creates one (shown once, with a copy
button), sees it listed by its last 4 characters and revokes it; an admin sees it on Members & plan. The
operations routes answer on the same server without a session."""

import os
import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

from ..support.browser import ADMIN, AGENT, choose, open_options, sign_in, wait_for_app

SHOTS = Path(os.environ.get("INBOX_SHOTS", "/tmp/shots-tokens"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_member_creates_sees_once_and_revokes_a_token(page, browser):
    sign_in(page, *AGENT)
    page.get_by_role("link", name="API tokens").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(page.get_by_text("You have no API token yet.")).to_be_visible()
    page.get_by_label("Name").fill("nightly *export*")
    page.get_by_role("button", name="Create token").click()
    wait_for_app(page)
    expect(page.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    secret = page.locator("[data-testid=stCode] code").inner_text().strip()
    assert re.fullmatch(r"inbox_pat_[A-Za-z0-9_-]{43}", secret), secret
    expect(page.get_by_text('Token "nightly *export*" created.', exact=False)).to_be_visible()  # as typed
    shot(page, "token-created")

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(page.locator("[data-testid=stCode]")).to_have_count(0)  # never shown again
    assert secret not in page.content()
    expect(page.locator("[data-testid=stDataFrame]")).to_be_visible()
    shot(page, "token-listed")

    admin = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    admin.base_url = page.base_url
    sign_in(admin, *ADMIN)
    admin.get_by_role("link", name="Members & plan").click()
    wait_for_app(admin)
    expect(admin.get_by_text("Refused tokens in the last 24 hours: 0 attempts.")).to_be_visible()
    # the agent's token is listed (open_options fails if it never shows)
    open_options(admin, "Token to revoke", f"{AGENT[0]} · nightly *export* (…{secret[-4:]})")
    admin.keyboard.press("Escape")
    wait_for_app(admin)
    shot(admin, "members-tokens")
    admin.context.close()

    choose(page, "Token to revoke", f"nightly *export* (…{secret[-4:]})")
    page.get_by_role("button", name="Revoke").click()
    wait_for_app(page)
    expect(page.get_by_text("anything using it is refused from now on", exact=False)).to_be_visible()
    expect(page.get_by_role("combobox", name="Token to revoke")).to_have_count(0)
    shot(page, "token-revoked")


def test_operations_routes_answer_without_a_session(server):
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{server}/readyz").json() == {"status": "ok"}
    text = httpx.get(f"{server}/metrics").text
    assert "inbox_database_up 1.0" in text and "inbox_contacts 300.0" in text
    assert 'inbox_http_requests_total{method="GET",route="/readyz",status="200"} 1.0' in text
