"""Benchmark: the import's whole-file UTF-8 check (``text_encoding.scan_utf8``) on a 200 MB CSV file.

Figures, as JSON lines: ``utf8_scan_ascii`` (a file of ASCII rows) and ``utf8_scan_accented`` (every row
holds accented and CJK names), each in seconds per 100 MB (goal: well under 1), with the plain chunked
read of the same file as ``ratio`` baseline.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inbox import text_encoding  # noqa: E402
from tests.bench.common import best, emit  # noqa: E402

SIZE = 200_000_000
ROWS = {
    "ascii": "user{}@example.com,Anna,Smith,+1 650 253 0000,en,Account manager\n",
    "accented": "user{}@example.fr,Zoë Renée,Lefèvre Núñez,+33 6 12 34 56 78,fr,王小明 Straße\n",
}


def read_only(path: Path) -> None:
    with open(path, "rb") as fh:
        while fh.read(text_encoding.SCAN_BYTES):
            pass


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for kind, row in ROWS.items():
            path = Path(folder) / f"{kind}.csv"
            block = "".join(row.format(i) for i in range(100_000)).encode()
            with open(path, "wb") as fh:
                fh.write(b"Email,First name,Last name,Phone,Language,Job title\n")
                for _ in range(SIZE // len(block)):
                    fh.write(block)
            size = path.stat().st_size
            scan = best(lambda path=path: text_encoding.scan_utf8(path))
            baseline = best(lambda path=path: read_only(path))
            assert not text_encoding.scan_utf8(path).bad
            emit(
                f"utf8_scan_{kind}",
                scan * 1e8 / size,
                "s/100MB",
                ratio=round(scan / baseline, 2),
                file_mb=round(size / 1e6),
            )
            path.unlink()


if __name__ == "__main__":
    main()
