"""Shared fixtures: every test gets its own DuckDB file (DuckDB allows one writer per file)."""

import pytest

from inbox.store import Store


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "inbox.duckdb"


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()
