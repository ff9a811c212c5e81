"""The contact list's orders (Sort by): every page of each order equals sorting all matches."""

import pytest

from inbox import contacts, inbound
from inbox.models import Actor

from ..support.members import members_fixture

AGENT = Actor("agent@example.com", "agent")
_members = members_fixture(AGENT)
NAMES = [
    ("Zoé", "Adam"),
    ("anna", "Berg"),
    ("Émile", None),
    (None, None),
    ("Marc", "Zola"),
    ("Anna", "Aalto"),
]


@pytest.fixture
def people(store):
    made = []
    for n, (first, last) in enumerate(NAMES):
        c = contacts.get_contact(store, inbound.receive(store, "webchat", f"visitor-{n}", "hi")["contact_id"])
        contacts.update_values(store, AGENT, c.id, c.version, {"first_name": first, "last_name": last})
        made.append(contacts.get_contact(store, c.id))
    return made


def ids(store, order, query="", page_size=4, **filters):
    found, page = [], 1
    while True:
        result = contacts.search(store, query, page=page, page_size=page_size, order=order, **filters)
        found += [r["id"] for r in result.rows]
        if not result.has_next:
            return found, result.total
        page += 1


def test_name_order_is_case_and_accent_insensitive_with_the_handle_for_nameless_contacts(store, people):
    found, total = ids(store, "name")
    by_name = sorted(people, key=lambda c: (c.name.lower().replace("é", "e").replace("É", "e"), c.id))
    assert found == [c.id for c in by_name] and total == len(NAMES)


def test_created_orders_both_ways_and_with_a_filter(store, people):
    newest, _ = ids(store, "created")
    assert newest == [c.id for c in sorted(people, key=lambda c: (c.created_at, c.id), reverse=True)]
    oldest, _ = ids(store, "created_asc")
    assert oldest == list(reversed(newest))
    found, total = ids(store, "created_asc", query="visitor", platform="webchat")
    assert found == oldest and total == len(NAMES)


def test_an_unknown_order_is_the_default(store, people):
    assert ids(store, "drop table contacts")[0] == ids(store, "updated")[0]
