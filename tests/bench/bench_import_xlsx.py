"""Benchmark: import 100,000 rows from an .xlsx (written by XlsxWriter) against the same rows as CSV (≤ 3×).

Both imports run in this process, each into a fresh database, the CSV first (the baseline).
``BENCH_XLSX_ROWS`` sets the size. Figures, as JSON lines: ``import_csv_rows`` (baseline),
``import_xlsx_rows`` with its ratio.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import emit, remove_db  # noqa: E402

ROWS = int(os.environ.get("BENCH_XLSX_ROWS", "100000"))
HEADER = [
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Job Title",
    "Company ID",
    "Language",
]
FIRST = ["Jürgen", "Élodie", "Anna", "José", "Wei", "Ada", "Zoë", "Noah", "Fatima", "Olga"]
LAST = ["Müller", "Durand", "Smith", "García", "Wang", "O'Brien", "Lefèvre", "Kaya", "Haddad", "Ivanova"]


def rows(n: int) -> list[list[str]]:
    return [
        [
            f"rec-{i:08d}",
            FIRST[i % 10],
            LAST[(i // 10) % 10],
            f"user{i}@example.com",
            f"+33 6 {i % 100000000:08d}" if i % 3 else "",
            ["Buyer", "Engineer", "Teacher", "CEO", "Director, Sales"][i % 5],
            f"ACC-{i % 5000}",
            ["English", "fr", "de-DE", "es"][i % 4],
        ]
        for i in range(n)
    ]


def write_files(folder: Path, n: int) -> tuple[Path, Path]:
    import xlsxwriter

    data = rows(n)
    csv_path = folder / "contacts.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(data)
    xlsx_path = folder / "contacts.xlsx"
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = book.add_worksheet("Contacts")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(data, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return csv_path, xlsx_path


def timed_import(folder: Path, name: str, path: Path) -> tuple[float, int]:
    from inbox import imports
    from inbox.models import SYSTEM
    from inbox.store import Store

    db = folder / f"{name}.duckdb"
    remove_db(db)
    with Store(db) as store:
        start = time.perf_counter()
        result = imports.run_import(store, SYSTEM, path)
        seconds = time.perf_counter() - start
    remove_db(db)
    return seconds, result.inserted


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as tmp:
        folder = Path(tmp)
        csv_path, xlsx_path = write_files(folder, ROWS)
        csv_s, csv_n = timed_import(folder, "csv", csv_path)
        emit("import_csv_rows", csv_s, "s", rows=ROWS, inserted=csv_n)
        xlsx_s, xlsx_n = timed_import(folder, "xlsx", xlsx_path)
        ratio = xlsx_s / csv_s
        emit(
            "import_xlsx_rows", xlsx_s, "s", rows=ROWS, inserted=xlsx_n, ratio=round(ratio, 2), goal_ratio=3.0
        )
    return 0 if ratio <= 3.0 and xlsx_n == csv_n else 1


if __name__ == "__main__":
    sys.exit(main())
