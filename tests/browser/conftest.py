"""Real-browser harness: per test module, `streamlit run` on a free port over its own demo database, driven by
Playwright in Debian's Chromium. A missing browser skips locally and fails under CI=true."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..support.browser import ROOT, fresh_server

CHROMIUM = os.environ.get("INBOX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts"
# One patience for every wait: Playwright's `expect` gives up after 5 s by default, the page's actions after
# the 20 s set below. On a loaded CI machine an upload's analysis or a rerun can take longer than 5 s (seen:
# the import test failed there and under two busy loops here); a real failure still fails, 15 s later.
TIMEOUT_MS = 20_000


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in item.nodeid.split("::")[0].split("/"):
            item.add_marker(pytest.mark.browser)


def _need_browser():
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -r requirements-dev.txt)")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + " — under CI a missing browser is a failure", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A demo workspace (300 contacts) built once per run; each test module works on its own copy."""
    db = tmp_path_factory.mktemp("demo") / "inbox.duckdb"
    subprocess.run(
        [sys.executable, "-m", "inbox", "demo", "--contacts", "300", "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    # Facts the tests need, read now: once a server runs it holds the file lock.
    code = (
        "import json; from inbox.store import Store; "
        f"s = Store({str(db)!r}, read_only=True); print(json.dumps("
        "dict(zip(['id', 'email', 'job_title', 'first_name'], s._one('SELECT id, email, job_title, first_name"
        " FROM contacts WHERE email IS NOT NULL AND job_title IS NOT NULL ORDER BY id LIMIT 1')))))"
    )
    facts = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    db.with_suffix(".facts.json").write_text(facts.stdout)
    return db


@pytest.fixture(scope="module")
def demo_db(demo_template, tmp_path_factory) -> Path:
    """This module's copy of the demo workspace: database, key file, attachments and checkpoints folders."""
    folder = tmp_path_factory.mktemp("browser")
    for item in demo_template.parent.iterdir():
        if item.is_dir():
            shutil.copytree(item, folder / item.name)
        else:
            shutil.copy2(item, folder / item.name)
    return folder / demo_template.name


@pytest.fixture(scope="module")
def demo_contact(demo_db) -> dict:
    """id, email, job_title, first_name of a demo contact (read before the server started)."""
    return json.loads(demo_db.with_suffix(".facts.json").read_text())


@pytest.fixture(scope="module")
def server(demo_db):
    _need_browser()
    with fresh_server(ROOT, demo_db) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(browser, server, request):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.base_url = server
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        pg.screenshot(path=str(shot), full_page=True)
        print(f"screenshot saved to {shot}")
    context.close()
