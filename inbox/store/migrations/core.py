"""Migrations of the core set: tables, seed, indexes, layout versions, search text, stored values normalised.

No foreign keys on purpose (DuckDB 2.0 cannot cascade and FKs block updates of indexed
columns): integrity is kept by the use cases in transactions and checked by ``inbox check``.
"""

from __future__ import annotations

import json

import pandas as pd

from validation.emails import PLAIN_RE, normalise_emails

from ...models import utcnow
from .registry import Cursor, Migrations

core = Migrations("core")

# The search text as these migrations computed it (frozen; the live one: inbox.store.schema.SEARCH_TEXT_SQL).
_SEARCH_TEXT = (
    "lower(strip_accents(concat_ws(' ', first_name, last_name,"
    " CASE WHEN display_name = concat_ws(' ', first_name, last_name) THEN NULL ELSE display_name END,"
    " email, phone, account_id, external_id,"
    " CASE WHEN handle = email OR handle = phone THEN NULL ELSE handle END)))"
)

BUILTIN_ATTRIBUTES = [
    # key, label, type, enabled, options
    ("email", "Email", "email", True, None),
    ("first_name", "First name", "text", True, None),
    ("last_name", "Last name", "text", True, None),
    ("phone", "Phone", "phone", True, None),
    ("account_id", "Account ID", "text", True, None),
    ("job_title", "Job title", "text", True, None),
    ("language", "Language", "text", True, None),
    ("subscription", "Subscription", "list", True, ["free", "basic", "premium", "enterprise"]),
    ("external_id", "External ID", "text", False, None),
]


@core("core tables", version=1)
def core_tables(cur: Cursor) -> None:
    for seq in (
        "contact_id_seq",
        "conversation_id_seq",
        "message_id_seq",
        "attachment_id_seq",
        "user_id_seq",
    ):
        cur.execute(f"CREATE SEQUENCE {seq} START 1")
    cur.execute("""
        CREATE TABLE workspace_settings (
            key VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            updated_by VARCHAR NOT NULL)""")
    cur.execute("""
        CREATE TABLE users (
            id BIGINT PRIMARY KEY DEFAULT nextval('user_id_seq'),
            email VARCHAR NOT NULL UNIQUE,
            display_name VARCHAR NOT NULL,
            role VARCHAR NOT NULL CHECK (role IN ('admin', 'agent')),
            password_hash VARCHAR NOT NULL,
            active BOOLEAN NOT NULL DEFAULT TRUE,
            created_at TIMESTAMP NOT NULL,
            last_sign_in_at TIMESTAMP)""")
    cur.execute("""
        CREATE TABLE contacts (
            id BIGINT PRIMARY KEY DEFAULT nextval('contact_id_seq'),
            platform VARCHAR NOT NULL,
            handle VARCHAR NOT NULL,
            display_name VARCHAR,
            email VARCHAR,
            first_name VARCHAR,
            last_name VARCHAR,
            phone VARCHAR,
            account_id VARCHAR,
            job_title VARCHAR,
            language VARCHAR,
            subscription VARCHAR,
            external_id VARCHAR,
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            updated_by VARCHAR NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            UNIQUE (platform, handle))""")
    cur.execute("""
        CREATE TABLE attribute_definitions (
            key VARCHAR PRIMARY KEY,
            label VARCHAR NOT NULL,
            type VARCHAR NOT NULL,
            builtin BOOLEAN NOT NULL,
            enabled BOOLEAN NOT NULL,
            position INTEGER NOT NULL,
            options VARCHAR,
            regex VARCHAR,
            required_on_import BOOLEAN NOT NULL DEFAULT FALSE,
            crm_managed BOOLEAN NOT NULL DEFAULT FALSE,
            created_at TIMESTAMP NOT NULL)""")
    cur.execute("""
        CREATE TABLE attribute_values (
            contact_id BIGINT NOT NULL,
            attribute_key VARCHAR NOT NULL,
            value_text VARCHAR,
            value_number DOUBLE PRECISION,
            value_date DATE,
            value_bool BOOLEAN,
            updated_at TIMESTAMP NOT NULL,
            updated_by VARCHAR NOT NULL,
            PRIMARY KEY (contact_id, attribute_key))""")
    cur.execute("""
        CREATE TABLE conversations (
            id BIGINT PRIMARY KEY DEFAULT nextval('conversation_id_seq'),
            contact_id BIGINT NOT NULL,
            platform VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            subject VARCHAR,
            started_at TIMESTAMP NOT NULL,
            last_message_at TIMESTAMP NOT NULL)""")
    cur.execute("""
        CREATE TABLE messages (
            id BIGINT PRIMARY KEY DEFAULT nextval('message_id_seq'),
            conversation_id BIGINT NOT NULL,
            contact_id BIGINT NOT NULL,
            direction VARCHAR NOT NULL,
            author VARCHAR,
            body VARCHAR NOT NULL,
            sent_at TIMESTAMP NOT NULL)""")
    cur.execute("""
        CREATE TABLE attachments (
            id BIGINT PRIMARY KEY DEFAULT nextval('attachment_id_seq'),
            message_id BIGINT NOT NULL,
            conversation_id BIGINT NOT NULL,
            contact_id BIGINT NOT NULL,
            filename VARCHAR NOT NULL,
            content_type VARCHAR NOT NULL,
            size_bytes BIGINT NOT NULL,
            storage_path VARCHAR NOT NULL UNIQUE,
            sha256 VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL)""")


