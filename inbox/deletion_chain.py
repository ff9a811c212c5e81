"""The deletion log's keyed hash chain, verified against the chain key and the signed checkpoints."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from validation.deletion_log import LOG_COLUMNS

from . import checkpoints
from .auth import member_action, require_admin
from .keys import require_keys
from .models import Actor
from .store.deletion import GENESIS  # the prev_hash of entry 1

if TYPE_CHECKING:
    from .store import Store

# the entry-hash recipe, re-exported: the chain's names are its API
from .entry_hashes import _HASHED as _HASHED
from .entry_hashes import _plain as _plain
from .entry_hashes import canonical_json as canonical_json
from .entry_hashes import entry_hash as entry_hash
from .entry_hashes import legacy_entry_hash as legacy_entry_hash


@dataclass(frozen=True)
class Verification:
    """``ok``, how many entries were checked, the head hash, and the first entry that does not match."""

    ok: bool
    entries: int
    head: str
    bad_entry: int | None = None
    problem: str = ""
    checkpoint: dict[str, Any] | None = None  # the newest genuine checkpoint the log extends

    def line(self) -> str:
        if self.ok:
            return f"OK {self.entries} entries"
        if self.bad_entry is None:
            return f"the deletion log does not verify: {self.problem}"
        return f"entry {self.bad_entry} does not match: {self.problem}"


def _entry_problem(key: bytes, entry: dict[str, Any], seal: str | None) -> str | None:
    if seal is not None:  # written before the key file: unkeyed hash, sealed under the key at adoption
        if legacy_entry_hash(entry) != entry["entry_hash"]:
            return "its content differs from what was hashed"
        if not hmac.compare_digest(entry_hash(key, entry), seal):
            return "it was rewritten since the chain was keyed (its seal does not match)"
        return None
    if hmac.compare_digest(entry_hash(key, entry), entry["entry_hash"]):
        return None
    if legacy_entry_hash(entry) == entry["entry_hash"]:
        return (
            "its hash is not keyed with this workspace's key file: it was written or rewritten outside the"
            " app (or it did not verify when the key file was adopted)"
        )
    return "its content differs from what was hashed"


class _Checks:
    """The checkpoints to compare the log with, by entry count."""

    def __init__(self, found: list[dict[str, Any]]):
        self.by_count: dict[int, list[dict[str, Any]]] = {}
        for cp in found:
            self.by_count.setdefault(cp["entries"], []).append(cp)
        self.newest = max(found, key=lambda cp: (cp["entries"], cp["at"])) if found else None
        self.last_matched = 0

    def mismatch(self, entry_id: int, entry_hash_: str) -> str | None:
        for cp in self.by_count.get(entry_id, ()):
            if cp["head"] != entry_hash_:
                since = f" after entry {self.last_matched}" if self.last_matched else ""
                return (
                    f"the signed checkpoint of {cp['at']} records another hash for entry {entry_id}: the log"
                    f" was rewritten or rolled back{since}"
                )
        if entry_id in self.by_count:
            self.last_matched = entry_id
        return None

    def genesis_problem(self) -> str | None:
        for cp in self.by_count.get(0, ()):
            if cp["head"] != GENESIS:
                return f"the signed checkpoint of {cp['at']} records another start of the log"
        return None


@member_action("verify the deletion log")
def verify_log(
    store: Store,
    actor: Actor,
    progress: Callable[[str], object] | None = None,
    *,
    expect: dict[str, Any] | None = None,
) -> Verification:
    """Recompute every entry's keyed hash in id order; compare with the stored hashes, the chain head, the
    signed checkpoints of the checkpoint folder and ``expect`` (a checkpoint an analyst kept). Admins only
    (the CLI operator counts as admin). ``KeyFileProblem`` when the key file is missing or wrong."""
    require_admin(actor, "verify the deletion log")
    keys = require_keys(store)
    missing = store.keys.missing_log_tables()
    if missing:
        return Verification(
            False,
            0,
            GENESIS,
            None,
            f"its table{'s' if len(missing) > 1 else ''}"
            f" {', '.join(missing)} {'are' if len(missing) > 1 else 'is'} missing (dropped outside"
            " the app)",
        )
    found, bad_files = checkpoints.read(store, keys)
    if expect is not None:
        why = checkpoints.problem_of(keys, expect)
        if why:
            return Verification(False, 0, GENESIS, None, f"the expected checkpoint is rejected: {why}")
        found = [*found, expect]
    checks = _Checks(found)
    key, expected_id, prev, n = keys.chain_key, 1, GENESIS, 0

    def failed(bad: int | None, problem: str) -> Verification:
        return Verification(False, n, prev, bad, problem)

    genesis = checks.genesis_problem()
    if genesis:
        return failed(1, genesis)
    for chunk in store.keys.iter_sealed_log():
        for row in chunk:
            # the row is the entry's columns, then its seal: zip stops before the seal
            entry, seal = dict(zip(LOG_COLUMNS, row, strict=False)), row[len(LOG_COLUMNS)]
            if entry["id"] != expected_id:
                return failed(
                    expected_id, f"entry {expected_id} is missing (the next entry is {entry['id']})"
                )
            if entry["prev_hash"] != prev:
                return failed(entry["id"], "its prev_hash is not the previous entry's hash")
            why = _entry_problem(key, entry, seal) or checks.mismatch(entry["id"], entry["entry_hash"])
            if why:
                return failed(entry["id"], why)
            prev, expected_id, n = entry["entry_hash"], expected_id + 1, n + 1
        if progress:
            progress(f"{n:,} entries verified")
    head_entries, head_hash = store.deletion_log.deletion_log_head()
    if head_entries > n:
        return failed(
            n + 1,
            f"entry {n + 1} is missing (the log head records {head_entries} entries):"
            " entries were removed from the end",
        )
    if head_entries < n:
        return failed(
            head_entries + 1, f"it was added outside the app (the log head records {head_entries} entries)"
        )
    if head_hash != prev:
        return failed(n, "the log head records another hash for the last entry")
    newest = checks.newest
    if newest is not None and newest["entries"] > n:
        return failed(
            n + 1,
            f"entry {n + 1} is missing (the signed checkpoint of {newest['at']} records"
            f" {newest['entries']} entries): the log was cut short or rolled back",
        )
    if bad_files:
        return failed(None, f"a checkpoint cannot be trusted: {bad_files[0]}")
    if newest is None:
        return failed(
            None,
            f"no signed checkpoint in {checkpoints.folder_for(store)}: the folder was removed or"
            " moved (give it with --checkpoints), so a log cut short cannot be ruled out",
        )
    return Verification(True, n, prev, checkpoint=newest)


@member_action("verify the deletion log")
def latest_checkpoint(store: Store, actor: Actor) -> tuple[Verification, dict[str, Any] | None]:
    """Verify the log, then the signed checkpoint of its current head (signed and appended now unless the
    newest checkpoint already records it). No checkpoint for a log that does not verify. Admins only."""
    result = verify_log(store, actor)
    if not result.ok:
        return result, None
    cp = result.checkpoint
    if cp is not None and cp["entries"] == result.entries and cp["head"] == result.head:
        return result, cp
    return result, checkpoints.append(store, require_keys(store), result.entries, result.head)
