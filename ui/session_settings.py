"""Members & plan › Sessions: how long a sign-in lasts (idle and absolute limits), admins only."""

from __future__ import annotations

import streamlit as st

from inbox import sessions
from inbox.errors import InboxError

from .session import member_callback
from .text import literal

RESULT = "sessions.result"  # ("ok" | "error", message) of the last save, shown beside the form


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@member_callback
def _save(store, actor) -> None:
    S = st.session_state
    try:
        saved = sessions.set_limits(store, actor, S["sessions.idle"], S["sessions.absolute"])
    except InboxError as exc:
        S[RESULT] = ("error", literal(str(exc)))
        return
    S[RESULT] = (
        "ok",
        f"Saved: members are signed out after {_plural(saved.idle_hours, 'hour')} without activity, "
        f"and after {_plural(saved.absolute_days, 'day')} in any case.",
    )


def render(store, me) -> None:
    """The Sessions section: both limits, one Save; its outcome next to it."""
    st.subheader("Sessions")
    limits = sessions.limits(store)
    with st.form("sessions.form", border=False):
        left, right = st.columns(2)
        left.number_input(
            "Sign out after inactivity (hours)",
            min_value=1,
            max_value=sessions.MAX_IDLE_HOURS,
            value=limits.idle_hours,
            step=1,
            key="sessions.idle",
            help="A member who does nothing in the app for this long must sign in again.",
        )
        right.number_input(
            "Sign out in any case after (days)",
            min_value=1,
            max_value=sessions.MAX_ABSOLUTE_DAYS,
            value=limits.absolute_days,
            step=1,
            key="sessions.absolute",
            help="However active, a member signs in again this long after signing in.",
        )
        st.form_submit_button("Save session settings", on_click=_save, args=(store, me.actor))
    if result := st.session_state.pop(RESULT, None):
        (st.success if result[0] == "ok" else st.error)(result[1])
    st.caption(
        "Changes apply to sessions already open. Disabling a member or giving them a new password signs them "
        "out everywhere at once; each member can also end all their sessions from the sidebar."
    )
