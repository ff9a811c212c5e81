"""Real browser: an agent merges two "Lukas Weber" contacts from the panel and sees one panel with both
conversations."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from inbox import contacts, inbound
from inbox.models import Actor
from inbox.store import Store

from ..support.browser import ADMIN, AGENT, open_contact, sign_in, wait_for_app

SHOTS = Path(os.environ.get("INBOX_SHOTS", "/tmp/shots-merge"))
DOMAIN = "weber.example"


@pytest.fixture(scope="module")
def webers(demo_db) -> list[int]:
    """Two records of one Lukas Weber, each with its own conversation (written before the server starts)."""
    admin = Actor(ADMIN[0], "admin")
    ids = []
    with Store(demo_db) as store:
        for n, platform, handle, text in (
            (1, "webchat", "lukas-weber-chat", "Hallo from the web chat"),
            (2, "email", f"lukas@{DOMAIN}", "Guten Tag by e-mail"),
        ):
            made = inbound.receive(store, platform, handle, text)
            c = contacts.get_contact(store, made["contact_id"])
            values = {"first_name": "Lukas", "last_name": "Weber", "email": f"lukas.weber{n}@{DOMAIN}"}
            ids.append(contacts.update_values(store, admin, c.id, c.version, values).id)
        with store.tx() as cur:  # the first record is a day older: its conversation and values (set-up SQL)
            for table, column, key in (
                ("conversations", "last_message_at", "contact_id"),
                ("contacts", "updated_at", "id"),
                ("value_history", "changed_at", "contact_id"),
            ):
                cur.execute(
                    f"UPDATE {table} SET {column} = {column} - INTERVAL '1 day' WHERE {key} = ?", [ids[0]]
                )
    return ids


@pytest.fixture(scope="module")
def server(webers, server):
    """The harness's server, started once the two contacts are stored."""
    return server


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_merge_two_contacts_and_see_one_panel_with_both_conversations(page, webers):
    kept, other = webers
    sign_in(page, *AGENT)
    open_contact(page, f"lukas.weber1@{DOMAIN}")
    expect(page.get_by_text(re.compile(f"· contact #{kept}$"))).to_be_visible()
    page.locator(f".st-key-merge-{kept} button").first.click()  # the panel's (the list has one too)
    wait_for_app(page)
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Find another contact").fill(f"lukas.weber2@{DOMAIN}")
    dialog.get_by_role("textbox", name="Find another contact").press("Enter")
    wait_for_app(page)
    dialog.get_by_role("combobox", name="Contacts to merge").click()
    page.get_by_role("option", name=re.compile(f"#{other}$")).click()
    wait_for_app(page)
    page.keyboard.press("Escape")  # close the option list, not the dialog
    wait_for_app(page)
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("1 conversation moves to it", exact=False)).to_be_visible()
    expect(dialog.get_by_role("radiogroup", name="Email")).to_be_visible()  # the two e-mails to choose from
    shot(page, "merge-dialog")
    dialog.get_by_role("button", name=re.compile(r"^(merge\s*)?Merge$")).click()
    wait_for_app(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text(re.compile(f"· contact #{kept}$"))).to_be_visible()
    expect(page.get_by_text("Hallo from the web chat")).to_be_visible()  # the conversation open before
    page.get_by_role("combobox", name="Conversation").click()
    expect(page.get_by_role("option")).to_have_count(2)  # one panel, both conversations
    page.get_by_role("option").first.click()  # the most recent: the one that came with the merged contact
    wait_for_app(page)
    expect(page.get_by_text("Guten Tag by e-mail")).to_be_visible()
    shot(page, "merged-panel")
