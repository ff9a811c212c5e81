"""Real browser: the admin deletes a contact through the dialog and finds it in Deleted contacts; agents see
no Delete button."""

import re

import pytest
from playwright.sync_api import expect

from inbox import contacts, inbound
from inbox.models import Actor
from inbox.store import Store

from ..support.browser import ADMIN, AGENT, focus_grid_cell, open_contact, sign_in, wait_for_app

HINT = "browser ticket #4242, erasure request"
TWINS = "twins.example"


@pytest.fixture(scope="module")
def twins(demo_db) -> list[int]:
    """The issue's case: two contacts named Lukas Weber (written before the server holds the file)."""
    admin = Actor(ADMIN[0], "admin")
    ids = []
    with Store(demo_db) as store:
        for n in (1, 2):
            made = inbound.receive(store, "webchat", f"lukas-weber-{n}", "Hallo")
            c = contacts.get_contact(store, made["contact_id"])
            values = {"first_name": "Lukas", "last_name": "Weber", "email": f"lukas.weber{n}@{TWINS}"}
            ids.append(contacts.update_values(store, admin, c.id, c.version, values).id)
    return ids


@pytest.fixture(scope="module")
def server(twins, server):
    """The harness's server, started once the twins are stored."""
    return server


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
    expect(dialog.get_by_text("Enter an identity hint, for example")).to_be_visible()
    expect(dialog.get_by_text("Choose a reason.", exact=True)).to_be_visible()

    dialog.get_by_role("textbox", name="Identity hint").fill(HINT)
    dialog.get_by_role("combobox", name="Reason").click()
    page.get_by_role("option", name="GDPR request", exact=True).click()
    wait_for_app(page)
    dialog.get_by_role("button", name="Delete permanently").click()
    wait_for_app(page)
    expect(page.get_by_role("dialog")).to_have_count(0)  # closes on success; the page says what happened
    expect(page.locator("[data-testid=stAlert]").filter(has_text="Deletion log entry #1.")).to_be_visible()
    expect(page.locator("[data-testid=stForm]")).to_have_count(0)

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


def ticked_rows(page):
    return page.locator("[data-testid=stDataFrame] tr[aria-selected=true]")


def test_after_deleting_one_lukas_weber_the_other_is_neither_opened_nor_ticked(page, twins):
    sign_in(page, *ADMIN)
    page.get_by_role("link", name="Contacts", exact=True).click()
    wait_for_app(page)
    page.get_by_role("textbox", name="Search").fill(TWINS)
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("1–2 of 2 contacts")).to_be_visible()
    focus_grid_cell(page, 0)  # the most recently updated: the second twin
    wait_for_app(page)
    deleted, other = twins[1], twins[0]
    expect(page).to_have_url(re.compile(rf"[?&]contact={deleted}$"))
    expect(page.get_by_text(f"contact #{deleted}")).to_be_visible()
    expect(ticked_rows(page)).to_have_count(1)
    delete_button(page).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(f"contact #{deleted}")).to_be_visible()  # which of the two, said in the dialog
    dialog.get_by_role("textbox", name="Identity hint").fill("duplicate of the other Lukas Weber")
    dialog.get_by_role("combobox", name="Reason").click()
    page.get_by_role("option", name="Duplicate", exact=True).click()
    wait_for_app(page)
    dialog.get_by_role("button", name="Delete permanently").click()
    wait_for_app(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    alerts = page.locator("[data-testid=stAlert]")
    confirmation = alerts.filter(has_text=f"Deleted Lukas Weber (contact #{deleted})")
    expect(confirmation).to_contain_text(re.compile(r"Deletion log entry #\d+\."))
    page.wait_for_timeout(1000)  # a late rerun must not open anything either
    wait_for_app(page)
    expect(page).not_to_have_url(re.compile(r"contact="))
    expect(page.locator("[data-testid=stForm]")).to_have_count(0)  # no contact is open …
    expect(delete_button(page)).to_have_count(0)  # … so no Delete button in the same place
    expect(page.get_by_text(f"contact #{other}")).to_have_count(0)
    expect(page.get_by_text("1 contact", exact=True)).to_be_visible()  # the other twin is listed …
    expect(ticked_rows(page)).to_have_count(0)  # … and not ticked
