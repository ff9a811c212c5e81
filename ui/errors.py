"""The page boundary: a known error as one plain message, anything else as "Something went wrong" with a
reference (the traceback goes to the server log only). Visitors never see SQL, tracebacks or server paths."""

from __future__ import annotations

import functools
import logging
import re
import uuid

import streamlit as st

from inbox import db_target, redacted
from inbox.errors import InboxError, StoreDamaged, StoreTooNew, StoreUnavailable

LOG = logging.getLogger("inbox.app")
PENDING_KEY = "page_error.pending"
_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/[^\s\"'():,;]+")


def plain_text(exc: InboxError) -> str:
    """The error's message with server paths taken out (the database file, its folders, any absolute path)."""
    text, target = str(exc), db_target()
    if isinstance(target, str):  # PostgreSQL: no file to name; the URL without its password, kept whole
        shown, mark = redacted(target), "\x00database\x00"
        text = _ABSOLUTE_PATH.sub("(a server path)", text.replace(target, mark).replace(shown, mark))
        return text.replace(mark, shown)
    path = target
    for shown, word in (
        (path.with_name(f"{path.stem}-attachments"), "the attachments folder"),
        (path.resolve(), "the database file"),
        (path, "the database file"),
        (path.resolve().parent, "its folder"),
        (path.parent, "its folder"),
    ):
        if str(shown) not in (".", "/"):
            text = text.replace(str(shown), word)
    text = _ABSOLUTE_PATH.sub("(a server path)", text)
    return text.replace("database the database file", "the database file")


def message_for(exc: BaseException) -> str:
    """What a visitor reads for ``exc``; an unexpected error is logged with its traceback under a
    reference."""
    if isinstance(exc, StoreDamaged):
        return (
            "The database file is damaged (cut short, or a block fails its checksum). An administrator must "
            "restore it from a backup."
        )
    if isinstance(exc, StoreTooNew):
        return (
            "The database was written by a newer version of this app. An administrator must upgrade the app."
        )
    if isinstance(exc, StoreUnavailable):
        return f"The database cannot be opened. {plain_text(exc)}"
    if isinstance(exc, InboxError):
        return plain_text(exc)
    reference = uuid.uuid4().hex[:10]
    LOG.error("unexpected error, reference %s", reference, exc_info=exc)
    return (
        f"Something went wrong. Please try again; if it happens again, give this reference to your "
        f"administrator: {reference}"
    )


def run_page(page) -> None:
    """``page.run()`` behind the boundary; first shows an error a guarded callback kept for this run."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending:
        st.error(pending)
    try:
        page.run()
    except Exception as exc:  # st.stop / st.rerun are BaseException and pass through
        if isinstance(exc, InboxError):
            LOG.warning("page error: %s", exc)  # the full message (with paths) for the server log
        st.error(message_for(exc))


def shown_plainly(fn, *args, **kwargs):
    """``fn(...)``; an error is shown as ``run_page`` shows it, and the run stops there."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        if isinstance(exc, InboxError):
            LOG.warning("error: %s", exc)
        st.error(message_for(exc))
        st.stop()


def guarded(callback):
    """A widget callback whose error is shown (plainly, by ``run_page``) instead of Streamlit's error box."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except Exception as exc:
            if isinstance(exc, InboxError):
                LOG.warning("callback error: %s", exc)
            st.session_state[PENDING_KEY] = message_for(exc)

    return wrapper
