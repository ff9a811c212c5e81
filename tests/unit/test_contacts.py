"""Contacts: lookup, validated edits with optimistic concurrency, inbound messages."""

import hashlib

import pytest

from inbox import attributes as attrs
from inbox import contacts, inbound, workspace
from inbox.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Problems
from inbox.models import SYSTEM, Actor

from ..support.members import members_fixture
from ..support.snapshots import snapshot_fixtures

AGENT = Actor("agent@example.com", "agent")
ADMIN = Actor("admin@example.com", "admin")
_members = members_fixture(ADMIN, AGENT)
PEOPLE = [
    (
        "whatsapp",
        "+33612345678",
        {
            "first_name": "Élodie",
            "last_name": "Durand",
            "email": "elodie@example.fr",
            "phone": "+33612345678",
            "language": "fr",
            "subscription": "premium",
        },
    ),
    (
        "email",
        "jose@example.es",
        {
            "first_name": "José",
            "last_name": "Núñez",
            "email": "jose@example.es",
            "language": "es",
            "subscription": "free",
            "external_id": "crm-42",
        },
    ),
    ("x", "@zhang", {"first_name": "伟", "last_name": "张", "account_id": "ACC-7", "language": "zh"}),
    (
        "sms",
        "+4915112345678",
        {
            "first_name": "Jürgen",
            "last_name": "Müller",
            "phone": "+4915112345678",
            "language": "de",
            "subscription": "premium",
        },
    ),
]


def make(store, platform, handle, values):
    version, layout = attrs.load_layout(store)
    if any(a["key"] in values and not a["enabled"] for a in layout):  # agents set enabled attributes only
        attrs.save_layout(
            store,
            SYSTEM,
            [{**a, "enabled": a["enabled"] or a["key"] in values} for a in layout],
            base_version=version,
        )
    made = inbound.receive(store, platform, handle, "hello")
    c = contacts.get_contact(store, made["contact_id"])
    return contacts.update_values(store, AGENT, c.id, c.version, values)


def _people(store):
    return [make(store, *p) for p in PEOPLE]


_people_snapshot, store, people = snapshot_fixtures("people", _people, ADMIN, AGENT)


def names(result):
    return sorted(r["first_name"] for r in result.rows)


@pytest.mark.parametrize(
    "query,expected",
    [
        ("elodie", ["Élodie"]),
        ("ÉLODIE DUR", ["Élodie"]),
        ("nunez", ["José"]),
        ("muller", ["Jürgen"]),
        ("张", ["伟"]),
        ("acc-7", ["伟"]),
        ("@zhang", ["伟"]),
        ("crm-4", ["José"]),
        ("example", ["José", "Élodie"]),
        ("3361234", ["Élodie"]),
        ("nobody", []),
    ],
)
def test_substring_search_ignores_case_and_accents(store, people, query, expected):
    assert names(contacts.search(store, query)) == expected


@pytest.mark.parametrize(
    "query,expected",
    [
        ("elodie@example.fr", "Élodie"),
        ("ELODIE@EXAMPLE.FR", "Élodie"),
        ("+49 151 1234 5678", "Jürgen"),
        ("crm-42", "José"),
        ("ACC-7", "伟"),
    ],
)
def test_exact_identifiers_use_the_indexes(store, people, query, expected):
    result = contacts.search(store, query)
    assert result.exact and names(result) == [expected]


def test_exact_id(store, people):
    result = contacts.search(store, f"#{people[2].id}")
    assert result.exact and [r["id"] for r in result.rows] == [people[2].id]


def test_filters_combine_with_search(store, people):
    assert names(contacts.search(store, "", subscription="premium")) == ["Jürgen", "Élodie"]
    assert names(contacts.search(store, "", subscription="premium", platform="sms")) == ["Jürgen"]
    assert names(contacts.search(store, "", language="zh")) == ["伟"]
    assert names(contacts.search(store, "elodie@example.fr", platform="sms")) == []


def test_filter_by_a_custom_list_attribute(store, people):
    version, layout = attrs.load_layout(store)
    attrs.save_layout(
        store,
        ADMIN,
        attrs.new_attribute(layout, label="Tier", key="tier", type="list", options=["gold", "silver"]),
        base_version=version,
    )
    c = contacts.get_contact(store, people[1].id)
    contacts.update_values(store, AGENT, c.id, c.version, {"tier": "GOLD"})
    assert names(contacts.search(store, "", custom={"tier": "gold"})) == ["José"]


