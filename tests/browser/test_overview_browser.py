"""Real browser: the Overview's figures link to their pages; agents see the contact figures only."""

from pathlib import Path

from playwright.sync_api import expect

from ..support.browser import ADMIN, AGENT, sign_in, wait_for_app

SHOTS = Path("/tmp/shots-pages")


def test_admin_figures_link_to_their_pages_and_agents_see_contacts_only(page, browser):
    SHOTS.mkdir(exist_ok=True)
    sign_in(page, *ADMIN)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.locator("[data-testid=stVegaLiteChart]")).to_have_count(3)
    page.screenshot(path=str(SHOTS / "overview-admin.png"))
    for link, path, heading in (
        ("Open the deletion log", "deleted_contacts", "Deleted contacts"),
        ("Import a CSV file", "import_contacts", "Import contacts"),
        ("Edit the contact layout", "attributes", "Contact attributes"),
        ("Go to the contact list", "contacts", "Contacts"),
    ):
        page.get_by_role("link", name="Overview").first.click()
        wait_for_app(page)
        main.get_by_role("link", name=link).click()
        wait_for_app(page)
        assert page.url.endswith(f"/{path}"), page.url
        expect(main.get_by_role("heading", name=heading, exact=True).first).to_be_visible()

    agent = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    agent.base_url = page.base_url
    sign_in(agent, *AGENT)
    main = agent.get_by_role("main")
    expect(main.get_by_role("heading", name="Overview")).to_be_visible()
    expect(main.locator("[data-testid=stPageLink-NavLink]")).to_have_count(1)  # the contact list only
    expect(main.get_by_text("Deleted contacts")).to_have_count(0)
    expect(agent.locator("[data-testid=stVegaLiteChart]")).to_have_count(1)
    agent.screenshot(path=str(SHOTS / "overview-agent.png"))
    main.get_by_role("link", name="Go to the contact list").click()
    wait_for_app(agent)
    assert agent.url.endswith("/contacts")
    agent.context.close()
