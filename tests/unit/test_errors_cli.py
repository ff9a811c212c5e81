"""Issue 12 item 8 in the CLI: one clear line and exit 2, never a traceback, never a partial write — output
paths checked before a commit, non-UTF-8 layout files, a full temporary folder, damaged or newer database
files."""

import errno
import os
import shutil
import tempfile

import duckdb
import pytest

from inbox import csv_files, users
from inbox.errors import StoreDamaged, StoreTooNew
from inbox.models import SYSTEM
from inbox.store import Store
from inbox.store.migrations import MIGRATIONS

from ..support.cli import invoke, one_line
from ..support.imports import SAMPLES, write

ADMIN = "admin@example.com"


@pytest.fixture
def db(tmp_path, migrated_template):
    path = tmp_path / "w.duckdb"
    shutil.copyfile(migrated_template, path)  # migrated once per run: opening it runs no migration
    with Store(path) as store:
        users.add_user(store, SYSTEM, ADMIN, role="admin", password="admin-secret-1")
    return path


def counts(db):
    with Store(db) as store:
        return store._one("SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM import_batches)")


@pytest.mark.parametrize("where", ["missing/dir/r.csv", "a-folder", "a-file/r.csv"])
def test_import_refuses_an_unwritable_rejects_path_before_committing(db, tmp_path, where):
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("x")
    line = one_line(
        invoke(
            "import",
            SAMPLES / "contacts_with_errors.csv",
            "--db",
            db,
            "--actor",
            ADMIN,
            "--rejects",
            tmp_path / where,
        )
    )
    assert line.startswith(f"inbox: cannot write --rejects {tmp_path / where}: ")
    assert (
        ("does not exist" in line)
        if where.startswith("missing")
        else ("folder" in line or "is a file" in line)
    )
    assert counts(db) == (0, 0)  # nothing imported


def test_a_rejects_file_that_fails_after_the_commit_names_the_saved_batch(db, tmp_path, monkeypatch):
    rejects = tmp_path / "r.csv"
    real_open = open

    def full_disk(path, mode="r", *args, **kwargs):
        if str(path).endswith(".part") and "w" in mode:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("inbox.outputs.open", full_disk, raising=False)
    ran = invoke(
        "import", SAMPLES / "contacts_with_errors.csv", "--db", db, "--actor", ADMIN, "--rejects", rejects
    )
    line = one_line(ran)
    assert "the import was saved (batch 1)" in line and "No space left" in line and "undo-import 1" in line
    assert '"batch_id": 1' in ran.stdout and not rejects.exists() and not list(tmp_path.glob("*.part"))


def test_erase_and_audit_export_check_their_output_before_changing_anything(db, tmp_path):
    assert (
        invoke("receive", "--platform", "email", "--handle", "a@example.com", "--text", "hi", "--db", db).code
        == 0
    )
    ids = tmp_path / "ids.txt"
    ids.write_text("a@example.com\n")
    line = one_line(
        invoke(
            "erase",
            ids,
            "--actor",
            ADMIN,
            "--hint",
            "request 1",
            "--reason",
            "gdpr_request",
            "--result",
            tmp_path / "nope" / "result.csv",
            "--db",
            db,
        )
    )
    assert "cannot write --result" in line and "does not exist" in line
    with Store(db) as store:
        assert store._scalar("SELECT count(*) FROM contacts") == 1  # not erased
    line = one_line(
        invoke("audit", "export", "--format", "csv", "--out", tmp_path / "nope" / "log.csv", "--db", db)
    )
    assert "cannot write --out" in line and "does not exist" in line


def test_layout_import_of_a_file_that_is_not_utf8_is_one_line(db, tmp_path):
    exported = invoke("layout", "export", "--db", db).stdout
    layout = tmp_path / "layout.json"
    changed = exported.replace('"Email"', '"Adresse électronique"')
    layout.write_bytes(changed.encode("latin-1"))
    line = one_line(invoke("layout", "import", layout, "--actor", ADMIN, "--db", db))
    assert "is not UTF-8 text (byte 0xE9 on line 4)" in line and "save it as UTF-8" in line
    layout.write_bytes(b"\xef\xbb\xbf" + changed.encode())  # the same in UTF-8 (with a BOM) is applied
    assert (
        invoke("layout", "import", layout, "--actor", ADMIN, "--db", db).stdout.strip() == "layout version 2"
    )


