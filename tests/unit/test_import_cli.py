"""CLI `import` and `undo-import`: one JSON object on stdout, exit codes, one line on stderr, never a
traceback."""

import json
import shutil

import pytest

from inbox import users
from inbox.models import SYSTEM
from inbox.store import Store

from ..support.cli import invoke, one_line
from ..support.imports import SAMPLES, fingerprint, write


def cli(*args):
    return invoke(*args, env={"INBOX_DB": "/nonexistent/never-used.duckdb"})


def ok_json(result):
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    return json.loads(lines[0])


@pytest.fixture
def db(tmp_path, migrated_template):
    path = tmp_path / "cli.duckdb"
    shutil.copyfile(migrated_template, path)  # migrated once per run: opening it runs no migration
    with Store(path) as store:
        users.add_user(store, SYSTEM, "admin@example.com", role="admin", password="admin-secret-1")
        users.add_user(store, SYSTEM, "agent@example.com", role="agent", password="agent-secret-1")
    return path


def test_import_prints_one_json_object_and_writes_the_rejects(db, tmp_path):
    rejects = tmp_path / "rejects.csv"
    out = ok_json(
        cli(
            "import",
            SAMPLES / "contacts_with_errors.csv",
            "--db",
            db,
            "--rejects",
            rejects,
            "--actor",
            "admin@example.com",
        )
    )
    keys = ("inserted", "updated", "unchanged", "rejected", "skipped_values", "encoding", "delimiter")
    assert {k: out[k] for k in keys} == {
        "inserted": 5,
        "updated": 0,
        "unchanged": 0,
        "rejected": 7,
        "skipped_values": 3,
        "encoding": "utf-8",
        "delimiter": ",",
    }
    assert isinstance(out["batch_id"], int) and out["rejects_file"] == str(rejects)
    text = rejects.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == (
        "email,first_name,last_name,phone,language,subscription,external_id,notes,status,errors"
    )
    assert "rejected,line 3: email: not a valid email address: it must have an @ (not-an-email)" in text
    assert 'imported without the invalid value,"line 5: language: left empty: not a language' in text
    with Store(db) as store:
        assert store.imports.import_batches()[0]["created_by"] == "admin@example.com"


def test_the_rejects_file_can_be_fixed_and_imported_again(db, tmp_path):
    rejects = tmp_path / "rejects.csv"
    ok_json(
        cli(
            "import",
            SAMPLES / "contacts_with_errors.csv",
            "--db",
            db,
            "--rejects",
            rejects,
            "--invalid-values",
            "reject-row",
        )
    )
    fixed = rejects.read_text(encoding="utf-8-sig").replace("not-an-email", "liam@example.com")
    (tmp_path / "fixed.csv").write_text(fixed, encoding="utf-8")
    out = ok_json(cli("import", tmp_path / "fixed.csv", "--db", db))
    # the fixed e-mail, the two ragged rows now that they have every column (extra field kept in notes), and
    # (imported by default with the bad value left empty) the rows with a bad language, subscription or name;
    # the duplicate of line 2 now updates that contact; the `status` and `errors` columns are ignored
    assert (out["inserted"], out["updated"], out["rejected"], out["skipped_values"]) == (6, 1, 3, 3)


def test_dry_run_writes_nothing(db, tmp_path):
    with Store(db) as store:
        before = fingerprint(store)
    out = ok_json(cli("import", SAMPLES / "hubspot_contacts.csv", "--db", db, "--dry-run"))
    assert (out["inserted"], out["batch_id"], out["dry_run"]) == (8, None, True)
    with Store(db) as store:
        assert fingerprint(store) == before


