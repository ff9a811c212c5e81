"""Migrations as named sets: a database of the November 2026 release moves to named records without loss,
the plan keeps one order on old and fresh databases, and migration modules import nothing of the store."""

import ast
import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from inbox import open_store
from inbox.check import run_check
from inbox.deletion_chain import latest_checkpoint, verify_log
from inbox.errors import MigrationFailed, StoreTooNew
from inbox.models import SYSTEM
from inbox.store import Store, migrator
from inbox.store.migrations import MIGRATIONS, Migration, Migrations
from inbox.store.migrations.registry import numbered, plan

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "release-2026-11"  # built by tests/fixtures/build_release_db.py
# Frozen: what the numbered era recorded (version → name), and the set each version belongs to now.
RELEASE_2026_11 = {
    1: ("core", "core tables"),
    2: ("core", "seed settings and built-in attributes"),
    3: ("core", "lookup indexes"),
    4: ("core", "layout versions"),
    5: ("core", "contact search text and lookup indexes"),
    6: ("deletion", "deletion log and its head"),
    7: ("deletion", "attachment files pending removal"),
    8: ("deletion", "attribute values by contact"),
    10: ("imports", "import batches"),
    11: ("imports", "contacts changed by an import batch, with prior values"),
    12: ("imports", "custom values replaced by an import batch"),
    13: ("imports", "saved import mappings"),
    14: ("crm", "crm settings"),
    15: ("crm", "crm lookup status per contact"),
    16: ("core", "language tags"),
    17: ("core", "e-mail addresses normalised"),
    18: ("core", "phone numbers as libphonenumber reads them"),
    19: ("keys", "seals of deletion-log entries written before the key file"),
    22: ("sign_ins", "sign-in attempts"),
}


@pytest.fixture
def release_db(tmp_path):
    """A copy of the release's files (database, key file, attachments, checkpoints) in a fresh folder."""
    folder = tmp_path / "release"
    shutil.copytree(FIXTURE, folder)
    with gzip.open(folder / "inbox.duckdb.gz", "rb") as packed, open(folder / "inbox.duckdb", "wb") as raw:
        shutil.copyfileobj(packed, raw)
    (folder / "inbox.duckdb.gz").unlink()
    for secret in [folder / "inbox.key", *(folder / "inbox-checkpoints").iterdir()]:
        secret.chmod(0o600)  # git keeps no file modes: the key file is refused when others may read it
    return folder / "inbox.duckdb"


