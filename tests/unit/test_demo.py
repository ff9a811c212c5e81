"""Tests of the vectorised demo-data builder (inbox.demo) and its SQL (inbox.store.demo)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta, timezone

import phonenumbers
import pytest

from inbox.demo import _V, build_demo
from inbox.errors import InvalidInput
from inbox.models import PLATFORMS
from inbox.store import Store
from validation.checks import language_tag_ok
from validation.phones import read_phones

NOW = datetime(2026, 3, 1, 12, 0, 0)
N = 2000
TABLES = ("contacts", "conversations", "messages", "attachments", "attribute_values")
SEQUENCES = {
    "contacts": "contact_id_seq",
    "conversations": "conversation_id_seq",
    "messages": "message_id_seq",
    "attachments": "attachment_id_seq",
}
EMAIL = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?@[a-z0-9-]+(?:\.[a-z0-9-]+)+$")
E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
HANDLES = {
    "whatsapp": E164,
    "sms": E164,
    "email": EMAIL,
    "x": re.compile(r"^@[a-z0-9_]{1,15}$"),
    "instagram": re.compile(r"^[a-z0-9._]{1,30}$"),
    "messenger": re.compile(r"^[1-9][0-9]{14,19}$"),
    "webchat": re.compile(r"^visitor-[0-9a-f]{8,}$"),
}


def build(store: Store, **kwargs) -> dict[str, int]:
    kwargs.setdefault("contacts", N)
    kwargs.setdefault("now", NOW)
    return build_demo(store, **kwargs)


def column(store: Store, sql: str) -> list:
    return [row[0] for row in store._rows(sql)]


def test_counts_are_returned_and_match_the_tables(store):
    counts = build(store)
    assert set(counts) == set(TABLES)
    assert counts["contacts"] == N
    assert counts["attachments"] == min(50, max(3, N // 100))
    assert counts["attribute_values"] == 0  # built-in attributes are columns of contacts
    for table in TABLES:
        assert store._scalar(f"SELECT count(*) FROM {table}") == counts[table], table
    assert 4.5 <= counts["messages"] / N <= 5.5
    assert store._scalar("SELECT count(*) FROM users") == 0


def test_contacts_cover_every_platform_with_unique_plausible_handles(store):
    build(store)
    rows = store._rows("SELECT platform, handle, email, phone FROM contacts")
    assert {p for p, *_ in rows} == set(PLATFORMS)
    assert len({(p, h) for p, h, *_ in rows}) == len(rows)
    for platform, handle, email, phone in rows:
        assert HANDLES[platform].match(handle), (platform, handle)
        if platform in ("whatsapp", "sms"):
            assert handle == phone
        if platform == "email":
            assert handle == email


def test_builtin_attributes_are_realistic(store):
    build(store)
    df = store._df("SELECT * FROM contacts")
    emails = df["email"].dropna()
    assert 0.6 < len(emails) / N < 0.95
    assert all(EMAIL.match(e) and e == e.lower() and e.isascii() for e in emails)
    assert emails.is_unique
    phones = df["phone"].dropna()
    assert 0.6 < len(phones) / N < 0.95 and phones.is_unique
    assert all(E164.match(p) for p in phones)
    stored, _ = read_phones(phones, None)  # every number is valid for its country (libphonenumber)
    assert stored.tolist() == phones.tolist()
    assert {phonenumbers.region_code_for_number(phonenumbers.parse(p)) for p in phones} >= {
        "GB",
        "FR",
        "DE",
        "JP",
    }
    assert all(
        language_tag_ok(c) and re.fullmatch(r"[a-z]{2}(-Hans)?(-[A-Z]{2})?", c) for c in df["language"]
    )
    assert len({c.split("-")[0] for c in df["language"]}) >= 10
    regional = df["language"].str.contains("-")
    assert 0.15 < regional.mean() < 0.45 and {"pt-BR", "en-GB", "fr-FR"} <= set(df["language"])
    assert set(df["subscription"]) == {"free", "basic", "premium", "enterprise"}
    assert 0.1 < df["job_title"].isna().mean() < 0.3
    assert all(re.fullmatch(r"ACC-\d{6,}", a) for a in df["account_id"].dropna())
    external = df["external_id"].dropna()
    assert external.is_unique and all(re.fullmatch(r"crm-\d{8}", e) for e in external)
    assert (
        df["first_name"].notna().all() and df["last_name"].notna().all() and df["display_name"].notna().all()
    )
    assert (
        (df["created_by"] == "demo").all()
        and (df["updated_by"] == "demo").all()
        and (df["version"] == 1).all()
    )
    assert (df["created_at"] >= NOW - timedelta(days=365)).all() and (df["created_at"] <= NOW).all()
    assert (df["updated_at"] >= df["created_at"]).all() and (df["updated_at"] <= NOW).all()


def test_names_span_accents_and_non_latin_scripts(store):
    build(store)
    names = column(store, "SELECT first_name || ' ' || last_name FROM contacts")
    assert any(not name.isascii() for name in names)
    assert any(ch in "".join(names) for ch in "éñüçø")
    scripts = {unicodedata.name(ch).split()[0] for name in names for ch in name if ord(ch) > 0x24F}
    assert {"CJK", "ARABIC", "CYRILLIC", "GREEK", "DEVANAGARI", "HANGUL"} <= scripts


def test_conversations_and_messages_are_consistent(store):
    build(store)
    q = store._scalar
    assert (
        q(
            "SELECT count(*) FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id"
            " WHERE c.id IS NULL OR c.contact_id <> m.contact_id"
        )
        == 0
    )
    assert (
        q(
            "SELECT count(*) FROM conversations c LEFT JOIN contacts p ON p.id = c.contact_id"
            " WHERE p.id IS NULL OR p.platform <> c.platform"
        )
        == 0
    )
    assert (
        q(
            "SELECT count(*) FROM conversations c WHERE NOT EXISTS"
            " (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)"
        )
        == 0
    )
    per_contact = column(store, "SELECT count(*) FROM conversations GROUP BY contact_id")
    assert len(per_contact) == N and min(per_contact) >= 1 and max(per_contact) <= 3
    assert (
        q(
            "SELECT max(n) FROM (SELECT count(*) n FROM conversations WHERE status = 'open'"
            " GROUP BY contact_id) o"
        )
        == 1
    )
    assert set(column(store, "SELECT DISTINCT status FROM conversations")) == {"open", "closed"}
    assert (
        q(
            "SELECT count(*) FROM conversations c"
            " JOIN (SELECT conversation_id, min(sent_at) lo, max(sent_at) hi FROM messages GROUP BY 1) m"
            " ON m.conversation_id = c.id"
            " WHERE c.started_at <> m.lo OR c.last_message_at <> m.hi OR c.started_at > c.last_message_at"
        )
        == 0
    )


def test_messages_are_strictly_ordered_in_the_past_year(store):
    build(store)
    q = store._scalar
    assert (
        q(
            "SELECT count(*) FROM (SELECT sent_at,"
            " lag(sent_at) OVER (PARTITION BY conversation_id ORDER BY id) AS prev FROM messages) m"
            " WHERE prev >= sent_at"
        )
        == 0
    )
    assert (
        q("SELECT count(*) FROM messages WHERE sent_at > ? OR sent_at <= ?", [NOW, NOW - timedelta(days=365)])
        == 0
    )
    assert (
        q(
            "SELECT count(*) FROM (SELECT direction,"
            " row_number() OVER (PARTITION BY conversation_id ORDER BY id) AS k FROM messages) m"
            " WHERE k = 1 AND direction <> 'inbound'"
        )
        == 0
    )
    assert q("SELECT count(*) FROM messages WHERE (direction = 'inbound') <> (author IS NULL)") == 0
    assert set(column(store, "SELECT DISTINCT direction FROM messages")) == {"inbound", "outbound"}
    authors = column(store, "SELECT DISTINCT author FROM messages WHERE author IS NOT NULL")
    assert authors and all(EMAIL.match(a) for a in authors)
    bodies = column(store, "SELECT DISTINCT body FROM messages")
    assert len(bodies) > 30 and any(not b.isascii() for b in bodies)


def test_attachment_rows_and_files_match(store):
    build(store)
    root = store.attachments_dir
    rows = store._rows(
        "SELECT a.storage_path, a.size_bytes, a.sha256, a.content_type, a.filename, a.contact_id,"
        " (m.conversation_id = a.conversation_id AND m.contact_id = a.contact_id)"
        " FROM attachments a LEFT JOIN messages m ON m.id = a.message_id"
    )
    assert rows
    for path, size, sha, content_type, filename, contact_id, linked in rows:
        assert linked is True
        assert path == f"{contact_id}/{filename}" and "\\" not in path
        data = (root / path).read_bytes()
        assert len(data) == size and hashlib.sha256(data).hexdigest() == sha
        expected = {"txt": "text/plain", "png": "image/png", "csv": "text/csv"}[filename.rsplit(".", 1)[1]]
        assert content_type == expected
        if expected == "image/png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert on_disk == {r[0] for r in rows}


def test_png_attachments_are_valid_images(store):
    image = pytest.importorskip("PIL.Image")
    build(store, attachments=9)
    paths = column(store, "SELECT storage_path FROM attachments WHERE content_type = 'image/png'")
    assert paths
    for path in paths:
        with image.open(store.attachments_dir / path) as img:
            img.verify()


def test_sequences_continue_above_the_built_ids(store):
    build(store)
    for table, seq in SEQUENCES.items():
        top = store._scalar(f"SELECT max(id) FROM {table}")
        assert store._scalar(f"SELECT nextval('{seq}')") > top, table
        assert store.demo.demo_next_id(table) > top
    with store.tx() as cur:  # a plain insert that takes its id from the sequence must not collide
        cur.execute(
            "INSERT INTO contacts (platform, handle, created_at, created_by, updated_at, updated_by)"
            " VALUES ('sms', '+15550000000', ?, 'test', ?, 'test')",
            [NOW, NOW],
        )
    assert store._scalar("SELECT count(*) FROM contacts") == N + 1


def sequence_values(store) -> dict[str, int]:
    """The last value each sequence gave (whichever connection took it)."""
    if store.dialect.name == "postgres":
        return {s: store._scalar(f"SELECT last_value FROM {s}") for s in SEQUENCES.values()}
    return {s: store._scalar(f"SELECT currval('{s}')") for s in SEQUENCES.values()}


def test_refuses_a_workspace_with_contacts_and_changes_nothing(store):
    build(store, contacts=50)
    before = {t: store._scalar(f"SELECT count(*) FROM {t}") for t in TABLES}
    seqs = sequence_values(store)
    files = sorted(p for p in store.attachments_dir.rglob("*"))
    with pytest.raises(InvalidInput, match="empty workspace"):
        build(store, contacts=50, seed=7)
    assert {t: store._scalar(f"SELECT count(*) FROM {t}") for t in TABLES} == before
    assert sequence_values(store) == seqs
    assert sorted(p for p in store.attachments_dir.rglob("*")) == files


@pytest.mark.parametrize(
    "kwargs",
    [
        {"contacts": 0},
        {"contacts": -5},
        {"contacts": 2.5},
        {"contacts": True},
        {"contacts": 10, "messages_per_contact": 0.5},
        {"contacts": 10, "attachments": -1},
        {"contacts": 10, "seed": -1},
    ],
)
def test_rejects_bad_parameters(store, kwargs):
    with pytest.raises(InvalidInput):
        build(store, **kwargs)
    assert store._scalar("SELECT count(*) FROM contacts") == 0


def test_same_seed_gives_same_data(tmp_path):
    def snapshot(name: str, seed: int):
        with Store(tmp_path / f"{name}.duckdb") as s:
            counts = build(s, contacts=300, seed=seed)
            data = [s._rows(f"SELECT * FROM {t} ORDER BY id") for t in TABLES[:4]]
        return counts, data

    one, two, other = snapshot("a", 42), snapshot("b", 42), snapshot("c", 43)
    assert one == two
    assert one[1][0] != other[1][0]
    assert [r[5] for r in one[1][0]] != [r[5] for r in other[1][0]]  # first names differ for another seed


def test_failed_build_leaves_no_rows_and_no_files(tmp_path):
    with Store(tmp_path / "probe.duckdb") as probe:
        build(probe, contacts=300)
        last = probe._scalar("SELECT storage_path FROM attachments ORDER BY id DESC LIMIT 1")
    with Store(tmp_path / "real.duckdb") as store:
        stale = store.attachments_dir / last
        stale.parent.mkdir(parents=True)
        stale.write_bytes(b"left over")
        with pytest.raises(InvalidInput, match="already exists"):
            build(store, contacts=300)
        assert all(store._scalar(f"SELECT count(*) FROM {t}") == 0 for t in TABLES)
        assert [p for p in store.attachments_dir.rglob("*") if p.is_file()] == [stale]
        assert stale.read_bytes() == b"left over"


def test_the_built_workspace_passes_inbox_check(store):
    from inbox.check import run_check

    build(store, contacts=500)
    report = run_check(store)
    assert report.ok, [(p.table, p.name, p.examples) for p in report.problems]
    assert report.tables["messages"] == store._scalar("SELECT count(*) FROM messages")


def test_vocabulary_is_well_formed():
    v = _V
    assert len(v["lang"]) >= 12 and len(set(v["lang"])) == len(v["lang"])
    assert all(re.fullmatch(r"[a-z]{2}", lang) for lang in v["lang"])
    assert all(re.fullmatch(r"[1-9][0-9]{2,5}", prefix) for prefix in v["prefix"])
    assert len(v["first"]) == len(v["first_ascii"]) and len(v["last"]) == len(v["last_ascii"])
    assert all(re.fullmatch(r"[a-z]+", a) for a in v["first_ascii"] + v["last_ascii"])
    assert (v["f_span"][:, 1] >= 6).all() and (v["l_span"][:, 1] >= 7).all()
    for i, lang in enumerate(v["lang"]):  # a broken "native=Latin" token would leak Latin into a script
        (f0, _), (f1, fn), (l0, ln) = v["f_span"][2 * i], v["f_span"][2 * i + 1], v["l_span"][i]
        names = v["first"][f0 : f1 + fn] + v["last"][l0 : l0 + ln]
        if lang in ("zh", "ja", "ko", "ar", "ru", "el", "hi"):
            assert not any(ch.isascii() and ch.isalpha() for name in names for ch in name), lang
    assert len(set(v["bodies"])) == len(v["bodies"]) and "" not in v["bodies"]
    assert all("|" not in b and " / " not in b for b in v["bodies"])


def test_language_matches_the_script_of_the_name(store):
    build(store)
    scripts = {"HANGUL": "ko", "ARABIC": "ar", "CYRILLIC": "ru", "GREEK": "el", "DEVANAGARI": "hi"}
    for name, tag in store._rows("SELECT last_name, language FROM contacts"):
        script, language = unicodedata.name(name[0]).split()[0], tag.split("-")[0]
        if script in scripts:
            assert language == scripts[script], (name, language)
        if script == "LATIN":
            assert language not in scripts.values(), (name, language)


def test_progress_and_timezone_aware_now(store):
    lines = []
    build(
        store,
        contacts=20,
        now=datetime(2026, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1))),
        progress=lines.append,
    )
    assert lines and all(isinstance(line, str) for line in lines)
    assert store._scalar("SELECT max(sent_at) FROM messages") < NOW
