"""Lookup at scale: the recent-window page and the capped count give what a full scan would."""

import random

import pytest

from inbox import contacts, inbound
from inbox.models import Actor

from ..support.members import members_fixture
from ..support.snapshots import snapshot_fixtures

AGENT = Actor("agent@example.com", "agent")
MEMBERS = (AGENT, Actor("admin@example.com", "admin"))
_members = members_fixture(*MEMBERS)
WORDS = ["anna", "marc", "maria", "lee", "zoé", "bob"]


def _make_crowd(store) -> dict[int, str]:
    """60 contacts with a name from WORDS; a random third are edited afterwards (changing recency)."""
    rng = random.Random(3)
    made = {}
    for n in range(60):
        word = rng.choice(WORDS)
        made[inbound.receive(store, "webchat", f"{word}-{n}", "hi")["contact_id"]] = f"{word}-{n}"
    for contact_id in rng.sample(sorted(made), 20):
        c = contacts.get_contact(store, contact_id)
        contacts.update_values(store, AGENT, c.id, c.version, {"job_title": "edited"})
    return made


_crowd_snapshot, store, crowd = snapshot_fixtures("crowd", _make_crowd, *MEMBERS)


def expected(store, handles, term):
    """Brute force: every contact whose handle contains ``term``, most recently updated first."""
    rows = [contacts.get_contact(store, i) for i, h in handles.items() if term in h]
    return [c.id for c in sorted(rows, key=lambda c: (c.updated_at, c.id), reverse=True)]


@pytest.mark.parametrize("window", [5, 12, 50_000])
@pytest.mark.parametrize("term", ["a", "ar", "maria", "zoe", "lee-1", "nobody"])
def test_every_page_equals_the_full_scan(store, crowd, window, term):
    store.contacts.search_window_rows, store.contacts.search_count_cap = window, 10
    want = expected(store, crowd, term.replace("zoe", "zoé"))
    got, page = [], 1
    while True:
        result = contacts.search(store, term, page=page, page_size=4)
        assert result.rows or (page == 1 and not want)  # never an empty page after "Next"
        got += [r["id"] for r in result.rows]
        seen = len(got)
        if len(want) <= 10 or not result.has_next:  # exact below the cap and on the last page
            assert (result.total, result.more) == (len(want), False)
        else:  # a floor: the cap, or what has been paged through
            assert (result.total, result.more) == (max(10, seen + 1), True)
        if not result.has_next:
            break
        page += 1
    assert got == want


def test_a_count_above_the_cap_is_a_floor(store, crowd):
    store.contacts.search_window_rows, store.contacts.search_count_cap = 5, 10
    result = contacts.search(store, "a", page_size=4)
    assert result.more and result.total == 10 and result.count_text == "10+" and result.has_next
    assert contacts.search(store, "", page_size=4).total == 60  # no term, no filter: the exact count


def test_a_stale_window_never_hides_a_newer_contact(store, crowd):
    store.contacts.search_window_rows = 5
    before = contacts.search(store, "maria", page_size=3)  # computes and caches the window
    newest = inbound.receive(store, "webchat", "maria-new", "hi")["contact_id"]
    after = contacts.search(store, "maria", page_size=3)
    assert after.rows[0]["id"] == newest and after.rows[1]["id"] == before.rows[0]["id"]


def test_a_term_that_folds_to_nothing_restricts_nothing(store, crowd):
    """A lone combining accent (U+0301) has no letter left once accents are stripped."""
    assert contacts.search(store, "\u0301", page_size=100).total == 60
    assert [r["id"] for r in contacts.search(store, "maria \u0301").rows] == [
        r["id"] for r in contacts.search(store, "maria").rows
    ]


def test_filters_inside_the_window_equal_the_full_scan(store, crowd):
    from inbox import attributes as attrs

    admin = Actor("admin@example.com", "admin")
    version, layout = attrs.load_layout(store)
    attrs.save_layout(
        store,
        admin,
        attrs.new_attribute(layout, label="Tier", key="tier", type="list", options=["gold", "silver"]),
        base_version=version,
    )
    gold = sorted(crowd)[::3]
    for contact_id in gold:
        c = contacts.get_contact(store, contact_id)
        contacts.update_values(store, AGENT, c.id, c.version, {"tier": "gold", "language": "fr"})
    store.contacts.search_window_rows, store.contacts.search_count_cap = 5, 10
    for query, filters, want in [
        ("", {"custom": {"tier": "gold"}}, set(gold)),
        ("", {"language": "fr"}, set(gold)),
        ("a", {"custom": {"tier": "gold"}}, {i for i in gold if "a" in crowd[i]}),
    ]:
        got, page = [], 1
        while True:
            result = contacts.search(store, query, page=page, page_size=4, **filters)
            got += [r["id"] for r in result.rows]
            if not result.has_next:
                break
            page += 1
        updated = {i: contacts.get_contact(store, i).updated_at for i in want}
        assert got == sorted(want, key=lambda i: (updated[i], i), reverse=True)
