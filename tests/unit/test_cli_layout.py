"""CLI: layout export / import (layout as code)."""

import json

from ..support.cli import invoke as run
from ..support.cli import one_line


def setup_db(tmp_path):
    db = str(tmp_path / "w.duckdb")
    run(
        "users",
        "add",
        "boss@example.com",
        "--role",
        "admin",
        "--password-stdin",
        "--db",
        db,
        stdin="long-enough\n",
    )
    run(
        "users",
        "add",
        "ag@example.com",
        "--role",
        "agent",
        "--password-stdin",
        "--db",
        db,
        stdin="long-enough\n",
    )
    return db


def test_export_then_import_a_changed_layout(tmp_path):
    db = setup_db(tmp_path)
    exported = json.loads(run("layout", "export", "--db", db).stdout)
    assert [i["key"] for i in exported][:3] == ["email", "first_name", "last_name"]
    assert set(exported[0]) == {
        "key",
        "label",
        "type",
        "enabled",
        "order",
        "options",
        "regex",
        "required_on_import",
    }
    exported[3]["enabled"] = False
    for item in exported:
        item["order"] += 1
    exported[6]["order"] = 1  # language first
    f = tmp_path / "layout.json"
    f.write_text(json.dumps(exported))
    done = run("layout", "import", str(f), "--actor", "boss@example.com", "--db", db)
    assert done.returncode == 0 and done.stdout.strip() == "layout version 2"
    again = json.loads(run("layout", "export", "--db", db).stdout)
    assert again[0]["key"] == "language" and [i["order"] for i in again] == list(range(1, 10))
    assert not next(i for i in again if i["key"] == "phone")["enabled"]


def test_invalid_file_gives_one_line_per_problem_and_changes_nothing(tmp_path):
    db = setup_db(tmp_path)
    items = json.loads(run("layout", "export", "--db", db).stdout)
    items[0]["label"] = ""
    items[7]["options"] = []
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(items))
    result = run("layout", "import", str(f), "--actor", "boss@example.com", "--db", db)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("inbox: row ") for line in lines), lines
    assert json.loads(run("layout", "export", "--db", db).stdout)[0]["label"] == "Email"


def test_import_refuses_agents_unknown_actors_and_bad_json(tmp_path):
    db = setup_db(tmp_path)
    f = tmp_path / "l.json"
    f.write_text(run("layout", "export", "--db", db).stdout)
    assert "only admins" in one_line(run("layout", "import", str(f), "--actor", "ag@example.com", "--db", db))
    assert "no active user" in one_line(
        run("layout", "import", str(f), "--actor", "x@example.com", "--db", db)
    )
    f.write_text("{not json")
    assert "not valid JSON" in one_line(
        run("layout", "import", str(f), "--actor", "boss@example.com", "--db", db)
    )
