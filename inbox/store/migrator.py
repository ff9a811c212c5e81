"""Applies a migration plan to a store: the ``schema_migrations`` records, the refusal of a newer database,
and the one-time move of a database of the numbered era to named records.

``schema_migrations`` holds one row per migration applied: ``(version, migration_set, name, applied_at)``;
``version`` is the schema version the migration brought the database to (its place in the plan), so the
largest one is the database's schema version. The numbered era recorded ``(version, name, applied_at)`` only:
such a table is rewritten, once and in one transaction, with each version's set taken from the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import MigrationFailed, StoreDamaged, StoreTooNew, WriteFailed
from ..models import utcnow
from .migrations.registry import Migration, numbered

TABLE_SQL = (
    "CREATE TABLE {name} (version INTEGER PRIMARY KEY, migration_set VARCHAR NOT NULL,"
    " name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL, UNIQUE (migration_set, name))"
)
Record = tuple[int, str, str]  # (version, set, name)


def _columns(store: Any) -> set[str]:
    """The columns of ``schema_migrations`` (none: no table yet)."""
    return {
        r[0]
        for r in store._rows(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = ? AND table_name = 'schema_migrations'",
            [store.dialect.schema],
        )
    }


def recorded(store: Any, plan: Sequence[Migration], columns: set[str] | None = None) -> list[Record]:
    """What the database applied, oldest first; a numbered-era table is read through the plan's versions
    (a version the plan does not have gets the set ``?``). ``columns``: those of ``schema_migrations`` when
    the caller has read them."""
    columns = _columns(store) if columns is None else columns
    if not columns:
        return []
    if "migration_set" in columns:
        return [
            (int(v), str(s), str(n))
            for v, s, n in store._rows(
                "SELECT version, migration_set, name FROM schema_migrations ORDER BY version"
            )
        ]
    by_version = {m.version: m for m in numbered(plan)}
    return [
        (v, by_version[v].set, by_version[v].name) if v in by_version else (v, "?", name)
        for v, name in store._rows("SELECT version, name FROM schema_migrations ORDER BY version")
    ]


def schema_version(store: Any) -> int:
    """The largest version recorded (0: none)."""
    if not _columns(store):
        return 0
    return int(store._scalar("SELECT coalesce(max(version), 0) FROM schema_migrations"))


def refuse_newer(store: Any, plan: Sequence[Migration], columns: set[str] | None = None) -> list[Record]:
    """The records; ``StoreTooNew`` when some name a migration this code does not know (a newer app's)."""
    plan = numbered(plan)
    done = recorded(store, plan, columns)
    known = {m.key for m in plan}
    unknown = [r for r in done if (r[1], r[2]) not in known]
    if unknown:
        latest, newest = (plan[-1].version or 0) if plan else 0, max(r[0] for r in done)
        what = (
            f"its schema version is {newest}, this version knows up to {latest}"
            if newest > latest
            else "this version does not know its migration(s) "
            + ", ".join(f'"{name}" ({set_})' for _, set_, name in unknown)
        )
        raise StoreTooNew(
            f"database {store.path} was written by a newer version of the app: {what}: upgrade"
            " the app, or use another file"
        )
    return done


def _reason(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _name_the_records(store: Any, plan: Sequence[Migration]) -> None:
    """Rewrite a numbered-era ``schema_migrations`` with each version's set and name, in one transaction."""
    by_version = {m.version: m for m in numbered(plan)}
    with store.tx() as cur:
        rows = cur.execute("SELECT version, applied_at FROM schema_migrations ORDER BY version").fetchall()
        cur.execute(TABLE_SQL.format(name="schema_migrations_named"))
        for version, applied_at in rows:
            m = by_version[version]
            cur.execute(
                "INSERT INTO schema_migrations_named VALUES (?, ?, ?, ?)",
                [version, m.set, m.name, applied_at],
            )
        cur.execute("DROP TABLE schema_migrations")
        cur.execute("ALTER TABLE schema_migrations_named RENAME TO schema_migrations")


def migrate(store: Any, plan: Sequence[Migration]) -> list[tuple[str, str]]:
    """Apply the plan's migrations the database has not recorded, in the plan's order, each with its record in
    one transaction. Re-running is a no-op. Returns the ``(set, name)`` applied now."""
    plan = numbered(plan)
    columns = _columns(store)  # read once: opening a store runs this, one catalog query less each time
    if not columns:
        with store.cursor() as cur:
            cur.execute(TABLE_SQL.format(name="IF NOT EXISTS schema_migrations"))
        columns = _columns(store)  # the table just made (a new file only): today's shape, empty
    done = {(r[1], r[2]) for r in refuse_newer(store, plan, columns)}
    if "migration_set" not in columns:
        try:
            _name_the_records(store, plan)
        except (StoreDamaged, WriteFailed):
            raise
        except Exception as exc:
            raise MigrationFailed(
                f"database {store.path}: naming its migration records failed and was rolled"
                f" back whole, nothing changed: {_reason(exc)}"
            ) from exc
    applied: list[tuple[str, str]] = []
    for migration in plan:
        if migration.key in done:
            continue
        try:
            with store.tx() as cur:
                migration.step_for(store.dialect.name)(cur)
                cur.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?, ?)",
                    [migration.version, migration.set, migration.name, utcnow()],
                )
        except (StoreDamaged, WriteFailed):
            raise
        except Exception as exc:  # DDL is transactional: the failed step left nothing behind
            raise MigrationFailed(
                f"database {store.path}: migration {migration.label} failed and was rolled back whole, the"
                f" database stays at schema version {schema_version(store)}: {_reason(exc)}"
            ) from exc
        applied.append(migration.key)
    return applied
