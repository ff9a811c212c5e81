"""The workspace keys of a store: its key file found, matched, created or adopted (``inbox.key_adoption``)."""

from __future__ import annotations

import hmac
import stat
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from .key_adoption import adopt

# re-exported (``name as name``): the key file's names are the keys' API
from .key_file import CIPHER_PREFIX as CIPHER_PREFIX
from .key_file import CRM_SECRET_LABEL as CRM_SECRET_LABEL
from .key_file import FILE_FORMAT as FILE_FORMAT
from .key_file import FINGERPRINT_LABEL as FINGERPRINT_LABEL
from .key_file import KEY_ENV as KEY_ENV
from .key_file import MASTER_BYTES as MASTER_BYTES
from .key_file import KeyFileProblem as KeyFileProblem
from .key_file import Keys as Keys
from .key_file import key_file_for as key_file_for
from .key_file import new_keys as new_keys
from .key_file import read_key_file as read_key_file
from .key_file import write_key_file as write_key_file

if TYPE_CHECKING:
    from .store import Store

_CACHE: weakref.WeakKeyDictionary[Store, Keys] = weakref.WeakKeyDictionary()  # store -> Keys
_GUARD = threading.Lock()


def _matching(store: Store, path: Path, fingerprint: str) -> Keys:
    try:
        keys = read_key_file(path)
    except KeyFileProblem as exc:
        raise KeyFileProblem(
            f"{exc}: the database {store.path} was keyed with it — restore it from your"
            f" backup (or point {KEY_ENV} at it)"
        ) from None
    if not hmac.compare_digest(keys.fingerprint, fingerprint):
        raise KeyFileProblem(
            f"the key file {path} is not the key of the database {store.path} (its fingerprint"
            f" differs): restore the right one (or point {KEY_ENV} at it)"
        )
    return keys


def workspace_keys(store: Store, *, create: bool) -> Keys | None:
    """The store's keys from its key file (cached). A database that has no key yet gets one when
    ``create`` and the store is writable (an existing database's old secrets are moved into it, see
    ``inbox.key_adoption``); otherwise ``None``. ``KeyFileProblem`` when the key file is missing or wrong."""
    keys = _CACHE.get(store)
    if keys is not None:
        return keys
    with _GUARD:
        keys = _CACHE.get(store)
        if keys is not None:
            return keys
        path, fingerprint = key_file_for(store.file_base), store.keys.key_fingerprint()
        if fingerprint:
            keys = _matching(store, path, fingerprint)
        elif create and not store.read_only:
            keys = adopt(store, path)
        else:
            return None
        _CACHE[store] = keys
        return keys


def require_keys(store: Store) -> Keys:
    """The store's keys (created for a new writable database); ``KeyFileProblem`` otherwise."""
    keys = workspace_keys(store, create=True)
    if keys is None:
        raise KeyFileProblem(
            f"the database {store.path} has no key file yet: open it once read-write (python -m inbox init)"
        )
    return keys


def prepare(store: Store) -> None:
    """At open: make sure a writable store has its key file (a missing or wrong one is reported later,
    by the actions that need it and by ``inbox check``; other actions keep working)."""
    if store.read_only:
        return
    try:
        workspace_keys(store, create=True)
    except KeyFileProblem:
        pass


def key_problems(store: Store) -> list[str]:
    """For ``inbox check`` (never creates anything): the key file is missing, wrong, or readable by other
    users; or the database still holds the secrets of an earlier version (not adopted yet)."""
    try:
        keys = workspace_keys(store, create=False)
    except KeyFileProblem as exc:
        return [str(exc)]
    path = key_file_for(store.file_base)
    if keys is None:
        if store.keys.legacy_deletion_secret() is not None:
            return [
                f"the deletion log's HMAC key is still in the database {store.path}: open it once read-write"
                " (python -m inbox init) to move it into a key file"
            ]
        return []  # nothing keyed yet: the first read-write open creates the key file
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as exc:
        return [f"the key file {path} cannot be read: {exc.strerror or exc}"]
    if mode & 0o077:
        return [f"the key file {path} can be read by other users (mode {mode:04o}): chmod 600 {path}"]
    return []


def forget(store: Store) -> None:
    """Drop the cached keys of ``store`` (tests; after the key file was replaced)."""
    with _GUARD:
        _CACHE.pop(store, None)
