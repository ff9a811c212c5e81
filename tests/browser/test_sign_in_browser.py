"""Real browser: the demo admin and agent sign in and see what their role allows."""

from playwright.sync_api import expect

from ..support.browser import ADMIN, AGENT, sidebar_nav, sign_in, wait_for_app


def test_wrong_password_is_refused(page):
    sign_in(page, ADMIN[0], "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password")
    expect(page.get_by_role("heading", name="Overview")).to_have_count(0)


def test_admin_sees_admin_settings(page):
    sign_in(page, *ADMIN)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_text("Role: Admin · Plan: Team")).to_be_visible()
    assert "Members & plan" in sidebar_nav(page)
    page.get_by_role("link", name="Members & plan").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Members & plan")).to_be_visible()
    expect(page.get_by_text("Add a member")).to_be_visible()
    expect(page.get_by_text("This workspace is on the Team plan.", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Switch to Enterprise…")).to_be_visible()


def test_agent_sees_no_admin_settings(page):
    sign_in(page, *AGENT)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_text("Role: Agent · Plan: Team")).to_be_visible()
    assert sidebar_nav(page) and "Members & plan" not in sidebar_nav(page)
    # an admin page's address (a link shared by an admin): the page says who may see it, nothing else shows
    page.goto(f"{page.base_url}/members")
    wait_for_app(page)
    expect(page.get_by_text("Only admins can see the members and the plan.")).to_be_visible()
    expect(page.get_by_text("does not seem to exist")).to_have_count(0)
    expect(page.get_by_text("Add a member")).to_have_count(0)
    assert "Members & plan" not in sidebar_nav(page)


def test_sign_out(page):
    sign_in(page, *AGENT)
    page.get_by_role("button", name="Sign out").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    page.go_back()  # the page before signing out does not come back (the browser may show its shell)
    wait_for_app(page)
    expect(page.get_by_label("Password").or_(page.get_by_role("link", name="Sign in again"))).to_be_visible()
    expect(page.get_by_text("Role: Agent")).to_have_count(0)
