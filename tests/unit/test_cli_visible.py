"""CLI output shows bidi overrides and invisible characters of handles, names and messages as escapes."""

import json
import shutil

import pytest

from inbox import inbound, users
from inbox.models import SYSTEM
from inbox.store import Store

from ..support.cli import invoke

HANDLE = "visitor\u202egnp.exe"


def run(*argv):
    ran = invoke(*argv)
    return ran.code, ran.stdout, ran.stderr


@pytest.fixture
def db(tmp_path, migrated_template):
    path = tmp_path / "w.duckdb"
    shutil.copyfile(migrated_template, path)  # migrated once per run: opening it runs no migration
    with Store(path) as store:
        users.add_user(
            store,
            SYSTEM,
            "eve@example.com",
            role="agent",
            password="a-good-password",
            display_name="Eve\u200b\u202eliam",
        )
        inbound.receive(store, "webchat", HANDLE, "hello")
    return str(path)


def test_search_prints_the_handle_escaped_and_the_json_still_holds_it_whole(db):
    code, out, _ = run("search", "visitor", "--db", db)
    assert code == 0 and "\u202e" not in out and "visitor\\u202egnp.exe" in out
    assert json.loads(out)[0]["handle"] == HANDLE  # the same JSON value: nothing dropped


def test_users_list_shows_a_name_with_zero_width_and_override_characters(db):
    code, out, _ = run("users", "list", "--db", db)
    assert code == 0 and out == "eve@example.com\tagent\tactive\tEve\\u200b\\u202eliam\n"


def test_an_error_quoting_what_was_typed_shows_its_hidden_characters(db):
    code, out, err = run("receive", "--platform", "fax\u202e", "--handle", "x", "--text", "hi", "--db", db)
    assert code == 2 and out == ""
    assert err.startswith("inbox: platform must be one of") and err.endswith("not 'fax\\u202e'\n")
