"""A page action's outcome: the use case run from a button's callback, then one line shown next to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from inbox.errors import InboxError

from .text import literal

T = TypeVar("T")


def outcome(key: str, run: Callable[[], T], failed: str, done: Callable[[T], str]) -> None:
    """Run ``run()`` (from a callback wrapped in ``session.member_callback``) and keep in
    ``st.session_state[key]`` what the page shows once: ``("ok", done(result))``, or ``("error", "{failed}:
    {the reason}")`` when the use case refused (nothing was written)."""
    try:
        result = run()
    except InboxError as exc:
        st.session_state[key] = ("error", f"{failed}: {literal(str(exc))}")
        return
    st.session_state[key] = ("ok", done(result))
