"""Real browser: an admin sets a retention rule, runs it, sees the value cleared in the panel (its History tab
says "Automatic clearing") and the run in the log."""

import datetime
import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from ..support.browser import ADMIN, choose, open_contact, sign_in, wait_for_app

SHOTS = Path("/tmp/shots-history")


@pytest.fixture(scope="module")
def demo_db(demo_db):
    """The module's demo copy, where the demo contact's conversations closed long ago (before the server)."""
    import json

    facts = json.loads(demo_db.with_suffix(".facts.json").read_text())
    with duckdb.connect(str(demo_db)) as con:  # test set-up SQL on the file, before the app holds it
        con.execute("UPDATE conversations SET status = 'open' WHERE contact_id <> ?", [facts["id"]])
        con.execute(
            "UPDATE conversations SET status = 'closed', last_message_at = ? WHERE contact_id = ?",
            [datetime.datetime(2020, 1, 1), facts["id"]],
        )
    return demo_db


def test_a_retention_rule_clears_the_value_and_logs_the_run(page, demo_contact):
    SHOTS.mkdir(exist_ok=True)
    shutil.rmtree(SHOTS / "unused", ignore_errors=True)
    sign_in(page, *ADMIN)
    page.get_by_role("link", name="Data retention").click()
    wait_for_app(page)
    choose(page, "Clear", "Job title")
    page.get_by_role("button", name="Save rule").click()
    wait_for_app(page)
    expect(page.get_by_text("Rule saved: Clear Job title values 30 days after")).to_be_visible()
    expect(page.get_by_text("1 contact due now")).to_be_visible()
    page.screenshot(path=str(SHOTS / "1-rule-and-preview.png"), full_page=True)

    page.get_by_text("I understand that cleared values").click()
    wait_for_app(page)
    page.get_by_role("button", name="Run now").click()
    wait_for_app(page)
    expect(page.get_by_text("Retention ran: 1 value of 1 contact cleared.")).to_be_visible()
    log = page.locator("[data-testid=stDataFrame]").last
    expect(log.locator("[role=gridcell]").filter(has_text="Clear Job title values")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "2-run-and-log.png"), full_page=True)

    open_contact(page, demo_contact["email"])
    expect(page.get_by_label("Job title")).to_have_value("")
    page.get_by_role("tab", name="History").click()
    wait_for_app(page)
    expect(page.get_by_text("Job title: (cleared) → (empty)")).to_be_visible()
    expect(page.get_by_text("Automatic clearing · ")).to_be_visible()
    page.screenshot(path=str(SHOTS / "3-panel-history.png"), full_page=True)
