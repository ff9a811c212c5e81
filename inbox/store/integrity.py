"""SQL for ``inbox check``: chunked table reads and cross-table integrity queries."""


class IntegritySQL:
    """Reads used by ``inbox.check``."""
