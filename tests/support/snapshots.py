"""Test helper: data many tests of a module start from, written once per module and copied for each test."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from typing import Any

import pytest

from inbox.models import Actor
from inbox.store import Store

from .members import seed_members


def snapshot_fixtures(name: str, build: Callable[[Store], Any], *members: Actor) -> tuple[Any, Any, Any]:
    """Three fixtures for a test module, assigned to module names (``_snapshot, store, people = …``):

    - ``{name}_snapshot`` (per module): a migrated workspace where ``members`` were added and ``build(store)``
      ran, in a folder of its own (database, key file, attachments: whatever ``build`` wrote);
    - ``store``: for a test that asks for ``name``, its own copy of that folder, opened; for any other test, a
      fresh workspace as the conftest's ``store`` gives;
    - ``name``: what ``build`` returned (a deep copy per test).

    Writing the data once saves each test the writes (80 transactions: ~2.5 s; a copy opens in ~60 ms)."""

    @pytest.fixture(scope="module", name=f"{name}_snapshot")
    def snapshot(migrated_template, tmp_path_factory):
        path = tmp_path_factory.mktemp(name) / "inbox.duckdb"
        shutil.copyfile(migrated_template, path)
        s = Store(path)
        try:
            seed_members(s, *members)
            made = build(s)
        finally:
            s.close()
        return path, made

    @pytest.fixture(name="store")
    def store(request, db_path, migrated_template):
        if name in request.fixturenames:
            source = request.getfixturevalue(f"{name}_snapshot")[0]
            assert source.name == db_path.name  # the key file and folders are named after the database
            shutil.copytree(source.parent, db_path.parent, dirs_exist_ok=True)
        else:
            shutil.copyfile(migrated_template, db_path)
        s = Store(db_path)
        yield s
        s.close()

    @pytest.fixture(name=name)
    def data(request):
        return copy.deepcopy(request.getfixturevalue(f"{name}_snapshot")[1])

    return snapshot, store, data
