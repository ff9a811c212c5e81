"""SQL for bulk CSV imports: staging, matching, all-or-nothing upsert, batches and undo."""

MIGRATIONS: list = []  # (version, name, fn(cur)); versions 10-13 are reserved for imports


class ImportsSQL:
    """Bulk import of contacts and undo of an import batch."""