def test_pagination(store):
    for n in range(7):
        inbound.receive(store, "webchat", f"visitor-{n}", "hi")
    pages = [contacts.search(store, "visitor", page=p, page_size=3) for p in (1, 2, 3)]
    assert [len(p.rows) for p in pages] == [3, 3, 1] and pages[0].total == 7
    ids = [r["id"] for p in pages for r in p.rows]
    assert len(set(ids)) == 7


def test_update_normalises_and_records_who_and_when(store, people):
    c = contacts.get_contact(store, people[0].id)
    saved = contacts.update_values(
        store,
        AGENT,
        c.id,
        c.version,
        {"email": " New@Example.FR ", "phone": "06 11 22 33 44", "language": "English", "job_title": "Chef"},
        default_region="FR",
    )
    assert saved.values["email"] == "new@example.fr" and saved.values["phone"] == "+33611223344"
    assert saved.values["language"] == "en" and saved.values["job_title"] == "Chef"
    assert saved.version == c.version + 1 and saved.updated_by == "agent@example.com"
    assert names(contacts.search(store, "chef")) == []  # job title is not a lookup field
    assert contacts.search(store, "new@example.fr").rows[0]["id"] == c.id  # search text follows edits


@pytest.mark.parametrize(
    "changes,key,reason",
    [
        ({"email": "not-an-email"}, "email", "not a valid email address"),
        (
            {"phone": "12"},
            "phone",
            "not a valid phone number: too few digits for United States (+1) (read as a national"
            " number of United States, region US",
        ),
        ({"language": "elvish"}, "language", "not a language"),
        ({"subscription": "platinum"}, "subscription", "not one of: free, basic, premium, enterprise"),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_saved(store, people, changes, key, reason):
    c = contacts.get_contact(store, people[0].id)
    with pytest.raises(contacts.ContactInvalid) as exc:
        contacts.update_values(store, AGENT, c.id, c.version, {**changes, "job_title": "Saved?"})
    assert reason in exc.value.by_key[key]
    after = contacts.get_contact(store, c.id)
    assert after.version == c.version and after.values == c.values


def test_custom_typed_values_and_pattern(store, people):
    version, layout = attrs.load_layout(store)
    for spec in [
        dict(label="Orders", key="orders", type="number"),
        dict(label="Since", key="since", type="date"),
        dict(label="VIP", key="vip", type="boolean"),
        dict(label="Site", key="site", type="url"),
        dict(label="Ref", key="ref", type="text", regex=r"[A-Z]{2}\d{3}"),
    ]:
        layout = attrs.new_attribute(layout, **spec)
    attrs.save_layout(store, ADMIN, layout, base_version=version)
    c = contacts.get_contact(store, people[0].id)
    with pytest.raises(contacts.ContactInvalid) as exc:
        contacts.update_values(
            store,
            AGENT,
            c.id,
            c.version,
            {"orders": "many", "since": "2024-02-30", "site": "ftp://x", "ref": "ab123"},
        )
    assert set(exc.value.by_key) == {"orders", "since", "site", "ref"}
    assert isinstance(exc.value, Problems)  # the CLI prints one line per attribute, the form one per field
    assert exc.value.problems == [f"{k}: {v}" for k, v in exc.value.by_key.items()]
    assert str(exc.value) == "; ".join(exc.value.problems)
    import datetime

    saved = contacts.update_values(
        store,
        AGENT,
        c.id,
        c.version,
        {
            "orders": 12,
            "since": datetime.date(2024, 2, 1),
            "vip": True,
            "site": "example.com",
            "ref": "AB123",
        },
    )
    assert saved.values["orders"] == 12.0 and saved.values["since"] == datetime.date(2024, 2, 1)
    assert saved.values["vip"] is True and saved.values["site"] == "https://example.com"
    cleared = contacts.update_values(store, AGENT, c.id, saved.version, {"vip": None})
    assert cleared.values.get("vip") is None


def test_stale_save_is_refused_and_no_update_is_lost(store, people):
    c = contacts.get_contact(store, people[0].id)
    contacts.update_values(store, ADMIN, c.id, c.version, {"job_title": "Manager"})
    with pytest.raises(Conflict, match="admin@example.com changed this contact"):
        contacts.update_values(store, AGENT, c.id, c.version, {"job_title": "Intern"})
    assert contacts.get_contact(store, c.id).values["job_title"] == "Manager"


def test_crm_managed_attributes_are_read_only_on_enterprise_only(store, people):
    with store.tx() as cur:
        cur.execute("UPDATE attribute_definitions SET crm_managed = TRUE WHERE key = 'account_id'")
    workspace.set_plan(store, SYSTEM, "enterprise")
    c = contacts.get_contact(store, people[0].id)
    with pytest.raises(PermissionDenied, match="managed by the CRM"):
        contacts.update_values(store, AGENT, c.id, c.version, {"account_id": "ACC-9"})
    workspace.set_plan(store, SYSTEM, "team")  # the mark is kept but does not apply on Team
    assert (
        contacts.update_values(store, AGENT, c.id, c.version, {"account_id": "ACC-9"}).values["account_id"]
        == "ACC-9"
    )


def test_edits_need_a_signed_in_actor_and_an_existing_contact(store, people):
    with pytest.raises(PermissionDenied):
        contacts.update_values(store, None, people[0].id, 1, {"job_title": "x"})
    with pytest.raises(NotFound):
        contacts.update_values(store, AGENT, 999_999, 1, {"job_title": "x"})


def test_receive_creates_then_appends(store, tmp_path):
    first = inbound.receive(store, "WhatsApp", " +33600000001 ", "Bonjour")
    second = inbound.receive(store, "whatsapp", "+33600000001", "Encore moi")
    assert first["new_contact"] and not second["new_contact"]
    assert (
        first["contact_id"] == second["contact_id"] and first["conversation_id"] == second["conversation_id"]
    )
    thread = contacts.thread(store, first["conversation_id"])
    assert [m["body"] for m in thread["messages"]] == ["Bonjour", "Encore moi"]
    other = inbound.receive(store, "sms", "+33600000001", "Same number, other channel")
    assert other["new_contact"] and other["contact_id"] != first["contact_id"]


def test_receive_starts_a_new_conversation_when_none_is_open(store):
    first = inbound.receive(store, "webchat", "v-1", "hi")
    with store.tx() as cur:
        cur.execute("UPDATE conversations SET status = 'closed'")
    again = inbound.receive(store, "webchat", "v-1", "back again")
    assert again["conversation_id"] != first["conversation_id"] and not again["new_contact"]


def test_receive_stores_attachment_files(store, tmp_path):
    f = tmp_path / "receipt.pdf"
    f.write_bytes(b"%PDF-1.4 tiny")
    made = inbound.receive(
        store, "email", "a@example.com", "see attached", attachments=[f, ("n.txt", b"note")]
    )
    thread = contacts.thread(store, made["conversation_id"])
    atts = thread["attachments"][made["message_id"]]
    assert [a["filename"] for a in atts] == ["receipt.pdf", "n.txt"]
    stored = store.attachments_dir / atts[0]["storage_path"]
    assert stored.read_bytes() == b"%PDF-1.4 tiny" and atts[0]["content_type"] == "application/pdf"
    assert (
        store._scalar("SELECT sha256 FROM attachments WHERE id = ?", [atts[0]["id"]])
        == hashlib.sha256(b"%PDF-1.4 tiny").hexdigest()
    )


def test_failed_receive_leaves_no_row_and_no_file(store, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    original = store.contacts.receive_message

    def failing(**kw):
        writer = kw["write_files"]

        def write_then_fail(cid, metas):
            writer(cid, metas)
            boom()

        return original(**{**kw, "write_files": write_then_fail})

    monkeypatch.setattr(store.contacts, "receive_message", failing)
    with pytest.raises(RuntimeError):
        inbound.receive(store, "email", "b@example.com", "x", attachments=[("f.txt", b"data")])
    assert store.stats.table_counts()["contacts"] == 0
    assert (
        not any(p.is_file() for p in store.attachments_dir.rglob("*"))
        if store.attachments_dir.exists()
        else True
    )


@pytest.mark.parametrize(
    "platform,handle,text,match",
    [
        ("fax", "x", "hi", "platform must be one of"),
        ("sms", "", "hi", "handle"),
        ("sms", "a\x00b", "hi", "handle"),
        ("sms", "+331", "   ", "needs text or an attachment"),
    ],
)
def test_receive_refuses_bad_input(store, platform, handle, text, match):
    with pytest.raises(InvalidInput, match=match):
        inbound.receive(store, platform, handle, text)
    assert store.stats.table_counts()["contacts"] == 0
