"""PostgreSQL for the tests that need it: one throw-away server per test process, a fresh database per test.

``INBOX_TEST_PG`` (a server URL whose user may create databases) uses a server you run; otherwise
``tools/pg_sandbox.py`` starts Debian's PostgreSQL into a temporary folder. Without either, the tests skip
with the reason; with ``CI=true`` they fail instead (CI must run them).
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from tools.pg_sandbox import Sandbox, Unavailable

_count = itertools.count()


def missing(reason: str) -> None:
    message = f"PostgreSQL tests need a server: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: they must run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database (``INBOX_TEST_PG``, else a sandbox)."""
    named = os.environ.get("INBOX_TEST_PG")
    if named:
        yield named
        return
    try:
        sandbox = Sandbox()
    except Unavailable as exc:
        missing(str(exc))
    try:
        url = sandbox.start()
    except Unavailable as exc:
        sandbox.stop()
        missing(str(exc))
    try:
        yield url
    finally:
        sandbox.stop()


def database_url(server: str, name: str) -> str:
    """``server``'s URL naming the database ``name`` instead."""
    base, _, query = server.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty database on the test server, dropped after the test."""
    name = f"t{os.getpid()}_{next(_count)}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(pg_server, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(pg_server, name)
    finally:
        with psycopg.connect(pg_server, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
