"""Real browser: sessions survive a refresh and a new tab, a deep link goes through sign-in and lands on its
page (never Streamlit's "page does not exist" box), sign-out and disabling end a session in every open tab,
and no page loads anything from another site (the app works offline)."""

from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from ..support.browser import ADMIN, AGENT, choose, sign_in, wait_for_app

NOT_FOUND = "does not seem to exist"
PAGES = [
    "Overview",
    "Contacts",
    "Duplicates",
    "Contact attributes",
    "Deleted contacts",
    "Data retention",
    "Access log",
    "CRM",
    "Members & plan",
    "Import contacts",
    "API tokens",
]


@pytest.fixture
def new_context(browser, server):
    """Another browser (its own cookies): another device."""
    made = []

    def make():
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        made.append(context)
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        pg.base_url = server
        return pg

    yield make
    for context in made:
        context.close()


def open_tab(page, path: str):
    """A new tab of the same browser (same cookies) at ``/path``."""
    tab = page.context.new_page()
    tab.set_default_timeout(20_000)
    tab.base_url = page.base_url
    tab.goto(f"{page.base_url}/{path}")
    wait_for_app(tab)
    return tab


def heading(page, name: str):
    return page.get_by_role("heading", name=name, exact=True)


def test_a_refresh_and_a_new_tab_keep_the_session_and_the_page(page):
    sign_in(page, *AGENT, path="contacts")
    assert urlsplit(page.url).path == "/contacts"
    expect(heading(page, "Contacts")).to_be_visible()
    page.reload()
    wait_for_app(page)
    assert urlsplit(page.url).path == "/contacts"
    expect(heading(page, "Contacts")).to_be_visible()
    expect(page.get_by_text("Role: Agent · Plan: Team")).to_be_visible()
    tab = open_tab(page, "")
    expect(heading(tab, "Overview")).to_be_visible()
    expect(tab.get_by_label("Password")).to_have_count(0)
    cookie = next(c for c in page.context.cookies() if c["name"] == "inbox_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"


def test_a_deep_link_goes_through_sign_in_and_lands_on_that_url(page, demo_contact):
    wanted = f"contacts?contact={demo_contact['id']}"
    page.goto(f"{page.base_url}/{wanted}")
    assert page.url == f"{page.base_url}/auth/sign-in?next={quote('/' + wanted, safe='')}"
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    wait_for_app(page)
    assert page.url == f"{page.base_url}/{wanted}"
    expect(heading(page, "Contacts")).to_be_visible()
    page.wait_for_timeout(1000)
    assert NOT_FOUND not in page.content() and "Page not found" not in page.content()


def test_a_wrong_password_keeps_the_form_and_where_it_goes(page):
    page.goto(f"{page.base_url}/members")
    page.get_by_label("Email").fill(ADMIN[0])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password")
    expect(page.get_by_label("Email")).to_have_value(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    wait_for_app(page)
    assert urlsplit(page.url).path == "/members"
    expect(heading(page, "Members & plan")).to_be_visible()


def test_sign_out_ends_the_session_in_the_other_tab_too(page):
    sign_in(page, *AGENT)
    other = open_tab(page, "contacts")
    expect(heading(other, "Contacts")).to_be_visible()
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    other.get_by_role("link", name="Overview").click()  # the other tab's next interaction
    wait_for_app(other)
    expect(other.get_by_text("You have been signed out (in this browser")).to_be_visible()
    expect(other.get_by_text("Role: Agent")).to_have_count(0)
    assert NOT_FOUND not in other.content()
    other.get_by_role("link", name="Sign in again").click()
    other.wait_for_load_state()
    expect(other.get_by_label("Password")).to_be_visible()
    other.reload()  # and a refresh does not bring the session back
    expect(other.get_by_label("Password")).to_be_visible()


def test_ending_all_sessions_signs_out_another_browser(page, new_context):
    sign_in(page, *AGENT)
    laptop = new_context()
    sign_in(laptop, *AGENT, path="contacts")
    page.get_by_role("button", name="End all my sessions").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_have_text("You have signed out on every device and browser.")
    laptop.reload()
    laptop.wait_for_load_state()
    expect(laptop.get_by_label("Password")).to_be_visible()
    assert "/auth/sign-in?next=%2Fcontacts" in laptop.url


def test_an_admin_disabling_a_member_ends_their_open_session(page, new_context):
    sign_in(page, *AGENT, path="contacts")
    admin = new_context()
    sign_in(admin, *ADMIN, path="members")
    choose(admin, "Member", AGENT[0])
    admin.get_by_role("button", name="Disable", exact=True).click()
    wait_for_app(admin)
    try:
        page.get_by_role("link", name="Overview").click()  # the agent's next interaction
        wait_for_app(page)
        expect(
            page.get_by_text("You have been signed out: your access to this workspace was revoked")
        ).to_be_visible()
        expect(page.get_by_text("Role: Agent")).to_have_count(0)
        page.get_by_role("link", name="Sign in again").click()
        page.wait_for_load_state()
        page.get_by_label("Email").fill(AGENT[0])
        page.get_by_label("Password").fill(AGENT[1])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        expect(page.get_by_role("alert")).to_have_text("Wrong email or password")
    finally:  # the agent may sign in again for the other tests
        choose(admin, "Member", AGENT[0])
        admin.get_by_role("button", name="Enable", exact=True).click()
        wait_for_app(admin)


def test_no_page_loads_anything_from_another_site(page):
    """Offline: every request the browser makes, on the sign-in form and on every page, goes to the app."""
    host = urlsplit(page.base_url).netloc
    elsewhere: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: urlsplit(r.url).netloc not in (host, "") and elsewhere.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    sign_in(page, *ADMIN)
    for title in PAGES:
        page.get_by_role("link", name=title, exact=True).click()
        wait_for_app(page)
        expect(heading(page, title)).to_be_visible()
        page.wait_for_timeout(500)
    page.reload()
    wait_for_app(page)
    icons = page.locator("link[rel*=icon]").evaluate_all("links => links.map(l => l.href)")
    assert icons and all(urlsplit(href).netloc == host for href in icons), icons
    assert elsewhere == [], elsewhere
    assert [u for u in failed if urlsplit(u).netloc != host] == []
