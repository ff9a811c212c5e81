"""Named migration sets, one per area of the store (as sqlite-utils' ``Migrations("name")``), and the plan.

A migration is known by its set and its name, both stable forever. The plan is the one order every database
applies them in, whatever their area; each migration's ``version`` is the schema version it brings a database
to: the migrations of the numbered era keep the number they had, later ones follow their place in the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

Cursor = Any  # the store's TxCursor (execute, register, unregister); not imported: migrations stand alone
Step = Callable[[Cursor], None]  # runs on a cursor inside the transaction that also records it


@dataclass(frozen=True)
class Migration:
    set: str
    name: str
    fn: Step
    version: int | None = None  # None: the version after the previous migration of the plan
    # engine name -> the step that engine runs instead of ``fn`` (SQL that only DuckDB speaks); filled by
    # ``instead_on`` and shared by the plan's numbered copies
    engines: dict[str, Step] = field(default_factory=dict, compare=False, repr=False)

    def __call__(self, cur: Cursor) -> None:
        self.fn(cur)

    def step_for(self, engine: str) -> Step:
        """What ``engine`` ("duckdb", "postgres") runs: its own step where it has one, else ``fn``."""
        return self.engines.get(engine, self.fn)

    def instead_on(self, engine: str) -> Callable[[Step], Step]:
        """``@migration.instead_on("postgres")`` over a function of a cursor: that engine runs it instead."""

        def add(fn: Step) -> Step:
            if engine in self.engines:
                raise ValueError(f"migration {self.label} already has a step for {engine}")
            self.engines[engine] = fn
            return fn

        return add

    @property
    def key(self) -> tuple[str, str]:
        return (self.set, self.name)

    @property
    def label(self) -> str:
        return f'"{self.name}" ({self.set})'


class Migrations:
    """A named, ordered set of migrations: ``@deletion("deletion log and its head")`` over a function of a
    cursor adds it (the function's name when no name is given) and returns the ``Migration``."""

    def __init__(self, name: str):
        self.name = name
        self._migrations: list[Migration] = []

    def __call__(self, name: str | None = None, *, version: int | None = None) -> Callable[[Step], Migration]:
        """``version``: only for migrations of the numbered era (their old number); later ones omit it."""

        def add(fn: Step) -> Migration:
            migration = Migration(self.name, name or fn.__name__, fn, version)
            if any(m.name == migration.name for m in self._migrations):
                raise ValueError(
                    f"migration set {self.name!r} already has a migration named {migration.name!r}"
                )
            self._migrations.append(migration)
            return migration

        return add

    def __iter__(self) -> Iterator[Migration]:
        return iter(self._migrations)

    def __repr__(self) -> str:
        return f"<Migrations {self.name!r}: {', '.join(m.name for m in self._migrations)}>"


def numbered(order: Iterable[Migration]) -> list[Migration]:
    """``order`` with every version filled in; ``ValueError`` when a version does not grow or a key repeats"""
    found: list[Migration] = []
    seen: set[tuple[str, str]] = set()
    last = 0
    for migration in order:
        version = migration.version if migration.version is not None else last + 1
        if version <= last or migration.key in seen:
            raise ValueError(
                f"migration {migration.label}: version {version} after {last}, or named twice:"
                " new migrations are appended to the plan, never inserted"
            )
        found.append(replace(migration, version=version))
        seen.add(migration.key)
        last = version
    return found


def plan(sets: Iterable[Migrations], order: Iterable[Migration]) -> list[Migration]:
    """The numbered ``order``, checked to hold every migration of ``sets`` once, each set in its own order."""
    order = list(order)
    for migrations in sets:
        declared = list(migrations)
        placed = [m for m in order if m.set == migrations.name]
        if placed != declared:
            missing = [m.name for m in declared if m not in placed]
            raise ValueError(
                f"the plan must list every migration of set {migrations.name!r} once, in the"
                f" order they are declared (not in the plan: {missing or 'none'})"
            )
    return numbered(order)
