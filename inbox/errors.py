"""Named exceptions of the inbox domain; the CLI and pages turn them into one clear line."""


class InboxError(Exception):
    """Base class: every error a user can cause or fix. ``str(exc)`` is the message to show."""


class StoreUnavailable(InboxError):
    """The database file cannot be opened (bad path, not a DuckDB file, wrong permissions)."""


class StoreLocked(StoreUnavailable):
    """Another process (usually the running app) holds the DuckDB file lock."""


class TransactionAborted(InboxError):
    """A statement failed inside a transaction; everything in it was rolled back."""


class PermissionDenied(InboxError):
    """The acting user's role does not allow this action."""


class NotFound(InboxError):
    """The thing asked for does not exist."""


class InvalidInput(InboxError, ValueError):
    """Input that fails validation; the message says what to fix."""


class Problems(InvalidInput):
    """Input with several problems; ``problems`` has one line each (the CLI prints one per line)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class ContactInvalid(Problems):
    """Edited contact values that fail validation: one line per attribute, ``"key: reason"``.

    ``by_key`` maps attribute key → reason (the contact form shows each under its field)."""

    def __init__(self, by_key: dict[str, str]):
        self.by_key = dict(by_key)
        super().__init__([f"{k}: {v}" for k, v in self.by_key.items()])


class Conflict(InboxError):
    """The data changed since it was read (stale version) or a unique value is taken."""


class UndoRefused(Conflict):
    """Contacts of an import batch changed since; ``contacts`` describes each (nothing was undone)."""

    def __init__(self, batch_id: int, contacts: list[dict[str, object]]):
        self.batch_id = batch_id
        self.contacts = contacts
        super().__init__(
            f"import {batch_id} cannot be undone: {len(contacts):,} of its contacts changed"
            " since (undo the later changes first, or leave the import in place)"
        )


class WriteConflict(Conflict, TransactionAborted):
    """Another transaction changed the same rows at the same moment; this one was rolled back whole."""


class StoreDamaged(StoreUnavailable):
    """The database file is truncated or fails its checksums: restore it from a backup."""


class StoreTooNew(StoreUnavailable):
    """The database was written by a newer version of the app (with migrations this code does not know)."""


class MigrationFailed(StoreUnavailable):
    """A schema migration failed; it was rolled back whole (the message names it)."""


class WriteFailed(InboxError):
    """A file could not be written (disk full, folder missing or not writable); nothing was kept."""


class TokenRefused(PermissionDenied):
    """An API token that is unknown, expired, revoked or whose member is disabled (the same words for all)."""


class Throttled(InboxError):
    """Too many failed attempts from this client: ``wait`` seconds before the next one is looked at."""

    def __init__(self, message: str, wait: float):
        self.wait = wait
        super().__init__(message)


class PreconditionFailed(Conflict):
    """A write conditioned on a version (HTTP ``If-Match``) that is no longer current: ``current_version``."""

    def __init__(self, message: str, current_version: int | None):
        self.current_version = current_version
        super().__init__(message)
