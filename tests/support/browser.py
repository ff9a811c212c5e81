"""Helpers of the real-browser (tests/browser) tests: the demo accounts, and driving the app with
Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ("admin@example.com", "demo-admin-password")
AGENT = ("agent@example.com", "demo-agent-password")


SETTLED = "[data-testid=stApp][data-test-script-state=notRunning], form[action='/auth/sign-in']"


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script (or the browser shows the sign-in form: every
    page without a session goes there, and signing out lands there)."""
    page.wait_for_selector(SETTLED, state="attached")
    page.wait_for_timeout(150)
    page.wait_for_selector(SETTLED, state="attached")


def open_app(page, path: str = "") -> None:
    page.goto(f"{page.base_url}/{path}")
    wait_for_app(page)


SESSION_COOKIE = "inbox_session"


def sign_in(page, email: str, password: str, path: str = "") -> None:
    """Sign in through the sign-in form (ui/web.py) as ``email``, in a browser without a session (a session
    this browser had is forgotten first), asking for ``/path``; then wait for that page (or, when refused, the
    form again with its message)."""
    page.context.clear_cookies(name=SESSION_COOKIE)
    page.goto(f"{page.base_url}/{path}")  # no session: the middleware sends the browser to the form
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
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


def open_options(page, label: str, option: str):
    """Open the selectbox labelled ``label`` until ``option`` shows in its list; return that option.
    Typing filters the list (a long list is virtualised). A click that lands while the app re-renders may
    leave the list closed: then press Escape and open it again (three tries)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name=label)
    wanted = page.get_by_role("option", name=option, exact=True)
    for last in (False, False, True):
        wait_for_app(page)
        box.click()
        box.press_sequentially(option[:12])
        try:
            wanted.wait_for(state="visible", timeout=5_000)
            return wanted
        except PlaywrightTimeout:
            if last:
                raise
            page.keyboard.press("Escape")
    return wanted  # not reached: the last try returns or raises


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` (opened with ``open_options``)."""
    open_options(page, label, option).click()
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 180) -> None:  # (7 servers start at once)
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


@contextmanager
def fresh_servers(*sites: tuple[Path, Path]) -> Iterator[list[str]]:
    """New `streamlit run app.py` processes (app.py: the st.App serving router.py), one per ``(root, db)``,
    started together (so no st.navigation
    call has run in any of them yet); yields their URLs once all answer, and stops them on exit. Each writes
    its output next to its database. Two servers need two database files (one process holds a file)."""
    running: list[tuple[subprocess.Popen[bytes], str]] = []
    with ExitStack() as stack:
        for root, db in sites:
            port = free_port()
            log = stack.enter_context(open(db.with_suffix(f".{port}.log"), "w"))
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    "app.py",
                    "--server.headless=true",
                    f"--server.port={port}",
                    "--server.address=127.0.0.1",
                    "--browser.gatherUsageStats=false",
                    "--server.fileWatcherType=none",
                ],
                cwd=root,
                env={**os.environ, "INBOX_DB": str(db)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            stack.callback(_stop, proc)
            running.append((proc, f"http://127.0.0.1:{port}"))
        for proc, url in running:
            wait_healthy(url, proc)
        yield [url for _, url in running]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def fresh_server(root: Path, db: Path) -> Iterator[str]:
    """One new server (``fresh_servers``)."""
    with fresh_servers((root, db)) as (url,):
        yield url
