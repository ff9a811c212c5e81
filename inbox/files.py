"""Attachment files on disk, under the store's attachments folder (bytes never go in the database)."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import uuid
from pathlib import Path

from .errors import InvalidInput

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def describe(filename: str, data: bytes) -> dict:
    """Metadata of one attachment to store: filename, content_type, size_bytes, sha256, data."""
    name = Path(filename or "").name.strip()
    if not name:
        raise InvalidInput("an attachment needs a file name")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(f"attachment {name} is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    return {"filename": name, "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "size_bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "data": data}


def read_attachment_arg(item) -> dict:
    """A path, or a ``(filename, bytes)`` pair, as attachment metadata; ``InvalidInput`` if unreadable."""
    if isinstance(item, tuple):
        return describe(item[0], item[1])
    path = Path(item)
    if not path.is_file():
        raise InvalidInput(f"attachment {path} is not a readable file")
    return describe(path.name, path.read_bytes())


def writer(root: Path, written: list[Path]):
    """A ``write_files(contact_id, attachments)`` callback that records what it wrote in ``written``."""

    def write_files(contact_id: int, attachments: list[dict]) -> list[str]:
        paths = []
        for meta in attachments:
            safe = _UNSAFE.sub("_", meta["filename"])[-80:] or "file"
            rel = f"{int(contact_id)}/{uuid.uuid4().hex[:12]}-{safe}"
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(meta["data"])
            written.append(target)
            paths.append(rel)
        return paths

    return write_files


def remove(paths: list[Path]) -> None:
    """Delete files (and their emptied contact folders); missing files are fine."""
    for path in paths:
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()
        except OSError:
            pass


def read(root: Path, storage_path: str) -> bytes:
    """The bytes of a stored attachment; ``InvalidInput`` if the path escapes the folder."""
    target = (root / storage_path).resolve()
    if root.resolve() not in target.parents:
        raise InvalidInput("attachment path outside the attachments folder")
    return target.read_bytes()
