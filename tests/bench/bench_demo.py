"""Benchmark: build N demo contacts (default 1,000,000) into a temporary DuckDB file; JSON line per figure."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import duckdb  # noqa: E402

from inbox.demo import build_demo  # noqa: E402
from inbox.store import Store  # noqa: E402

BASELINE_SQL = "CREATE TABLE t AS SELECT range AS id, 'x' || range AS s FROM range(?)"


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit}), flush=True)


def label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def baseline(path: Path, n: int) -> float:
    """Seconds DuckDB needs to write n plain rows (id, short string) to a fresh file, commit included."""
    con = duckdb.connect(str(path))
    try:
        start = time.perf_counter()
        con.execute(BASELINE_SQL, [n])
        return time.perf_counter() - start
    finally:
        con.close()


def build(path: Path, n: int, verbose: bool) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()

    def progress(line: str) -> None:
        if verbose:
            print(f"[{time.perf_counter() - start:7.2f}s] {line}", file=sys.stderr, flush=True)

    with Store(path) as store:
        start = time.perf_counter()
        counts = build_demo(store, contacts=n, progress=progress)
        return time.perf_counter() - start, counts


def main(argv: list[str] | None = None) -> int:
    """Build N contacts, then the plain-rows baseline, and print the figures as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("contacts", nargs="?", type=int, default=1_000_000)
    parser.add_argument(
        "--dir", default=None, help="folder for the temporary database (default: system temp)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args, _unknown = parser.parse_known_args(argv)  # tolerate a runner's own options
    n, tag = args.contacts, label(args.contacts)
    with tempfile.TemporaryDirectory(prefix="bench-demo-", dir=args.dir) as tmp:
        seconds, counts = build(Path(tmp) / "demo.duckdb", n, not args.quiet)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows = sum(counts.values())
        base = baseline(Path(tmp) / "baseline.duckdb", n)
        base_all = baseline(Path(tmp) / "baseline_all.duckdb", rows)
    emit(f"demo_build_{tag}", seconds, "s")
    emit(f"demo_build_{tag}_rows_per_s", rows / seconds, "rows/s")
    emit(f"demo_build_{tag}_messages_per_s", counts["messages"] / seconds, "rows/s")
    emit(f"demo_build_{tag}_peak_rss", peak_mb, "MB")
    emit(f"baseline_plain_rows_{tag}", base, "s")
    emit(f"demo_build_{tag}_vs_baseline", seconds / base, "x")
    emit(f"baseline_plain_rows_{tag}_all_rows", base_all, "s")  # as many plain rows as the build wrote
    emit(f"demo_build_{tag}_vs_baseline_all_rows", seconds / base_all, "x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
