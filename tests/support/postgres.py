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


def _new_database(server: str, template: str | None = None) -> str:
    name = f"t{os.getpid()}_{next(_count)}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def _drop_database(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty database on the test server, dropped after the test."""
    name = _new_database(pg_server)
    try:
        yield database_url(pg_server, name)
    finally:
        _drop_database(pg_server, name)


@pytest.fixture(scope="session")
def pg_migrated_template(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with every migration applied, built once per test process: ``pg_migrated_url`` copies it
    (PostgreSQL's ``CREATE DATABASE … TEMPLATE``, as the DuckDB tests copy a migrated file)."""
    from inbox.store import PgStore

    name = _new_database(pg_server)
    PgStore(database_url(pg_server, name), files_dir=tmp_path_factory.mktemp("pg-template")).close()
    try:
        yield name
    finally:
        _drop_database(pg_server, name)


@pytest.fixture
def pg_migrated_url(pg_server: str, pg_migrated_template: str) -> Iterator[str]:
    """A new database with every migration applied (a copy of the template), dropped after the test."""
    name = _new_database(pg_server, pg_migrated_template)
    try:
        yield database_url(pg_server, name)
    finally:
        _drop_database(pg_server, name)
