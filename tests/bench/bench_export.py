"""Benchmark: export every contact of the demo workspace (BENCH_CONTACTS, default 1M) as CSV, xlsx, Parquet,
streamed batch by batch; prints rows/s per format, the ratio against DuckDB's own COPY of the same rows to CSV
(baseline, same run) and how much the process's peak memory grew (streaming keeps it flat)."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inbox import open_store  # noqa: E402
from inbox.contact_export import ExportQuery, write_export  # noqa: E402
from inbox.models import SYSTEM  # noqa: E402
from tests.bench.common import DEMO_CONTACTS, demo_db, emit  # noqa: E402

FORMATS = os.environ.get("BENCH_EXPORT_FORMATS", "csv,parquet,xlsx").split(",")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    path = demo_db(DEMO_CONTACTS)
    with open_store(path, read_only=True) as store, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "baseline.csv"
        start = time.perf_counter()
        with store.cursor() as cur:  # the floor: the engine writing the same table to CSV by itself
            cur.execute(f"COPY (SELECT * EXCLUDE (search_text) FROM contacts) TO '{out}' (HEADER)")
        baseline = time.perf_counter() - start
        rows = store._scalar("SELECT count(*) FROM contacts")
        emit("export_baseline_copy_csv", rows / baseline, "rows/s", rows=rows, seconds=round(baseline, 2))
        for fmt in FORMATS:
            before = peak_mb()
            start = time.perf_counter()
            target = Path(tmp) / f"contacts.{fmt}"
            store.exports.record_access = lambda entry: 0  # read-only file: the log write is not measured
            n = write_export(store, SYSTEM, ExportQuery(), fmt, target)
            seconds = time.perf_counter() - start
            emit(
                f"export_{fmt}",
                n / seconds,
                "rows/s",
                rows=n,
                seconds=round(seconds, 2),
                ratio_to_baseline=round(seconds / baseline, 2),
                mb=round(target.stat().st_size / 1e6, 1),
                peak_memory_growth_mb=round(peak_mb() - before, 1),
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
