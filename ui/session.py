"""The cached store per database path and the signed-in user kept in session state."""

from __future__ import annotations

import streamlit as st

from inbox import db_path, open_store, users
from inbox.errors import InboxError
from inbox.models import User
from ui.purge import purge_scheduler

USER_KEY = "auth.email"


@st.cache_resource(show_spinner=False)
def _store_for(path: str):
    store = open_store(path)
    purge_scheduler().watch(store)  # scheduled purges of deleted data (one thread per process)
    return store


def get_store():
    """The store of ``$INBOX_DB`` (one per path, shared by all sessions; cursors per operation).

    Shows a clear error and stops the page when the database cannot be opened.
    """
    path = str(db_path())
    try:
        return _store_for(path)
    except InboxError as exc:
        from .errors import LOG, message_for

        LOG.warning("database unavailable: %s", exc)  # the full message for the server log
        st.error(message_for(exc))  # no server path for visitors
        st.stop()


def signed_in_user() -> User | None:
    """The signed-in, still active user, re-read from the store on every run."""
    email = st.session_state.get(USER_KEY)
    if not email:
        return None
    user = users.current_user(get_store(), email)
    if user is None:
        st.session_state.pop(USER_KEY, None)
    return user


def sign_in(email: str, password: str) -> bool:
    user = users.authenticate(get_store(), email, password)
    if user is None:
        return False
    st.session_state[USER_KEY] = user.email
    return True


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def require_user() -> User:
    """The signed-in user; stops the page when nobody is (pages are only routed when signed in)."""
    user = signed_in_user()
    if user is None:
        st.error("Please sign in.")
        st.stop()
    return user