@core("seed settings and built-in attributes", version=2)
def seed(cur: Cursor) -> None:
    now = utcnow()
    cur.execute("INSERT INTO workspace_settings VALUES ('plan', 'team', ?, 'migration')", [now])
    for position, (key, label, type_, enabled, options) in enumerate(BUILTIN_ATTRIBUTES, start=1):
        cur.execute(
            "INSERT INTO attribute_definitions"
            " (key, label, type, builtin, enabled, position, options, created_at)"
            " VALUES (?, ?, ?, TRUE, ?, ?, ?, ?)",
            [key, label, type_, enabled, position, json.dumps(options) if options else None, now],
        )


@core("lookup indexes", version=3)
def lookup_indexes(cur: Cursor) -> None:
    cur.execute("CREATE INDEX conversations_contact_idx ON conversations (contact_id)")
    cur.execute("CREATE INDEX messages_conversation_idx ON messages (conversation_id)")
    cur.execute("CREATE INDEX attachments_contact_idx ON attachments (contact_id)")


@core("layout versions", version=4)
def layout_versions(cur: Cursor) -> None:
    cur.execute("""
        CREATE TABLE layout_versions (
            version INTEGER PRIMARY KEY,
            saved_at TIMESTAMP NOT NULL,
            saved_by VARCHAR NOT NULL,
            layout VARCHAR NOT NULL,
            changes VARCHAR NOT NULL,
            reverted_from INTEGER)""")
    rows = cur.execute(
        "SELECT key, label, type, builtin, enabled, position, options, regex, required_on_import, crm_managed"
        " FROM attribute_definitions ORDER BY position"
    ).fetchall()
    cols = (
        "key",
        "label",
        "type",
        "builtin",
        "enabled",
        "position",
        "options",
        "regex",
        "required_on_import",
        "crm_managed",
    )
    layout = [dict(zip(cols, r, strict=True)) for r in rows]
    for item in layout:
        item["options"] = json.loads(item["options"]) if item["options"] else None
    cur.execute(
        "INSERT INTO layout_versions VALUES (1, ?, 'migration', ?, ?, NULL)",
        [utcnow(), json.dumps(layout), json.dumps(["initial layout"])],
    )


