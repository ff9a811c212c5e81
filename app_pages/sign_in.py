"""Sign-in screen: email and password; a failure never says which one was wrong; throttled after failures."""

import streamlit as st

from ui.errors import guarded
from ui.session import NOTE_KEY, sign_in


def attempt() -> None:
    result = sign_in(st.session_state.get("sign_in_email", ""), st.session_state.get("sign_in_password", ""))
    if result.user is None:
        st.session_state["sign_in_failed"] = result.message


def render() -> None:
    st.title("Inbox contacts")
    if note := st.session_state.pop(NOTE_KEY, None):
        st.warning(note)
    with st.form("sign_in_form"):
        st.subheader("Sign in")
        st.text_input("Email", key="sign_in_email", autocomplete="username")
        st.text_input("Password", type="password", key="sign_in_password", autocomplete="current-password")
        st.form_submit_button("Sign in", type="primary", on_click=guarded(attempt))
    if message := st.session_state.pop("sign_in_failed", None):
        st.error(message)
