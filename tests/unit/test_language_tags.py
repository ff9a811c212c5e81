"""Language tags in the store: migration 16 rewrites old values, the filter groups by language, labels."""

from datetime import datetime

import pytest

from inbox import contacts, inbound
from inbox.check import run_check
from inbox.models import Actor
from inbox.store import Store
from inbox.store.migrations import MIGRATIONS
from inbox.store.schema import SEARCH_TEXT_SQL

from ..support.members import members_fixture

AGENT = Actor("agent@example.com", "agent")
_members = members_fixture(AGENT)
T = datetime(2024, 3, 1, 9, 30)
OLD = {1: "fr", 2: "pt", 3: "tl", 4: "tw", 5: "bh", 6: "zh", 7: None, 8: "Elvish", 9: "no", 10: "nb"}


def _insert(cur, cid: int, language: str | None) -> None:
    cur.execute(
        "INSERT INTO contacts (id, platform, handle, language, created_at, created_by, updated_at,"
        " updated_by)"
        " VALUES (?, 'whatsapp', ?, ?, ?, 'test', ?, 'test')",
        [cid, f"h-{cid}", language, T, T],
    )
    cur.execute(f"UPDATE contacts SET search_text = {SEARCH_TEXT_SQL} WHERE id = ?", [cid])


def test_migration_16_rewrites_stored_languages_as_tags(db_path):
    old = Store(db_path, migrate=False)
    old.migrate([m for m in MIGRATIONS if m.version < 16])
    with old.tx() as cur:
        for cid, language in OLD.items():
            _insert(cur, cid, language)
        cur.execute(
            "INSERT INTO import_batch_contacts (batch_id, contact_id, action, version_after, prior_language,"
            " prior_version) VALUES (1, 3, 'updated', 2, 'tl', 1), (1, 8, 'updated', 2, 'Elvish', 1)"
        )
    assert ("core", "language tags") in old.migrate(MIGRATIONS)
    rows = dict(old._rows("SELECT id, language FROM contacts"))
    assert rows == {
        1: "fr",
        2: "pt",
        3: "fil",
        4: "ak",
        5: "bho",
        6: "zh",
        7: None,
        8: "Elvish",
        9: "no",
        10: "nb",
    }
    assert dict(old._rows("SELECT contact_id, prior_language FROM import_batch_contacts")) == {
        3: "fil",
        8: "Elvish",
    }
    # the language is the same, only its spelling changed: no new version, no new timestamp
    assert set(old._rows("SELECT version, updated_at, updated_by FROM contacts")) == {(1, T, "test")}
    assert ("core", "language tags") in old.applied_migrations()
    # the value that cannot be read is kept, and `inbox check` names it
    problems = [p for p in run_check(old).problems if p.table == "contacts"]
    assert [(p.kind, p.count) for p in problems] == [("language is_language_tag", 1)]
    assert "Elvish" in problems[0].detail
    old.close()


def test_migration_16_on_a_fresh_database_changes_nothing(store):
    assert store.migrate(MIGRATIONS) == [] and ("core", "language tags") in store.applied_migrations()


@pytest.fixture
def speakers(store):
    made = {}
    for handle, language in (
        ("pt", "Portuguese"),
        ("br", "pt_BR"),
        ("pt-pt", "Portuguese (Portugal)"),
        ("en", "en-GB"),
        ("fr", "fr"),
        ("none", None),
        ("ptx", "Pitjantjatjara"),
    ):
        c = contacts.get_contact(store, inbound.receive(store, "x", handle, "hello")["contact_id"])
        made[handle] = contacts.update_values(store, AGENT, c.id, c.version, {"language": language})
    return made


def test_edits_store_normalised_tags(speakers):
    assert {h: c.values["language"] for h, c in speakers.items()} == {
        "pt": "pt",
        "br": "pt-BR",
        "pt-pt": "pt-PT",
        "en": "en-GB",
        "fr": "fr",
        "none": None,
        "ptx": "pjt",
    }


def handles(result):
    return sorted(r["handle"] for r in result.rows)


def test_the_language_filter_finds_regional_variants(store, speakers):
    assert handles(contacts.search(store, language="pt")) == [
        "br",
        "pt",
        "pt-pt",
    ]  # not pjt: a prefix of the tag
    assert handles(contacts.search(store, language="pt-BR")) == ["br"]
    assert handles(contacts.search(store, language="en")) == ["en"]
    assert handles(contacts.search(store, language="fr")) == ["fr"]
    assert handles(contacts.search(store, language="de")) == []
    assert handles(contacts.search(store, language="p%")) == []  # parameters, not LIKE patterns
    # the exact-identifier path applies the same filter
    by_id = f"#{speakers['br'].id}"
    assert contacts.search(store, by_id, language="pt").exact and handles(contacts.search(store, by_id)) == [
        "br"
    ]
    assert handles(contacts.search(store, by_id, language="en")) == []


def test_the_filter_offers_each_language_once_with_its_name(store, speakers):
    options = contacts.filter_options(store)["language"]
    assert options == ["en", "fr", "pjt", "pt"]
    assert [contacts.language_filter_label(o) for o in options] == [
        "English (en)",
        "French (fr)",
        "Pitjantjatjara (pjt)",
        "Portuguese (pt)",
    ]


def test_in_language():
    assert contacts.in_language("pt-BR", "pt") and contacts.in_language("pt", "pt")
    assert not contacts.in_language("pjt", "pt") and not contacts.in_language(None, "pt")


@pytest.mark.parametrize(
    "tag,label",
    [
        ("pt-BR", "Portuguese (Brazil) — pt-BR"),
        ("fr", "French — fr"),
        ("zh-Hans-CN", "Chinese (Simplified, China) — zh-Hans-CN"),
        ("Elvish", "Elvish"),
        (None, ""),
        ("", ""),
    ],
)
def test_the_panel_shows_the_name_beside_the_tag(tag, label):
    assert contacts.language_label(tag) == label


def test_the_panel_renders_the_language_name(store, speakers):
    from inbox import attributes as attrs
    from ui.panel import shown_value

    language = next(a for a in attrs.enabled_attributes(store) if a.key == "language")
    job = next(a for a in attrs.enabled_attributes(store) if a.key == "job_title")
    assert shown_value(speakers["br"].values["language"], language) == "Portuguese (Brazil) — pt-BR"
    assert shown_value(None, language) == "—" and shown_value("pt-BR", job) == "pt-BR"
