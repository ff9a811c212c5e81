"""Sign-in screen: email and password; a failure never says which one was wrong."""

import streamlit as st

from ui.session import sign_in

st.title("Inbox contacts")
with st.form("sign_in_form"):
    st.subheader("Sign in")
    email = st.text_input("Email", key="sign_in_email", autocomplete="username")
    password = st.text_input("Password", type="password", key="sign_in_password",
                             autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    if sign_in(email, password):
        st.rerun()
    else:
        st.error("wrong email or password")
