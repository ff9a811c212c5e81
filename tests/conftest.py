"""Shared fixtures: every test gets its own database (a DuckDB file; a PostgreSQL database per test)."""

import functools
import os
import shutil

import pytest
from argon2 import PasswordHasher
from streamlit.components.v2 import manifest_scanner

from inbox import users
from inbox.store import PgStore, Store

from .support.postgres import pg_migrated_database, pg_migrated_url, pg_server, pg_url  # noqa: F401

# Every test that uses a store runs once per engine (the ``engine`` parameter): DuckDB, then PostgreSQL.
# INBOX_TEST_ENGINES=duckdb (or postgres) runs one engine only, e.g. locally without PostgreSQL.
ENGINES = tuple(e for e in os.environ.get("INBOX_TEST_ENGINES", "duckdb,postgres").split(",") if e)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "duckdb_only(reason): the test checks how DuckDB itself behaves (its file, its connection, its"
        " storage); it runs on DuckDB only and the reason says where PostgreSQL's side is tested",
    )


def pytest_generate_tests(metafunc):
    if "engine" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("duckdb_only")
        engines = [e for e in ENGINES if e == "duckdb"] if marker else list(ENGINES)
        metafunc.parametrize("engine", engines, scope="function")


# The product's hasher (argon2id, 64 MiB, 3 passes: ~0.3 s a hash) is pinned by tests/unit/test_users.py;
# every other test hashes with argon2id at the smallest cost, as Django's test settings do, so a sign-in costs
# ~1 ms.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
users._hasher = CHEAP_HASHER
users._DUMMY_HASH = CHEAP_HASHER.hash("not-a-real-password")

# Each new AppTest scans the metadata of every installed distribution for Streamlit components (~0.3 s with
# the dev tools installed: a quarter of an AppTest test's time, over 400 of them a run). The installed
# packages do not change during a run: scan once per test process.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A database file with every migration applied, built once per test process and copied by ``store``."""
    path = tmp_path_factory.mktemp("template") / "template.duckdb"
    Store(path).close()
    return path


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "inbox.duckdb"


@pytest.fixture
def store(request, engine, db_path, migrated_template):
    """A fresh, fully migrated store (a copy of the template: opening it runs no migration), on ``engine``."""
    if engine == "postgres":  # the key file, checkpoints and attachments in the test's folder, which
        before = os.environ.get("INBOX_FILES")  # a reopen (open_store, the CLI) finds in $INBOX_FILES
        os.environ["INBOX_FILES"] = str(db_path.parent)
        s = PgStore(request.getfixturevalue("pg_migrated_url"), files_dir=db_path.parent)
        yield s
        s.close()
        if before is None:
            os.environ.pop("INBOX_FILES", None)
        else:
            os.environ["INBOX_FILES"] = before
        return
    shutil.copyfile(migrated_template, db_path)
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def db_target(store, db_path):
    """What ``--db`` / ``INBOX_DB`` name for the test's store: its DuckDB file, or its PostgreSQL URL."""
    return store.url if store.dialect.name == "postgres" else str(db_path)
