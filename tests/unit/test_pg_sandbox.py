"""tools/pg_sandbox.py: a throw-away PostgreSQL 15+ on loopback, with the extensions search needs, that leaves
nothing behind; a clear reason when this machine cannot run one."""

from __future__ import annotations

import psycopg
import pytest

from tools import pg_sandbox
from tools.pg_sandbox import Sandbox, Unavailable

from ..support.postgres import missing


def test_a_sandbox_serves_on_loopback_only_and_leaves_nothing_behind():
    try:
        sandbox = Sandbox()
    except Unavailable as exc:
        missing(str(exc))
    url = sandbox.start()
    try:
        assert url.startswith("postgresql://postgres@127.0.0.1:") and url.endswith("/inbox")
        with psycopg.connect(url, autocommit=True) as con:
            assert int(con.execute("SHOW server_version_num").fetchone()[0]) >= 150000
            assert con.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
            con.execute("CREATE EXTENSION pg_trgm")
            con.execute("CREATE EXTENSION unaccent")
            row = con.execute(
                "SELECT unaccent('Zoé Ærø'), similarity('inbox', 'inbox'), similarity('abc', 'xyz')"
            )
            assert row.fetchone() == ("Zoe AEro", 1.0, 0.0)
    finally:
        sandbox.stop()
    assert not sandbox.root.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_a_machine_without_the_server_gets_the_reason(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("INBOX_PG_BIN", str(tmp_path))
    with pytest.raises(Unavailable, match=f"INBOX_PG_BIN={tmp_path} holds no initdb"):
        Sandbox()
    assert pg_sandbox.main(["check"]) == 1
    assert capsys.readouterr().out == f"INBOX_PG_BIN={tmp_path} holds no initdb\n"
    monkeypatch.delenv("INBOX_PG_BIN")
    monkeypatch.setattr(pg_sandbox, "DEBIAN_BINARIES", tmp_path)
    with pytest.raises(Unavailable, match="no PostgreSQL server binaries"):
        pg_sandbox.binaries()
    assert pg_sandbox.main(["nonsense"]) == 2
