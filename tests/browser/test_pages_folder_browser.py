"""Real browser, a fresh server per test: its very first request, to any URL, shows the sign-in form and no
page of the app's pages folder — neither content nor module names in a sidebar. A folder named ``pages/``
would fail this (Streamlit's legacy multipage scan, until the process's first st.navigation call): the last
test runs a copy of the app with app_pages/ renamed pages/ and pins what the browser then shows, which is why
the folder keeps its name (README.md, Layout)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ..support.browser import ROOT, fresh_servers, wait_for_app

MODULES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py") if p.stem != "__init__")
TITLES = [
    "Overview",
    "Contacts",
    "Contact attributes",
    "Deleted contacts",
    "CRM",
    "Members & plan",
    "Import contacts",
]  # what a signed-in member's pages show
URLS = ["", "contacts", "members", "deleted_contacts", "sign_in", "app"]


def first_request(browser, url: str, path: str) -> dict:
    """What a browser shows after the first request of a fresh server (at ``url``) to ``/path``."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{url}/{path}")
    wait_for_app(page)
    page.wait_for_timeout(1000)  # a late navigation message would redraw the sidebar
    wait_for_app(page)
    shown = {
        "nav": [
            t.split("\n")[-1].strip() for t in page.locator("[data-testid=stSidebarNav] a").all_inner_texts()
        ],
        "sidebar": " ".join(page.locator("[data-testid=stSidebar]").all_inner_texts()),
        "main": page.locator("[data-testid=stMain]").inner_text(),
        "sign_in": page.get_by_role("button", name="Sign in").count(),
    }
    context.close()
    return shown


def leaks(shown: dict) -> list[str]:
    """What of the pages folder a first request showed: module names, page content, no sign-in form."""
    found = [f"sidebar lists {shown['nav']}"] if shown["nav"] else []
    found += [
        f"module name {m!r} shown"
        for m in MODULES
        if re.search(rf"\b{m.replace('_', '[ _]')}\b", shown["sidebar"])
    ]
    found += [f"page title {t!r} shown" for t in TITLES if re.search(rf"(?m)^{re.escape(t)}$", shown["main"])]
    return found + ([] if shown["sign_in"] else ["no sign-in form"])


@pytest.fixture(scope="module")
def app_with_a_pages_folder(tmp_path_factory) -> Path:
    """A copy of the app whose screens live in ``pages/`` (app.py importing them from there)."""
    root = tmp_path_factory.mktemp("pages-folder")
    for name in ("inbox", "ui", "validation", ".streamlit"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "app_pages", root / "pages", ignore=shutil.ignore_patterns("__pycache__"))
    router = (ROOT / "app.py").read_text()
    (root / "app.py").write_text(router.replace("from app_pages import", "from pages import"))
    return root


def test_a_pages_folder_would_show_its_module_names_on_a_fresh_servers_first_request(browser, servers):
    """Evidence for keeping app_pages/ (if a Streamlit upgrade makes this fail, pages/ may be safe to use)."""
    shown = first_request(browser, servers["pages/ folder"], "members")
    assert shown["nav"] == ["app", *[m.replace("_", " ") for m in MODULES]], shown
    assert not shown["sign_in"] and leaks(shown)


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
def test_a_fresh_servers_first_request_shows_only_the_sign_in_form(browser, servers, path):
    shown = first_request(browser, servers[path], path)
    assert leaks(shown) == [], shown
