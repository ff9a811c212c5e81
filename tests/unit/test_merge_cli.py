"""CLI: ``merge`` prints the merge-log entry as JSON (errors: one line, exit 2); ``duplicates``."""

import json
import shutil

from inbox import inbound
from inbox.store import Store

from ..support.cli import invoke, one_line
from ..support.deletion import ADMIN, AGENT
from ..support.members import seed_members


def test_merge_then_duplicates(tmp_path, migrated_template):
    path = tmp_path / "w.duckdb"
    shutil.copyfile(migrated_template, path)
    with Store(path) as store:
        seed_members(store, ADMIN, AGENT)
        a = inbound.receive(store, "sms", "+33611112222", "hi")["contact_id"]
        b = inbound.receive(store, "webchat", "visitor-9", "hello")["contact_id"]
        c = inbound.receive(store, "sms", "+33633334444", "yo")["contact_id"]
        with store.tx() as cur:
            cur.execute("UPDATE contacts SET email = 'same@example.org' WHERE id IN (?, ?)", [b, c])
    ran = invoke("merge", a, b, "--actor", AGENT.email, "--choose", f"email={b}", "--db", path)
    assert ran.code == 0, ran
    entry = json.loads(ran.stdout)
    assert entry["survivor_id"] == a and entry["merged_ids"] == [b] and entry["changed_keys"] == ["email"]
    again = invoke("merge", a, b, "--actor", AGENT.email, "--db", path)
    assert "no longer exists" in one_line(again)
    assert "no active user" in one_line(invoke("merge", a, c, "--actor", "nobody@example.com", "--db", path))
    assert "KEY=ID" in one_line(invoke("merge", a, c, "--actor", AGENT.email, "--choose", "x", "--db", path))
    listed = invoke("duplicates", "--db", path)
    assert listed.code == 0, listed
    lines = [json.loads(x) for x in listed.stdout.splitlines()]
    assert lines == [
        {"kind": "email", "shown": "same@example.org", "ids": [a, c], "size": 2},
        {"groups": 1, "shown": 1},
    ]
