"""Operations: whether the database answers (readiness), and the figures /metrics reads at each scrape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .models import utcnow

if TYPE_CHECKING:
    from .store import Store

FAILURE_WINDOW = timedelta(hours=24)  # "failed sign-ins in the last 24 h", as the Members page counts them


def ready(store: Store) -> int:
    """Ask the database a trivial question (its schema version); raises when it cannot answer."""
    return store.schema_version()


@dataclass(frozen=True)
class Figures:
    """Workspace totals for monitoring (no personal data): contacts, deletion log entries, rows imported by
    action, failed sign-ins (refused API tokens included) in the last 24 h."""

    contacts: int
    deletions: int
    imported_inserted: int
    imported_updated: int
    failed_sign_ins: int


def figures(store: Store, *, now: datetime | None = None) -> Figures:
    """The figures now (one read; aggregates only)."""
    counts = store.stats.operations_counts((now or utcnow()) - FAILURE_WINDOW)
    return Figures(**counts)
