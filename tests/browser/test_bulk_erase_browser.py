"""Real browser: bulk erasure's confirm flow — a missing hint or reason is said beside the button, Cancel
forgets the file and deletes nothing, Erase shows a toast and the result (never an error beside it)."""

import re
from pathlib import Path

from playwright.sync_api import expect

from ..support.browser import ADMIN, sign_in, wait_for_app

SHOTS = Path("/tmp/shots-pages")


def upload(page, path: Path) -> None:
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(path))
    wait_for_app(page)


def test_bulk_erasure_cancel_then_erase(page, tmp_path, demo_db):
    SHOTS.mkdir(exist_ok=True)
    import json

    facts = json.loads(demo_db.with_suffix(".facts.json").read_text())
    ids = tmp_path / "ids.txt"
    ids.write_text(f"{facts['email']}\nnobody@example.org\n")
    sign_in(page, *ADMIN)
    page.get_by_role("link", name="Deleted contacts").click()
    wait_for_app(page)
    page.get_by_role("tab", name="Bulk erasure").click()

    upload(page, ids)
    expect(page.get_by_text("2 identifiers: 1 matches 1 contact")).to_be_visible()
    page.get_by_role("button", name="Cancel").click()
    wait_for_app(page)
    expect(page.get_by_text("2 identifiers:")).to_have_count(0)  # the file and its preview are gone
    expect(page.get_by_role("button", name=re.compile("^Erase "))).to_have_count(0)

    upload(page, ids)
    erase = page.get_by_role("button", name="Erase 1 contact")
    erase.click()
    wait_for_app(page)
    expect(page.get_by_text("Type an identity hint first")).to_be_visible()
    page.get_by_role("textbox", name="Identity hint (recorded with every entry)").fill("erasure ticket 77")
    page.keyboard.press("Tab")
    wait_for_app(page)
    erase.click()
    wait_for_app(page)
    expect(page.get_by_text("Choose a reason.")).to_be_visible()
    page.get_by_role("combobox", name="Reason").click()
    page.get_by_role("option", name="GDPR request").click()
    wait_for_app(page)
    page.get_by_text("I understand that 1 contact and everything it owns").click()
    wait_for_app(page)
    erase.click()
    wait_for_app(page)
    expect(page.locator("[data-testid=stToast]")).to_contain_text("Erased 1 contact.")
    expect(page.get_by_text("Erasure done: 1 contact deleted (one log entry each).")).to_be_visible()
    expect(page.locator("[data-testid=stAlertContentError]")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "erase-done.png"))
