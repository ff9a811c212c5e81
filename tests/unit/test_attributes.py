"""Attribute layout: renumbering, validation, custom attributes, history/revert, stale saves, roles."""

import json

import pytest

from inbox import attributes as attrs
from inbox.errors import Conflict, PermissionDenied
from inbox.models import SYSTEM, Actor

from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")
_members = members_fixture(ADMIN, AGENT)
BUILTIN_ORDER = [
    "email",
    "first_name",
    "last_name",
    "phone",
    "account_id",
    "job_title",
    "language",
    "subscription",
    "external_id",
]


def keys(layout):
    return [d["key"] for d in layout]


def edit(store, **changes_by_key):
    version, layout = attrs.load_layout(store)
    for item in layout:
        item.update(changes_by_key.get(item["key"], {}))
    return version, layout


def test_builtins_in_their_default_order(store):
    version, layout = attrs.load_layout(store)
    assert version == 1
    assert keys(layout) == BUILTIN_ORDER
    assert [a.key for a in attrs.enabled_attributes(store)] == BUILTIN_ORDER[
        :-1
    ]  # external_id off by default


def test_renumber_sorts_by_order_and_keeps_ties_in_list_order():
    rows = [
        {"key": "a", "position": 3},
        {"key": "b", "position": 1},
        {"key": "c", "position": 3},
        {"key": "d", "position": None},
        {"key": "e", "position": 2.0},
    ]
    assert [(r["key"], r["position"]) for r in attrs.renumber(rows)] == [
        ("b", 1),
        ("e", 2),
        ("a", 3),
        ("c", 4),
        ("d", 5),
    ]


@pytest.mark.parametrize(
    "where,expected",
    [
        ("top", ["language", "email", "first_name"]),
        ("up", ["email", "first_name", "last_name", "phone", "account_id", "language", "job_title"]),
        ("bottom", BUILTIN_ORDER[:6] + ["subscription", "external_id", "language"]),
    ],
)
def test_move(store, where, expected):
    moved = attrs.move(attrs.load_layout(store)[1], "language", where)
    assert keys(moved)[: len(expected)] == expected
    assert [d["position"] for d in moved] == list(range(1, 10))


def test_save_disables_and_reorders_the_agent_view(store):
    version, layout = edit(store, job_title={"enabled": False}, language={"position": 0})
    new = attrs.save_layout(store, ADMIN, layout, base_version=version)
    assert new == 2
    assert [a.key for a in attrs.enabled_attributes(store)] == [
        "language",
        "email",
        "first_name",
        "last_name",
        "phone",
        "account_id",
        "subscription",
    ]
    assert [d["position"] for d in attrs.load_layout(store)[1]] == list(range(1, 10))
    latest = attrs.history(store)[0]
    assert latest["saved_by"] == "admin@example.com" and latest["version"] == 2
    assert "disabled Job title" in latest["changes"] and "moved Language from 7 to 1" in latest["changes"]


@pytest.mark.parametrize(
    "changes,reason",
    [
        ({"email": {"label": ""}}, "row 1 (email): label must have 1–80 characters"),
        (
            {"subscription": {"options": None}},
            "row 8 (Subscription): a list attribute needs at least one option",
        ),
        ({"email": {"type": "number"}}, "row 1 (Email): type cannot change after creation"),
        ({"first_name": {"regex": "([a-z"}}, "row 2 (First name): pattern is not a valid regular expression"),
        ({"phone": {"options": ["a"]}}, "row 4 (Phone): only list attributes have options"),
        ({"phone": {"regex": "^\\+"}}, "row 4 (Phone): only text attributes have a pattern"),
    ],
)
def test_invalid_edits_name_the_row_and_reason_and_save_nothing(store, changes, reason):
    version, layout = edit(store, **changes)
    with pytest.raises(attrs.LayoutInvalid) as exc:
        attrs.save_layout(store, ADMIN, layout, base_version=version)
    assert any(p.startswith(reason) for p in exc.value.problems), exc.value.problems
    assert attrs.load_layout(store) == (1, attrs.load_layout(store)[1])
    assert keys(attrs.load_layout(store)[1]) == BUILTIN_ORDER


def test_builtins_cannot_be_deleted(store):
    version, layout = attrs.load_layout(store)
    with pytest.raises(attrs.LayoutInvalid, match="can be disabled, not deleted"):
        attrs.save_layout(store, ADMIN, [d for d in layout if d["key"] != "phone"], base_version=version)


def test_custom_attribute_lifecycle_with_values(store):
    version, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(layout, label="Tier", key="tier", type="list", options="gold, silver")
    layout = attrs.new_attribute(
        layout,
        label="Order ref",
        key="order_ref",
        type="text",
        regex=r"^[A-Z]{2}\d+$",
        required_on_import=True,
    )
    version = attrs.save_layout(store, ADMIN, layout, base_version=version)
    tier = next(a for a in attrs.enabled_attributes(store) if a.key == "tier")
    assert tier.options == ("gold", "silver") and not tier.builtin and tier.position == 10
    with store.tx() as cur:
        cur.execute(
            "INSERT INTO attribute_values VALUES"
            " (7, 'tier', 'gold', NULL, NULL, NULL, now()::TIMESTAMP, 't'),"
            " (8, 'tier', 'silver', NULL, NULL, NULL, now()::TIMESTAMP, 't')"
        )
    assert attrs.values_count(store, "tier") == 2
    layout = [d for d in attrs.load_layout(store)[1] if d["key"] != "tier"]
    version = attrs.save_layout(store, ADMIN, layout, base_version=version)
    assert "tier" not in keys(attrs.load_layout(store)[1])
    assert attrs.values_count(store, "tier") == 0  # its values went with it
    assert "deleted attribute Tier (tier)" in attrs.history(store)[0]["changes"]


