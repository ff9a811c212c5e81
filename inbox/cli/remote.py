"""The CLI over HTTP: with ``--url``/``INBOX_URL`` and a token, covered commands call the running app's API
(/api/v1) and print what they print locally, with the same exit codes; an API problem's ``detail`` is the
one ``inbox:`` line (exit 2)."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import httpx

from ..errors import InboxError, Problems
from .common import FC

TIMEOUT = httpx.Timeout(30.0, read=600.0)  # an import or an export may take minutes on a large file
TOKEN_HELP = "create one with: python -m inbox tokens create EMAIL --name NAME"


def remote_option(fn: FC) -> FC:
    """``--url URL`` and ``--token TOKEN``: run the command against the running app instead of the file."""
    fn = click.option(
        "--token",
        "remote_token",
        default=None,
        metavar="TOKEN",
        expose_value=False,
        callback=_keep,
        help="API token for --url (default: $INBOX_TOKEN).",
    )(fn)
    return click.option(
        "--url",
        "remote_url",
        default=None,
        metavar="URL",
        expose_value=False,
        callback=_keep,
        help="Run against the running app at URL (default: $INBOX_URL), e.g. http://127.0.0.1:8501, "
        "while it holds the database.",
    )(fn)


def _keep(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    ctx.meta[f"inbox.{param.name}"] = value
    return value


class Remote:
    """An API client acting as the token's member."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.http = httpx.Client(
            base_url=f"{self.url}/api/v1",
            headers={"Authorization": f"Bearer {token}", "User-Agent": "inbox-cli"},
            timeout=TIMEOUT,
        )

    def call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise InboxError(f"cannot reach the app at {self.url}: {exc or type(exc).__name__}") from None
        if response.status_code >= 400:
            raise refused(response)
        return response

    def json(self, method: str, path: str, **kw: Any) -> Any:
        return self.call(method, path, **kw).json()

    @contextmanager
    def stream(self, path: str, **kw: Any) -> Iterator[httpx.Response]:
        try:
            with self.http.stream("GET", path, **kw) as response:
                if response.status_code >= 400:
                    response.read()
                    raise refused(response)
                yield response
        except httpx.HTTPError as exc:
            raise InboxError(f"cannot reach the app at {self.url}: {exc or type(exc).__name__}") from None


def refused(response: httpx.Response) -> InboxError:
    """The API's problem as the error the local command would raise: its ``detail`` (and ``errors``)."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, str) or not detail:
        detail = f"the app answered {response.status_code} {response.reason_phrase}"
    if response.status_code == 401:
        detail += f" ({TOKEN_HELP})"
    lines = body.get("errors") if isinstance(body, dict) else None
    if isinstance(lines, list) and lines and all(isinstance(x, str) for x in lines):
        return Problems([str(x) for x in lines])
    error = InboxError(detail)
    error.body = body  # type: ignore[attr-defined]  # extras such as an undo's contacts
    return error


def connect(db: str | None = None, actor: str | None = None) -> Remote | None:
    """The API client when ``--url``/``INBOX_URL`` is given (with a token), else None (open the file)."""
    meta = click.get_current_context().meta
    url = meta.get("inbox.remote_url") or os.environ.get("INBOX_URL", "").strip()
    if not url:
        return None
    if db:
        raise click.UsageError("give --db (open the file) or --url (use the running app), not both")
    if actor:
        raise click.UsageError("--actor is not used with --url: the API token's member acts")
    token = meta.get("inbox.remote_token") or os.environ.get("INBOX_TOKEN", "").strip()
    if not token:
        raise click.UsageError(f"--url needs an API token: --token or INBOX_TOKEN ({TOKEN_HELP})")
    if not url.startswith(("http://", "https://")):
        raise click.UsageError(f"--url must start with http:// or https://, not '{url}'")
    return Remote(url, token)


def save_stream(
    remote: Remote, path: str, out: Path, params: Any, failed: Callable[[OSError], Exception]
) -> None:
    """Stream a download to ``out`` (removed again when cut short)."""
    with remote.stream(path, params=params) as response:
        try:
            with open(out, "wb") as fh:
                for chunk in response.iter_bytes():
                    fh.write(chunk)
        except OSError as exc:
            out.unlink(missing_ok=True)
            raise failed(exc) from None
        except BaseException:
            out.unlink(missing_ok=True)
            raise


def rows_in(out: Path, fmt: str) -> int:
    """How many entries an export file holds."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(out).metadata.num_rows)
    with open(out, encoding="utf-8", newline="") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)
