"""Real browser: the Undo import dialog — Cancel closes it without undoing; Undo import closes it, shows a
toast and the history shows the import as undone (a second click cannot happen: the dialog is gone)."""

from pathlib import Path

from playwright.sync_api import expect

from ..support.browser import ADMIN, sign_in, wait_for_app

SHOTS = Path("/tmp/shots-pages")


def history_cell(page, text: str):
    """A cell of the Recent imports grid (its accessible table) holding exactly ``text``."""
    grid = page.locator("[data-testid=stDataFrame]").last
    return grid.locator("[role=gridcell]").filter(has_text=text)


def pick_last_import(page) -> str:
    """Open the picker and take its first option (a click landing while the app re-renders may leave the
    list closed: then press Escape and open it again, three tries — as ``choose`` does)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name="Import to undo")
    option = page.get_by_role("option").first
    for attempt in range(3):
        wait_for_app(page)
        box.click()
        try:
            option.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    text = option.inner_text()
    option.click()
    wait_for_app(page)
    return text


def test_undo_import_dialog_cancels_then_undoes_and_closes(page, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    csv = tmp_path / "undo-me.csv"
    csv.write_text("Email,First name\nundo.one@example.com,Una\nundo.two@example.com,Dos\n")
    sign_in(page, *ADMIN)
    page.get_by_role("link", name="Import contacts").click()
    wait_for_app(page)
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(csv))
    wait_for_app(page)
    page.get_by_role("button", name="Import", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Imported as batch #")).to_be_visible()
    batch = page.get_by_text("Imported as batch #").inner_text().split("#")[1].split()[0]

    # Cancel: the dialog closes, nothing is undone
    assert pick_last_import(page).startswith(f"#{batch} — undo-me.csv")
    page.get_by_role("button", name="Undo…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text(f"Undo import #{batch} of undo-me.csv?")).to_be_visible()
    expect(dialog.get_by_text("The 2 contacts it created are deleted.")).to_be_visible()
    page.screenshot(path=str(SHOTS / "undo-dialog.png"))
    dialog.get_by_role("button", name="Cancel").click()
    wait_for_app(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("[data-testid=stToast]")).to_have_count(0)
    expect(page.get_by_text("Imported as batch #")).to_be_visible()  # still imported

    # Undo import: the dialog closes, a toast says what was done, the history shows it undone
    page.get_by_role("button", name="Undo…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Undo import").click()
    wait_for_app(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    toast = page.locator("[data-testid=stToast]")
    expect(toast).to_contain_text(f"Import #{batch} undone: 2 contacts removed, 0 restored.")
    page.screenshot(path=str(SHOTS / "undo-done.png"))
    expect(page.locator("[data-testid=stAlertContentError]")).to_have_count(0)
    expect(page.get_by_text("Imported as batch #")).to_have_count(0)  # the stale result is gone
    expect(page.get_by_text("No import left to undo.")).to_be_visible()
    expect(history_cell(page, "Undone").first).to_be_attached()  # the grid re-renders after the rerun
