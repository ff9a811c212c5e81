"""The one writer of layout versions: an attribute-layout save and a CRM managed-attribute change both
turn a stale base version, and a save at the same moment, into ``Conflict`` with nothing saved."""

from datetime import datetime

import pytest

from inbox.errors import Conflict
from inbox.store.core import TxCursor
from inbox.store.core_postgres import PgCursor

AT = datetime(2026, 1, 1, 12, 0)


def save_layout(store, base: int, by: str):
    snapshot = store.layout.attribute_definitions()
    return store.layout.save_layout(
        base_version=base,
        layout=snapshot,
        deleted_keys=[],
        saved_by=by,
        saved_at=AT,
        changes=[f"saved by {by}"],
        snapshot=snapshot,
    )


def set_managed(store, base: int, by: str):
    return store.crm.set_crm_managed(
        base_version=base,
        managed_keys=["job_title"],
        snapshot=store.layout.attribute_definitions(),
        changes=[f"managed by {by}"],
        saved_by=by,
        saved_at=AT,
    )


WRITERS = {"layout": save_layout, "crm": set_managed}


def managed(store) -> set[str]:
    return {d["key"] for d in store.layout.attribute_definitions() if d["crm_managed"]}


@pytest.mark.parametrize("writer", WRITERS)
def test_a_stale_base_version_is_a_conflict(store, writer):
    base = store.layout.current_layout_version()
    save_layout(store, base, "first@example.com")
    with pytest.raises(Conflict, match=f"another admin saved version {base + 1} since you loaded"):
        WRITERS[writer](store, base, "second@example.com")
    assert store.layout.current_layout_version() == base + 1 and managed(store) == set()


@pytest.mark.parametrize("first", WRITERS)
@pytest.mark.parametrize("writer", WRITERS)
def test_a_write_at_the_same_moment_is_a_conflict(store, monkeypatch, writer, first):
    """Another admin's save commits the same version number after this write checked the version and
    before it records its own: the constraint error (or write conflict) is a ``Conflict``, nothing saved."""
    base = store.layout.current_layout_version()
    cursor_class = PgCursor if store.dialect.name == "postgres" else TxCursor  # what tx() yields
    real, raced = cursor_class.execute, []

    def racing(self, sql, params=None):
        if sql.startswith("INSERT INTO layout_versions") and not raced:
            raced.append(sql)
            WRITERS[first](store, base, "other@example.com")  # its own transaction, committed now
        return real(self, sql, params)

    monkeypatch.setattr(cursor_class, "execute", racing)
    with pytest.raises(Conflict):
        WRITERS[writer](store, base, "late@example.com")
    monkeypatch.undo()
    assert raced
    assert store.layout.current_layout_version() == base + 1
    [latest] = store.layout.layout_versions(limit=1)
    assert latest["saved_by"] == "other@example.com"
    assert managed(store) == ({"job_title"} if first == "crm" else set())
