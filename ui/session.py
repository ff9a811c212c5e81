"""The cached store per database path and the signed-in user in session state, re-read at every action."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

import streamlit as st

from inbox import db_path, open_store, users
from inbox import sign_in as signing
from inbox.errors import InboxError
from inbox.models import User

from .errors import LOG, message_for

USER_KEY = "auth.email"
NOTE_KEY = "auth.note"  # why the session was signed out, shown once on the sign-in page
REVOKED = "You have been signed out: your access to this workspace was revoked or changed."
_OPENED: list[Callable] = []  # called with each store this process opens (app.py adds the purge scheduler)


def on_store_opened(hook: Callable) -> None:
    """Call ``hook(store)`` whenever this process opens a store (once per hook, however often registered)."""
    if hook not in _OPENED:
        _OPENED.append(hook)


@st.cache_resource(show_spinner=False)
def _store_for(path: str):
    store = open_store(path)
    for hook in _OPENED:
        hook(store)
    return store


def get_store():
    """The store of ``$INBOX_DB`` (one per path, shared by all sessions; cursors per operation).

    Shows a clear error and stops the page when the database cannot be opened.
    """
    path = str(db_path())
    try:
        return _store_for(path)
    except InboxError as exc:
        LOG.warning("database unavailable: %s", exc)  # the full message for the server log
        st.error(message_for(exc))  # no server path for visitors
        st.stop()


def signed_in_user() -> User | None:
    """The signed-in, still active user, re-read from the store on every run (and by every action):
    a member disabled or removed meanwhile is signed out, and the sign-in page says why."""
    email = st.session_state.get(USER_KEY)
    if not email:
        return None
    user = users.current_user(get_store(), email)
    if user is None:
        sign_out()
        st.session_state[NOTE_KEY] = REVOKED
    return user


def client_address() -> str:
    """Who is signing in, for throttling: the connection's IP address (``localhost`` for a local browser),
    or the first address of the header named by ``$INBOX_CLIENT_IP_HEADER`` when a trusted reverse proxy
    sets it (a header is only trusted when configured: anyone can send one)."""
    header = os.environ.get("INBOX_CLIENT_IP_HEADER", "").strip()
    if header:
        value = st.context.headers.get(header)
        forwarded = value.split(",")[0].strip() if isinstance(value, str) else ""
        if forwarded:
            return forwarded[:100]
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else "localhost"  # (no connection under AppTest)


def sign_in(email: str, password: str) -> signing.SignIn:
    """One throttled attempt (``inbox.sign_in``); signs the session in on success."""
    result = signing.attempt(get_store(), email, password, client=client_address())
    if result.user is not None:
        st.session_state[USER_KEY] = result.user.email
    return result


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


def require_admin(what: str = "this page") -> User:
    """The signed-in member, re-read now, who must be an admin: anyone else reads "Only admins can see
    {what}." and the page stops (the router lists admin pages for admins only; each one checks again)."""
    user = require_user()
    if user.role != "admin":
        st.error(f"Only admins can see {what}.")
        st.stop()
    return user


def still_member() -> bool:
    """Re-read the signed-in member now; ``False`` (and signed out) when disabled or removed meanwhile."""
    return signed_in_user() is not None


def member_callback(fn):
    """Decorate an ``on_click``/``on_change`` callback: callbacks run before the page script, so re-read the
    member first; a member disabled meanwhile is signed out and the callback does nothing."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if still_member():
            return fn(*args, **kwargs)
        return None

    return run


def member_dialog() -> None:
    """First line of every ``st.dialog``: a dialog reruns alone (not the page), so re-read the member;
    a member disabled meanwhile is signed out and the whole app reruns (to the sign-in page)."""
    if not still_member():
        st.rerun()
