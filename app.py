"""The app (`streamlit run app.py` serves it with uvicorn): router.py's pages, our sign-in routes (every page
behind a session, ui/web.py) and the JSON API under /api (api/, token-authenticated)."""

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Mount

from api.app import create_api
from ui.stores import current_store
from ui.web import SignInRequired, routes

app = st.App(
    "router.py",
    routes=[*routes(), Mount("/api", app=create_api(current_store))],
    middleware=[Middleware(SignInRequired)],
)
