"""The sign-in routes and the middleware (ui/web.py) over HTTP: CSRF, open redirects, cookie flags, the same
answer for an unknown e-mail and a wrong password, throttling, sign-out (everywhere), pages need a session."""

import re

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from inbox import sessions
from inbox import sign_in as signing
from ui import web
from ui.stores import current_store

from ..support.apptest import ADMIN, AGENT
from ..support.asgi import Client


@pytest.fixture
def client(workspace_db):
    """The app's own routes and middleware, with a stand-in for Streamlit's pages (its index.html)."""
    page = Route("/{path:path}", lambda request: PlainTextResponse(f"page {request.url.path}"))
    app = Starlette(routes=[*web.routes(), page], middleware=[Middleware(web.SignInRequired)])
    return Client(app)


def form(client, next_path="/"):
    page = client.get("/auth/sign-in", params={"next": next_path})
    assert page.status_code == 200
    return dict(re.findall(r'name="(csrf|next)" value="([^"]*)"', page.text))


def post(client, email, password, next_path="/", **extra):
    fields = {**form(client, next_path), "email": email, "password": password, **extra}
    return client.post("/auth/sign-in", data=fields)


def test_a_page_without_a_session_goes_to_sign_in_and_comes_back_after(client):
    response = client.get("/contacts?contact=123")
    assert response.status_code == 303
    assert response.headers["location"] == "/auth/sign-in?next=%2Fcontacts%3Fcontact%3D123"
    signed_in = post(client, *ADMIN, next_path="/contacts?contact=123")
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/contacts?contact=123"
    assert client.get("/contacts?contact=123").text == "page /contacts"


@pytest.mark.parametrize(
    "path",
    [
        "/_stcore/health",
        "/static/js/x.js",
        "/media/a.png",
        "/favicon.png",
        "/contacts/_stcore/host-config",
        "/component/x/index.html",
    ],
)
def test_streamlits_own_paths_and_files_are_not_pages(client, path):
    assert client.get(path).status_code == 200


def test_the_session_cookie_is_http_only_same_site_lax_and_secure_behind_https(client):
    cookie = post(client, *ADMIN).headers["set-cookie"]
    assert cookie.startswith(f"{web.COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Path=/" in cookie and "Secure" not in cookie
    del client.cookies[web.COOKIE]  # another browser, behind an HTTPS proxy
    fields = {**form(client), "email": ADMIN[0], "password": ADMIN[1]}
    secure = client.post("/auth/sign-in", data=fields, headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in secure.headers["set-cookie"]


def test_only_the_hash_of_the_token_is_stored(client):
    token = post(client, *ADMIN).cookies[web.COOKIE]
    hashes = current_store()._rows("SELECT token_hash FROM sessions")
    assert hashes == [(sessions.token_hash(token),)] and token not in str(hashes)


def test_a_form_without_its_csrf_token_is_refused(client):
    fields = form(client)
    refused = client.post(
        "/auth/sign-in", data={**fields, "csrf": "forged", "email": ADMIN[0], "password": ADMIN[1]}
    )
    assert refused.status_code == 403 and web.COOKIE not in refused.headers.get("set-cookie", "")
    assert "Your sign-in form had expired" in refused.text
    other_site = client.post(
        "/auth/sign-in",
        data={**fields, "email": ADMIN[0], "password": ADMIN[1]},
        headers={"Origin": "https://evil.example"},
    )
    assert other_site.status_code == 403


@pytest.mark.parametrize(
    "wanted",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/auth/sign-in",
        "/%0d%0aSet-Cookie:x=1",
        "evil.example",
        "/\tx",
    ],
)
def test_next_never_leaves_the_site(client, wanted):
    response = post(client, *ADMIN, next_path=wanted)
    assert response.status_code == 303
    assert response.headers["location"] in ("/", "/%0d%0aSet-Cookie:x=1")  # a path of this site, or home


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(client):
    wrong = post(client, ADMIN[0], "not-the-password")
    unknown = post(client, "nobody@example.com", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert web.COOKIE not in wrong.cookies and web.COOKIE not in unknown.cookies
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.text)  # noqa: E731  (the e-mail typed stays in the form)
    assert strip(wrong) == strip(unknown)
    assert "Wrong email or password" in wrong.text
    assert 'value="nobody@example.com"' in unknown.text


def test_typed_text_is_escaped(client):
    response = post(client, '"><script>alert(1)</script>@x.example', "whatever")
    assert "<script>" not in response.text and "&lt;script&gt;" in response.text


def test_throttled_sign_ins_say_how_long_to_wait(client):
    for _ in range(signing.ACCOUNT_FREE):
        post(client, ADMIN[0], "not-the-password")
    response = post(client, *ADMIN)
    assert web.COOKIE not in response.cookies
    assert re.search(r"Too many failed sign-ins: wait \d+ seconds? before trying again\.", response.text)


def test_sign_out_ends_the_session_and_clears_the_cookie(client):
    token = post(client, *ADMIN).cookies[web.COOKIE]
    assert client.get("/members").status_code == 200
    out = client.post("/auth/sign-out", data={"csrf": web.sign_out_token(token), "everywhere": "0"})
    assert out.status_code == 303 and out.headers["location"] == "/auth/sign-in?signed_out=1"
    assert 'inbox_session=""' in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]
    assert web.COOKIE not in client.cookies
    assert sessions.user_for(current_store(), token) is None
    client.cookies[web.COOKIE] = token  # a copy of the old cookie opens nothing
    assert client.get("/members").status_code == 303
    assert "You have signed out." in client.get("/auth/sign-in?signed_out=1").text