def everything(path) -> dict[str, list[tuple]]:
    """Every table's rows (sorted), read with plain DuckDB."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
            ).fetchall()
        ]
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in names}


def test_the_plan_keeps_the_numbered_era_as_it_was():
    assert {m.version: (m.set, m.name) for m in MIGRATIONS if m.version <= 22} == RELEASE_2026_11
    assert [m.version for m in MIGRATIONS] == sorted(m.version for m in MIGRATIONS)


def test_a_release_database_moves_to_named_records_without_loss(release_db):
    before = everything(release_db)
    old_records = sorted(before["schema_migrations"])
    assert [r[:2] for r in old_records] == [(v, n) for v, (_, n) in RELEASE_2026_11.items()]
    assert len(before["contacts"]) > 40 and len(before["deletion_log"]) == 4 and before["attachments"]
    with open_store(release_db) as store:  # the app's way in: migrations, then the key file check
        assert store.applied_migrations()[:19] == list(RELEASE_2026_11.values())
        assert store.applied_migrations() == [(m.set, m.name) for m in MIGRATIONS]
        report = run_check(store)
        assert report.ok, report.lines()
        verified = verify_log(store, SYSTEM)
        assert verified.ok and verified.entries == 4, verified.line()
        assert latest_checkpoint(store, SYSTEM)[1]["entries"] == 4
        assert store.migrate(MIGRATIONS) == []
    after = everything(release_db)
    assert {t: rows for t, rows in after.items() if t in before and t != "schema_migrations"} == {
        t: rows for t, rows in before.items() if t != "schema_migrations"
    }
    added = {t: rows for t, rows in after.items() if t not in before}
    assert added == {  # added since: empty
        "sessions": [],
        "api_tokens": [],
        "value_history": [],
        "retention_rules": [],
        "retention_runs": [],
        "merge_log": [],
        "contact_aliases": [],
        "access_log": [],
        "contact_notes": [],
        "contact_vips": [],
    }
    named = {v: (s, n, at) for v, s, n, at in after["schema_migrations"]}
    for version, name, applied_at in before["schema_migrations"]:  # each record keeps its version and time
        assert named[version] == (RELEASE_2026_11[version][0], name, applied_at)


def test_a_release_database_opened_read_only_is_read_through_the_plan(release_db):
    with Store(release_db, read_only=True) as store:
        assert store.applied_migrations() == list(RELEASE_2026_11.values()) and store.schema_version() == 22
    with duckdb.connect(str(release_db), read_only=True) as con:  # nothing was rewritten
        assert "migration_set" not in {r[0] for r in con.execute("DESCRIBE schema_migrations").fetchall()}


def test_naming_the_records_is_one_transaction(release_db, monkeypatch):
    before = everything(release_db)["schema_migrations"]
    # the new table cannot take the records: its inserts fail after it was created
    monkeypatch.setattr(migrator, "TABLE_SQL", "CREATE TABLE {name} (version INTEGER PRIMARY KEY)")
    with pytest.raises(MigrationFailed, match="naming its migration records failed and was rolled back"):
        Store(release_db)
    tables = everything(release_db)
    assert tables["schema_migrations"] == before and "schema_migrations_named" not in tables


def test_a_numbered_database_with_an_unknown_version_is_refused_untouched(release_db):
    future = MIGRATIONS[-1].version + 1  # a numbered record beyond every migration this version knows
    with duckdb.connect(str(release_db)) as con:
        con.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', now()::TIMESTAMP)", [future])
    before = everything(release_db)
    with pytest.raises(StoreTooNew, match=f"its schema version is {future}, this version knows up to"):
        Store(release_db)
    assert everything(release_db) == before


def test_an_unknown_named_migration_is_refused_even_below_the_latest_version(store):
    with store.tx() as cur:
        cur.execute("DELETE FROM schema_migrations WHERE version = 22")
        cur.execute("INSERT INTO schema_migrations VALUES (22, 'sign_ins', 'a branch of it', now())")
    with pytest.raises(StoreTooNew, match=r'does not know its migration\(s\) "a branch of it" \(sign_ins\)'):
        store.migrate(MIGRATIONS)


def test_a_migration_added_later_runs_after_everything_on_an_old_and_a_fresh_database(release_db, tmp_path):
    ran = []

    def later(cur):
        ran.append(cur.execute("SELECT count(*) FROM schema_migrations").fetchone()[0])
        cur.execute("CREATE TABLE later_things (x INTEGER)")

    newer = MIGRATIONS + [Migration("deletion", "later things", later)]  # appended to the plan (README)
    with Store(release_db) as old, Store(tmp_path / "fresh.duckdb", migrate=False) as fresh:
        assert old.migrate(newer) == [("deletion", "later things")]
        assert fresh.migrate(newer)[-1] == ("deletion", "later things")
        expected = [(m.set, m.name) for m in numbered(newer)]
        assert old.applied_migrations() == fresh.applied_migrations() == expected
        assert old.schema_version() == fresh.schema_version() == MIGRATIONS[-1].version + 1
    assert ran == [len(MIGRATIONS)] * 2  # on both, after every migration of the plan (the release's 19 too)


def test_the_plan_holds_every_migration_of_every_set_once_in_its_set_order():
    things = Migrations("things")

    @things("one")
    def one(cur):
        pass

    @things()
    def two(cur):
        pass

    assert [m.name for m in things] == ["one", "two"] and two.version is None
    assert [m.version for m in plan([things], [one, two])] == [1, 2]
    with pytest.raises(ValueError, match="not in the plan: \\['two'\\]"):
        plan([things], [one])
    with pytest.raises(ValueError, match="in the order they are declared"):
        plan([things], [two, one])
    with pytest.raises(ValueError, match="already has a migration named 'one'"):
        things("one")(lambda cur: None)
    with pytest.raises(ValueError, match="appended to the plan, never inserted"):
        numbered([Migration("a", "x", print, 5), Migration("a", "y", print, 3)])


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(absolute module, inside a function) of every import of an inbox/store module."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested = {
        id(n)
        for f in ast.walk(tree)
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        for n in ast.walk(f)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, id(node) in nested) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = f"{base}.{node.module}" if node.level and node.module else (node.module or base)
            subs = [f"{module}.{a.name}" for a in node.names]
            found += [(m, id(node) in nested) for m in subs if (ROOT / f"{m.replace('.', '/')}.py").exists()]
            found.append((module, id(node) in nested))
    return found


def test_migration_modules_import_nothing_of_the_store_and_schema_nothing_at_all():
    for path in sorted((ROOT / "inbox" / "store" / "migrations").glob("*.py")):
        for module, _ in _imports(path):
            if module.startswith("inbox"):
                assert module.startswith(("inbox.store.migrations", "inbox.models")), (path.name, module)
    assert {m for m, _ in _imports(ROOT / "inbox" / "store" / "schema.py")} == {"__future__"}


def test_the_store_has_no_import_loop_and_no_late_import_of_migrations():
    modules = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for p in (ROOT / "inbox" / "store").rglob("*.py")
    }
    edges = {name: {m for m, _ in _imports(p) if m in modules and m != name} for name, p in modules.items()}
    for name, path in modules.items():
        late = [m for m, inside in _imports(path) if inside and m.startswith("inbox.store.migrations")]
        assert not late, (name, late)

    def visit(name, trail):
        assert name not in trail, " → ".join([*trail, name])
        for nxt in edges[name]:
            if nxt != "inbox.store" and not nxt.startswith(f"{name}."):  # a package importing its own modules
                visit(nxt, [*trail, name])

    for name in modules:
        visit(name, [])
