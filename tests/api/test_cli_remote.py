"""The CLI while the app holds the database: with INBOX_URL/INBOX_TOKEN (or --url/--token) the commands run
against the real server (one process for this module) and print what they print on the file, with the same
exit codes; without them the "in use" error says how to use --url."""

import csv
import json
import shutil

import httpx
import pyarrow.parquet as pq
import pytest

from inbox import deletion, inbound, open_store, retention, tokens
from inbox.models import Actor
from tests.support.browser import ROOT, fresh_server
from tests.support.cli import invoke, one_line
from tests.support.members import seed_members

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")
LOCAL = [  # commands whose output is compared with the same command run on the file
    ("search", "example.org"),
    ("layout", "export"),
    ("users", "list"),
    ("audit", "verify"),
    ("audit", "lookup", "gone@example.org"),
    ("audit", "lookup", "never@example.org"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A database with members, tokens, contacts and one deletion; the outputs of LOCAL on the file; then a
    real server holding it."""
    folder = tmp_path_factory.mktemp("remote")
    db = folder / "inbox.duckdb"
    with open_store(db) as store:
        seed_members(store, ADMIN, AGENT)
        admin_token = tokens.create_token(store, ADMIN, ADMIN.email, name="cron")[1]
        agent_token = tokens.create_token(store, AGENT, AGENT.email, name="agent")[1]
        for n in range(3):
            inbound.receive(store, "email", f"person{n}@example.org", "hello")
        gone = inbound.receive(store, "email", "gone@example.org", "bye")["contact_id"]
        deletion.delete_contact(store, ADMIN, gone, hint="ticket 9", reason="gdpr_request")
        victim = inbound.receive(store, "email", "victim@example.org", "delete me")["contact_id"]
        for n in range(2):
            inbound.receive(store, "email", f"erase{n}@example.org", "erase me")
        retention.save_rule(store, ADMIN, "job_title", "closed", 30)  # nothing is due: every chat is open
    local = {args: invoke(*args, "--db", db) for args in LOCAL}
    twin = tmp_path_factory.mktemp("twin")  # the same workspace, for the writes run on a file
    shutil.copytree(folder, twin, dirs_exist_ok=True)
    with fresh_server(ROOT, db) as url:
        first = httpx.get(f"{url}/api/v1/layout", headers={"Authorization": f"Bearer {admin_token}"})
        assert first.status_code == 200  # the app opened the database: it holds it from now on
        yield {
            "url": url,
            "db": db,
            "admin": admin_token,
            "agent": agent_token,
            "local": local,
            "dir": folder,
            "twin": twin / "inbox.duckdb",
            "victim": victim,
        }


def over(app, *args, token="admin", **kw):
    return invoke(*args, env={"INBOX_URL": app["url"], "INBOX_TOKEN": app[token], "INBOX_DB": None}, **kw)


def test_without_url_the_in_use_error_says_how_to_use_url(app):
    line = one_line(invoke("search", "x", "--db", app["db"]))
    assert "in use by another process" in line and "--url" in line and "INBOX_TOKEN" in line


@pytest.mark.parametrize("args", LOCAL, ids=" ".join)
def test_same_output_and_exit_code_as_on_the_file(app, args):
    remote, local = over(app, *args), app["local"][args]
    assert (remote.code, remote.stdout) == (local.code, local.stdout), remote.stderr
    if args[0] == "audit":
        assert remote.stderr == local.stderr


def test_options_instead_of_environment(app):
    ran = invoke("users", "list", "--url", app["url"], "--token", app["admin"], env={"INBOX_DB": None})
    assert ran.code == 0 and "admin@example.com\tadmin\tactive" in ran.stdout


def test_import_dry_run_then_commit_with_rejects_then_undo(app, tmp_path):
    file = tmp_path / "people.csv"
    file.write_text("Email,First name\nnew1@example.net,Ann\nbroken,Bob\nnew2@example.net,Cy\n")
    rejects = tmp_path / "rejects.csv"
    dry = over(app, "import", file, "--dry-run", "--rejects", rejects)
    assert dry.code == 0, dry.stderr
    out = json.loads(dry.stdout)
    assert (out["inserted"], out["rejected"], out["dry_run"], out["batch_id"]) == (2, 1, True, None)
    assert out["file"] == "people.csv" and out["rejects_file"] == str(rejects)
    assert "broken" in rejects.read_text(encoding="utf-8-sig")
    done = json.loads(over(app, "import", file).stdout)
    assert done["inserted"] == 2 and done["batch_id"] and done["rejects_file"] is None
    assert set(done) == set(out)
    found = json.loads(over(app, "search", "new1@example.net").stdout)
    assert [c["attributes"]["first_name"] for c in found] == ["Ann"]
    undone = over(app, "undo-import", str(done["batch_id"]))
    assert undone.code == 0 and json.loads(undone.stdout)["removed"] == 2


def test_audit_export_csv_and_parquet_to_a_file(app, tmp_path):
    out = tmp_path / "log.csv"
    ran = over(app, "audit", "export", "--format", "csv", "--out", out)
    assert ran.code == 0 and ran.stderr.strip() == f"exported 1 entries to {out}"
    assert [r["identity_hint"] for r in csv.DictReader(out.open(encoding="utf-8"))] == ["ticket 9"]
    parquet = tmp_path / "log.parquet"
    ran = over(app, "audit", "export", "--format", "parquet", "--out", parquet, "--since", "2999-01-01")
    assert ran.code == 0 and pq.read_table(parquet).num_rows == 0
    bad = over(app, "audit", "export", "--format", "csv", "--out", tmp_path / "x.csv", "--since", "soon")
    assert "--since must be a date" in one_line(bad)


def test_errors_are_the_problem_detail_on_one_line_exit_2(app, tmp_path):
    agent = over(app, "audit", "lookup", "x@example.org", token="agent")
    assert (
        one_line(agent)
        == "inbox: only admins can look up deleted identifiers (agent@example.com is not an admin)"
    )
    ran = invoke("users", "list", env={"INBOX_URL": app["url"], "INBOX_TOKEN": "inbox_pat_nope"})
    assert "invalid or expired token" in one_line(ran) and "tokens create" in one_line(ran)
    nothing = invoke("users", "list", env={"INBOX_URL": "http://127.0.0.1:9", "INBOX_TOKEN": "t"})
    assert "cannot reach the app at http://127.0.0.1:9" in one_line(nothing)
    both = over(app, "users", "list", "--db", tmp_path / "x.duckdb")
    assert "not both" in one_line(both)
    no_token = invoke("users", "list", "--url", app["url"], env={"INBOX_TOKEN": None})
    assert "needs an API token" in one_line(no_token)


def test_layout_import_round_trip_and_its_refusals(app, tmp_path):
    exported = over(app, "layout", "export")
    items = json.loads(exported.stdout)
    items[-1]["label"] = "Renamed over HTTP"
    (tmp_path / "layout.json").write_text(json.dumps(items))
    ran = over(app, "layout", "import", tmp_path / "layout.json")
    assert ran.code == 0 and ran.stdout.startswith("layout version "), ran.stderr
    assert json.loads(over(app, "layout", "export").stdout)[-1]["label"] == "Renamed over HTTP"
    with_actor = over(app, "layout", "import", tmp_path / "layout.json", "--actor", ADMIN.email)
    assert "--actor is not used with --url" in one_line(with_actor)
    as_agent = over(app, "layout", "import", tmp_path / "layout.json", token="agent")
    assert "only admins" in one_line(as_agent)


def test_undo_refused_over_url_lists_the_changed_contacts_exit_1(app, tmp_path):
    file = tmp_path / "one.csv"
    file.write_text("Email,First name\nsolo@example.net,Sol\n")
    batch = json.loads(over(app, "import", file).stdout)["batch_id"]
    found = httpx.get(
        f"{app['url']}/api/v1/contacts",
        params={"q": "solo@example.net"},
        headers={"Authorization": f"Bearer {app['admin']}"},
    ).json()["contacts"][0]
    edited = httpx.patch(
        f"{app['url']}/api/v1/contacts/{found['id']}",
        json={"values": {"first_name": "Solange"}},
        headers={"Authorization": f"Bearer {app['admin']}", "If-Match": "*"},
    )
    assert edited.status_code == 200, edited.text
    ran = over(app, "undo-import", str(batch))
    assert ran.code == 1 and ran.stdout == ""
    lines = ran.stderr.strip().splitlines()
    assert lines[0].startswith(f"inbox: import {batch} cannot be undone: 1 of its contacts changed")
    assert lines[1].startswith(
        f"  contact #{found['id']} (inserted by the import): version 1 → 2, last by admin@"
    )


WRITES = [  # (arguments, stdin): run over the API and on the twin file, in this order
    (("users", "add", "new@example.com", "--role", "agent", "--password-stdin"), "a-long-password-1\n"),
    (("users", "add", "new@example.com", "--role", "agent", "--password-stdin"), "a-long-password-1\n"),
    (("users", "disable", "new@example.com"), None),
    (("users", "enable", "new@example.com"), None),
    (("users", "disable", "nobody@example.com"), None),
    (("plan", "show"), None),
    (("plan", "set", "enterprise"), None),
    (("plan", "show"), None),
    (("plan", "set", "team"), None),
]


def test_member_and_plan_writes_print_what_they_print_on_the_file(app):
    for args, stdin in WRITES:
        remote = over(app, *args, stdin=stdin)
        local = invoke(*args, "--db", app["twin"], stdin=stdin)
        assert (remote.code, remote.stdout, remote.stderr) == (local.code, local.stdout, local.stderr), args


def test_delete_over_the_api_logs_the_token_member_and_refuses_actor_and_agents(app):
    victim, hint = app["victim"], ("--hint", "ticket 10", "--reason", "gdpr_request")
    agent = over(app, "delete", victim, *hint, token="agent")
    assert "only admins" in one_line(agent)
    with_actor = over(app, "delete", victim, *hint, "--actor", "admin@example.com")
    assert "--actor is not used with --url" in one_line(with_actor)
    ran = over(app, "delete", victim, *hint)
    local = invoke("delete", victim, *hint, "--actor", "admin@example.com", "--db", app["twin"])
    remote_entry, local_entry = json.loads(ran.stdout), json.loads(local.stdout)
    assert ran.code == local.code == 0 and set(remote_entry) == set(local_entry)
    assert remote_entry["deleted_by"] == "admin@example.com" and remote_entry["identity_hint"] == "ticket 10"
    again = one_line(invoke("delete", victim, *hint, "--actor", "admin@example.com", "--db", app["twin"]))
    assert (
        one_line(over(app, "delete", victim, *hint))
        == again
        == (f"inbox: no contact with id {victim} (it may have been deleted already)")
    )
    assert "Missing option '--actor'" in one_line(invoke("delete", victim, *hint, "--db", app["twin"]))


def test_erase_dry_run_then_erase_write_the_same_result_file_as_on_the_file(app, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text(
        "erase0@example.org\nerase1@example.org\ngone@example.org\nnobody@example.org\nnot an id\n"
    )
    reason = ("--hint", "ticket 11", "--reason", "gdpr_request")
    for dry in (["--dry-run"], []):
        out_remote, out_local = tmp_path / "remote.csv", tmp_path / "local.csv"
        remote = over(app, "erase", ids, *reason, *dry, "--result", out_remote)
        admin = ("--actor", "admin@example.com")
        local = invoke("erase", ids, *reason, *dry, *admin, "--result", out_local, "--db", app["twin"])
        assert remote.code == local.code == 0, remote.stderr
        summary = json.loads(remote.stdout)
        assert summary == {**json.loads(local.stdout), "result_file": str(out_remote)}
        assert out_remote.read_bytes() == out_local.read_bytes()
    assert (summary["identifiers"], summary["contacts_deleted"], summary["contacts_failed"]) == (5, 2, 0)
    again = over(app, "search", "erase0@example.org")
    assert json.loads(again.stdout) == []
    assert "--actor is not used with --url" in one_line(over(app, "erase", ids, *reason, *admin))


def test_retention_over_url_prints_what_it_prints_on_the_file(app):
    for args in (("retention", "run", "--dry-run"), ("retention", "show", "--runs", "0")):
        remote, local = over(app, *args), invoke(*args, "--db", app["twin"])
        assert (remote.code, remote.stdout, remote.stderr) == (local.code, local.stdout, local.stderr), args
    ran = over(app, "retention", "run")
    assert ran.code == 0, ran.stderr
    out = json.loads(ran.stdout)
    [row] = out["rules"]
    assert (row["target"], row["trigger"], row["actor"]) == ("job_title", "api", "admin@example.com")
    assert (out["dry_run"], out["contacts"], out["cleared_values"]) == (False, 0, 0)
    assert ran.stderr == f"- {row['rule']}: cleared 0 values of 0 contacts (run #{row['id']})\n"
    assert [r["id"] for r in json.loads(over(app, "retention", "show").stdout)["runs"]] == [row["id"]]
    assert "only admins can run data retention" in one_line(over(app, "retention", "run", token="agent"))
    assert "only admins can see data retention" in one_line(over(app, "retention", "show", token="agent"))
    with_actor = over(app, "retention", "run", "--actor", "admin@example.com")
    assert "--actor is not used with --url" in one_line(with_actor)
