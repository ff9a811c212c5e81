"""SQL for building synthetic demo data in bulk."""


class DemoSQL:
    """Bulk inserts used by ``inbox.demo``."""
