"""A throw-away PostgreSQL server for tests: initdb into a temporary folder, a free loopback port.

Library: ``with Sandbox() as url: …`` (``url`` is ``postgresql://postgres@127.0.0.1:PORT/inbox``, trust
authentication on loopback only). Command line (the Makefile's ``postgres`` target checks with it):
``python tools/pg_sandbox.py check`` prints why no server can be started here, or ``ok``;
``python tools/pg_sandbox.py run`` starts one and prints its URL until interrupted.

The server binaries are Debian's (``/usr/lib/postgresql/<version>/bin``, the newest one; ``INBOX_PG_BIN``
names another folder). PostgreSQL refuses to run as root: as root, the cluster belongs to the unprivileged
``postgres`` account that Debian's package creates, and every server command runs as that account.
Durability is switched off (``fsync``, ``full_page_writes``): the data lives as long as the test run.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

DEBIAN_BINARIES = Path("/usr/lib/postgresql")
SERVER_USER = "postgres"
DATABASE = "inbox"
START_SECONDS = 60
SETTINGS = (
    "fsync=off",
    "full_page_writes=off",
    "synchronous_commit=off",
    "max_connections=200",
    "shared_buffers=64MB",
)


class Unavailable(RuntimeError):
    """No PostgreSQL server can be started on this machine (the message says why)."""


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in path.parent.name.split(".") if p.isdigit())


def binaries() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres`` (``INBOX_PG_BIN``, else the newest of
    Debian's), or ``Unavailable``."""
    named = os.environ.get("INBOX_PG_BIN")
    if named:
        if not (Path(named) / "initdb").is_file():
            raise Unavailable(f"INBOX_PG_BIN={named} holds no initdb")
        return Path(named)
    found = sorted(DEBIAN_BINARIES.glob("*/bin/initdb"), key=lambda p: _version_key(p.parent))
    if not found:
        raise Unavailable(
            f"no PostgreSQL server binaries in {DEBIAN_BINARIES}/*/bin (Debian's package postgresql)"
        )
    return found[-1].parent


def _server_account() -> pwd.struct_passwd | None:
    """The account the server runs as: ``None`` (this process's own) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise Unavailable(
            f"running as root and there is no {SERVER_USER!r} account to run PostgreSQL as"
        ) from None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sandbox:
    """One PostgreSQL cluster in its own temporary folder, serving on 127.0.0.1 only."""

    def __init__(self, root: Path | None = None) -> None:
        self.bin = binaries()
        self.account = _server_account()
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="inbox-pg-")) if root is None else Path(root)
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self.url = ""

    def _run(self, *command: str) -> None:
        account = self.account
        preexec = None
        if account is not None:

            def preexec() -> None:
                os.setgid(account.pw_gid)
                os.setuid(account.pw_uid)

        done = subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            capture_output=True,
            text=True,
            preexec_fn=preexec,
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
            check=False,
        )
        if done.returncode:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise Unavailable(f"{command[0]} failed: {detail[-1] if detail else done.returncode}")

    def start(self) -> str:
        """Create the cluster, start the server, create the ``inbox`` database; returns its URL."""
        self.root.mkdir(parents=True, exist_ok=True)
        if self.account is not None:
            os.chown(self.root, self.account.pw_uid, self.account.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", SERVER_USER, "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        )  # fmt: skip
        for attempt in range(5):  # a port found free may be taken before the server binds it
            self.port = free_port()
            options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.root}"]
            options += [f"-c {s}" for s in SETTINGS]
            try:
                self._run(
                    "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", " ".join(options),
                    "-w", "-t", str(START_SECONDS), "start",
                )  # fmt: skip
                break
            except Unavailable:
                if attempt == 4:
                    raise Unavailable(f"the server did not start: see {self.log}") from None
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SERVER_USER, DATABASE)
        self.url = f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{DATABASE}"
        return self.url

    def stop(self) -> None:
        """Stop the server at once and remove its folder (when this object made it)."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Unavailable):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> str:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def sandbox() -> Iterator[str]:
    """``with sandbox() as url:`` a running server's URL, stopped and removed afterwards."""
    with Sandbox() as url:
        yield url


def main(argv: list[str]) -> int:
    if argv == ["check"]:
        try:
            binaries(), _server_account()
        except Unavailable as exc:
            print(exc)
            return 1
        print("ok")
        return 0
    if argv == ["run"]:
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops the server too, as Ctrl-C
        try:
            with sandbox() as url:
                print(url, flush=True)
                while True:
                    time.sleep(3600)
        except Unavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 0
    print("usage: python tools/pg_sandbox.py check|run", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
