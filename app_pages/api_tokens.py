"""Account › API tokens: the signed-in member's own API tokens (every member; linked under their name)."""

import streamlit as st

from ui import api_tokens
from ui.session import require_user


def render(store) -> None:
    me = require_user()
    st.title("API tokens")
    api_tokens.own_tokens(store, me)
