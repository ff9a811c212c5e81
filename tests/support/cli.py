"""Run ``python -m inbox`` in-process (click's CliRunner isolation around ``inbox.cli.main.main``): exit code,
stdout and stderr as the real entry point gives them, without a subprocess. The real-process behaviour
(interpreter start, the lock of another process) is pinned by tests/unit/test_cli_process.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from click.testing import CliRunner

from inbox.cli.main import main


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str

    @property
    def returncode(self) -> int:  # as subprocess.CompletedProcess names it
        return self.code


def invoke(*args, stdin: str | None = None, env: Mapping[str, str | None] | None = None) -> Ran:
    """``python -m inbox *args``; ``env`` entries are set (``None``: removed) for the call only."""
    with CliRunner().isolation(input=stdin, env=env) as (out, err, _mixed):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
        return Ran(code, out.getvalue().decode(), err.getvalue().decode())


def one_line(ran: Ran, code: int = 2) -> str:
    """The single ``inbox: …`` line of a failed command (no traceback, nothing else on stderr)."""
    assert ran.code == code, ran
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("inbox: ") and "Traceback" not in ran.stderr, ran.stderr
    return lines[0]
