"""Real-browser harness: per test module, `streamlit run` on a free port over its own demo database, driven by
Playwright in Debian's Chromium. A missing browser skips locally and fails under CI=true."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("INBOX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "test-artifacts"
ADMIN = ("admin@example.com", "demo-admin-password")
AGENT = ("agent@example.com", "demo-agent-password")


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} not healthy after {timeout}s")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A demo workspace (300 contacts) built once per run; each test module works on its own copy."""
    db = tmp_path_factory.mktemp("demo") / "inbox.duckdb"
    subprocess.run([sys.executable, "-m", "inbox", "demo", "--contacts", "300", "--db", str(db)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    # Facts the tests need, read now: once a server runs it holds the file lock.
    code = ("import json; from inbox.store import Store; s = Store(%r, read_only=True); print(json.dumps("
            "dict(zip(['id', 'email', 'job_title', 'first_name'], s._one('SELECT id, email, job_title, first_name"
            " FROM contacts WHERE email IS NOT NULL AND job_title IS NOT NULL ORDER BY id LIMIT 1')))))" % str(db))
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
    port = free_port()
    log = open(demo_db.with_suffix(".log"), "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=ROOT, env={**os.environ, "INBOX_DB": str(demo_db)}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

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
    pg.set_default_timeout(20_000)
    pg.base_url = server
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        pg.screenshot(path=str(shot), full_page=True)
        print(f"screenshot saved to {shot}")
    context.close()


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", state="attached")
    page.wait_for_timeout(150)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", state="attached")


def open_app(page, path: str = "") -> None:
    page.goto(f"{page.base_url}/{path}")
    wait_for_app(page)


def sign_in(page, email: str, password: str) -> None:
    open_app(page)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    wait_for_app(page)


def sidebar_nav(page) -> list[str]:
    """Titles of the sidebar navigation links (without their material icon names)."""
    return [t.split("\n")[-1].strip() for t in page.locator("[data-testid=stSidebarNav] a").all_inner_texts()]



GRID_HEADER_PX = 35
GRID_ROW_PX = 35


def focus_grid_cell(page, row: int, column: int = 0, grid: int = 0) -> None:
    """Focus a cell of a Streamlit dataframe/data_editor (a canvas): click the row's first cell by
    geometry, then move right with the keyboard, which does not depend on column widths."""
    box = page.locator("[data-testid=stDataFrame]").nth(grid).bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + GRID_HEADER_PX + GRID_ROW_PX * row + GRID_ROW_PX / 2)
    page.wait_for_timeout(200)
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(100)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``: open it, type to filter (a long list is
    virtualised), click the option. A click that lands while the app re-renders may leave the list
    closed: then press Escape and open it again (three tries)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name=label)
    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        wait_for_app(page)
        box.click()
        box.press_sequentially(option[:12])
        try:
            wanted.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    wanted.click()
    wait_for_app(page)


def open_contact(page, query: str = "") -> None:
    """Contacts page, search ``query`` (a unique email puts the contact in row 1), open the first row."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Contacts", exact=True).click()
    wait_for_app(page)
    if query:
        page.get_by_role("textbox", name="Search").fill(query)
        page.keyboard.press("Enter")
        wait_for_app(page)
        expect(page.get_by_text("exact match")).to_be_visible()
    focus_grid_cell(page, 0)
    wait_for_app(page)
    expect(page.locator("[data-testid=stForm]")).to_be_visible()
