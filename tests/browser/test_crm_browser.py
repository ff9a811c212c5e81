"""Real browser: the admin switches to Enterprise and configures the CRM; an agent presses Refresh from CRM
and sees the filled, read-only attributes. The CRM is a real HTTP server in the test process on 127.0.0.1."""

import pytest
from playwright.sync_api import expect

from ..support.browser import ADMIN, AGENT, open_contact, sign_in, wait_for_app
from ..support.crm_server import SECRET, FakeCrm


@pytest.fixture(scope="module")
def fake_crm():
    with FakeCrm() as server:
        yield server


def go(page, link: str) -> None:
    page.get_by_role("link", name=link).click()
    wait_for_app(page)


def test_admin_configures_the_crm_and_an_agent_refreshes_a_contact(page, demo_contact, fake_crm):
    email = demo_contact["email"]
    fake_crm.records[email] = {"title": "Chief Happiness Officer", "account": "ACC-2024-42"}
    fake_crm.records["__test__"] = {"title": "Test", "account": "T-1"}

    sign_in(page, *ADMIN)
    go(page, "Members & plan")
    page.get_by_role("button", name="Switch to Enterprise…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("No attribute is managed by the CRM yet")  # the consequences, first
    dialog.get_by_role("button", name="Switch to Enterprise").click()
    wait_for_app(page)
    expect(dialog).to_have_count(0)
    expect(page.locator("[data-testid=stToast]")).to_contain_text("Plan changed to Enterprise.")
    expect(page.get_by_text("This workspace is on the Enterprise plan.")).to_be_visible()

    go(page, "CRM")
    page.get_by_role("textbox", name="Lookup URL").fill(fake_crm.url)
    page.get_by_role("textbox", name="Shared secret").fill(SECRET)
    page.get_by_role("textbox", name="Alias map").fill("title = job_title\naccount = account_id")
    page.get_by_role("button", name="Save", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("CRM settings saved.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Shared secret")).to_have_value(
        ""
    )  # write-only: never shown again
    expect(page.get_by_text("A secret is set (since")).to_be_visible()

    managed = page.get_by_role("combobox", name="Managed by the CRM")
    for option in ("Job title (job_title)", "Account ID (account_id)"):
        managed.click()
        managed.press_sequentially(option.split(" (")[1].rstrip(")"))
        page.get_by_role("option", name=option, exact=True).click()
        wait_for_app(page)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save managed attributes").click()
    wait_for_app(page)
    expect(page.get_by_text("Managed attributes saved as layout version")).to_be_visible()

    page.get_by_role("button", name="Test connection").click()
    wait_for_app(page)
    expect(page.get_by_text("Connected in")).to_be_visible()
    assert SECRET not in page.content()

    page.get_by_role("button", name="Sign out").click()
    wait_for_app(page)
    sign_in(page, *AGENT)
    open_contact(page, email)
    expect(page.get_by_text("Never looked up in the CRM.")).to_be_visible()

    page.get_by_role("button", name="Refresh from CRM").click()
    wait_for_app(page)
    expect(page.get_by_text("Last CRM lookup")).to_be_visible()
    expect(page.get_by_text("Looked up in the CRM: 2 attributes updated.")).to_be_visible()  # the toast
    form = page.locator("[data-testid=stForm]")
    job_title = form.get_by_role("textbox", name="Job title · CRM")
    expect(job_title).to_have_value("Chief Happiness Officer")
    expect(job_title).to_be_disabled()
    account = form.get_by_role("textbox", name="Account ID · CRM")
    expect(account).to_have_value("ACC-2024-42")
    expect(account).to_be_disabled()
    lookups = [r for r in fake_crm.requests if not r["payload"].get("test")]
    assert len(lookups) == 1 and lookups[0]["signature_ok"]
    assert lookups[0]["payload"]["lookup"] == {"key": "email", "value": email}