@core("contact search text and lookup indexes", version=5)
def contact_search(cur: Cursor) -> None:
    # Stored uncompressed (DuckDB-specific): a substring scan of 1M rows is 3x faster than over FSST.
    cur.execute("ALTER TABLE contacts ADD COLUMN search_text VARCHAR USING COMPRESSION uncompressed")
    cur.execute(f"UPDATE contacts SET search_text = {_SEARCH_TEXT}")
    lookup_indexes_of_search(cur)


def lookup_indexes_of_search(cur: Cursor) -> None:
    """The lookup indexes the "contact search text and lookup indexes" migration creates (both engines)."""
    for column in ("email", "phone", "external_id", "account_id"):
        cur.execute(f"CREATE INDEX contacts_{column}_idx ON contacts ({column})")
    cur.execute("CREATE INDEX messages_contact_idx ON messages (contact_id)")
    cur.execute("CREATE INDEX attribute_values_key_idx ON attribute_values (attribute_key, value_text)")


@core("language tags", version=16)  # needs import_batch_contacts (imports)
def language_tags(cur: Cursor) -> None:
    # Languages were ISO 639-1 codes; they are now normalised BCP 47 tags (validation.languages). Each
    # distinct stored value is read once, in Python; a value that reads differently is rewritten, in the
    # contacts and in the prior values an import undo restores. Contact versions and timestamps stay:
    # the language is the same, only its spelling changes. A value that cannot be read is kept as it
    # is (nothing is dropped) and ``inbox check`` reports it, with its row, as not a language tag.
    from validation.languages import to_language_tag

    stored = cur.execute(
        "SELECT language FROM contacts WHERE language IS NOT NULL"
        " UNION SELECT prior_language FROM import_batch_contacts"
        " WHERE prior_language IS NOT NULL"
    ).fetchall()
    changes = {old: new for (old,) in stored if (new := to_language_tag(old)) is not None and new != old}
    if not changes:
        return
    tags = pd.DataFrame({"old": list(changes), "new": list(changes.values())}, dtype="str")
    cur.register("language_tags", tags)
    try:
        cur.execute(
            "UPDATE contacts SET language = t.new FROM language_tags t WHERE contacts.language = t.old"
        )
        cur.execute(
            "UPDATE import_batch_contacts SET prior_language = t.new FROM language_tags t"
            " WHERE import_batch_contacts.prior_language = t.old"
        )
    finally:
        cur.unregister("language_tags")


@core("e-mail addresses normalised", version=17)
def emails_normalised(cur: Cursor) -> None:
    """Stored e-mails to the normal form of ``validation.emails`` (IDN domains in Unicode, lower case).

    Only addresses that are not plain lower-case ASCII (or hold "--") are read; values with no
    normal form stay as they are for ``inbox check`` to report. Contacts may share an address;
    a member whose address would collide with another member's is left for ``inbox check`` too.
    """
    for table in ("contacts", "users"):
        rows = cur.execute(
            f"SELECT id, email FROM {table} WHERE email IS NOT NULL"
            " AND (NOT regexp_full_match(email, ?) OR contains(email, '--'))",
            [PLAIN_RE],
        ).fetchall()
        if not rows:
            continue
        found = pd.DataFrame(rows, columns=["id", "email"])
        found["normal"] = normalise_emails(found["email"].astype("str"))[0]
        fixes = found[found["normal"].notna() & (found["normal"] != found["email"])]
        if table == "users":
            taken = {e for (e,) in cur.execute("SELECT email FROM users").fetchall()}
            fixes = fixes[~fixes["normal"].isin(taken) & ~fixes["normal"].duplicated(keep=False)]
        if fixes.empty:
            continue
        cur.register("email_fixes", fixes[["id", "normal"]].astype({"normal": object}))
        cur.execute(f"UPDATE {table} SET email = f.normal FROM email_fixes f WHERE {table}.id = f.id")
        cur.unregister("email_fixes")
        if table == "contacts":
            cur.execute(
                f"UPDATE contacts SET search_text = {_SEARCH_TEXT} WHERE id IN (SELECT unnest(?::BIGINT[]))",
                [fixes["id"].tolist()],
            )


