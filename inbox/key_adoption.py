"""Giving a database its key file: a new one for a new database; for an existing one, its old secrets move out
(the HMAC key into the key file, the CRM secret encrypted) and its unkeyed log entries are verified and
sealed."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from validation.deletion_log import LOG_COLUMNS

from . import checkpoints
from .entry_hashes import entry_hash, legacy_entry_hash
from .errors import Conflict
from .key_file import CRM_SECRET_LABEL, KeyFileProblem, Keys, new_keys, read_key_file, write_key_file
from .models import utcnow
from .store.deletion import GENESIS

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger("inbox.keys")


@dataclass(frozen=True)
class Adoption:
    """What adopting the key file did (``init`` prints it)."""

    path: Path
    created: bool
    legacy_key_moved: bool
    crm_secret_encrypted: bool
    sealed: int
    problem: str | None = None  # the unkeyed log did not verify: the first entry that does not match

    def lines(self) -> list[str]:
        out = [
            f"key file {self.path} {'created' if self.created else 'in use'}: back it up apart from the"
            " database (without it, the deletion log cannot be verified)"
        ]
        if self.legacy_key_moved:
            out.append("the deletion log's HMAC key moved from the database into the key file")
        if self.crm_secret_encrypted:
            out.append("the CRM shared secret is now stored encrypted")
        if self.sealed:
            out.append(f"{self.sealed} deletion-log entries verified and sealed with the key")
        if self.problem:
            out.append(
                f"warning: the deletion log did not verify before it was keyed — {self.problem};"
                " `audit verify` keeps reporting it"
            )
        return out


_LAST: dict[str, Adoption] = {}  # db path -> what its adoption did in this process


def last_adoption(db_path: str | os.PathLike[str]) -> Adoption | None:
    """What the adoption of the key file did for this database in this process (once; then ``None``)."""
    return _LAST.pop(str(db_path), None)


def _load_or_create(path: Path, legacy: bytes | None) -> tuple[Keys, bool, bool]:
    """The key file's keys with ``legacy`` among its legacy identifier keys (added when missing)."""
    created = False
    try:
        keys = read_key_file(path)
    except KeyFileProblem:
        if path.exists():
            raise  # damaged or unreadable: never overwrite it
        keys = new_keys((legacy,) if legacy else ())
        try:
            write_key_file(path, keys, replace=False)
            created = True
        except FileExistsError:  # another process created it first: use that one
            keys = read_key_file(path)
        except OSError as exc:
            raise KeyFileProblem(f"cannot create the key file {path}: {exc.strerror or exc}") from None
    moved = legacy is not None
    if legacy and legacy not in keys.legacy_identifier_keys:
        keys = Keys(keys.master, (*keys.legacy_identifier_keys, legacy))
        try:
            write_key_file(path, keys, replace=True)
        except OSError as exc:
            raise KeyFileProblem(f"cannot update the key file {path}: {exc.strerror or exc}") from None
    return keys, created, moved


def _seal_unkeyed(store: Store, keys: Keys) -> tuple[list[tuple[int, str]], str | None]:
    """Verify the unkeyed log as the old version did; seal every entry before the first that does not match.
    Returns (seals, the problem or None)."""
    seals: list[tuple[int, str]] = []
    expected_id, prev = 1, GENESIS
    for chunk in store.deletion_log.iter_deletion_log():
        for row in chunk:
            entry = dict(zip(LOG_COLUMNS, row, strict=False))  # the store's LOG_COLS, the same columns
            if entry["id"] != expected_id:
                return seals, f"entry {expected_id} is missing (the next entry is {entry['id']})"
            if entry["prev_hash"] != prev:
                return seals, f"entry {entry['id']}: its prev_hash is not the previous entry's hash"
            keyed = entry_hash(keys.chain_key, entry)
            if keyed == entry["entry_hash"]:  # keyed already (the fingerprint row was lost): needs no seal
                prev, expected_id = entry["entry_hash"], expected_id + 1
                continue
            if legacy_entry_hash(entry) != entry["entry_hash"]:
                return seals, f"entry {entry['id']}: its content differs from what was hashed"
            seals.append((entry["id"], keyed))
            prev, expected_id = entry["entry_hash"], expected_id + 1
    head_entries, head_hash = store.deletion_log.deletion_log_head()
    n = expected_id - 1
    if head_entries > n:
        return seals, f"entry {n + 1} is missing (the log head records {head_entries} entries)"
    if head_entries < n:
        return [
            s for s in seals if s[0] <= head_entries
        ], f"entry {head_entries + 1} was added outside the app"
    if head_hash != prev:
        return [s for s in seals if s[0] < n], f"entry {n}: the log head records another hash for it"
    return seals, None


def adopt(store: Store, path: Path) -> Keys:
    """Give the writable ``store`` (which records no key fingerprint) its key file at ``path``.

    Order (each step safe to redo after a crash): the key file (with the old HMAC secret) is written first;
    then a signed checkpoint of the log as its head records it; last, one transaction records the
    fingerprint, inserts the seals, deletes the old secret and stores the CRM secret encrypted. A log that
    does not verify is never blessed: entries from the first that does not match stay unsealed, and the
    checkpoint keeps what the head claimed, so `audit verify` reports it.
    """
    legacy_hex = store.keys.legacy_deletion_secret()
    legacy: bytes | None = None
    if legacy_hex:
        try:
            legacy = bytes.fromhex(legacy_hex)
        except ValueError:
            legacy = legacy_hex.encode("utf-8")  # not hex: kept as it is (never dropped)
    keys, created, moved = _load_or_create(path, legacy)
    seals, problem = _seal_unkeyed(store, keys)
    head_entries, head_hash = store.deletion_log.deletion_log_head()
    try:
        checkpoints.append(store, keys, head_entries, head_hash)
    except OSError as exc:
        log.warning(
            "cannot write the first deletion-log checkpoint in %s: %s", checkpoints.folder_for(store), exc
        )
    stored = store.keys.crm_secret_stored()
    try:
        sealed = keys.encrypt(stored, CRM_SECRET_LABEL) if stored is not None else None
        store.keys.adopt_keys(fingerprint=keys.fingerprint, seals=seals, at=utcnow(), crm_secret=sealed)
    except Conflict:  # a concurrent open of this file adopted first
        fingerprint = store.keys.key_fingerprint()
        if fingerprint != keys.fingerprint:
            raise KeyFileProblem(f"the database {store.path} was given another key file meanwhile") from None
        return keys
    if problem:
        log.warning("the deletion log of %s did not verify before it was keyed: %s", store.path, problem)
    _LAST[str(store.path)] = Adoption(path, created, moved, stored is not None, len(seals), problem)
    return keys
