"""Helpers shared by the import tests: writing CSV files, running an import, fingerprinting the database."""

from __future__ import annotations

from pathlib import Path

from inbox import imports
from inbox.models import SYSTEM, Actor

from .members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
_members = members_fixture(ADMIN)
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
TABLES = (
    "contacts",
    "attribute_values",
    "attribute_definitions",
    "conversations",
    "messages",
    "import_batches",
    "import_batch_contacts",
    "import_batch_values",
    "import_mappings",
    "layout_versions",
)


def write(
    tmp_path: Path,
    text: str,
    *,
    name: str = "contacts.csv",
    encoding: str = "utf-8",
    newline: str = "\n",
    bom: bytes = b"",
) -> Path:
    """``text`` (lines joined by \\n) written with ``encoding`` and ``newline`` line ends."""
    path = tmp_path / name
    path.write_bytes(bom + text.replace("\n", newline).encode(encoding))
    return path


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    return "\n".join(delimiter.join(r) for r in [header, *rows]) + "\n"


def run(store, path, *, actor=SYSTEM, **kwargs) -> imports.ImportResult:
    return imports.run_import(store, actor, path, **kwargs)


def fingerprint(store) -> dict:
    """Row count and an order-independent hash of every row, per table: equal means the data is identical."""
    if store.dialect.name == "postgres":
        row_hash = "sum(('x' || left(md5(t::text), 15))::bit(60)::bigint)"  # (t: the row as a value)
        return {name: tuple(store._one(f"SELECT count(*), {row_hash} FROM {name} t")) for name in TABLES}
    return {t: tuple(store._one(f"SELECT count(*), bit_xor(hash({t})) FROM {t}")) for t in TABLES}


def contacts(store) -> list[dict]:
    frame = store._df("SELECT * FROM contacts ORDER BY id")
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def values(store) -> dict[tuple[int, str], tuple]:
    rows = store._rows(
        "SELECT contact_id, attribute_key, value_text, value_number, value_date, value_bool"
        " FROM attribute_values"
    )
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}
