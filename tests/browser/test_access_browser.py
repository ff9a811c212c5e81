"""Real browser: an admin disabled by another admin while the Delete dialog is open cannot delete."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from ..support.browser import ADMIN, ROOT, choose, open_contact, sign_in, wait_for_app

OTHER = ("second.admin@example.com", "second-admin-password")


@pytest.fixture(scope="module")
def demo_db(demo_db):
    """The demo database plus a second admin (added before the server holds the file)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "inbox",
            "users",
            "add",
            OTHER[0],
            "--role",
            "admin",
            "--password-stdin",
            "--db",
            str(demo_db),
        ],
        input=OTHER[1] + "\n",
        text=True,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return demo_db


@pytest.fixture
def other_page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    pg.base_url = server
    yield pg
    context.close()


def test_a_disabled_admin_cannot_confirm_a_deletion_and_is_signed_out(page, other_page, demo_contact):
    sign_in(page, *ADMIN)
    open_contact(page, demo_contact["email"])
    page.get_by_role("button", name=re.compile(r"^(delete\s*)?Delete$")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("textbox", name="Identity hint").fill("ticket #5150")
    dialog.get_by_role("combobox", name="Reason").click()
    page.get_by_role("option", name="GDPR request", exact=True).click()
    wait_for_app(page)

    sign_in(other_page, *OTHER)  # meanwhile, another admin disables the first one on Members & plan
    other_page.get_by_role("link", name="Members & plan").click()
    wait_for_app(other_page)
    choose(other_page, "Member", ADMIN[0])
    other_page.get_by_role("button", name="Disable", exact=True).click()
    wait_for_app(other_page)
    # (a member's e-mail is shown as plain text: an invisible word joiner after its @ keeps it from becoming a
    # link)
    shown_email = ADMIN[0].replace("@", "@\u2060")
    expect(other_page.get_by_text(f"Disabled {shown_email}.")).to_be_visible()

    dialog.get_by_role("button", name="Delete permanently").click()
    wait_for_app(page)
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible(
        timeout=20_000
    )  # (a dialog reruns first)
    expect(
        page.get_by_text("You have been signed out: your access to this workspace was revoked")
    ).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("deletion log entry")).to_have_count(0)

    sign_in(page, *ADMIN)  # and cannot sign in again
    expect(page.get_by_text("wrong email or password")).to_be_visible()

    open_contact(other_page, demo_contact["email"])  # nothing was deleted
    expect(other_page.get_by_role("heading", name=demo_contact["first_name"])).to_be_visible()
    other_page.get_by_role("link", name="Deleted contacts").click()
    wait_for_app(other_page)
    other_page.get_by_role("button", name="Verify the hash chain").click()
    wait_for_app(other_page)
    expect(other_page.get_by_text("Hash chain OK: 0 entries")).to_be_visible()
