"""The app's error boundary: a damaged or newer database, an error inside a page or the sign-in route — one
plain message, never a traceback, SQL or a server path; unexpected errors get a reference logged with the
traceback."""

import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from inbox.errors import StoreDamaged
from inbox.store.migrations import MIGRATIONS

from ..support.apptest import ADMIN, ROOT, app_streamlit_config
from ..support.engines import store_of


def shown(at: AppTest) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    return [e.value for e in at.error]


@pytest.mark.duckdb_only("damages the DuckDB file")
def test_a_damaged_database_file_shows_a_plain_page(workspace_db):
    with open(workspace_db, "r+b") as fh:  # a block fails its checksum
        fh.seek(12288 + 1000)
        data = fh.read(16)
        fh.seek(12288 + 1000)
        fh.write(bytes(b ^ 0xFF for b in data))
    [message] = shown(AppTest.from_file(str(ROOT / "router.py"), default_timeout=30).run())
    assert message.startswith("The database file is damaged") and "restore it from a backup" in message
    assert str(workspace_db.parent) not in message and "checksum" in message


def test_a_database_of_a_newer_version_is_refused(workspace_db):
    with store_of(workspace_db) as store:
        with store.tx() as cur:
            cur.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'future', now()::TIMESTAMP)")
    assert max(m.version for m in MIGRATIONS) < 999
    [message] = shown(AppTest.from_file(str(ROOT / "router.py"), default_timeout=30).run())
    assert "newer version of this app" in message


def test_an_unexpected_error_in_a_page_is_something_went_wrong_with_a_logged_reference(
    app, monkeypatch, caplog
):
    def broken(store):
        raise RuntimeError('Binder Error: SELECT secret FROM "/srv/inbox/data/inbox.duckdb"')

    monkeypatch.setattr("inbox.workspace.figures", broken)
    with caplog.at_level(logging.ERROR, logger="inbox.app"):
        at = app(ADMIN)
    [message] = shown(at)
    reference = re.fullmatch(
        r"Something went wrong\. Please try again; if it happens again, give this reference "
        r"to your administrator: ([0-9a-f]{10})",
        message,
    ).group(1)
    [record] = [r for r in caplog.records if reference in r.getMessage()]
    assert record.exc_info and "SELECT secret" in str(record.exc_info[1])  # the details stay on the server
    assert at.title[0].value == "Overview"  # the page up to the error is still there


def test_an_inbox_error_in_a_page_is_its_message_without_server_paths(app, workspace_db, monkeypatch):
    def damaged(store):
        raise StoreDamaged(
            f"database {workspace_db} is damaged (Corrupt database file): restore it from a backup"
        )

    monkeypatch.setattr("inbox.workspace.figures", damaged)
    [message] = shown(app(ADMIN))
    assert message.startswith("The database file is damaged") and str(workspace_db) not in message


def test_the_sign_in_route_on_a_damaged_database_shows_a_plain_message(workspace_db, monkeypatch):
    from starlette.applications import Starlette

    from ui import web

    from ..support.asgi import Client

    def damaged(store, email, password, **kwargs):
        raise StoreDamaged(f"database {workspace_db} is damaged: SELECT * FROM users")

    monkeypatch.setattr("inbox.sign_in.attempt", damaged)  # what the sign-in route calls
    client = Client(Starlette(routes=web.routes()))
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/auth/sign-in").text).group(1)
    page = client.post("/auth/sign-in", data={"csrf": csrf, "email": ADMIN[0], "password": ADMIN[1]})
    assert "The database file is damaged" in page.text and "SELECT" not in page.text
    assert str(workspace_db) not in page.text and "Traceback" not in page.text
    assert '<input id="password" name="password"' in page.text and web.COOKIE not in page.cookies


def test_a_database_failing_for_a_signed_in_member_shows_a_plain_message(app, workspace_db, monkeypatch):
    at = app(ADMIN)
    assert at.title[0].value == "Overview"

    def damaged(store, token):
        raise StoreDamaged(f"database {workspace_db} is damaged: Corrupt database file")

    monkeypatch.setattr("inbox.sessions.lookup", damaged)  # what every run reads the member with
    [message] = shown(at.run())
    assert message.startswith("The database file is damaged") and str(workspace_db) not in message


@pytest.mark.duckdb_only("the DuckDB file's paths (a PostgreSQL URL: tests/unit/test_engines.py)")
def test_plain_text_takes_server_paths_out(workspace_db):
    from inbox.errors import InvalidInput
    from ui.errors import plain_text

    text = plain_text(
        InvalidInput(f"cannot open database {workspace_db}: folder {workspace_db.parent} and /etc/x")
    )
    assert text == "cannot open the database file: folder its folder and (a server path)"


@pytest.mark.parametrize("key", ["show_message", "show_trace", "show_type"])
def test_streamlit_reads_our_config_and_hides_error_details(monkeypatch, key):
    from streamlit.elements import exception as st_exception

    with app_streamlit_config(monkeypatch) as config:
        assert config.get_option("client.showErrorDetails") == "none"
        assert getattr(st_exception._error_detail_visibility(True), key) is False
