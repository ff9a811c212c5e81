"""The workspace key file, kept outside the database: created mode 0600, matched by fingerprint, sub-keys by HKDF."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
import threading
import weakref
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import InboxError

if TYPE_CHECKING:
    from .store import Store

KEY_ENV = "INBOX_KEY_FILE"
FILE_FORMAT = "inbox-key-file"
FINGERPRINT_LABEL = b"inbox key fingerprint v1"  # HMAC of this label: shows which key, reveals nothing of it
CIPHER_PREFIX = "aesgcm1:"
CRM_SECRET_LABEL = "crm_settings.secret"  # bound into the ciphertext of the CRM shared secret
MASTER_BYTES = 32
_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # store -> Keys
_GUARD = threading.Lock()


class KeyFileProblem(InboxError):
    """The key file is missing, unreadable, malformed or belongs to another database (one line)."""


def key_file_for(db_path) -> Path:
    """``$INBOX_KEY_FILE``, else ``<db stem>.key`` next to the database (``data/inbox.key``)."""
    env = os.environ.get(KEY_ENV, "").strip()
    return Path(env) if env else Path(db_path).with_name(f"{Path(db_path).stem}.key")


@dataclass(frozen=True)
class Keys:
    """The master key and the keys derived from it; ``legacy_identifier_keys`` hash identifiers of
    deletions made before the key file existed (moved here from the database)."""

    master: bytes
    legacy_identifier_keys: tuple[bytes, ...] = ()

    def derive(self, purpose: str) -> bytes:
        """32 bytes for one purpose (HKDF-SHA256, no salt, info ``inbox/<purpose>/v1``)."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=f"inbox/{purpose}/v1".encode("ascii")).derive(self.master)

    @cached_property
    def fingerprint(self) -> str:
        """What the database records to recognise its key file (not secret: an HMAC of a fixed label)."""
        return hmac.new(self.master, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()

    @cached_property
    def identifier_key(self) -> bytes:
        """Keys the ``*_hmac`` identifier hashes of new deletion-log entries."""
        return self.derive("identifier-hmac")

    @property
    def identifier_keys(self) -> tuple[bytes, ...]:
        """Every key an identifier may have been hashed with: the current one first, then legacy ones."""
        return (self.identifier_key, *self.legacy_identifier_keys)

    @cached_property
    def chain_key(self) -> bytes:
        """Keys the deletion log's hash chain."""
        return self.derive("deletion-chain")

    @cached_property
    def signing_key(self) -> Ed25519PrivateKey:
        """Signs checkpoints of the deletion log (Ed25519; the public key lets anyone check them)."""
        return Ed25519PrivateKey.from_private_bytes(self.derive("checkpoint-signing"))

    @cached_property
    def public_key_hex(self) -> str:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return self.signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()

    @cached_property
    def secrets_key(self) -> bytes:
        """Encrypts secrets stored in the database (the CRM shared secret), AES-256-GCM."""
        return self.derive("stored-secrets")

    def encrypt(self, text: str, label: str) -> str:
        """``aesgcm1:<base64url(nonce | ciphertext)>``; ``label`` (e.g. ``crm_settings.secret``) is bound in."""
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.secrets_key).encrypt(nonce, text.encode("utf-8"), label.encode("utf-8"))
        return CIPHER_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str, label: str) -> str:
        """The text ``encrypt`` sealed; ``KeyFileProblem`` when it was not sealed with this key file."""
        try:
            if not token.startswith(CIPHER_PREFIX):
                raise ValueError("not encrypted")
            raw = base64.urlsafe_b64decode(token[len(CIPHER_PREFIX):].encode("ascii"))
            return AESGCM(self.secrets_key).decrypt(raw[:12], raw[12:], label.encode("utf-8")).decode("utf-8")
        except (InvalidTag, ValueError, UnicodeError):
            raise KeyFileProblem(f"the stored {label} cannot be decrypted with this key file"
                                 " (another workspace's key file?)") from None

    def to_json(self) -> str:
        return json.dumps({"format": FILE_FORMAT, "version": 1, "master": self.master.hex(),
                           "legacy_identifier_keys": [k.hex() for k in self.legacy_identifier_keys]}, indent=1)


# -- the file ------------------------------------------------------------------------------
def read_key_file(path: Path) -> Keys:
    """The keys in ``path``; ``KeyFileProblem`` (one line) when missing, unreadable or malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FILE_FORMAT or data.get("version") != 1:
            raise ValueError("not an inbox key file")
        master = bytes.fromhex(data["master"])
        if len(master) < MASTER_BYTES:
            raise ValueError("the key is too short")
        return Keys(master, tuple(bytes.fromhex(k) for k in data.get("legacy_identifier_keys") or ()))
    except FileNotFoundError:
        raise KeyFileProblem(f"the key file {path} is missing") from None
    except OSError as exc:
        raise KeyFileProblem(f"the key file {path} cannot be read: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyFileProblem(f"the key file {path} is damaged or not a key file ({exc})") from None


def write_key_file(path: Path, keys: Keys, *, replace: bool) -> None:
    """Write atomically with mode 0600 (a temporary file, fsync, then rename; a new file is never overwritten:
    ``FileExistsError`` when another process created one first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(keys.to_json() + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails when the file exists
    finally:
        tmp.unlink(missing_ok=True)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def new_keys(legacy: tuple[bytes, ...] = ()) -> Keys:
    return Keys(secrets.token_bytes(MASTER_BYTES), legacy)


# -- the keys of a store -----------------------------------------------------------------
def _matching(store: Store, path: Path, fingerprint: str) -> Keys:
    try:
        keys = read_key_file(path)
    except KeyFileProblem as exc:
        raise KeyFileProblem(f"{exc}: the database {store.path} was keyed with it — restore it from your"
                             f" backup (or point {KEY_ENV} at it)") from None
    if not hmac.compare_digest(keys.fingerprint, fingerprint):
        raise KeyFileProblem(f"the key file {path} is not the key of the database {store.path} (its fingerprint"
                             f" differs): restore the right one (or point {KEY_ENV} at it)")
    return keys


def workspace_keys(store: Store, create: bool = False) -> Keys | None:
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
        path, fingerprint = key_file_for(store.path), store.keys.key_fingerprint()
        if fingerprint:
            keys = _matching(store, path, fingerprint)
        elif create and not store.read_only:
            from .key_adoption import adopt

            keys = adopt(store, path)
        else:
            return None
        _CACHE[store] = keys
        return keys


def require_keys(store: Store) -> Keys:
    """The store's keys (created for a new writable database); ``KeyFileProblem`` otherwise."""
    keys = workspace_keys(store, create=True)
    if keys is None:
        raise KeyFileProblem(f"the database {store.path} has no key file yet: open it once read-write"
                             " (python -m inbox init)")
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
    path = key_file_for(store.path)
    if keys is None:
        if store.keys.legacy_deletion_secret() is not None:
            return [f"the deletion log's HMAC key is still in the database {store.path}: open it once read-write"
                    " (python -m inbox init) to move it into a key file"]
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
