"""CLI: receive (inbound messages) and search (JSON for automation)."""

import json

from ..support.cli import invoke as run
from ..support.cli import one_line


def test_receive_then_search(tmp_path):
    db = str(tmp_path / "w.duckdb")
    att = tmp_path / "photo.png"
    att.write_bytes(b"\x89PNG fake")
    first = run(
        "receive",
        "--platform",
        "whatsapp",
        "--handle",
        "+33612345678",
        "--text",
        "Bonjour",
        "--attach",
        str(att),
        "--db",
        db,
    )
    assert first.returncode == 0, first.stderr
    out = json.loads(first.stdout)
    assert out == {
        "contact_id": out["contact_id"],
        "conversation_id": out["conversation_id"],
        "new_contact": True,
    }
    again = json.loads(
        run(
            "receive", "--platform", "whatsapp", "--handle", "+33612345678", "--text", "Re", "--db", db
        ).stdout
    )
    assert again == {**out, "new_contact": False}
    found = json.loads(run("search", "3361234", "--db", db).stdout)
    assert [(c["id"], c["platform"], c["handle"]) for c in found] == [
        (out["contact_id"], "whatsapp", "+33612345678")
    ]
    assert set(found[0]["attributes"]) >= {"email", "first_name", "last_name", "phone", "job_title"}
    assert json.loads(run("search", "nobody-here", "--db", db).stdout) == []


def test_receive_bad_input_is_one_line(tmp_path):
    db = str(tmp_path / "w.duckdb")
    assert "platform must be one of" in one_line(
        run("receive", "--platform", "fax", "--handle", "1", "--text", "x", "--db", db)
    )
    assert "not a readable file" in one_line(
        run(
            "receive",
            "--platform",
            "sms",
            "--handle",
            "+331",
            "--text",
            "x",
            "--attach",
            "/nope.png",
            "--db",
            db,
        )
    )
    assert "needs text or an attachment" in one_line(
        run("receive", "--platform", "sms", "--handle", "+331", "--db", db)
    )
    assert "--limit" in one_line(run("search", "x", "--limit", "0", "--db", db))
