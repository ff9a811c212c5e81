"""The CRM lookup protocol over HTTP: a signed JSON POST out, a signed JSON object of field → value back.

Request: ``POST <lookup URL>`` with a UTF-8 JSON body and the headers ``X-Inbox-Timestamp`` (unix
seconds) and ``X-Inbox-Signature``: the hex HMAC-SHA256, keyed with the shared secret (its UTF-8
bytes), of ``<timestamp>.<body>`` over the exact body bytes sent. The CRM answers 2xx with a JSON
object whose values are text, numbers, true/false or null, signed the same way: its own
``X-Inbox-Timestamp`` and an ``X-Inbox-Signature`` over ``<timestamp>.<response body>``. Anything
else — a timeout, a refused connection, a redirect, 4xx/5xx, an unsigned or wrongly signed or stale
answer, invalid JSON, a list or nested values, more than 1 MB — raises ``CrmFailure`` with a message
fit to show an agent (never the secret, never the response body).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NoReturn
from urllib.parse import urlsplit

import requests

from .errors import InboxError

TIMESTAMP_HEADER = "X-Inbox-Timestamp"
SIGNATURE_HEADER = "X-Inbox-Signature"
MAX_RESPONSE_BYTES = 1_000_000
MAX_SKEW_SECONDS = 300  # a signed answer older or newer than this is refused (replay)
USER_AGENT = "inbox-contacts-crm/1"
_local = threading.local()


class CrmFailure(InboxError):
    """A lookup that did not produce usable data. ``kind`` names the failure (timeout, connection,
    http, redirect, unsigned, bad_signature, stale, invalid_json, bad_shape, too_large); ``retryable``
    is true for 429, 5xx, timeouts and connection errors; ``retry_after`` is the server's hint (s)."""

    def __init__(self, kind: str, message: str, *, retryable: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.kind, self.message, self.retryable, self.retry_after = kind, message, retryable, retry_after
        self.attempts = 1  # set by crm_lookup.call: how many requests were made


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``<timestamp>.<body>`` keyed with ``secret``."""
    return hmac.new(
        secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()


def _json_default(value: object) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def encode(payload: dict[str, Any]) -> bytes:
    """The exact body bytes sent for ``payload`` (compact UTF-8 JSON; dates as ISO 8601)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode(
        "utf-8"
    )


def _session() -> requests.Session:
    """One pooled session per thread (a ``requests.Session`` is not meant to be shared by threads)."""
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def _where(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.rpartition("@")[2] or url  # host[:port], never credentials or the query


def _connection_reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "failed to resolve" in text or "nodename nor servname" in text:
        return "unknown host"
    if "ssl" in text or "certificate" in text:
        return "TLS/certificate error"
    if "reset" in text:
        return "connection reset"
    return "network error"


def _http_failure(response: requests.Response) -> CrmFailure:
    status = response.status_code
    if 300 <= status < 400:
        return CrmFailure(
            "redirect", f"the CRM answered with a redirect (HTTP {status}): configure the final lookup URL"
        )
    retry_after = response.headers.get("Retry-After", "")
    hint = float(retry_after) if retry_after.strip().isdigit() else None
    if status == 429:
        return CrmFailure("http", "the CRM is rate limiting (HTTP 429)", retryable=True, retry_after=hint)
    if status >= 500:
        return CrmFailure("http", f"the CRM failed (HTTP {status})", retryable=True, retry_after=hint)
    if status in (401, 403):
        return CrmFailure(
            "http",
            f"the CRM refused the request (HTTP {status}): check that both sides use the same shared secret",
        )
    if status == 404:
        return CrmFailure("http", "the CRM does not know this contact (HTTP 404)")
    return CrmFailure("http", f"the CRM refused the request (HTTP {status})")


def _read(response: requests.Response, deadline: float, timeout: float) -> bytes:
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise CrmFailure(
                    "too_large", f"the CRM's answer is larger than {MAX_RESPONSE_BYTES // 1_000_000} MB"
                )
            if time.monotonic() > deadline:
                raise requests.Timeout()
            chunks.append(chunk)
    except requests.RequestException as exc:
        if isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower():
            raise CrmFailure(
                "timeout", f"the CRM did not answer within {timeout:g} s", retryable=True
            ) from None
        raise CrmFailure(
            "connection", f"the CRM's answer was cut off ({_connection_reason(exc)})", retryable=True
        ) from None
    return b"".join(chunks)


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> None:
    """Raise ``CrmFailure`` unless ``headers`` sign ``body`` with ``secret`` at a fresh timestamp."""
    stamp, signature = headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER)
    if not stamp or not signature:
        raise CrmFailure(
            "unsigned",
            f"the CRM's answer is not signed ({TIMESTAMP_HEADER} and {SIGNATURE_HEADER} "
            "headers missing): it was refused",
        )
    stamp = stamp.strip()
    if not stamp.isdigit() or abs(int(stamp) - (now if now is not None else time.time())) > MAX_SKEW_SECONDS:
        raise CrmFailure(
            "stale",
            f"the CRM's answer has a missing or out-of-date {TIMESTAMP_HEADER} (more than "
            f"{MAX_SKEW_SECONDS // 60} minutes off): check both clocks",
        )
    if not hmac.compare_digest(sign(secret, stamp, body), signature.strip().lower()):
        raise CrmFailure(
            "bad_signature",
            "the CRM's answer has a wrong signature: check that both sides use the same shared secret",
        )


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def parse(body: bytes) -> dict[str, Any]:
    """The answer as a flat ``{field: value}`` dict; ``CrmFailure`` for invalid JSON or the wrong shape."""
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        raise CrmFailure("invalid_json", "the CRM's answer is not valid JSON") from None
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
            type(data), "a number"
        )
        raise CrmFailure("bad_shape", f"the CRM's answer must be a JSON object of field → value, not {kind}")
    nested = [k for k, v in data.items() if isinstance(v, (dict, list))]
    if nested:
        shown = ", ".join(n[:40] for n in nested[:3]) + (", …" if len(nested) > 3 else "")
        raise CrmFailure(
            "bad_shape",
            f"the CRM's answer has nested values ({shown}): a field's value must be "
            "text, a number, true/false or null",
        )
    return data


def lookup(url: str, secret: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
    """POST the signed ``payload`` to ``url``; the verified, flat answer. Raises ``CrmFailure``.

    ``timeout`` (seconds) bounds connecting, each read, and reading the whole answer.
    """
    body = encode(payload)
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: sign(secret, stamp, body),
    }
    deadline = time.monotonic() + timeout
    try:
        response = _session().post(
            url, data=body, headers=headers, timeout=(timeout, timeout), stream=True, allow_redirects=False
        )
    except requests.Timeout:
        raise CrmFailure("timeout", f"the CRM did not answer within {timeout:g} s", retryable=True) from None
    except requests.ConnectionError as exc:
        raise CrmFailure(
            "connection",
            f"cannot connect to the CRM at {_where(url)} ({_connection_reason(exc)})",
            retryable=True,
        ) from None
    except requests.RequestException as exc:
        raise CrmFailure("connection", f"the request to the CRM failed ({type(exc).__name__})") from None
    with response:
        if not 200 <= response.status_code < 300:
            raise _http_failure(response)
        raw = _read(response, deadline, timeout)
        verify(secret, response.headers, raw)
    return parse(raw)
