"""Signed checkpoints of the deletion log (entry count + head hash + time, Ed25519), stored outside the DB."""

from __future__ import annotations

import json
import logging
import os
import threading
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .errors import InvalidInput

if TYPE_CHECKING:
    from .key_file import Keys
    from .store import Store

CHECKPOINT_ENV = "INBOX_CHECKPOINT_DIR"
FORMAT = "inbox-deletion-log-checkpoint"
FIELDS = ("format", "version", "entries", "head", "at", "public_key")
log = logging.getLogger("inbox.checkpoints")
# store -> folder chosen on the CLI
_FOLDERS: weakref.WeakKeyDictionary[Store, Path] = weakref.WeakKeyDictionary()
_WRITE = threading.Lock()


def folder_for(store: Store) -> Path:
    """Where the store's checkpoints go: the folder given with ``use_folder`` (CLI ``--checkpoints``), else
    ``$INBOX_CHECKPOINT_DIR``, else ``<db stem>-checkpoints`` next to the database."""
    chosen = _FOLDERS.get(store)
    if chosen is not None:
        return chosen
    env = os.environ.get(CHECKPOINT_ENV, "").strip()
    return Path(env) if env else store.file_base.with_name(f"{store.file_base.stem}-checkpoints")


def use_folder(store: Store, folder: str | os.PathLike[str] | None) -> None:
    if folder:
        _FOLDERS[store] = Path(folder)


def file_for(store: Store, keys: Keys) -> Path:
    """The checkpoint file of this workspace's key in the folder (several workspaces may share a folder)."""
    return folder_for(store) / f"checkpoints-{keys.public_key_hex[:16]}.jsonl"


def signed_bytes(body: dict[str, Any]) -> bytes:
    """What the signature covers: the checkpoint without ``signature`` as JSON, keys sorted, no spaces."""
    return json.dumps(
        {k: body[k] for k in FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")


def sign(keys: Keys, entries: int, head: str, at: datetime | None = None) -> dict[str, Any]:
    """A checkpoint of the log's first ``entries`` entries, the last one's hash being ``head``."""
    stamp = at or datetime.now(UTC)
    if stamp.tzinfo is not None:  # naive times are UTC already
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    body = {
        "format": FORMAT,
        "version": 1,
        "entries": int(entries),
        "head": head,
        "at": stamp.isoformat(timespec="seconds") + "Z",
        "public_key": keys.public_key_hex,
    }
    return {**body, "signature": keys.signing_key.sign(signed_bytes(body)).hex()}


def as_line(checkpoint: dict[str, Any]) -> str:
    return json.dumps(checkpoint, separators=(",", ":"), ensure_ascii=True)


def problem_of(keys: Keys, checkpoint: object) -> str | None:
    """Why ``checkpoint`` is not a genuine checkpoint of this workspace (``None`` when it is)."""
    if not isinstance(checkpoint, dict) or any(k not in checkpoint for k in (*FIELDS, "signature")):
        return "it is not a checkpoint (fields missing)"
    if checkpoint["format"] != FORMAT or checkpoint["version"] != 1:
        return "it is not a deletion-log checkpoint of this version"
    if (
        not isinstance(checkpoint["entries"], int)
        or checkpoint["entries"] < 0
        or not isinstance(checkpoint["head"], str)
    ):
        return "its entry count or head is malformed"
    if checkpoint["public_key"] != keys.public_key_hex:
        return "it was signed with another key than this workspace's"
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(keys.public_key_hex)).verify(
            bytes.fromhex(str(checkpoint["signature"])), signed_bytes(checkpoint)
        )
    except (InvalidSignature, ValueError):
        return "its signature does not match its content (forged or altered)"
    return None


def parse(text: str) -> dict[str, Any]:
    """A checkpoint given as its JSON line, or as the path of a file whose last line is one."""
    text = (text or "").strip()
    if not text.startswith("{") and Path(text).is_file():
        lines = [line for line in Path(text).read_text(encoding="utf-8").splitlines() if line.strip()]
        text = lines[-1] if lines else ""
    try:
        found = json.loads(text)
    except ValueError:
        raise InvalidInput(
            "--expect needs a checkpoint: the JSON line `audit checkpoint` printed, or a file holding it"
        ) from None
    if not isinstance(found, dict):
        raise InvalidInput("--expect needs a checkpoint (a JSON object)")
    return found


def append(store: Store, keys: Keys, entries: int, head: str) -> dict[str, Any]:
    """Sign a checkpoint and append it to the folder's file (created mode 0700/0600)."""
    checkpoint = sign(keys, entries, head)
    path = file_for(store, keys)
    with _WRITE:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="ascii") as out:
            out.write(as_line(checkpoint) + "\n")
    return checkpoint


def record(store: Store, keys: Keys, entries: list[dict[str, Any]]) -> None:
    """After a committed deletion batch: a checkpoint of its last entry. The deletion stands even when the
    folder cannot be written (logged; the next checkpoint covers it, and `audit verify` says it is
    missing)."""
    if not entries:
        return
    try:
        append(store, keys, int(entries[-1]["id"]), entries[-1]["entry_hash"])
    except OSError as exc:
        log.warning("cannot write the deletion-log checkpoint in %s: %s", folder_for(store), exc)


def read(store: Store, keys: Keys) -> tuple[list[dict[str, Any]], list[str]]:
    """The checkpoints of this key in file order, and one problem per line that is not a genuine one."""
    path = file_for(store, keys)
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [f"{path} cannot be read: {exc.strerror or exc}"]
    found: list[dict[str, Any]] = []
    problems: list[str] = []
    lines = text.split("\n")
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            checkpoint = json.loads(line)
        except ValueError:
            if n == len(lines):  # a last line cut short by a crash while appending
                continue
            checkpoint = None
        why = problem_of(keys, checkpoint)
        if why:
            problems.append(f"{path} line {n}: {why}")
        else:
            found.append(checkpoint)
    return found, problems
