"""A real server for API tests: `streamlit run app.py` over a fresh database with an admin and an agent, and
their API tokens made by `python -m inbox tokens create` before it starts (the server then holds the file).

``api_server`` is a module-scoped fixture (one server per test module): import it into the test module
(``from tests.support.api_server import api_server  # noqa: F401``) and take ``(base_url, tokens)``: the base
URL ends with ``/api``; ``tokens`` holds ``admin`` and ``agent`` (valid 90 days) and, for lifecycle tests,
``expired`` and ``revoked`` (the agent's) and ``agent2`` (of a second agent, agent2@example.com).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from .browser import ADMIN, AGENT, ROOT, fresh_server

AGENT2 = ("agent2@example.com", "agent2-password")


def cli_token(db: Path, email: str, name: str) -> str:
    """A new token of ``email``, as an integrator makes one: ``python -m inbox tokens create``."""
    out = subprocess.run(
        [sys.executable, "-m", "inbox", "tokens", "create", email, "--name", name, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout.strip()


def _workspace(db: Path) -> dict[str, str]:
    """Members (an admin, two agents) and the tokens that cannot be made with the CLI (expired, revoked)."""
    from inbox import open_store, tokens, users
    from inbox.models import SYSTEM, utcnow

    with open_store(db) as store:
        for (email, password), role in ((ADMIN, "admin"), (AGENT, "agent"), (AGENT2, "agent")):
            users.add_user(store, SYSTEM, email, role=role, password=password)
        long_ago = utcnow() - timedelta(days=3)
        expired = tokens.create_token(store, SYSTEM, AGENT[0], name="expired", expires_days=1, now=long_ago)[
            1
        ]
        revoked_token, revoked = tokens.create_token(store, SYSTEM, AGENT[0], name="revoked")
        tokens.revoke_token(store, SYSTEM, revoked_token.id)
        agent2 = tokens.create_token(store, SYSTEM, AGENT2[0], name="to disable")[1]
    return {"expired": expired, "revoked": revoked, "agent2": agent2}


@contextmanager
def serve_api(folder: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A server over a new workspace in ``folder``; yields ``(base_url ending in /api, tokens)``."""
    db = folder / "inbox.duckdb"
    made = _workspace(db)
    made["admin"] = cli_token(db, ADMIN[0], "api tests")
    made["agent"] = cli_token(db, AGENT[0], "api tests")
    with fresh_server(ROOT, db) as url:
        yield f"{url}/api", made


@pytest.fixture(scope="module")
def api_server(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """One real server for the test module: ``(base_url, tokens)`` (see this module's docstring)."""
    with serve_api(tmp_path_factory.mktemp("api")) as running:
        yield running
