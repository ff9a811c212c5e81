"""Transactions that lost a write-write conflict: retried a bounded number of times with jittered back-off."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from ..errors import WriteConflict
from .dialect import DUCKDB
from .dialect_postgres import POSTGRES

T = TypeVar("T")
ATTEMPTS = 12  # ≥ the threads that may race for one row: each round lets at least one of them through
BASE_DELAY, MAX_DELAY = 0.004, 0.2  # seconds: full jitter over a doubling window, capped
GAVE_UP = "other changes to the same data kept being saved at the same moment; nothing was saved — try again"
sleep = time.sleep  # (tests replace it to act between two attempts)


def is_conflict(exc: BaseException) -> bool:
    """Whether ``exc`` is a transaction conflict (a retry may succeed), not a failure of the statement."""
    return DUCKDB.is_conflict(exc) or POSTGRES.is_conflict(exc)


def is_write_clash(exc: BaseException) -> bool:
    """A conflict, or a unique key another writer took first: what a bulk write reports as "changed in another
    session meanwhile" (DuckDB: any ``TransactionException`` or ``ConstraintException``)."""
    return is_conflict(exc) or DUCKDB.is_clash(exc) or POSTGRES.is_clash(exc)


def as_conflict(exc: BaseException) -> WriteConflict:
    """The ``WriteConflict`` to raise for an engine's conflict ``exc`` (its text names no table or value)."""
    return WriteConflict(
        "another change to the same data was saved at the same moment (a write conflict);"
        " nothing was saved — try again"
    )


def retry_conflicts(
    run: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    also: tuple[type[BaseException], ...] = (),
    gave_up: str = GAVE_UP,
) -> T:
    """``run()``, run again after a transaction conflict (or an exception in ``also``) up to ``attempts``
    times in all, waiting a random 0–``BASE_DELAY``·2ⁿ seconds (at most ``MAX_DELAY``) between attempts.

    ``run`` must be one whole transaction (a retry re-reads everything). After the last attempt this
    raises ``WriteConflict(gave_up)``; any other exception propagates at once.
    """
    for attempt in range(attempts):
        try:
            return run()
        except Exception as exc:
            if not (is_conflict(exc) or isinstance(exc, also)):
                raise
            if attempt == attempts - 1:
                raise WriteConflict(gave_up) from exc
            sleep(random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt)))
    raise AssertionError("unreachable")
