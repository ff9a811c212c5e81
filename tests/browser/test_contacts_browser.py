"""Real browser: an agent looks up a contact, edits the job title, and an invalid email is refused."""

from playwright.sync_api import expect

from ..support.browser import AGENT, open_contact, sign_in, wait_for_app


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
