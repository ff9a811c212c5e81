"""AppTest fixtures: a workspace file with one admin and one agent, and a signed-in app runner."""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from inbox import users
from inbox.models import SYSTEM
from ui.stores import close_store

from ..support.apptest import ADMIN, AGENT, ROOT, sign_in
from ..support.engines import store_of


@pytest.fixture
def workspace_db(request, engine, tmp_path, monkeypatch, migrated_template):
    """The app's database, on ``engine``: a DuckDB file's path, or a PostgreSQL URL (files in tmp_path)."""
    if engine == "postgres":
        monkeypatch.setenv("INBOX_FILES", str(tmp_path))
        target = request.getfixturevalue("pg_migrated_url")
    else:
        target = tmp_path / "app.duckdb"
        shutil.copyfile(migrated_template, target)
    with store_of(target) as store:
        users.add_user(store, SYSTEM, ADMIN[0], role="admin", password=ADMIN[1], display_name="Ada Admin")
        users.add_user(store, SYSTEM, AGENT[0], role="agent", password=AGENT[1], display_name="Alex Agent")
    monkeypatch.setenv("INBOX_DB", str(target))
    yield target
    close_store(str(target))  # the app's store of this database (and its scheduler watch) ends with the test


@pytest.fixture
def app(workspace_db):
    """A function returning a fresh AppTest of router.py (the script app.py serves), signed in as the given
    (email, password)."""

    def make(credentials=None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "router.py"), default_timeout=30)
        # signed in: the first run already has the session, as a browser's first request has its cookie
        return sign_in(at, *credentials) if credentials else at.run()

    return make
