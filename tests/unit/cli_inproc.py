"""Run ``python -m inbox`` in-process (click's CliRunner isolation around ``inbox.cli.main``): exit code,
stdout and stderr as the real entry point gives them, without a subprocess."""

from __future__ import annotations

from dataclasses import dataclass

from click.testing import CliRunner

from inbox.cli.main import main


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str


def invoke(*args, stdin: str | None = None) -> Ran:
    with CliRunner().isolation(input=stdin) as (out, err, _mixed):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        return Ran(code, out.getvalue().decode(), err.getvalue().decode())


def one_line(ran: Ran, code: int = 2) -> str:
    """The single ``inbox: …`` line of a failed command (no traceback, nothing else on stderr)."""
    assert ran.code == code, ran
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("inbox: ") and "Traceback" not in ran.stderr, ran.stderr
    return lines[0]
