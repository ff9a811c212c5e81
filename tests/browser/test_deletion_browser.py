"""Real browser: the admin deletes a contact through the dialog and finds it in Deleted contacts; agents see
no Delete button."""

import re

from playwright.sync_api import expect

from ..support.browser import ADMIN, AGENT, open_contact, sign_in, wait_for_app

HINT = "browser ticket #4242, erasure request"


def delete_button(page):
    return page.get_by_role("button", name=re.compile(r"^(delete\s*)?Delete$"))


def test_agent_sees_no_delete_button(page):
    sign_in(page, *AGENT)
    open_contact(page)
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    expect(delete_button(page)).to_have_count(0)
    expect(page.get_by_role("link", name="Deleted contacts")).to_have_count(0)


def test_admin_deletes_a_contact_and_finds_it_in_deleted_contacts(page, demo_contact):
    sign_in(page, *ADMIN)
    open_contact(page, demo_contact["email"])
    expect(page.get_by_role("heading", name=demo_contact["first_name"])).to_be_visible()
    delete_button(page).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("This permanently deletes the contact")).to_be_visible()
    expect(dialog.get_by_text(re.compile(r"\d+ messages?"))).to_be_visible()

    dialog.get_by_role("button", name="Delete permanently").click()  # no hint yet: refused, dialog stays
    wait_for_app(page)
    expect(dialog.get_by_text("the identity hint is required")).to_be_visible()

    dialog.get_by_role("textbox", name="Identity hint").fill(HINT)
    dialog.get_by_role("combobox", name="Reason").click()
    page.get_by_role("option", name="GDPR request", exact=True).click()
    wait_for_app(page)
    dialog.get_by_role("button", name="Delete permanently").click()
    wait_for_app(page)
    expect(dialog.get_by_text(re.compile(r"deletion log entry #1\."))).to_be_visible()
    dialog.get_by_role("button", name="Done").click()
    wait_for_app(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Select a contact to open its conversations and details.")).to_be_visible()

    page.get_by_role("textbox", name="Search").fill(demo_contact["email"])  # gone from the lookup
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("No contact matches this search.")).to_be_visible()

    page.get_by_role("link", name="Deleted contacts").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Deleted contacts")).to_be_visible()
    page.get_by_role("textbox", name="Text in hint or name").fill("ticket #4242")
    page.keyboard.press("Enter")
    wait_for_app(page)
    deletions = page.locator("[data-testid=stMetric]").filter(has_text="Deletions")
    expect(deletions.locator("[data-testid=stMetricValue]")).to_have_text("1")
    expect(page.get_by_text("Showing 1 matching entry")).to_be_visible()

    page.get_by_role("tab", name="Was this identifier deleted?").click()
    page.get_by_role("textbox", name=re.compile("^Email, phone number")).fill(demo_contact["email"].upper())
    page.get_by_role("button", name="Look up").click()
    wait_for_app(page)
    expect(page.get_by_text("Deleted: 1 log entry match")).to_be_visible()

    page.get_by_role("tab", name="Log").click()
    page.get_by_role("button", name="Verify the hash chain").click()
    wait_for_app(page)
    expect(page.get_by_text("Hash chain OK: 1 entry.")).to_be_visible()
