"""The CLI's files (rejects, results, exports): checked before any change, written whole or not at all."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from .errors import InvalidInput, WriteFailed


def check_writable(path: str | os.PathLike[str], option: str) -> Path:
    """``path`` if a file can be written there, else ``InvalidInput`` naming ``option`` — called before the
    command changes anything, so a bad output path never follows a committed change."""
    path = Path(path)
    where = f"cannot write {option} {path}"
    if path.is_dir():
        raise InvalidInput(f"{where}: it is a folder, give a file path")
    folder = path.parent
    if not folder.is_dir():
        missing = "is a file" if folder.exists() else "does not exist"
        raise InvalidInput(f"{where}: folder {folder} {missing}")
    allowed = os.access(path, os.W_OK) if path.exists() else os.access(folder, os.W_OK | os.X_OK)
    if not allowed:
        raise InvalidInput(f"{where}: permission denied")
    return path


def write_whole(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, renamed when complete: a full
    disk leaves the previous file (or none), never half of one. ``WriteFailed`` says why."""
    path = Path(path)
    if path.exists() and not path.is_file():  # /dev/stdout, a pipe: written as it is
        _plain(path, data)
        return
    part = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with open(part, "wb") as fh:
            fh.write(data)
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise WriteFailed(f"cannot write {path}: {exc.strerror or exc}") from None


def _plain(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise WriteFailed(f"cannot write {path}: {exc.strerror or exc}") from None
