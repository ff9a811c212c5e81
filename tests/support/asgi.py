"""A small synchronous HTTP client over an ASGI app, with a cookie jar (starlette's TestClient needs httpx2,
which is not a dependency): enough for the sign-in routes' tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str]  # lower-case names; repeated headers joined by "\n"
    text: str
    cookies: dict[str, str] = field(default_factory=dict)  # the cookies this answer set (value "" if deleted)


class Client:
    """``get``/``post`` an ASGI ``app`` as a browser on ``http://testserver`` would, keeping its cookies."""

    def __init__(self, app, host: str = "testserver"):
        self.app, self.host = app, host
        self.cookies: dict[str, str] = {}

    def get(self, url: str, params: dict | None = None, headers: dict | None = None) -> Answer:
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        return self.request("GET", url, b"", headers or {})

    def post(self, url: str, data: dict | None = None, headers: dict | None = None) -> Answer:
        body = urlencode(data or {}).encode()
        kinds = {"content-type": "application/x-www-form-urlencoded", **(headers or {})}
        return self.request("POST", url, body, kinds)

    def request(self, method: str, url: str, body: bytes, headers: dict) -> Answer:
        parts = urlsplit(url)
        sent = {"host": self.host, **{k.lower(): v for k, v in headers.items()}}
        if self.cookies:
            sent["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            sent["content-length"] = str(len(body))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": parts.path,
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "root_path": "",
            "client": ("127.0.0.1", 50000),
            "server": (self.host, 80),
            "headers": [(k.encode(), v.encode()) for k, v in sent.items()],
        }
        answer = asyncio.run(self._call(scope, body))
        self.cookies.update(answer.cookies)
        self.cookies = {k: v for k, v in self.cookies.items() if v}
        return answer

    async def _call(self, scope: dict, body: bytes) -> Answer:
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        out: list[dict] = []

        async def receive():
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message):
            out.append(message)

        await self.app(scope, receive, send)
        start = next(m for m in out if m["type"] == "http.response.start")
        headers: dict[str, str] = {}
        cookies: dict[str, str] = {}
        for k, v in start["headers"]:
            name, value = k.decode().lower(), v.decode()
            headers[name] = f"{headers[name]}\n{value}" if name in headers else value
            if name == "set-cookie":
                jar = SimpleCookie()
                jar.load(value)
                cookies.update({key: morsel.value for key, morsel in jar.items()})
        text = b"".join(m.get("body", b"") for m in out if m["type"] == "http.response.body").decode()
        return Answer(start["status"], headers, text, cookies)
