"""The shape of the store: ``Store`` is the core plus per-area repositories (composed, not inherited), each
repository depends on another only through its constructor, and every method lives in exactly one area."""

import ast
import inspect
import sys
from pathlib import Path

import pytest

from inbox.store import AREAS, PgStore, Store
from inbox.store.compact_postgres import PgCompactSQL
from inbox.store.core import StoreCore
from inbox.store.core_postgres import PgCore
from inbox.store.reads import CoreReads
from inbox.store.repository import Repository

STORE = Path(inspect.getfile(StoreCore)).parent


def public(cls) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")}


def area_modules(cls) -> set[str]:
    """The modules the area's repository class is written in (an area may span two files)."""
    return {k.__module__ for k in cls.__mro__ if issubclass(k, Repository) and k is not Repository}


def test_store_inherits_from_no_area_and_adds_no_public_method():
    """Each engine's store is its core (with the read helpers every core shares), nothing else."""
    assert Store.__mro__ == (Store, StoreCore, CoreReads, object)
    assert PgStore.__mro__ == (PgStore, PgCore, CoreReads, object)
    assert public(Store) == public(StoreCore) and public(PgStore) == public(PgCore)


def test_each_area_is_a_repository_over_the_stores_own_core(store):
    assert set(AREAS) <= set(vars(store))
    engine_specific = {"postgres": {"compaction": PgCompactSQL}}.get(store.dialect.name, {})
    for area, cls in AREAS.items():
        repo = getattr(store, area)
        assert type(repo) is engine_specific.get(area, cls) and isinstance(repo, Repository), area
        assert repo._core is store, area  # one connection and one tx(): the core's
    assert len({id(getattr(store, a)) for a in AREAS}) == len(AREAS)


def test_every_method_lives_in_exactly_one_area():
    """What ``tools/rewrite_store_calls.py`` relies on to map ``store.method`` to its area."""
    seen: dict[str, str] = {}
    for area, cls in AREAS.items():
        for name in public(cls) - public(Repository):
            assert seen.setdefault(name, area) == area, f"{name} is in {seen[name]} and {area}"
    assert not set(seen) & set(AREAS), "a method named like an area"
    assert not set(seen) & public(StoreCore), "a method named like one of the core's"


def runtime_imports(path: Path) -> list[tuple[str, str]]:
    """``(module, name)`` of the package-relative ``from .x import name`` run at import time
    (those under ``if TYPE_CHECKING:`` are annotations only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    return [
        (f"inbox.store.{node.module or ''}".rstrip("."), a.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1 and id(node) not in skip
        for a in node.names
    ]


@pytest.mark.parametrize("area", AREAS)
def test_a_repository_imports_no_other_repository(area):
    """Another area is reached through a constructor argument (``ImportsSQL(core, deletion=…)``), never
    imported and called: the dependencies of an area are the parameters of its ``__init__``."""
    mine = area_modules(AREAS[area])
    for module in mine:
        for source, name in runtime_imports(Path(sys.modules[module].__file__)):
            value = getattr(sys.modules[source], name, None) if source in sys.modules else None
            if value is None and source == "inbox.store":
                value = sys.modules.get(f"inbox.store.{name}")
            if inspect.isclass(value) and issubclass(value, Repository) and value is not Repository:
                assert value.__module__ in mine, f"{module} imports {name} of another area"
            if inspect.ismodule(value) and value.__name__ not in mine:
                assert not any(
                    inspect.isclass(v)
                    and issubclass(v, Repository)
                    and v is not Repository
                    and v.__module__ == value.__name__
                    for v in vars(value).values()
                ), f"{module} imports repository module {name}"


@pytest.mark.parametrize("area", AREAS)
def test_a_repository_keeps_no_link_to_another_but_its_constructor_arguments(area, store):
    repo = getattr(store, area)
    params = set(inspect.signature(type(repo).__init__).parameters) - {"self", "core"}
    links = {k for k, v in vars(repo).items() if isinstance(v, Repository)}
    assert {k.lstrip("_") for k in links} == params


def test_every_store_module_stays_small():
    for path in STORE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