def test_options_mapping_encoding_delimiter_and_policy(db, tmp_path):
    path = write(tmp_path, "Adresse;Nom\na@example.com;Lefèvre\n", encoding="windows-1252")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Adresse": "email", "Nom": "last_name"}))
    out = ok_json(
        cli("import", path, "--db", db, "--mapping", mapping, "--encoding", "cp1252", "--delimiter", ";")
    )
    assert (out["inserted"], out["encoding"], out["delimiter"]) == (1, "windows-1252", ";")
    path = write(tmp_path, "Adresse;Nom\na@example.com;Other\n", name="again.csv")
    out = ok_json(cli("import", path, "--db", db, "--mapping", mapping, "--on-conflict", "skip"))
    assert (out["skipped"], out["updated"]) == (1, 0)
    out = ok_json(
        cli("import", path, "--db", db, "--mapping", mapping, "--on-conflict", "update", "--progress")
    )
    assert out["updated"] == 1


@pytest.mark.parametrize(
    "content,args,message",
    [
        (b"", (), "is empty"),
        (b"\x00\x01\x02binary\x00\x00\x00\x07" * 40, (), "binary data"),
        (b"a@example.com,Ann\n", (), "no header line"),
        (b"Name,City\nAnn,Paris\n", (), "no column maps to an identifier"),
        (b"Email\na@example.com\n", ("--encoding", "klingon"), "unknown encoding"),
        ("Email,Name\na@example.com,Zoë\n".encode("utf-16-le") + b"x", (), "odd number of bytes (59)"),
        (
            "Email,Name\na@example.com,Zoë\n".encode("utf-16-le"),
            ("--encoding", "utf-8"),
            "is utf-16-le text, not utf-8",
        ),
        (
            "Email,Name\na@example.com,Zoë\n".encode(),
            ("--encoding", "utf-16"),
            "does not look like UTF-16 text",
        ),
        (b"Email\na@example.com\n", ("--delimiter", "ab"), "the delimiter must be one character"),
        (b"Email\na@example.com\n", ("--actor", "agent@example.com"), "only admins"),
        (b"Email\na@example.com\n", ("--actor", "ghost@example.com"), "no active user"),
        (b"Email\na@example.com\n", ("--on-conflict", "merge"), "Invalid value"),
        (b"Email\na@example.com\n", ("--match", "name"), "match order"),
    ],
)
def test_unusable_input_is_one_line_and_exit_2(db, tmp_path, content, args, message):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    assert message in one_line(cli("import", path, "--db", db, *args))


def test_missing_file_and_bad_mapping_file(db, tmp_path):
    assert "cannot read" in one_line(cli("import", tmp_path / "nope.csv", "--db", db))
    (tmp_path / "m.json").write_text("{oops")
    path = write(tmp_path, "Email\na@example.com\n")
    assert "not valid JSON" in one_line(cli("import", path, "--db", db, "--mapping", tmp_path / "m.json"))


def test_undo_import_exit_codes(db, tmp_path):
    batch = ok_json(cli("import", SAMPLES / "hubspot_contacts.csv", "--db", db))["batch_id"]
    path = write(tmp_path, "Email,Job title\nada.lovelace@example.com,Countess\n")
    later = ok_json(cli("import", path, "--db", db))["batch_id"]
    refused = cli("undo-import", batch, "--db", db)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert (
        lines[0]
        == f"inbox: import {batch} cannot be undone: 1 of its contacts changed since (undo the later "
        "changes first, or leave the import in place)"
    )
    assert lines[1].startswith("  contact #1 (inserted by the import): version 1 → 2, last by system (cli)")
    assert ok_json(cli("undo-import", later, "--db", db)) == {
        "batch_id": later,
        "removed": 0,
        "restored": 1,
        "already_deleted": 0,
    }
    assert ok_json(cli("undo-import", batch, "--db", db))["removed"] == 8
    assert "already undone" in one_line(cli("undo-import", batch, "--db", db))
    assert "no import 99" in one_line(cli("undo-import", "99", "--db", db))
    assert "invalid value" in one_line(cli("undo-import", "abc", "--db", db)).lower()


