"""Real browser: an agent looks up a contact, edits the job title, and an invalid email is refused; each
contact has a URL (?contact=<id>) that opens it, and Back/Forward move between contacts."""

import re

from playwright.sync_api import expect

from ..support.browser import AGENT, focus_grid_cell, open_contact, sign_in, wait_for_app


def test_agent_edits_job_title_and_invalid_email_is_refused(demo_contact, page):
    email = demo_contact["email"]
    sign_in(page, *AGENT)
    open_contact(page, email)

    form = page.locator("[data-testid=stForm]")
    form.get_by_role("textbox", name="Job title").fill("Head of Customer Love")
    form.get_by_role("button", name="Save").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(form.get_by_role("textbox", name="Job title")).to_have_value("Head of Customer Love")

    form.get_by_role("textbox", name="Email").fill("not-an-email")
    form.get_by_role("textbox", name="Job title").fill("Should not be saved")
    form.get_by_role("button", name="Save").click()
    wait_for_app(page)
    expect(page.get_by_text("Email: not a valid email address")).to_be_visible()

    page.reload()  # a fresh session shows what is stored
    wait_for_app(page)
    sign_in(page, *AGENT)
    open_contact(page, email)
    expect(form.get_by_role("textbox", name="Job title")).to_have_value("Head of Customer Love")
    expect(form.get_by_role("textbox", name="Email")).to_have_value(email)


def heading(page):
    return page.locator("[data-testid=stHeading] h3")


def test_each_contact_has_a_url_and_back_and_forward_move_between_contacts(page):
    sign_in(page, *AGENT)
    page.get_by_role("link", name="Contacts", exact=True).click()
    wait_for_app(page)
    focus_grid_cell(page, 0)
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/contacts\?contact=\d+$"))
    first_url, first_name = page.url, heading(page).inner_text()
    focus_grid_cell(page, 3)  # another contact, in the list beside the open one
    wait_for_app(page)
    expect(page).not_to_have_url(first_url)
    expect(page).to_have_url(re.compile(r"/contacts\?contact=\d+$"))
    second_url, second_name = page.url, heading(page).inner_text()
    assert second_name != first_name or second_url != first_url
    expect(page.get_by_text(f"contact #{second_url.rsplit('=', 1)[1]}")).to_be_visible()

    page.go_back()  # the browser's Back: the contact before
    wait_for_app(page)
    expect(page).to_have_url(first_url)
    expect(page.get_by_text(f"contact #{first_url.rsplit('=', 1)[1]}")).to_be_visible()
    expect(heading(page)).to_have_text(first_name)
    expect(page.locator("[data-testid=stDataFrame] tr[aria-selected=true]")).to_have_count(1)
    page.go_forward()
    wait_for_app(page)
    expect(page).to_have_url(second_url)
    expect(heading(page)).to_have_text(second_name)

    page.get_by_role("button", name="All contacts").click()  # closing is a step of the history too
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/contacts$"))
    expect(page.locator("[data-testid=stForm]")).to_have_count(0)
    page.go_back()
    wait_for_app(page)
    expect(page).to_have_url(second_url)
    expect(heading(page)).to_have_text(second_name)


def test_a_contact_url_opened_directly_opens_that_contact(page, demo_contact):
    sign_in(page, *AGENT)
    url = f"{page.base_url}/contacts?contact={demo_contact['id']}"
    page.goto(url)  # typed, bookmarked or shared: a new page load
    wait_for_app(page)
    expect(page.get_by_role("textbox", name="Password")).to_have_count(0)  # the session survives a page load
    expect(page).to_have_url(url)
    expect(page.get_by_text(f"contact #{demo_contact['id']}")).to_be_visible()
    form = page.locator("[data-testid=stForm]")
    expect(form.get_by_role("textbox", name="Email")).to_have_value(demo_contact["email"])


def test_a_url_changed_in_the_same_tab_opens_its_contact(page, demo_contact):
    """What Streamlit follows without a page load (a link inside the app, Back/Forward): the URL's contact."""
    sign_in(page, *AGENT)
    page.get_by_role("link", name="Contacts", exact=True).click()
    wait_for_app(page)
    page.evaluate(
        "id => { history.pushState({}, '', '/contacts?contact=' + id);"
        " window.dispatchEvent(new PopStateEvent('popstate')); }",
        demo_contact["id"],
    )
    wait_for_app(page)
    expect(page.get_by_text(f"contact #{demo_contact['id']}")).to_be_visible()
    form = page.locator("[data-testid=stForm]")
    expect(form.get_by_role("textbox", name="Email")).to_have_value(demo_contact["email"])
    page.evaluate(
        "() => { history.pushState({}, '', '/contacts?contact=abc');"
        " window.dispatchEvent(new PopStateEvent('popstate')); }"
    )
    wait_for_app(page)
    expect(page.get_by_text("This link does not point to a contact")).to_be_visible()
    expect(form).to_have_count(0)
