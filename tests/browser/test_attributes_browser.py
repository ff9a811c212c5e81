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


def grid_rows(page) -> list[list[str]]:
    """The layout grid's data rows, cell texts (Order, Label, Key, …), read from its accessible table."""
    rows = page.locator("[data-testid=stDataFrame]").first.locator("[role=row]")
    expect(rows.nth(1).locator("[role=gridcell]").first).to_be_attached(timeout=20_000)  # drawn
    return [r.locator("[role=gridcell]").all_inner_texts() for r in rows.all()][1:]  # after the header


def grid_labels(page) -> list[str]:
    return [cells[1] for cells in grid_rows(page)]


def open_attributes(page) -> None:
    sign_in(page, *ADMIN)
    page.get_by_role("link", name="Contact attributes").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Contact attributes")).to_be_visible()


def test_add_shows_its_outcome_beside_the_form_and_delete_dialog_closes(page):
    open_attributes(page)
    page.get_by_text("Add a custom attribute").click()
    form = page.locator("[data-testid=stExpander]").filter(has_text="Add a custom attribute")
    label = form.get_by_role("textbox", name="Label")
    label.fill("Email")  # its key would be email: taken
    form.get_by_role("button", name="Add attribute").click()
    wait_for_app(page)
    expect(form.locator("[data-testid=stAlert]")).to_have_text(
        ["The key email is already used by Email: choose another key."]
    )  # one message, beside the form, which stays open with the input kept
    expect(label).to_have_value("Email")

    label.fill("Loyalty tier")
    choose(page, "Type", "List")
    form.get_by_role("textbox", name="Options (list type)").fill("gold, silver")
    form.get_by_role("button", name="Add attribute").click()
    wait_for_app(page)
    expect(form.locator("[data-testid=stAlert]")).to_have_text(
        ["Added Loyalty tier (loyalty_tier) at the end: press Save to keep it."]
    )
    expect(label).to_have_value("")  # cleared for the next one
    expect(form.get_by_role("textbox", name="Options (list type)")).to_have_value("")
    page.get_by_role("button", name="Save", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Saved as version")).to_be_visible()
    assert grid_labels(page)[-1] == "Loyalty tier"

    choose(page, "Attribute to move or delete", f"{len(grid_labels(page))}. Loyalty tier")
    page.get_by_role("button", name="Delete…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete the custom attribute Loyalty tier (loyalty_tier)?")
    dialog.get_by_role("button", name="Cancel").click()
    wait_for_app(page)
    expect(dialog).to_have_count(0)  # closed, nothing deleted
    assert "Loyalty tier" in grid_labels(page)

    page.get_by_role("button", name="Delete…").click()
    dialog.get_by_role("button", name="Delete attribute").click()
    wait_for_app(page)
    expect(dialog).to_have_count(0)
    expect(page.locator("[data-testid=stToast]")).to_contain_text("Loyalty tier removed: press Save")
    expect(page.get_by_text("Unsaved: deleted attribute Loyalty tier (loyalty_tier)")).to_be_visible()
    assert "Loyalty tier" not in grid_labels(page)
    page.get_by_role("button", name="Save", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Saved as version")).to_be_visible()
    assert "Loyalty tier" not in grid_labels(page) and "Loyalty tier" not in preview_labels(page)


def test_typing_an_order_puts_the_attribute_there_and_re_sorts_the_grid(page):
    open_attributes(page)
    before = grid_labels(page)
    row = before.index("Phone")
    assert row != 1
    page.locator("[data-testid=stDataFrame]").first.scroll_into_view_if_needed()
    focus_grid_cell(page, row, 0)  # the Order cell of Phone
    page.keyboard.press("Enter")  # open its editor
    editor = page.locator("input.gdg-input")  # the cell editor overlay
    expect(editor).to_be_visible()
    editor.fill("2")
    editor.press("Enter")
    wait_for_app(page)
    expected = [lbl for lbl in before if lbl != "Phone"]
    expected.insert(1, "Phone")
    expect(page.get_by_text(f"Unsaved: moved Phone from {row + 1} to 2")).to_be_visible()
    assert grid_labels(page) == expected  # re-sorted: Phone second
    assert [cells[0] for cells in grid_rows(page)] == [str(n) for n in range(1, len(before) + 1)]
    assert preview_labels(page)[:2] == expected[:2]  # the agent panel preview follows
    page.get_by_role("button", name="Save", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Saved as version")).to_be_visible()
    assert grid_labels(page) == expected
