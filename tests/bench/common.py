"""Shared benchmark helpers: JSON figure lines, percentiles, and the cached 1M-contact demo database."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "data" / "bench"
DEMO_CONTACTS = int(os.environ.get("BENCH_CONTACTS", "1000000"))


def emit(name: str, value: float, unit: str, **extra) -> None:
    """Print one figure as a JSON line: {"name", "value", "unit", …}."""
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, **extra}), flush=True)


def timed_ms(fn, repeat: int) -> list[float]:
    """Wall times of ``repeat`` calls of ``fn`` in milliseconds (after one warm-up call)."""
    fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def best(fn, repeat: int = 3) -> float:
    """The shortest wall time of ``repeat`` calls of ``fn``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def beside(path: Path) -> list[Path]:
    """The files that belong with a database: its WAL, key file and checkpoints folder (not the
    attachments)."""
    return [
        Path(f"{path}.wal"),
        path.with_name(path.stem + ".key"),
        path.with_name(path.stem + "-checkpoints"),
    ]


def remove_db(path: Path) -> None:
    """Remove a database and what belongs with it (a fresh start for a benchmark)."""
    for leftover in (path, *beside(path)):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def demo_db(contacts: int = DEMO_CONTACTS) -> Path:
    """The cached demo database with ``contacts`` contacts (built once with `python -m inbox demo`)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"demo-{contacts}.duckdb"
    if not path.exists():
        print(f"# building {path.name} ({contacts:,} contacts)…", file=sys.stderr, flush=True)
        tmp = path.with_name(path.stem + "-tmp.duckdb")
        remove_db(tmp)
        shutil.rmtree(tmp.with_name(tmp.stem + "-attachments"), ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "inbox", "demo", "--contacts", str(contacts), "--db", str(tmp)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tmp.rename(path)
        tmp.with_name(tmp.stem + "-attachments").rename(path.with_name(path.stem + "-attachments"))
        for old, new in zip(beside(tmp)[1:], beside(path)[1:], strict=True):
            old.rename(new)
    return path


def copy_of(path: Path, name: str) -> Path:
    """A private copy of a database (and its attachments folder) for a benchmark that writes."""
    target = BENCH_DIR / f"{name}.duckdb"
    remove_db(target)
    shutil.copyfile(path, target)
    for src, dst in zip(
        beside(path)[1:], beside(target)[1:], strict=True
    ):  # the key file and the checkpoints
        if src.is_dir():
            shutil.copytree(src, dst)
        elif src.exists():
            shutil.copy2(src, dst)
    src_files = path.with_name(path.stem + "-attachments")
    dst_files = target.with_name(target.stem + "-attachments")
    shutil.rmtree(dst_files, ignore_errors=True)
    if src_files.exists():
        shutil.copytree(src_files, dst_files)
    return target
