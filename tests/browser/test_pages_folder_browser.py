"""Real browser, a fresh server per test: its very first request, to any URL, shows only the sign-in form (the
middleware's redirect), and the first page Streamlit then runs, after signing in, is the router's — never a
page of the pages folder, its content or module names in a sidebar. A folder named ``pages/`` would fail this
(Streamlit's legacy multipage scan, until the process's first st.navigation call): the first test runs a copy
of the app with app_pages/ renamed pages/ and pins what the browser then shows, which is why the folder keeps
its name (README.md, Layout)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ..support.browser import ADMIN, ROOT, fresh_servers, wait_for_app

MODULES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py") if p.stem != "__init__")
TITLES = [
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
]  # what a signed-in member's pages show
URLS = ["", "contacts", "members", "deleted_contacts", "sign_in", "app"]
NOT_FOUND = "does not seem to exist"
LANDS_ON = {  # path asked for → (path landed on after signing in, its title)
    "": ("", "Overview"),
    "contacts": ("contacts", "Contacts"),
    "members": ("members", "Members & plan"),
    "deleted_contacts": ("deleted_contacts", "Deleted contacts"),
    "sign_in": ("", "Overview"),  # the address of the sign-in page before issue 14: bookmarks of it
}


def shown_now(page) -> dict:
    """The sidebar's links, the sidebar's and the main area's text, whether the sign-in form shows."""
    streamlit = page.locator("[data-testid=stApp]").count() > 0
    return {
        "url": page.url,
        "nav": [
            t.split("\n")[-1].strip() for t in page.locator("[data-testid=stSidebarNav] a").all_inner_texts()
        ],
        "sidebar": " ".join(page.locator("[data-testid=stSidebar]").all_inner_texts()),
        "main": page.locator("[data-testid=stMain]").inner_text() if streamlit else page.inner_text("body"),
        "sign_in": page.get_by_role("button", name="Sign in").count(),
    }


def first_request(browser, url: str, path: str, then_sign_in: bool = False) -> tuple[dict, dict | None]:
    """What a browser shows after the first request of a fresh server (at ``url``) to ``/path``; with
    ``then_sign_in``, also what the first page Streamlit runs shows after signing in there as the admin."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{url}/{path}")
    wait_for_app(page)
    first, after = shown_now(page), None
    if then_sign_in and first["sign_in"]:
        page.get_by_label("Email").fill(ADMIN[0])
        page.get_by_label("Password").fill(ADMIN[1])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        wait_for_app(page)
        page.wait_for_timeout(1000)  # a late navigation message would redraw the sidebar
        wait_for_app(page)
        after = shown_now(page)
    context.close()
    return first, after


def leaks(shown: dict) -> list[str]:
    """What of the pages folder a first request showed: module names, page content, no sign-in form."""
    found = [f"sidebar lists {shown['nav']}"] if shown["nav"] else []
    found += [
        f"module name {m!r} shown"
        for m in MODULES
        if re.search(rf"\b{m.replace('_', '[ _]')}\b", shown["sidebar"])
    ]
    found += [f"page title {t!r} shown" for t in TITLES if re.search(rf"(?m)^{re.escape(t)}$", shown["main"])]
    found += [f"not the sign-in form but {shown['url']}"] if "/auth/sign-in" not in shown["url"] else []
    found += ["a page-not-found message"] if NOT_FOUND in shown["main"] else []
    return found + ([] if shown["sign_in"] else ["no sign-in form"])


@pytest.fixture(scope="module")
def app_with_a_pages_folder(tmp_path_factory) -> Path:
    """A copy of the app whose screens live in ``pages/`` (router.py importing them from there)."""
    root = tmp_path_factory.mktemp("pages-folder")
    for name in ("inbox", "ui", "api", "validation", ".streamlit"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "app_pages", root / "pages", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "app.py", root / "app.py")
    router = (ROOT / "router.py").read_text()
    (root / "router.py").write_text(router.replace("from app_pages import", "from pages import"))
    return root


def test_a_pages_folder_would_show_its_module_names_on_a_fresh_servers_first_page(browser, servers):
    """Evidence for keeping app_pages/ (if a Streamlit upgrade makes this fail, pages/ may be safe to use)."""
    first, after = first_request(browser, servers["pages/ folder"], "members", then_sign_in=True)
    assert leaks(first) == [], first  # the sign-in form first, whatever the folder's name
    assert after["nav"] == ["router", *[m.replace("_", " ") for m in MODULES]], after


@pytest.fixture(scope="module")
def servers(demo_db, app_with_a_pages_folder, tmp_path_factory):
    """One fresh server per URL of URLS (the app as it is) and one for the pages/ copy, each over its own copy
    of the demo workspace, all started together: each test makes its server's very first page request."""
    sites = {}
    for name in [*URLS, "pages/ folder"]:
        folder = tmp_path_factory.mktemp("fresh")
        shutil.copytree(demo_db.parent, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.log"))
        sites[name] = (app_with_a_pages_folder if name == "pages/ folder" else ROOT, folder / demo_db.name)
    with fresh_servers(*sites.values()) as urls:
        yield dict(zip(sites, urls, strict=True))


@pytest.mark.parametrize("path", URLS)
def test_a_fresh_servers_first_request_shows_only_the_sign_in_form_then_the_routers_page(
    browser, servers, path
):
    first, after = first_request(browser, servers[path], path, then_sign_in=True)
    assert leaks(first) == [], first
    assert after["nav"] == TITLES, after  # the router's navigation, no module name
    if (
        path in LANDS_ON
    ):  # a page of the app (or the old sign-in page's address): that page, never "not found"
        landed, title = LANDS_ON[path]
        assert after["url"].split("://", 1)[1].split("/", 1)[1] == landed, after
        assert re.search(rf"(?m)^{re.escape(title)}$", after["main"]) and NOT_FOUND not in after["main"], (
            after
        )
