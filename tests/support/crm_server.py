"""A real HTTP CRM for tests: http.server on 127.0.0.1 (free port, own thread) that verifies the signature of
every request and answers as a test tells it: records by lookup value, slow, 500, 429, invalid JSON, wrongly
signed or unsigned answers. No mock of the HTTP client: the app talks to it over TCP."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "test-shared-secret-0123456789"


def sign(secret: str, stamp: str, body: bytes) -> str:
    """Written from the protocol, independently of inbox.crm_client."""
    return hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()


class FakeCrm:
    """``records`` maps a lookup value (or handle) to the answer object; ``then(...)`` queues behaviours
    for the next requests: ``{"json": obj}``, ``{"status": 500}``, ``{"status": 429, "retry_after": "0"}``,
    ``{"slow": 2.0, "json": obj}``, ``{"raw": b"..."}`` (signed, not JSON), ``{"sign_with": "other", "json":
    obj}``, ``{"unsigned": True, "json": obj}``, ``{"stale": True, "json": obj}``.
    ``requests`` lists every request received, with ``signature_ok`` as verified here."""

    def __init__(self, secret: str = SECRET):
        self.secret = secret
        self.records: dict[str, dict] = {}
        self.requests: list[dict] = []
        self._script: list[dict] = []
        self._lock = threading.Lock()
        self.in_flight = self.max_in_flight = (
            0  # requests being answered at once (to check a concurrency limit)
        )
        crm = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with crm._lock:
                    crm.in_flight += 1
                    crm.max_in_flight = max(crm.max_in_flight, crm.in_flight)
                try:
                    crm._handle(self, body)
                finally:
                    with crm._lock:
                        crm.in_flight -= 1

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/lookup"

    def then(self, *behaviours: dict) -> FakeCrm:
        with self._lock:
            self._script.extend(behaviours)
        return self

    @property
    def count(self) -> int:
        return len(self.requests)

    def __enter__(self) -> FakeCrm:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- the server side -------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        stamp = handler.headers.get("X-Inbox-Timestamp", "")
        given = handler.headers.get("X-Inbox-Signature", "")
        ok = bool(
            stamp.isdigit()
            and abs(int(stamp) - time.time()) < 300
            and hmac.compare_digest(sign(self.secret, stamp, body), given)
        )
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        with self._lock:
            self.requests.append(
                {"headers": dict(handler.headers), "body": body, "payload": payload, "signature_ok": ok}
            )
            behaviour = self._script.pop(0) if self._script else None
        if not ok:
            return self._send(handler, 401, b'{"error": "bad signature"}', signed=False)
        if behaviour is None:
            key = (payload.get("lookup") or {}).get("value") or payload.get("handle")
            record = self.records.get("__test__" if payload.get("test") else key)
            if record is None:
                return self._send(handler, 404, b'{"error": "not found"}', signed=False)
            behaviour = {"json": record}
        if "slow" in behaviour:
            time.sleep(behaviour["slow"])
        if "status" in behaviour:
            headers = {"Retry-After": behaviour["retry_after"]} if "retry_after" in behaviour else {}
            return self._send(
                handler, behaviour["status"], b'{"error": "boom"}', signed=False, headers=headers
            )
        raw = behaviour["raw"] if "raw" in behaviour else json.dumps(behaviour["json"]).encode()
        stamp = str(int(time.time()) - (3600 if behaviour.get("stale") else 0))
        self._send(
            handler,
            200,
            raw,
            signed=not behaviour.get("unsigned"),
            stamp=stamp,
            secret=behaviour.get("sign_with", self.secret),
        )

    @staticmethod
    def _send(
        handler,
        status: int,
        raw: bytes,
        *,
        signed: bool,
        stamp: str = "",
        secret: str = "",
        headers: dict | None = None,
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        if signed:
            handler.send_header("X-Inbox-Timestamp", stamp)
            handler.send_header("X-Inbox-Signature", sign(secret, stamp, raw))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        try:
            handler.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/lookup"