@core("phone numbers as libphonenumber reads them", version=18)
def phone_numbers(cur: Cursor) -> None:
    """Stored phones to what libphonenumber reads (``validation.phones``): ``+330612345678`` was taken by its
    shape before and is ``+33612345678``. A number with no valid reading stays for ``inbox check`` to report;
    handles stay as the platforms sent them."""
    from validation.phones import read_phones

    found = cur.execute("SELECT id, phone FROM contacts WHERE phone IS NOT NULL").df()
    if found.empty:
        return
    found["normal"] = read_phones(found["phone"].astype("str"), None, reasons=False)[0]
    fixes = found[found["normal"].notna() & (found["normal"] != found["phone"])]
    if fixes.empty:
        return
    cur.register("phone_fixes", fixes[["id", "normal"]].astype({"normal": object}))
    cur.execute("UPDATE contacts SET phone = f.normal FROM phone_fixes f WHERE contacts.id = f.id")
    cur.unregister("phone_fixes")
    cur.execute(
        f"UPDATE contacts SET search_text = {_SEARCH_TEXT} WHERE id IN (SELECT unnest(?::BIGINT[]))",
        [fixes["id"].tolist()],
    )


# The contacts table as the "contact identifiers stored uncompressed" migration rebuilds it (frozen).
_CONTACT_COLUMNS = (
    "id, platform, handle, display_name, email, first_name, last_name, phone, account_id, job_title,"
    " language, subscription, external_id, created_at, created_by, updated_at, updated_by, version,"
    " search_text"
)


@core("contact identifiers stored uncompressed")
def identifiers_uncompressed(cur: Cursor) -> None:
    """The indexed text columns of contacts (platform, handle, e-mail, phone, account and external ids)
    stored uncompressed, the table rebuilt (a column's compression is set when it is made).

    DuckDB 2.0 compresses text with DICT_FSST at checkpoint. Removing a row from an index fetches its indexed
    values one row at a time, and each fetch decodes its segment from the start: updating or deleting n
    stored contacts' identifiers took O(n²) (clearing 40,000 contacts' e-mails and phones: 11.5 s; with these
    columns uncompressed: 1.0 s). The other columns keep their compression."""
    cur.execute("""
        CREATE TABLE contacts_rebuilt (
            id BIGINT PRIMARY KEY DEFAULT nextval('contact_id_seq'),
            platform VARCHAR NOT NULL USING COMPRESSION uncompressed,
            handle VARCHAR NOT NULL USING COMPRESSION uncompressed,
            display_name VARCHAR,
            email VARCHAR USING COMPRESSION uncompressed,
            first_name VARCHAR,
            last_name VARCHAR,
            phone VARCHAR USING COMPRESSION uncompressed,
            account_id VARCHAR USING COMPRESSION uncompressed,
            job_title VARCHAR,
            language VARCHAR,
            subscription VARCHAR,
            external_id VARCHAR USING COMPRESSION uncompressed,
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            updated_by VARCHAR NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            search_text VARCHAR USING COMPRESSION uncompressed,
            UNIQUE (platform, handle))""")
    cur.execute(f"INSERT INTO contacts_rebuilt ({_CONTACT_COLUMNS}) SELECT {_CONTACT_COLUMNS} FROM contacts")
    cur.execute("DROP TABLE contacts")  # and its indexes
    cur.execute("ALTER TABLE contacts_rebuilt RENAME TO contacts")
    for column in ("email", "phone", "external_id", "account_id"):
        cur.execute(f"CREATE INDEX contacts_{column}_idx ON contacts ({column})")


@core("contact search trigram index")
def search_trigram_index(cur: Cursor) -> None:
    """Nothing on DuckDB: it scans the search text, compressed, in parallel. PostgreSQL's step
    (``postgres.py``) indexes the text's trigrams: a substring search reads the index, not the table."""