@pytest.mark.parametrize(
    "key,reason",
    [
        ("email", "the key email is already used by Email: choose another key"),
        ("Bad Key", "key must be"),
        ("9lives", "key must be"),
    ],
)
def test_new_attribute_key_rules(store, key, reason):
    with pytest.raises(attrs.LayoutInvalid, match=reason):
        attrs.new_attribute(attrs.load_layout(store)[1], label="X", key=key, type="text")


def test_new_list_attribute_needs_options(store):
    with pytest.raises(attrs.LayoutInvalid, match="needs at least one option"):
        attrs.new_attribute(attrs.load_layout(store)[1], label="Tier", key="tier", type="list", options=" , ")


def test_stale_save_is_refused_and_changes_nothing(store):
    base, mine = edit(store, phone={"enabled": False})
    _, theirs = edit(store, email={"label": "E-mail"})
    attrs.save_layout(store, ADMIN, theirs, base_version=base)
    with pytest.raises(Conflict, match="another admin saved version 2"):
        attrs.save_layout(store, ADMIN, mine, base_version=base)
    now = {d["key"]: d for d in attrs.load_layout(store)[1]}
    assert now["phone"]["enabled"] and now["email"]["label"] == "E-mail"
    assert attrs.load_layout(store)[0] == 2


def test_revert_is_a_new_version_and_keeps_later_attributes_disabled(store):
    v1, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(layout, label="Tier", key="tier", type="list", options=["gold"])
    v2 = attrs.save_layout(store, ADMIN, layout, base_version=v1)
    _, layout = edit(store, email={"enabled": False, "label": "Mail"})
    v3 = attrs.save_layout(store, ADMIN, layout, base_version=v2)
    v4 = attrs.revert_layout(store, ADMIN, 1, base_version=v3)
    assert v4 == 4
    now = {d["key"]: d for d in attrs.load_layout(store)[1]}
    assert now["email"]["enabled"] and now["email"]["label"] == "Email"
    assert not now["tier"]["enabled"] and now["tier"]["position"] == 10
    assert attrs.history(store)[0]["reverted_from"] == 1
    assert attrs.history(store)[0]["changes"][0] == "reverted to version 1"


@pytest.mark.parametrize(
    "call",
    [
        lambda s: attrs.save_layout(s, AGENT, attrs.load_layout(s)[1], base_version=1),
        lambda s: attrs.revert_layout(s, AGENT, 1, base_version=1),
        lambda s: attrs.import_layout(s, AGENT, attrs.export_layout(s)),
    ],
)
def test_agents_cannot_change_the_layout(store, call):
    with pytest.raises(PermissionDenied):
        call(store)
    assert attrs.load_layout(store)[0] == 1


def test_export_import_round_trip(store):
    exported = attrs.export_layout(store)
    assert exported[0] == {
        "key": "email",
        "label": "Email",
        "type": "email",
        "enabled": True,
        "order": 1,
        "options": None,
        "regex": None,
        "required_on_import": False,
    }
    exported[0]["order"], exported[6]["order"] = 7, 1
    exported.append({"key": "vip", "label": "VIP", "type": "boolean", "enabled": True, "order": 10})
    assert attrs.import_layout(store, SYSTEM, json.loads(json.dumps(exported))) == 2
    assert [a.key for a in attrs.enabled_attributes(store)][:1] == ["language"]
    assert attrs.export_layout(store)[-1]["key"] == "vip"


def test_import_reports_every_problem_and_changes_nothing(store):
    items = attrs.export_layout(store)[1:]  # email missing
    items[0]["order"] = "first"
    items[1]["colour"] = "red"
    with pytest.raises(attrs.LayoutInvalid) as exc:
        attrs.import_layout(store, SYSTEM, items)
    assert len(exc.value.problems) == 3
    assert attrs.load_layout(store)[0] == 1


def test_a_taken_key_gives_one_message_naming_the_attribute_by_its_label(store):
    layout = attrs.load_layout(store)[1]
    with pytest.raises(attrs.LayoutInvalid) as exc:
        attrs.new_attribute(layout, label="Mail", key="email", type="text")
    assert exc.value.problems == ["the key email is already used by Email: choose another key"]
    with pytest.raises(attrs.LayoutInvalid) as exc:
        attrs.new_attribute(layout, label="Tier", key="tier", type="list", regex="(")
    assert exc.value.problems == [  # one line per problem, named by the label, no row numbers
        "Tier: a list attribute needs at least one option",
        "Tier: only text attributes have a pattern",
        "Tier: pattern is not a valid regular expression",
    ]


@pytest.mark.parametrize(
    "wanted,first_keys",
    [
        ({"phone": 2}, ["email", "phone", "first_name", "last_name"]),
        ({"phone": 1}, ["phone", "email", "first_name", "last_name"]),
        ({"email": 3}, ["first_name", "last_name", "email", "phone"]),
        ({"phone": 0}, ["phone", "email", "first_name", "last_name"]),  # below 1: first
        ({"phone": 4}, ["email", "first_name", "last_name", "phone"]),  # where it was
        ({"phone": None}, ["email", "first_name", "last_name", "phone"]),  # cleared: stays
    ],
)
def test_place_puts_an_attribute_at_the_typed_position(store, wanted, first_keys):
    layout = attrs.load_layout(store)[1]
    placed = attrs.place(layout, wanted)
    assert keys(placed)[:4] == first_keys
    assert [r["position"] for r in placed] == list(range(1, len(layout) + 1))


def test_place_beyond_the_end_puts_it_last(store):
    layout = attrs.load_layout(store)[1]
    assert keys(attrs.place(layout, {"email": 99}))[-1] == "email"
