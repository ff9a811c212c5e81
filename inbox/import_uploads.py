"""Import files sent over the API: written to a private temporary file chunk by chunk (size-limited), found
again by their id for the dry run and the commit; the rejects file of a run, kept for download."""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from . import csv_files, imports
from .auth import member_action, require_admin
from .errors import InvalidInput, NotFound
from .models import Actor

MAX_UPLOAD_BYTES = 200 << 20  # the import page's limit (.streamlit/config.toml maxUploadSize = 200 MB)
_ID = re.compile(r"[0-9a-f]{32}")


class UploadTooLarge(InvalidInput):
    """A file over ``MAX_UPLOAD_BYTES`` (nothing was kept)."""


def _folder() -> Path:
    try:
        csv_files.UPLOADS.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise csv_files.temp_failed(exc) from None
    return csv_files.UPLOADS


def _forget_old(folder: Path) -> None:
    for old in folder.glob("api-*"):
        try:
            if time.time() - old.stat().st_mtime > csv_files.KEEP_UPLOADS_SECONDS:
                old.unlink()
        except OSError:
            pass


def too_large() -> UploadTooLarge:
    return UploadTooLarge(
        f"the file is larger than {MAX_UPLOAD_BYTES >> 20} MB: split it, or import it with "
        "`python -m inbox import` on the server"
    )


class Upload:
    """A file being received: ``write`` chunks (refused past the limit), then ``done``; ``abort`` on error."""

    def __init__(self, name: str) -> None:
        folder = _folder()
        _forget_old(folder)
        self.id = secrets.token_hex(16)
        self.name = (Path(name or "contacts.csv").name or "contacts.csv")[:200]
        self.path = folder / f"api-{self.id}.csv"
        self.size = 0
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise csv_files.temp_failed(exc) from None
        self._fh = os.fdopen(fd, "wb")
        (folder / f"api-{self.id}.name").write_text(self.name, encoding="utf-8")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_UPLOAD_BYTES:
            self.abort()
            raise too_large()
        try:
            self._fh.write(chunk)
        except OSError as exc:
            self.abort()
            raise csv_files.temp_failed(exc) from None

    def done(self) -> None:
        self._fh.close()

    def abort(self) -> None:
        self._fh.close()
        discard(self.id)


def found(upload_id: str) -> tuple[Path, str]:
    """The kept file of ``upload_id`` and its original name; ``NotFound`` when unknown or expired."""
    path = csv_files.UPLOADS / f"api-{upload_id}.csv"
    if not _ID.fullmatch(upload_id or "") or not path.is_file():
        raise NotFound(f"upload {upload_id} not found (uploads are kept 6 hours): upload the file again")
    name = path.with_suffix(".name")
    return path, name.read_text(encoding="utf-8") if name.is_file() else path.name


def discard(upload_id: str) -> None:
    if _ID.fullmatch(upload_id or ""):
        for suffix in (".csv", ".name"):
            (csv_files.UPLOADS / f"api-{upload_id}{suffix}").unlink(missing_ok=True)


@member_action("import contacts")
def inspect(store: Any, actor: Actor, upload_id: str) -> dict[str, Any]:
    """What an uploaded file looks like and the mapping the import would start from. Admins only."""
    require_admin(actor, "import contacts")
    path, name = found(upload_id)
    info = imports.inspect_file(path, name=name)
    try:
        mapping, notes = imports.suggest_mapping(store, info.header)
    finally:
        csv_files.cleanup(info)
    return {
        "upload_id": upload_id,
        "file": name,
        "size": info.size,
        "encoding": info.encoding,
        "delimiter": info.delimiter,
        "columns": list(info.header),
        "preview": [list(r) for r in info.preview],
        "mapping": mapping,
        "notes": notes,
    }


def keep_rejects(data: bytes) -> str:
    """Keep a run's rejects file for download (6 hours); its id."""
    rid = secrets.token_hex(16)
    path = _folder() / f"api-{rid}.rejects.csv"
    try:
        path.write_bytes(data)
        path.chmod(0o600)
    except OSError as exc:
        raise csv_files.temp_failed(exc) from None
    return rid


def rejects_file(rejects_id: str) -> Path:
    path = csv_files.UPLOADS / f"api-{rejects_id}.rejects.csv"
    if not _ID.fullmatch(rejects_id or "") or not path.is_file():
        raise NotFound(f"rejects file {rejects_id} not found (kept 6 hours): run the import again")
    return path
