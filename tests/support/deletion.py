"""Shared data for the deletion tests: a contact that owns something in every table, and full-database
probes."""

from __future__ import annotations

from pathlib import Path

from inbox import attributes as attrs
from inbox import contacts, inbound
from inbox.models import Actor, utcnow

from .members import members_fixture, seed_members

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")
members = members_fixture(ADMIN, AGENT)  # import it into a test module to use it there
PERSON = {
    "email": "Zoe.Quill@Example.org",
    "phone": "+33698765432",
    "external_id": "crm-zq-991",
    "first_name": "Zoé",
    "last_name": "Quill",
    "tier": "gold",
}
HANDLE = "+33698765432"


def add_tier(store) -> None:
    seed_members(store, ADMIN, AGENT)
    version, layout = attrs.load_layout(store)
    layout = [{**a, "enabled": True} if a["key"] == "external_id" else a for a in layout]  # agents fill it
    attrs.save_layout(
        store, ADMIN, attrs.new_attribute(layout, label="Tier", key="tier", type="text"), base_version=version
    )


def rich_contact(store, handle: str = HANDLE, values: dict | None = None, platform: str = "whatsapp") -> int:
    """A contact with 3 messages, 2 attachment files, built-in and custom values, a CRM lookup row and an
    import-batch row (personal data kept by other features); returns its id."""
    seed_members(store, ADMIN, AGENT)
    if "tier" not in {a.key for a in attrs.all_attributes(store)}:
        add_tier(store)
    first = inbound.receive(
        store, platform, handle, "Bonjour", attachments=[("passport.pdf", b"%PDF-1.4 secret")]
    )
    cid = first["contact_id"]
    inbound.receive(store, platform, handle, "Encore moi", attachments=[("photo.jpg", b"\xff\xd8 jpeg")])
    inbound.receive(store, platform, handle, "Merci")
    c = contacts.get_contact(store, cid)
    contacts.update_values(store, AGENT, cid, c.version, dict(values or PERSON))
    store.crm.record_crm_lookup(
        cid,
        ok=True,
        at=utcnow(),
        by="agent@example.com",
        trigger="manual",
        error=None,
        written=["email"],
        skipped=[],
    )
    with store.tx() as cur:  # what an import batch keeps about a contact it changed (prior values)
        cur.execute(
            "INSERT INTO import_batch_contacts (batch_id, contact_id, action, version_after, prior_email)"
            " VALUES (1, ?, 'updated', 2, ?)",
            [cid, (values or PERSON)["email"]],
        )
    return cid


def rows_of(store, contact_id: int) -> dict[str, int]:
    """Rows referring to the contact in every table of the database (deletion tables excepted), by table."""
    found = {}
    with store.cursor() as cur:
        columns = cur.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = ? AND (column_name = 'contact_id'"
            " OR (table_name = 'contacts' AND column_name = 'id'))",
            [store.dialect.schema],
        ).fetchall()
        for table, column in columns:
            if table.startswith("deletion_"):
                continue
            n = cur.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" = ?', [contact_id]).fetchone()[
                0
            ]
            if n:
                found[table] = n
    return found


def text_anywhere(store, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every VARCHAR column of every table holding one of ``needles`` (any
    case)."""
    hits = []
    with store.cursor() as cur:
        columns = cur.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = ? AND data_type IN ('VARCHAR', 'character varying', 'text')",
            [store.dialect.schema],
        ).fetchall()
        for table, column in columns:
            for needle in needles:
                n = cur.execute(
                    f'SELECT count(*) FROM "{table}" WHERE contains(lower("{column}"), ?)', [needle.lower()]
                ).fetchone()[0]
                if n:
                    hits.append((table, column, needle))
    return hits


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) if folder.exists() else []


def log_count(store) -> int:
    return store._scalar("SELECT count(*) FROM deletion_log")
