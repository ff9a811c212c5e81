"""AppTest fixtures: a workspace file with one admin and one agent, and a signed-in app runner."""

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from inbox import users
from inbox.models import SYSTEM
from inbox.store import Store

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ("admin@example.com", "admin-secret-1")
AGENT = ("agent@example.com", "agent-secret-1")


@pytest.fixture
def workspace_db(tmp_path, monkeypatch, migrated_template):
    path = tmp_path / "app.duckdb"
    shutil.copyfile(migrated_template, path)
    with Store(path) as store:
        users.add_user(store, SYSTEM, ADMIN[0], role="admin", password=ADMIN[1], display_name="Ada Admin")
        users.add_user(store, SYSTEM, AGENT[0], role="agent", password=AGENT[1], display_name="Alex Agent")
    monkeypatch.setenv("INBOX_DB", str(path))
    yield path


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click()
    return at.run()


@pytest.fixture
def app(workspace_db):
    """A function returning a fresh AppTest of app.py, signed in as the given (email, password)."""

    def make(credentials=None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
        if credentials:
            sign_in(at, *credentials)
        return at

    return make


def shown(markdown: str) -> str:
    """The text a Markdown value of ``ui.text.literal`` shows: escapes resolved, invisible joiners dropped."""
    import re

    text = markdown.replace("  \n", "\n").replace("&#32;", " ").replace("&#9;", "\t").replace("\u2060", "")
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
