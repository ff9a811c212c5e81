"""Sign-in screen: email and password; a failure never says which one was wrong."""

import streamlit as st

from ui.errors import guarded
from ui.session import sign_in


def attempt() -> None:
    ok = sign_in(st.session_state.get("sign_in_email", ""), st.session_state.get("sign_in_password", ""))
    st.session_state["sign_in_failed"] = not ok


st.title("Inbox contacts")
with st.form("sign_in_form"):
    st.subheader("Sign in")
    st.text_input("Email", key="sign_in_email", autocomplete="username")
    st.text_input("Password", type="password", key="sign_in_password", autocomplete="current-password")
    st.form_submit_button("Sign in", type="primary", on_click=guarded(attempt))
if st.session_state.pop("sign_in_failed", False):
    st.error("wrong email or password")
