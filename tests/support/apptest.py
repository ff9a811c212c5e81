"""Helpers of the AppTest (tests/pages) tests: the seeded members' credentials, signing in, shown text."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ("admin@example.com", "admin-secret-1")
AGENT = ("agent@example.com", "agent-secret-1")


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    """Sign ``at`` in as the sign-in form does (ui/web.py): the password checked by ``inbox.sign_in.attempt``
    (throttled alike), a session started, its token kept server-side in the session (AppTest has no cookies:
    a browser's token is its cookie); then run. Wrong credentials: nothing kept, the signed-out page shows."""
    from inbox import sessions
    from inbox import sign_in as signing
    from ui.session import TOKEN_KEY
    from ui.stores import current_store

    store = current_store()  # the app's store of $INBOX_DB (one per path per process, shared with the script)
    result = signing.attempt(store, email, password, client="apptest")
    if result.user is not None:
        at.session_state[TOKEN_KEY] = sessions.start(store, result.user, client="apptest")
    return at.run()


def token_for(email: str) -> str:
    """A session token of the member ``email`` (no password: for tests that seed a session directly)."""
    from inbox import sessions
    from ui.stores import current_store

    store = current_store()
    return sessions.start(store, store.accounts.user_by_email(email), client="apptest")


def shown(markdown: str) -> str:
    """The text a Markdown value of ``ui.text.literal`` shows: escapes resolved, invisible joiners dropped."""
    text = markdown.replace("  \n", "\n").replace("&#32;", " ").replace("&#9;", "\t").replace("\u2060", "")
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


@contextmanager
def app_streamlit_config(monkeypatch) -> Iterator[object]:
    """Streamlit's ``config`` module as the app's own ``.streamlit/config.toml`` sets it (read from ROOT),
    re-read as it was afterwards."""
    from streamlit import config

    monkeypatch.chdir(ROOT)
    config.get_config_options(force_reparse=True)
    try:
        yield config
    finally:
        config.get_config_options(force_reparse=True)