def test_damaged_utf8_is_refused_naming_the_line_then_imported_without_it_when_chosen(db, tmp_path):
    good = "".join(f"user{i}@example.com,Zoë,Lefèvre\n" for i in range(40_000)).encode()
    path = tmp_path / "damaged.csv"
    path.write_bytes(
        b"Email,First name,Last name\n"
        + good
        + b"late@example.com,Ren\xe9e,Dupont\n"
        + "wang@example.cn,王,小明\n".encode()
    )
    line = one_line(cli("import", path, "--db", db))
    assert (
        "not valid UTF-8 text at line 40002 (byte 0xE9, which is é in Windows-1252)" in line
        and "--encoding" in line
    )
    rejects = tmp_path / "rejects.csv"
    out = ok_json(cli("import", path, "--db", db, "--encoding", "utf-8", "--rejects", rejects))
    assert (out["inserted"], out["rejected"], out["encoding"]) == (40_001, 1, "utf-8")
    assert "1 row is not valid UTF-8 text (first: line 40002)" in out["notes"][-1]
    assert rejects.read_text(encoding="utf-8-sig").splitlines()[1] == (
        'late@example.com,Ren�e,Dupont,rejected,"line 40002: not valid UTF-8 text '
        '(byte 0xE9, which is é in Windows-1252, '
        'shown as �): the file may not be UTF-8: choose its encoding"'
    )
    with Store(db) as store:
        assert store._rows(
            "SELECT first_name, last_name FROM contacts WHERE email IN ('user39999@example.com',"
            " 'wang@example.cn') ORDER BY email"
        ) == [("Zoë", "Lefèvre"), ("王", "小明")]


def test_utf16_without_bom_is_read_when_chosen(db, tmp_path):
    path = write(tmp_path, "Email;Prénom\nzoe@example.fr;Zoë\nwang@example.cn;王小明\n", encoding="utf-16-be")
    out = ok_json(
        cli("import", path, "--db", db, "--encoding", "utf-16", "--mapping", _first_name_mapping(tmp_path))
    )
    assert (out["inserted"], out["encoding"], out["delimiter"]) == (2, "utf-16-be", ";")
    with Store(db) as store:
        assert store._rows("SELECT first_name FROM contacts ORDER BY email") == [("王小明",), ("Zoë",)]


def _first_name_mapping(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps({"Email": "email", "Prénom": "first_name"}), encoding="utf-8")
    return path


def test_built_in_templates_and_mapping_files_with_fallbacks(db, tmp_path):
    out = ok_json(
        cli("import", SAMPLES / "outlook_contacts.csv", "--db", db, "--template", "outlook", "--dry-run")
    )
    assert (out["inserted"], out["rejected"]) == (5, 0)
    assert out["notes"][0].startswith("Business Phone, then Primary Phone, then Home Phone")
    mapping = (
        tmp_path / "m.json"
    )  # the mapping file overrides the template column by column (fallbacks: by target)
    mapping.write_text(
        json.dumps(
            {
                "mapping": {"Title": "job_title", "Job Title": None},
                "fallbacks": {"email": ["E-mail 3 Address"]},
            }
        )
    )
    out = ok_json(
        cli(
            "import",
            SAMPLES / "outlook_contacts.csv",
            "--db",
            db,
            "--template",
            "Outlook",
            "--mapping",
            mapping,
        )
    )
    assert "E-mail 3 Address also fills Email when E-mail Address is empty" in out["notes"]
    with Store(db) as store:
        titles = store._rows("SELECT email, job_title FROM contacts ORDER BY email")
    assert ("amelie.rousseau@example.com", "Dr.") in titles
    assert "oliver.obrien@example.com" not in [
        e for e, _ in titles
    ]  # E-mail 2 Address is no fallback any more


def test_an_unknown_template_is_one_line_listing_the_names(db):
    line = one_line(cli("import", SAMPLES / "google_contacts.csv", "--db", db, "--template", "gmail"))
    assert line == (
        "inbox: no built-in template 'gmail': use one of Google Contacts, Outlook, HubSpot, Salesforce, "
        "Zendesk users, Mailchimp audience, Intercom users, Freshdesk contacts, Chatwoot contacts"
    )
