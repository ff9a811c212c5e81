"""The value history of the bulk writers: an import (ref = its batch), its undo, a contact created by hand."""

from inbox import attributes as attrs
from inbox import contact_create, imports
from inbox.models import SYSTEM

from ..support.imports import ADMIN, contacts, run, write
from ..support.members import members_fixture

_members = members_fixture(ADMIN)


def history(store):
    return [
        (r[0], r[1], r[2], r[3], r[4], r[5])
        for r in store._rows(
            "SELECT c.email, h.attribute_key, h.old_value, h.new_value, h.source, h.ref FROM value_history h"
            " JOIN contacts c ON c.id = h.contact_id ORDER BY h.id"
        )
    ]


def test_an_import_and_its_undo_record_every_changed_value(store, tmp_path):
    version, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(layout, label="Orders", key="orders", type="number")
    attrs.save_layout(store, SYSTEM, layout, base_version=version)
    first = run(store, write(tmp_path, "Email,First name,Orders\nann@example.com,Ann,2\n", name="a.csv"))
    assert history(store) == [
        ("ann@example.com", "email", None, "ann@example.com", "import", str(first.batch_id)),
        ("ann@example.com", "first_name", None, "Ann", "import", str(first.batch_id)),
        ("ann@example.com", "orders", None, "2", "import", str(first.batch_id)),
    ]
    second = imports.run_import(
        store, ADMIN, write(tmp_path, "Email,First name,Orders\nann@example.com,Annie,2\n", name="b.csv")
    )
    assert history(store)[3:] == [
        ("ann@example.com", "first_name", "Ann", "Annie", "import", str(second.batch_id))
    ]  # the unchanged e-mail and orders are not recorded
    imports.undo(store, ADMIN, second.batch_id)
    assert history(store)[4:] == [
        ("ann@example.com", "first_name", "Annie", "Ann", "undo", str(second.batch_id))
    ]
    assert store._scalar("SELECT actor FROM value_history ORDER BY id DESC LIMIT 1") == ADMIN.email


def test_undoing_an_import_of_new_contacts_removes_their_history(store, tmp_path):
    result = run(store, write(tmp_path, "Email\nnew@example.com\n"))
    assert len(history(store)) == 1
    imports.undo(store, ADMIN, result.batch_id)
    assert contacts(store) == [] and store._scalar("SELECT count(*) FROM value_history") == 0


def test_a_contact_created_by_hand_starts_its_history(store):
    made = contact_create.create_contact(
        store,
        ADMIN,
        {"email": "zoe@example.org", "first_name": "Zoé"},
        platform="email",
        handle="zoe@example.org",
    )
    rows = store.history.for_contact(made.id)
    assert {(r["attribute_key"], r["old_value"], r["new_value"], r["source"]) for r in rows} == {
        ("email", None, "zoe@example.org", "created"),
        ("first_name", None, "Zoé", "created"),
    }
