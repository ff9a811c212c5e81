"""The shared store, and the signed-in member of this session's token, re-read at every run and action."""

from __future__ import annotations

import functools
from urllib.parse import quote

import streamlit as st

from inbox import sessions
from inbox.errors import InboxError
from inbox.models import User

from . import stores
from .errors import LOG, message_for

TOKEN_KEY = (
    "auth.token"  # a session token kept server-side (AppTest has no cookies); a browser's is its cookie
)
NOTE_KEY = "auth.note"  # why the session ended, shown by the signed-out page
COOKIE = "inbox_session"  # (ui.web.COOKIE: the routes set it)
REVOKED = "You have been signed out: your access to this workspace was revoked or changed."
ENDED = {
    "member disabled": REVOKED,
    "inactive": REVOKED,
    "password changed": "You have been signed out: your password was changed.",
    "expired": "You have been signed out: your session expired.",
    "signed out": "You have been signed out (in this browser, maybe in another tab).",
    "signed out everywhere": "You have been signed out on every device and browser.",
}
on_store_opened = stores.on_store_opened  # (router.py adds the purge scheduler)
_store_for = stores.store_for  # the store per path, shared with the sign-in routes (tests use it too)


def get_store():
    """The store of ``$INBOX_DB`` (one per path, shared by all sessions and the routes).

    Shows a clear error and stops the page when the database cannot be opened.
    """
    try:
        return stores.current_store()
    except InboxError as exc:
        LOG.warning("database unavailable: %s", exc)  # the full message for the server log
        st.error(message_for(exc))  # no server path for visitors
        st.stop()


def session_token() -> str | None:
    """This session's token: the browser's session cookie (HttpOnly, set by the sign-in route), else one kept
    in session state (only server code sets it: AppTest's sign-in helper)."""
    cookie = st.context.cookies.get(COOKIE)
    if isinstance(cookie, str) and cookie:
        return cookie
    kept = st.session_state.get(TOKEN_KEY)
    return kept if isinstance(kept, str) and kept else None


def signed_in_user() -> User | None:
    """The member of this session's token, re-read from the store on every run (and by every action):
    a session ended or expired, or a member disabled meanwhile, is signed out, and the page says why."""
    token = session_token()
    found = sessions.lookup(get_store(), token)
    if found.user is None and token:
        sign_out()
        st.session_state[NOTE_KEY] = ENDED.get(found.why, "You have been signed out.")
    return found.user


def sign_out() -> None:
    """Forget this session's state (the session itself is ended by the sign-out route or the store)."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def sign_in_link(path: str) -> str:
    """The sign-in form's address, coming back to ``path`` (with the page's query) after."""
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in st.query_params.to_dict().items())
    wanted = f"/{path}" + (f"?{query}" if query else "")
    return f"/auth/sign-in?next={quote(wanted, safe='')}"


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


def sign_out_form() -> None:
    """The sidebar's *Sign out* and *End all my sessions* (everywhere): a plain form posted to the sign-out
    route (which ends the session, clears the cookie and shows the sign-in form), with its CSRF token."""
    from .web import SIGN_OUT, sign_out_token

    token = session_token() or ""
    button = (
        "font: inherit; font-size: 0.9rem; padding: 0.3rem 0.75rem; margin: 0 0.4rem 0.4rem 0;"
        " cursor: pointer; border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;"
        " background: transparent; color: inherit"
    )
    st.html(
        f'<form method="post" action="{SIGN_OUT}" aria-label="Sign out">'
        f'<input type="hidden" name="csrf" value="{sign_out_token(token)}">'
        f'<button type="submit" name="everywhere" value="0" style="{button}">Sign out</button>'
        f'<button type="submit" name="everywhere" value="1" style="{button}"'
        ' title="Sign out in every browser and on every device">End all my sessions</button></form>'
    )


def signed_out_page(path: str):
    """The render function every page path gets when this session is signed out (the middleware never lets a
    browser without a session this far; a session that ends while its tab is open does): why, and a link
    back through the sign-in form to this very page. Never Streamlit's "page does not exist" box."""

    def render() -> None:
        st.title("Inbox contacts")
        st.warning(st.session_state.get(NOTE_KEY) or "Please sign in.", icon=None)
        st.html(f'<p><a href="{sign_in_link(path)}" target="_self">Sign in again</a></p>')

    return render
