"""SQL for contact deletion and the append-only, hash-chained deletion log."""

MIGRATIONS: list = []  # (version, name, fn(cur)); versions 6-9 are reserved for deletion


class DeletionSQL:
    """Deletion of a contact and everything it owns, plus the deletion log (append and read only)."""
