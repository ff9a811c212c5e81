"""The key file format: created mode 0600, read, written, matched by fingerprint; sub-keys derived by HKDF."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import InboxError

KEY_ENV = "INBOX_KEY_FILE"
FILE_FORMAT = "inbox-key-file"
FINGERPRINT_LABEL = b"inbox key fingerprint v1"  # HMAC of this label: shows which key, reveals nothing of it
CIPHER_PREFIX = "aesgcm1:"
CRM_SECRET_LABEL = "crm_settings.secret"  # bound into the ciphertext of the CRM shared secret
MASTER_BYTES = 32


class KeyFileProblem(InboxError):
    """The key file is missing, unreadable, malformed or belongs to another database (one line)."""


def key_file_for(db_path: str | os.PathLike[str]) -> Path:
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
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=f"inbox/{purpose}/v1".encode("ascii")
        ).derive(self.master)

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
        """``aesgcm1:<base64url(nonce | ciphertext)>``; ``label`` (e.g. ``crm_settings.secret``) is bound
        in."""
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.secrets_key).encrypt(nonce, text.encode("utf-8"), label.encode("utf-8"))
        return CIPHER_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str, label: str) -> str:
        """The text ``encrypt`` sealed; ``KeyFileProblem`` when it was not sealed with this key file."""
        try:
            if not token.startswith(CIPHER_PREFIX):
                raise ValueError("not encrypted")
            raw = base64.urlsafe_b64decode(token[len(CIPHER_PREFIX) :].encode("ascii"))
            return AESGCM(self.secrets_key).decrypt(raw[:12], raw[12:], label.encode("utf-8")).decode("utf-8")
        except (InvalidTag, ValueError, UnicodeError):
            raise KeyFileProblem(
                f"the stored {label} cannot be decrypted with this key file (another workspace's key file?)"
            ) from None

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FILE_FORMAT,
                "version": 1,
                "master": self.master.hex(),
                "legacy_identifier_keys": [k.hex() for k in self.legacy_identifier_keys],
            },
            indent=1,
        )


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
