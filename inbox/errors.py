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


class Conflict(InboxError):
    """The data changed since it was read (stale version) or a unique value is taken."""


class WriteConflict(Conflict, TransactionAborted):
    """Another transaction changed the same rows at the same moment; this one was rolled back whole."""


class StoreDamaged(StoreUnavailable):
    """The database file is truncated or fails its checksums: restore it from a backup."""


class StoreTooNew(StoreUnavailable):
    """The database was written by a newer version of the app (it holds migrations this code does not know)."""


class MigrationFailed(StoreUnavailable):
    """A schema migration failed; it was rolled back whole (the message names it)."""


class WriteFailed(InboxError):
    """A file could not be written (disk full, folder missing or not writable); nothing was kept."""
