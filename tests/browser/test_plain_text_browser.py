"""Real browser: what senders, imports and members typed renders as plain text — no image, link or bold from
it, the literal characters visible, a right-to-left override shown as \\u202e."""

import pytest
from playwright.sync_api import expect

from ..support.browser import ADMIN, AGENT, focus_grid_cell, sign_in, wait_for_app

IMAGE = "![p](https://attacker.example/x.png)"
LINK = "[text](https://attacker.example)"
URL = "https://attacker.example"
EMAIL = "someone@attacker.example"
BOLD = "**bold**"
PAYLOADS = [IMAGE, LINK, URL, EMAIL, BOLD]
HANDLE = "visitor\u202egnp.exe"  # a right-to-left override: "visitorexe.png" on screen if not escaped
LABEL = "![i](https://attacker.example/l.png) **Tier**"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A workspace holding one hostile contact (overrides conftest's demo database: small and fast)."""
    from inbox import attributes as attrs
    from inbox import contacts, inbound, users
    from inbox.models import SYSTEM, Actor
    from inbox.store import Store

    db = tmp_path_factory.mktemp("plain") / "inbox.duckdb"
    with Store(db) as store:
        users.add_user(store, SYSTEM, ADMIN[0], role="admin", password=ADMIN[1], display_name="Ada Admin")
        users.add_user(
            store, SYSTEM, AGENT[0], role="agent", password=AGENT[1], display_name=f"{BOLD} {IMAGE}"
        )
        admin = Actor(ADMIN[0], "admin")
        version, layout = attrs.load_layout(store)
        layout = attrs.new_attribute(
            layout, label=LABEL, key="tier", type="list", options=[f"{BOLD} gold", f"{LINK} silver"]
        )
        attrs.save_layout(store, admin, layout, base_version=version)
        made = inbound.receive(
            store,
            "webchat",
            HANDLE,
            "\n".join(["Hello zebracorn"] + PAYLOADS),
            attachments=[
                ("![p](https:attacker.example) x.png", b"x"),
                ("[text](https:attacker.example) invoice.pdf", b"y"),
            ],
        )
        contact = contacts.get_contact(store, made["contact_id"])
        contacts.update_values(
            store,
            admin,
            contact.id,
            contact.version,
            {
                "first_name": f"{BOLD} {IMAGE}",
                "last_name": f"{LINK} {EMAIL}",
                "job_title": f"{URL} {BOLD}",
                "tier": f"{BOLD} gold",
            },
        )
    return db


def attacker_elements(page) -> dict:
    return page.evaluate("""() => ({
        img: [...document.querySelectorAll('img')].map(e => e.src).filter(s => s.includes('attacker')),
        a: [...document.querySelectorAll('a')].map(e => e.href).filter(s => s.includes('attacker')),
        strong: [...document.querySelectorAll('strong, b, em, i')].map(e => e.textContent.trim())
                    .filter(t => t.includes('bold') || t.includes('Tier')),
        other: [...document.querySelectorAll('[src*=attacker], [href*=attacker], [srcset*=attacker]')].length,
    })""")


def shown_text(page) -> str:
    """The page's visible text without the invisible word joiners that keep autolinks from forming."""
    return page.locator("[data-testid=stMain]").inner_text().replace("\u2060", "")


def test_a_hostile_contact_renders_as_plain_text_everywhere_on_its_page(page):
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "attacker" in r.url else None)
    sign_in(page, *AGENT)
    welcome = shown_text(page)
    assert f"Welcome, {BOLD} {IMAGE}." in welcome  # the member's display name, on the Overview
    assert attacker_elements(page) == {"img": [], "a": [], "strong": [], "other": 0}

    page.get_by_role("link", name="Contacts", exact=True).click()
    wait_for_app(page)
    page.get_by_role("textbox", name="Search").fill("visitor")
    page.keyboard.press("Enter")
    wait_for_app(page)
    focus_grid_cell(page, 0)
    wait_for_app(page)
    expect(page.locator("[data-testid=stForm]")).to_be_visible()
    page.get_by_text("Filters", exact=True).click()  # the list attribute's filter: its label and options
    wait_for_app(page)

    text = shown_text(page)
    for payload in PAYLOADS:
        assert payload in text, payload
    assert f"{BOLD} {IMAGE} {LINK} {EMAIL}" in text  # the name, as the heading
    assert "visitor\\u202egnp.exe" in text and "\u202e" not in text  # the override shown, not obeyed
    assert "![p](https:attacker.example) x.png (1 byte)" in text  # attachment file names (plural-aware sizes)
    assert "[text](https:attacker.example) invoice.pdf (1 byte)" in text
    assert "Hello zebracorn\n" + "\n".join(PAYLOADS) in text  # the message body, line by line
    assert text.count(LABEL) >= 2  # the attribute label, in the form and in the filters
    assert attacker_elements(page) == {"img": [], "a": [], "strong": [], "other": 0}
    assert requests == []  # the browser never asked the attacker's host for anything
