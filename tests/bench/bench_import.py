"""Benchmark: import 1,000,000 CSV rows (1% bad) end to end, against DuckDB's plain read_csv of the same file.

Each measurement runs in its own child process on a fresh database file, so its peak memory is the
child's ``ru_maxrss`` (``os.wait4``), not this process's. Figures, as JSON lines:

- ``read_csv_baseline``: ``CREATE TABLE t AS SELECT * FROM read_csv(file)`` (the goal's baseline);
- ``contacts_write_floor``: the same rows INSERTed into the real ``contacts`` table (indexes, search
  text) in one transaction, nothing else: what the schema itself costs;
- ``import_1m``: ``inbox.imports.run_import`` (read, normalise, validate, match, upsert, rejects), its
  ratio to the baseline (goal ≤ 2.0), its peak RSS (goal ≤ 2 GB) and the time of each phase;
- ``reimport_1m``: the same file again into the imported database (every row matched, unchanged).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import emit, remove_db  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HEADER = (
    "Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company ID,Language,Subscription,"
    "Lifecycle Stage,Create Date"
)
# One line per row, built in SQL; about 1% of the rows are bad, each in one way (i % 1000 picks it):
# 0-1 e-mail, 2-3 phone, 4-5 language, 6-7 subscription, 8 a duplicate e-mail, 9 a ragged row. Phones are
# written internationally with spaces, as CRM exports do, and are valid numbers (libphonenumber judges them).
LINES = """
SELECT 'rec-' || lpad(i::VARCHAR, 8, '0') || ',' ||
  ['Jürgen','Élodie','Anna','José','Wei','Ada','Zoë','Noah','Fatima','Olga'][1 + i % 10] || ',' ||
  ['Müller','Durand','Smith','García','Wang','O''Brien','Lefèvre','Kaya','Haddad','Ivanova']
    [1 + (i // 10) % 10]
  || ',' ||
  CASE WHEN i % 1000 IN (0, 1) THEN 'broken-at-' || i
       WHEN i % 1000 = 8 THEN 'user' || (i - 1) || '@example.com'
       ELSE 'user' || i || '@Example.com' END || ',' ||
  CASE WHEN i % 1000 IN (2, 3) THEN '12' WHEN i % 3 = 0 THEN '' WHEN i % 3 = 1
       THEN '+33 6 ' || lpad((i % 100000000)::VARCHAR, 8, '0')
       ELSE '+44 20 7' || lpad(((i // 10000) % 1000)::VARCHAR, 3, '0') || ' '
            || lpad((i % 10000)::VARCHAR, 4, '0') END
  || ',' || ['Buyer','Software Engineer','Teacher','CEO','"Director, Sales"'][1 + i % 5] || ',' ||
  'ACC-' || (i % 5000) || ',' ||
  CASE WHEN i % 1000 IN (4, 5) THEN 'Elvish'
       ELSE ['English','fr','Français','de-DE','es','Deutsch'][1 + i % 6] END
  || ',' || CASE WHEN i % 1000 IN (6, 7) THEN 'platinum'
                 ELSE ['Free','basic','Premium','enterprise'][1 + i % 4] END
  || ',' || ['lead','customer','subscriber'][1 + i % 3] || ',' || '2024-01-'
  || lpad((1 + i % 28)::VARCHAR, 2, '0')
  || CASE WHEN i % 1000 = 9 THEN ',extra' ELSE '' END AS line
FROM range(?) t(i)
"""


def make_file(path: Path, rows: int) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT ? AS line UNION ALL ({LINES})) TO '{path}' (HEADER false, QUOTE '', ESCAPE '',"
        " DELIMITER '\x1f')",
        [HEADER, rows],
    )
    con.close()


def fresh_db(folder: Path, name: str) -> Path:
    path = folder / f"{name}.duckdb"
    remove_db(path)
    return path


# -- children ------------------------------------------------------------------------------
def child_read_csv(csv: str, db: str) -> dict:
    import duckdb

    con = duckdb.connect(db)
    start = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [csv])
    seconds = time.perf_counter() - start
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return {"seconds": seconds, "rows": rows}


def child_floor(csv: str, db: str) -> dict:
    from inbox.store import Store
    from inbox.store.schema import SEARCH_TEXT_SQL

    with Store(db) as store, store.tx() as cur:
        start = time.perf_counter()
        cur.execute(
            "INSERT INTO contacts (platform, handle, email, first_name, last_name, phone, account_id,"
            " job_title, language, subscription, external_id, display_name, created_at, created_by,"
            " updated_at, updated_by, search_text)"
            f" SELECT *, now()::TIMESTAMP, 'bench', now()::TIMESTAMP, 'bench', {SEARCH_TEXT_SQL} FROM ("
            " SELECT 'email' AS platform, lower(Email) AS handle, lower(Email) AS email,"
            " \"First Name\" AS first_name, \"Last Name\" AS last_name, \"Phone Number\" AS phone,"
            " \"Company ID\" AS account_id, \"Job Title\" AS job_title, Language AS language,"
            " Subscription AS subscription, \"Record ID\" AS external_id,"
            " NULL AS display_name FROM read_csv(?, all_varchar = true, ignore_errors = true)"
            " QUALIFY row_number() OVER (PARTITION BY lower(Email)) = 1)",
            [csv],
        )
    return {"seconds": time.perf_counter() - start}


def child_import(csv: str, db: str, twice: bool = False) -> dict:
    from inbox import imports
    from inbox.models import SYSTEM
    from inbox.store import Store

    phases, out = [], {}
    with Store(db) as store:
        for label in ("import", "reimport") if twice else ("import",):
            start = time.perf_counter()
            phases = []
            result = imports.run_import(
                store,
                SYSTEM,
                csv,
                progress=lambda f, text, phases=phases, start=start: phases.append(
                    (round(time.perf_counter() - start, 3), text)
                ),
            )
            out[label] = {
                "seconds": time.perf_counter() - start,
                "phases": phases,
                "summary": result.summary(),
                "rejects_bytes": len(result.rejects_csv()),
            }
    return out


def run_child(*args: str) -> tuple[dict, float]:
    """Run a child mode; its JSON result and its peak RSS in MB."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.bench_import", "--child", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"child {args[0]} failed with exit code {proc.returncode}")
    return json.loads(output.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--dir", default=tempfile.gettempdir(), help="folder for the CSV file and the databases"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, csv, db = args.child
        result = {
            "read_csv": child_read_csv,
            "floor": child_floor,
            "import": child_import,
            "reimport": lambda c, d: child_import(c, d, twice=True),
        }[mode](csv, db)
        print(json.dumps(result))
        return 0
    folder = Path(args.dir) / "inbox-bench-import"
    folder.mkdir(exist_ok=True)
    label = f"{args.rows // 1000}k" if args.rows % 1_000_000 else f"{args.rows // 1_000_000}m"
    csv = folder / f"contacts-{label}.csv"
    if not csv.exists():
        print(f"# writing {csv} ({args.rows:,} rows)…", file=sys.stderr, flush=True)
        make_file(csv, args.rows)
    emit("import_file_size", csv.stat().st_size / 1e6, "MB", rows=args.rows)
    base1, base_rss = run_child("read_csv", str(csv), str(fresh_db(folder, "baseline")))
    floor, floor_rss = run_child("floor", str(csv), str(fresh_db(folder, "floor")))
    imported, rss = run_child("reimport", str(csv), str(fresh_db(folder, "import")))
    base2, _ = run_child("read_csv", str(csv), str(fresh_db(folder, "baseline")))
    baseline = (base1["seconds"] + base2["seconds"]) / 2
    emit(
        f"read_csv_baseline_{label}",
        baseline,
        "s",
        runs=[round(base1["seconds"], 3), round(base2["seconds"], 3)],
        peak_rss_mb=round(base_rss),
    )
    emit(
        f"contacts_write_floor_{label}",
        floor["seconds"],
        "s",
        ratio=round(floor["seconds"] / baseline, 2),
        peak_rss_mb=round(floor_rss),
    )
    first = imported["import"]
    emit(
        f"import_{label}",
        first["seconds"],
        "s",
        ratio=round(first["seconds"] / baseline, 2),
        ratio_to_floor=round(first["seconds"] / floor["seconds"], 2),
        **{k: first["summary"][k] for k in ("inserted", "rejected", "skipped_values", "rows")},
    )
    emit(f"import_{label}_peak_rss", rss, "MB", limit_mb=2048)
    previous = 0.0
    for at, text in first["phases"]:
        emit(f"import_{label}_phase", at - previous, "s", phase=text, at=at)
        previous = at
    again = imported["reimport"]
    emit(
        f"reimport_{label}_unchanged",
        again["seconds"],
        "s",
        ratio=round(again["seconds"] / baseline, 2),
        **{k: again["summary"][k] for k in ("unchanged", "rejected")},
    )
    for leftover in folder.glob("*.duckdb*"):
        leftover.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
