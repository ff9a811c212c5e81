"""tools/install_deps.py hands uv exactly pip's indexes, links and constraints, and falls back to pip."""

import importlib.util
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("install_deps", ROOT / "tools" / "install_deps.py")
install_deps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(install_deps)

LISTED = """:env:.find-links='/opt/wheels'
global.constraint='{constraint}'
global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'
global.index-url='https://mirror.example/simple'
global.cert='/etc/ssl/certs/ca-certificates.crt'
"""


def test_uv_gets_pips_settings(monkeypatch, tmp_path):
    constraint = tmp_path / "constraints.txt"
    constraint.write_text("torch<=2\n")
    listed = LISTED.format(constraint=constraint)
    monkeypatch.setattr(
        install_deps.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=listed)
    )
    command = install_deps.uv_command("requirements.txt")
    assert command[command.index("--index-strategy") + 1] == "unsafe-best-match"  # pip's best-match rule
    assert command[command.index("--index-url") + 1] == "https://mirror.example/simple"
    extra = [command[i + 1] for i, part in enumerate(command) if part == "--extra-index-url"]
    assert extra == ["file:///opt/pypi/simple", "file:///opt/pypi-more/simple"]
    assert command[command.index("--find-links") + 1] == "/opt/wheels"
    assert command[command.index("--constraint") + 1] == str(constraint)
    assert command[command.index("-r") + 1] == "requirements.txt"
    assert "--cert" not in command
    assert "--compile-bytecode" in command  # as pip does: no process compiles the packages again


def test_a_failing_uv_falls_back_to_pip(monkeypatch):
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        failed = "uv" in command[:4] and "install" in command  # uv pip install fails
        return subprocess.CompletedProcess(command, 1 if failed else 0, stdout="")

    monkeypatch.delenv("INBOX_NO_UV", raising=False)
    monkeypatch.setattr(install_deps.subprocess, "run", run)
    assert install_deps.main("requirements-dev.txt") == 0
    assert calls[-1][-2:] == ["-r", "requirements-dev.txt"] and calls[-1][2] == "pip"
    assert any(c[2:4] == ["uv", "pip"] for c in calls)
