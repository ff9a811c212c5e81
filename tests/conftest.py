"""Shared fixtures: every test gets its own DuckDB file (DuckDB allows one writer per file)."""

import functools
import os
import shutil

import pytest
from argon2 import PasswordHasher
from streamlit.components.v2 import manifest_scanner

from inbox import users
from inbox.store import PgStore, Store

from .support.postgres import pg_server, pg_url  # noqa: F401 (fixtures)

# INBOX_TEST_ENGINE=postgres: the ``store`` fixture is a PgStore on a fresh PostgreSQL database (issue 17's
# port in progress: the suite does not pass there yet)
ENGINE = os.environ.get("INBOX_TEST_ENGINE", "duckdb")

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
def store(request, db_path, migrated_template):
    """A fresh, fully migrated store (a copy of the template: opening it runs no migration)."""
    if ENGINE == "postgres":  # no file to put the key file and checkpoints next to: given, as servers must
        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setenv("INBOX_KEY_FILE", str(db_path.parent / "inbox.key"))
        monkeypatch.setenv("INBOX_CHECKPOINT_DIR", str(db_path.parent / "inbox-checkpoints"))
        s = PgStore(request.getfixturevalue("pg_url"), attachments_dir=db_path.parent / "inbox-attachments")
        yield s
        s.close()
        return
    shutil.copyfile(migrated_template, db_path)
    s = Store(db_path)
    yield s
    s.close()
