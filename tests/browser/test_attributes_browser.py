"""Real browser: the admin disables an attribute and moves another to the top; agents then see that."""

from playwright.sync_api import expect

from ..support.browser import ADMIN, AGENT, choose, focus_grid_cell, sign_in, wait_for_app

ENABLED_COLUMN = 4  # Order, Label, Key, Type, Enabled
JOB_TITLE_ROW = 5


def preview_labels(page) -> list[str]:
    box = page.locator("[data-testid=stMarkdownContainer]").filter(has_text="Email").last
    return [t.strip() for t in box.locator("span").all_inner_texts() if t.strip()]


def test_admin_reorders_and_disables_then_agent_panel_follows(page):
    sign_in(page, *ADMIN)
    page.get_by_role("link", name="Contact attributes").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Contact attributes")).to_be_visible()

    focus_grid_cell(page, JOB_TITLE_ROW, ENABLED_COLUMN)  # untick Job title's Enabled checkbox
    page.keyboard.press("Space")
    wait_for_app(page)
    expect(page.get_by_text("Unsaved: disabled Job title")).to_be_visible()

    choose(page, "Attribute to move or delete", "7. Language")
    page.get_by_role("button", name="Top").click()
    wait_for_app(page)
    page.get_by_role("button", name="Save").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    labels = preview_labels(page)
    assert labels[:2] == ["Language", "Email"] and "Job title" not in labels

    page.get_by_role("button", name="Sign out").click()
    wait_for_app(page)
    sign_in(page, *AGENT)
    page.get_by_role("link", name="Contacts").click()
    wait_for_app(page)
    focus_grid_cell(page, 0)  # open the first contact of the list
    wait_for_app(page)
    form = page.locator("[data-testid=stForm]")
    expect(form).to_be_visible()
    inputs = form.locator("label").all_inner_texts()
    assert inputs[:2] == ["Language", "Email"] and "Job title" not in inputs
