"""The app's own HTTP routes and middleware: the sign-in form, sign-out, and no page without a session."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from html import escape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from inbox import sessions
from inbox import sign_in as signing
from inbox.errors import InboxError

from .errors import message_for
from .stores import current_store
from .web_pages import sign_in_page

LOG = logging.getLogger("inbox.app")
COOKIE = "inbox_session"  # the session token (HttpOnly): what st.context.cookies gives the script
CSRF_COOKIE = "inbox_csrf"  # the sign-in form's token, sent back in the form (double submit)
SIGN_IN, SIGN_OUT = "/auth/sign-in", "/auth/sign-out"
# Paths that are not pages: Streamlit's own (websocket, assets, media, components), ours, and files.
NOT_PAGES = (
    "/_stcore/",
    "/static/",
    "/media/",
    "/component/",
    "/app/static/",
    "/auth/",
    "/oauth2callback",
    "/api/",
    "/healthz",
    "/readyz",
    "/metrics",  # the API and the operations routes answer for themselves
)
ICON = Path(__file__).parent / "assets" / "icon.png"  # the page icon (router.py), also the form's
FORM_LIMIT = 10_000  # bytes of a sign-in form body read at most
FORMER = {"/sign_in": "/"}  # the in-app sign-in page before issue 14: its bookmarks open the app


def client_address(request: Request) -> str:
    """Who is signing in, for throttling (see ``inbox.sign_in.client_address``)."""
    return signing.client_address(request.client.host if request.client else None, request.headers)


def is_https(request: Request) -> bool:
    proto = (request.headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or proto == "https"


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this site only (``/contacts?contact=3``); anything else —
    another site (``//evil``, ``https://…``), backslashes, control characters, the sign-in pages: ``/``."""
    value = value or ""
    if not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 2000:
        return "/"
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith("/auth/"):
        return "/"
    return value


def sign_out_token(session_token: str) -> str:
    """The sign-out form's CSRF token: derived from the session token, which only its browser has."""
    return hashlib.sha256(b"inbox sign-out\0" + session_token.encode()).hexdigest()[:32]


def is_page_request(scope: Scope) -> bool:
    """A browser asking for a page of the app (Streamlit answers every such path with its index.html)."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return False
    path: str = scope["path"]
    if path.startswith(NOT_PAGES) or "/_stcore/" in path:  # (the frontend probes /<page>/_stcore/health)
        return False
    return "." not in path.rsplit("/", 1)[-1]


def _lookup(token: str | None) -> sessions.Lookup:
    return sessions.lookup(current_store(), token)


class SignInRequired:
    """A page requested without an open session goes to the sign-in form, which comes back to it after."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if is_page_request(scope):
            request = Request(scope)
            try:
                found = await run_in_threadpool(_lookup, request.cookies.get(COOKIE))
            except Exception:  # e.g. the database cannot be opened: the script says so plainly
                found = None
            if scope["path"] in FORMER:  # bookmarks of addresses the app no longer has
                response = RedirectResponse(FORMER[scope["path"]], status_code=303)
                await response(scope, receive, send)
                return
            if found is not None and found.user is None:
                wanted = scope["path"] + (f"?{request.url.query}" if request.url.query else "")
                query = {"next": wanted} if safe_next(wanted) != "/" else {}
                response = RedirectResponse(f"{SIGN_IN}?{urlencode(query)}".rstrip("?"), status_code=303)
                response.headers["Cache-Control"] = "no-store"
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _page(
    request: Request, next_path: str, *, message: str = "", note: str = "", email: str = "", status=200
):
    csrf = request.cookies.get(CSRF_COOKIE) or ""
    if len(csrf) != 43:
        csrf = secrets.token_urlsafe(32)
    html = sign_in_page(csrf=csrf, next_path=next_path, message=message, note=note, email=email)
    response = HTMLResponse(html, status_code=status)
    response.set_cookie(
        CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/auth/", secure=is_https(request)
    )
    return _private(response)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self';"
        " frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


SIGNED_OUT = {
    "1": "You have signed out.",
    "everywhere": "You have signed out on every device and browser.",
}


async def sign_in(request: Request) -> Response:
    """GET: the form (or straight to ``next`` when already signed in); POST: ``sign_in_post``. An error (a
    damaged database…) is one plain message on the form, never a traceback."""
    try:
        if request.method == "POST":
            return await sign_in_post(request)
        return await sign_in_form(request)
    except Exception as exc:
        if isinstance(exc, InboxError):
            LOG.warning("sign-in error: %s", exc)
        return _page(
            request, safe_next(request.query_params.get("next")), message=message_for(exc), status=503
        )


async def sign_in_form(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    found = await run_in_threadpool(_lookup, request.cookies.get(COOKIE))
    if found.user is not None:
        return RedirectResponse(next_path, status_code=303)
    return _page(request, next_path, note=SIGNED_OUT.get(request.query_params.get("signed_out", ""), ""))


def _same_origin(request: Request) -> bool:
    """A form posted from another site is refused (browsers send ``Origin`` with every POST)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > FORM_LIMIT:
        return {}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def sign_in_post(request: Request) -> Response:
    """POST: check the CSRF token, one throttled attempt, then a session cookie and back to ``next``."""
    form = await _form(request)
    next_path = safe_next(form.get("next"))
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    sent = form.get("csrf", "")
    if not (cookie and sent and hmac.compare_digest(cookie, sent)) or not _same_origin(request):
        message = "Your sign-in form had expired: please sign in again."
        return _page(request, next_path, message=message, status=403)
    email, password = form.get("email", "")[:320], form.get("password", "")[:1000]
    store = current_store()
    client = client_address(request)
    result = await run_in_threadpool(signing.attempt, store, email, password, client=client)
    if result.user is None:
        message = result.message[:1].upper() + result.message[1:]
        return _page(request, next_path, message=message, email=email)
    agent = request.headers.get("user-agent", "")
    token = await run_in_threadpool(sessions.start, store, result.user, client=client, user_agent=agent)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", path="/", secure=is_https(request))
    return _private(response)


async def sign_out_post(request: Request) -> Response:
    """POST: end this session (``everywhere``: all of the member's), clear the cookie, go to the form."""
    form = await _form(request)
    token = request.cookies.get(COOKIE) or ""
    sent = form.get("csrf", "")
    if token and not (sent and hmac.compare_digest(sign_out_token(token), sent) and _same_origin(request)):
        return _private(HTMLResponse("This sign-out form had expired: go back, reload and try again.", 403))
    everywhere = form.get("everywhere") == "1"
    if token:
        try:
            await run_in_threadpool(sessions.end, current_store(), token, everywhere=everywhere)
        except Exception as exc:
            return _private(HTMLResponse(escape(message_for(exc)), 503))
    response = RedirectResponse(f"{SIGN_IN}?signed_out={'everywhere' if everywhere else '1'}", 303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request))
    return _private(response)


def routes() -> list[Route]:
    return [
        Route(SIGN_IN, sign_in, methods=["GET", "POST"]),
        Route(SIGN_OUT, sign_out_post, methods=["POST"]),
        Route("/auth/icon.png", lambda request: FileResponse(ICON, media_type="image/png"), methods=["GET"]),
    ]