def test_utf16_without_byte_order_mark_in_either_order_or_a_clear_refusal(db, tmp_path):
    for i, order in enumerate(("utf-16-le", "utf-16-be")):
        path = write(tmp_path, f"email\nx{i}@example.com\n", name=f"{order}.csv", encoding=order)
        ran = invoke("import", path, "--db", db, "--encoding", "utf-16")
        assert ran.code == 0 and f'"encoding": "{order}"' in ran.stdout, ran.stderr
    ascii_file = write(tmp_path, "email\nz@example.com\n", name="plain.csv")
    assert "does not look like UTF-16" in one_line(
        invoke("import", ascii_file, "--db", db, "--encoding", "utf-16")
    )
    assert counts(db) == (2, 2)


def test_a_full_temporary_folder_during_a_utf16_import_is_one_line_and_writes_nothing(
    db, tmp_path, monkeypatch
):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    real_open = open

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, text):
            self.fh.write(text[:10])  # part of it lands, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")

    def fake_open(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        return Full(fh) if "w" in mode and str(path).startswith(str(temp)) else fh

    monkeypatch.setattr(csv_files, "open", fake_open, raising=False)
    path = write(tmp_path, "email\nfull@example.com\n", encoding="utf-16")
    line = one_line(invoke("import", path, "--db", db))
    assert f"temporary folder {temp} refused it (No space left on device)" in line and "TMPDIR" in line
    assert list(temp.iterdir()) == [] and counts(db) == (0, 0)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    assert invoke("demo", "--contacts", "1500", "--db", path).code == 0
    return path


def damaged_copy(pristine, tmp_path, how):
    path = tmp_path / "damaged.duckdb"
    shutil.copy(pristine, path)
    if how == "truncated":
        os.truncate(path, path.stat().st_size // 2)
    else:  # flip bytes inside the second data block: its checksum no longer matches
        with open(path, "r+b") as fh:
            fh.seek(12288 + 262144 + 1000)
            data = fh.read(16)
            fh.seek(12288 + 262144 + 1000)
            fh.write(bytes(b ^ 0xFF for b in data))
    return path


@pytest.mark.parametrize("how", ["truncated", "checksum"])
def test_a_damaged_database_is_one_clear_line(pristine, tmp_path, how):
    path = damaged_copy(pristine, tmp_path, how)
    ran = invoke("check", "--db", path)
    assert ran.code == 2 and "Traceback" not in ran.stderr
    errors = [line for line in ran.stderr.splitlines() if line.startswith("inbox:")]
    assert (
        len(errors) == 1
        and f"database {path} is damaged" in errors[0]
        and "restore it from a backup" in errors[0]
    )
    assert ran.stderr.strip().splitlines()[-1] == errors[0]  # the last word, after the progress lines
    with pytest.raises(StoreDamaged):  # the library says the same to every caller
        with Store(path) as store:
            for table in store.integrity.checked_tables():
                for _ in store.integrity.iter_table_chunks(table, 100_000):
                    pass


def test_a_database_written_by_a_newer_version_is_refused_naming_both_versions(db):
    known = max(m.version for m in MIGRATIONS)
    with Store(db) as store:
        with store.tx() as cur:
            cur.execute(
                "INSERT INTO schema_migrations VALUES (?, 'future', 'from the future', now()::TIMESTAMP)",
                [known + 7],
            )
    line = one_line(invoke("plan", "show", "--db", db))
    assert (
        f"schema version is {known + 7}, this version knows up to {known}" in line and "newer version" in line
    )
    with pytest.raises(StoreTooNew):
        Store(db, read_only=True)
    with duckdb.connect(str(db), read_only=True) as con:  # nothing was changed by the refusals
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == known + 7


def test_an_unexpected_error_is_one_line_too(db, monkeypatch):
    monkeypatch.setattr("inbox.workspace.get_plan", lambda store: 1 / 0)
    line = one_line(invoke("plan", "show", "--db", db), code=1)
    assert "unexpected error (ZeroDivisionError: division by zero)" in line and "INBOX_DEBUG=1" in line
