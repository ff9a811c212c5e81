"""A background thread per process running a store job (purge, retention) on each watched store when due."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from .models import utcnow

if TYPE_CHECKING:
    from .store import Store

CHECK_SECONDS = 60.0
log = logging.getLogger(__name__)
S = TypeVar("S", bound="StoreScheduler")


class StoreScheduler:
    """Every ``interval`` seconds, ``run_if_due(store, now, since)`` on each watched, open store; a subclass
    names the job (``WHAT`` for the log, ``THREAD`` for the thread) and defines ``run_if_due``."""

    WHAT = "scheduled job"
    THREAD = "inbox-scheduler"

    def __init__(self, interval: float = CHECK_SECONDS, clock: Callable[[], datetime] = utcnow) -> None:
        self.interval, self.clock = interval, clock
        # store → when watching began
        self._since: weakref.WeakKeyDictionary[Store, datetime] = weakref.WeakKeyDictionary()
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_if_due(self, store: Store, now: datetime, since: datetime) -> Any:
        raise NotImplementedError

    def watch(self, store: Store) -> None:
        with self._guard:
            self._since.setdefault(store, self.clock())

    def since(self, store: Store) -> datetime | None:
        """When this scheduler began watching ``store`` (``None`` when it does not)."""
        with self._guard:
            return self._since.get(store)

    def tick(self, now: datetime | None = None) -> list[Any]:
        """Check every watched, open store once; returns the runs made (a failure is logged, never raised:
        the job records it)."""
        with self._guard:
            watched = [(s, since) for s, since in self._since.items() if not s.closed]
        done = []
        for store, since in watched:
            try:
                result = self.run_if_due(store, now or self.clock(), since)
            except Exception:  # noqa: BLE001 — the thread must outlive any failure; the job recorded it
                log.exception("%s of %s failed", self.WHAT, getattr(store, "path", store))
                continue
            if result is not None:
                done.append(result)
        return done

    def start(self: S) -> S:
        with self._guard:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self.THREAD, daemon=True)
                self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()
