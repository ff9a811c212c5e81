"""The app (`streamlit run app.py` serves it with uvicorn): router.py's pages, our sign-in routes (every page
behind a session, ui/web.py), the JSON API under /api (api/, token-authenticated) and /healthz, /readyz,
/metrics (api/ops.py; every request counted by api/metrics.py)."""

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Mount

from api.app import create_api
from api.metrics import MetricsMiddleware
from api.ops import ops_routes
from ui.stores import current_store
from ui.tcp import nodelay_for_every_tcp_connection
from ui.web import SignInRequired, routes

nodelay_for_every_tcp_connection()  # responses without a 40 ms wait (ui/tcp.py)

app = st.App(
    "router.py",
    routes=[*routes(), *ops_routes(current_store), Mount("/api", app=create_api(current_store))],
    middleware=[Middleware(MetricsMiddleware), Middleware(SignInRequired)],
)