def test_sign_out_needs_its_csrf_token(client):
    token = post(client, *ADMIN).cookies[web.COOKIE]
    assert client.post("/auth/sign-out", data={"csrf": "forged"}).status_code == 403
    assert sessions.user_for(current_store(), token) is not None


def test_sign_out_everywhere_ends_the_members_other_sessions(client, workspace_db):
    store = current_store()
    elsewhere = sessions.start(store, store.accounts.user_by_email(ADMIN[0]))
    agent = sessions.start(store, store.accounts.user_by_email(AGENT[0]))
    token = post(client, *ADMIN).cookies[web.COOKIE]
    client.post("/auth/sign-out", data={"csrf": web.sign_out_token(token), "everywhere": "1"})
    assert sessions.user_for(store, elsewhere) is None and sessions.user_for(store, agent) is not None


def test_signed_in_the_form_goes_straight_to_next(client):
    post(client, *ADMIN)
    response = client.get("/auth/sign-in", params={"next": "/members"})
    assert response.status_code == 303 and response.headers["location"] == "/members"


def test_the_sign_in_page_loads_nothing_from_another_site(client):
    page = client.get("/auth/sign-in")
    assert not re.search(r'(src|href)="(https?:)?//', page.text)
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert client.get("/auth/icon.png").headers["content-type"] == "image/png"


def test_a_bookmark_of_the_former_sign_in_page_opens_the_app(client):
    assert client.get("/sign_in").headers["location"] == "/"
    assert client.get("/").headers["location"] == "/auth/sign-in"


def test_the_client_is_the_connection_unless_a_trusted_proxy_header_is_configured(client, monkeypatch):
    post(client, ADMIN[0], "wrong-password")
    client_header = {"X-Real-IP": "203.0.113.9"}
    fields = {**form(client), "email": ADMIN[0], "password": "wrong-password"}
    client.post("/auth/sign-in", data=fields, headers=client_header)  # not trusted: anyone can send it
    monkeypatch.setenv("INBOX_CLIENT_IP_HEADER", "X-Real-IP")
    fields = {**form(client), "email": ADMIN[0], "password": "wrong-password"}
    client.post("/auth/sign-in", data=fields, headers=client_header)
    clients = [r["client"] for r in reversed(current_store().sign_ins.recent_sign_ins())]
    assert clients == ["127.0.0.1", "127.0.0.1", "203.0.113.9"]
