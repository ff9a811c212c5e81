"""Threads released at once, for the tests of concurrent writers."""

from __future__ import annotations

import threading


def run_together(n, work):
    """``work(i)`` in ``n`` threads released at once; returns (results, errors) in thread order."""
    barrier, results, errors = threading.Barrier(n), [None] * n, [None] * n

    def go(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors[i] = exc

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors
