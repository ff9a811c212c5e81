"""Landing page for signed-in users: workspace figures."""

import streamlit as st

from inbox import workspace
from ui.session import require_user
from ui.text import literal


def render(store) -> None:
    user = require_user()
    st.title("Overview")
    st.caption(f"Welcome, {literal(user.display_name)}.")
    f = workspace.figures(store)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Contacts", f"{f['contacts']:,}", delta=f"+{f['new_contacts']:,} in 30 days", delta_color="off")
    c2.metric("Conversations", f"{f['conversations']:,}")
    c3.metric("Open conversations", f"{f['open_conversations']:,}")
    c4.metric("Messages", f"{f['messages']:,}")
