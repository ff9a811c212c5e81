"""The app (`streamlit run app.py` serves it with uvicorn): router.py's pages plus our sign-in routes, every
page behind a session (ui/web.py)."""

import streamlit as st
from starlette.middleware import Middleware

from ui.web import SignInRequired, routes

app = st.App("router.py", routes=routes(), middleware=[Middleware(SignInRequired)])
