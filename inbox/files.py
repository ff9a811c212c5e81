"""Attachment files on disk, under the store's attachments folder (bytes never go in the database)."""

from __future__ import annotations

import errno
import hashlib
import mimetypes
import os
import re
import stat
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InvalidInput, StoreUnavailable, WriteFailed

if TYPE_CHECKING:
    from .store import Store

Attachment = dict[str, Any]  # filename, content_type, size_bytes, sha256, data
AttachmentArg = str | os.PathLike[str] | tuple[str, bytes]  # a path, or a (filename, bytes) pair

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
CHUNK_BYTES = 1 << 20
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _too_large(name: str) -> InvalidInput:
    return InvalidInput(f"attachment {name} is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")


def checked_name(filename: str) -> str:
    """The attachment's file name (no folder part); ``InvalidInput`` when empty or holding control characters
    (NUL, line breaks, tabs…), which no file name shown to agents may carry."""
    raw = str(filename or "")
    if _CONTROL.search(raw):
        shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", raw)[:120]
        raise InvalidInput(
            f"attachment name {shown} holds control characters (NUL, line breaks or the like): "
            "rename the file"
        )
    name = Path(raw).name.strip()
    if not name:
        raise InvalidInput("an attachment needs a file name")
    return name


def describe(filename: str, data: bytes) -> Attachment:
    """Metadata of one attachment to store: filename, content_type, size_bytes, sha256, data."""
    name = checked_name(filename)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise _too_large(name)
    return {
        "filename": name,
        "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
        "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": data,
    }


def read_attachment_arg(item: AttachmentArg) -> Attachment:
    """A path, or a ``(filename, bytes)`` pair, as attachment metadata; ``InvalidInput`` if unreadable.

    A path is read in chunks, at most ``MAX_ATTACHMENT_BYTES`` + 1 bytes, hashing as it goes: a 2 GB file is
    refused without being read whole. Only regular files: a FIFO or a device could block or never end."""
    if isinstance(item, tuple):
        return describe(item[0], item[1])
    path = Path(item)
    name = checked_name(path.name)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InvalidInput(f"attachment {path} is not a readable file ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InvalidInput(f"attachment {path} is not a readable file (not a regular file)")
        digest, parts, size = hashlib.sha256(), [], 0
        while chunk := fh.read(min(CHUNK_BYTES, MAX_ATTACHMENT_BYTES + 1 - size)):
            size += len(chunk)
            if size > MAX_ATTACHMENT_BYTES:
                raise _too_large(name)
            digest.update(chunk)
            parts.append(chunk)
    return {
        "filename": name,
        "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
        "size_bytes": size,
        "sha256": digest.hexdigest(),
        "data": b"".join(parts),
    }


def check_folder(root: Path) -> None:
    """At open: the attachments folder, when it exists, must be a folder (``StoreUnavailable`` otherwise)."""
    if root.exists() and not root.is_dir():
        raise StoreUnavailable(f"the attachments folder {root} is a file, not a folder: move that file away")


def writer(root: Path, written: list[Path]) -> Callable[[int, list[Attachment]], list[str]]:
    """A ``write_files(contact_id, attachments)`` callback that records what it wrote in ``written``."""

    def write_files(contact_id: int, attachments: list[Attachment]) -> list[str]:
        paths = []
        for meta in attachments:
            safe = _UNSAFE.sub("_", meta["filename"])[-80:]  # never empty: the name is (checked_name)
            rel = f"{int(contact_id)}/{uuid.uuid4().hex[:12]}-{safe}"
            target = root / rel
            written.append(target)  # listed before writing: a half-written file is removed too
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(meta["data"])
            except OSError as exc:
                raise _write_failed(root, meta["filename"], exc) from None
            paths.append(rel)
        return paths

    return write_files


def _write_failed(root: Path, name: str, exc: OSError) -> WriteFailed:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        why = "no space left on the device"
    elif root.exists() and not root.is_dir() or exc.errno in (errno.ENOTDIR, errno.EEXIST):
        why = f"the attachments folder {root} is a file, not a folder"
    else:
        why = exc.strerror or str(exc)
    return WriteFailed(f"attachment {name} could not be stored ({why}); the message was not stored")


def remove(paths: list[Path]) -> None:
    """Delete files (and their emptied contact folders); missing files are fine."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except NotADirectoryError:  # its folder is a file: the file was never written
            continue
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


ORPHAN_GRACE_SECONDS = 600  # a file younger than this may belong to a message being received right now


def sweep_orphans(store: Store, grace_seconds: float = ORPHAN_GRACE_SECONDS) -> int:
    """The orphan-file sweep (a step of ``inbox.open_store``, via ``deletion.remove_orphan_files``): remove
    the attachment files (``<contact id>/<name>`` under the attachments folder — nothing else is touched)
    that no attachment row references and that are older than ``grace_seconds`` (a younger one may belong
    to a message being received). Returns how many were removed; one that cannot be removed is left for
    the next open."""
    root = Path(store.attachments_dir)
    if not root.is_dir():
        return 0
    known = set(store.integrity.attachment_storage_paths())
    cutoff, removed = time.time() - grace_seconds, 0
    for folder in root.iterdir():
        if not (folder.name.isdigit() and folder.is_dir()):
            continue
        for path in folder.iterdir():
            try:
                stale = path.is_file() and path.stat().st_mtime < cutoff
            except OSError:
                continue
            if stale and f"{folder.name}/{path.name}" not in known:
                try:
                    remove([path])
                except OSError:
                    continue
                removed += 1
    return removed
