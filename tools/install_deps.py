"""Install a requirements file into this venv with uv (seconds) when it can, else with pip (minutes).

``python tools/install_deps.py requirements-dev.txt`` (the Makefile runs it with the venv's python). uv is
given pip's own configuration (find-links, index URLs, constraints: ``pip config list`` and ``PIP_*``) and
pip's rule of taking the best version across all indexes, so both install the same pinned set; any failure
of uv falls back to pip, so uv is only ever a speed-up.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

UV = "uv==0.13.8"


def pip_settings() -> dict[str, list[str]]:
    """pip's find-links, index-url, extra-index-url and constraint settings (config files, then PIP_*)."""
    found: dict[str, list[str]] = {}
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    ).stdout
    for line in listed.splitlines():
        key, _, value = line.partition("=")
        name = key.rsplit(".", 1)[-1]
        if name in ("find-links", "index-url", "extra-index-url", "constraint"):
            found[name] = shlex.split(value.strip().strip("'\""))
    return found


def uv_command(requirements: str) -> list[str]:
    settings = pip_settings()
    command = [sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", sys.executable]
    command += ["--index-strategy", "unsafe-best-match", "-r", requirements]
    # uv leaves packages as source by default (pip compiles them): with PYTHONDONTWRITEBYTECODE set, as on
    # this machine, each new process would compile streamlit, pandas… again (a CLI start: 6.5 s, not 2.8 s).
    command += ["--compile-bytecode"]
    for url in settings.get("index-url", []):
        command += ["--index-url", url]
    for url in settings.get("extra-index-url", []):
        command += ["--extra-index-url", url]
    for place in settings.get("find-links", []):
        command += ["--find-links", place]
    for path in settings.get("constraint", []):
        if os.path.exists(path):
            command += ["--constraint", path]
    return command


def main(requirements: str) -> int:
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if os.environ.get("INBOX_NO_UV") is None:
        has_uv = subprocess.run([*pip, UV], capture_output=True, check=False).returncode == 0
        if has_uv and subprocess.run(uv_command(requirements), check=False).returncode == 0:
            return 0
        print("uv was not usable here: installing with pip (slower)", file=sys.stderr)
    return subprocess.run([*pip, "-r", requirements], check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
