"""inbox.contact_create: one contact checked as an imported row is, its identity as an import gives it, and
refused (naming the contact) when another contact already has that identity."""

import pytest

from inbox import attributes
from inbox.contact_create import NEEDS_IDENTITY, DuplicateContact, create_contact
from inbox.errors import ContactInvalid, InvalidInput, PermissionDenied
from inbox.models import Actor
from tests.support.members import members_fixture

ADMIN, AGENT = Actor("admin@example.com", "admin"), Actor("agent@example.com", "agent")
_members = members_fixture(ADMIN, AGENT)


def set_layout(store, **changes):
    items = attributes.export_layout(store)
    for item in items:
        item.update(changes.get(item["key"], {}))
    attributes.import_layout(store, ADMIN, items)


def test_identity_is_platform_and_handle_else_email_else_phone(store):
    c = create_contact(
        store, AGENT, {"first_name": "Ann"}, platform="WhatsApp", handle=" ann-wa ", display_name="A"
    )
    assert (c.platform, c.handle, c.display_name, c.version) == ("whatsapp", "ann-wa", "A", 1)
    c = create_contact(store, AGENT, {"email": "Bo@Example.com", "phone": "+44 20 7946 0000"})
    assert (c.platform, c.handle) == ("email", "bo@example.com")
    c = create_contact(store, AGENT, {"phone": "+1 650 253 0000"})
    assert (c.platform, c.handle, c.values["phone"]) == ("sms", "+16502530000", "+16502530000")
    with pytest.raises(InvalidInput, match=NEEDS_IDENTITY):
        create_contact(store, AGENT, {"first_name": "Nobody", "job_title": "CEO"})


def test_each_taken_identity_is_refused_naming_the_contact(store):
    set_layout(store, external_id={"enabled": True})
    first = create_contact(
        store, AGENT, {"email": "ann@example.com", "phone": "+33612345678", "external_id": "E1"}
    )
    for values, what in [
        ({"email": "ANN@example.com "}, "email"),
        ({"phone": "+33 6 12 34 56 78", "email": "x@example.com"}, "phone"),
        ({"external_id": "E1", "email": "y@example.com"}, "external id"),
    ]:
        with pytest.raises(DuplicateContact, match=f"contact #{first.id} already has this {what}") as exc:
            create_contact(store, AGENT, values)
        assert exc.value.contact_id == first.id
    with pytest.raises(DuplicateContact, match="platform and handle"):
        create_contact(store, AGENT, {}, platform="email", handle="ann@example.com")


def test_an_identity_a_merge_left_to_a_contact_is_taken_by_it(store):
    from inbox import merge

    set_layout(store, external_id={"enabled": True})
    kept = create_contact(
        store, AGENT, {"email": "ann@example.com", "phone": "+33611111111", "external_id": "E1"}
    )
    gone = create_contact(
        store, AGENT, {"email": "ann.lee@work.example", "phone": "+33622222222", "external_id": "E2"}
    )
    keep = {k: kept.id for k in ("email", "phone", "external_id")}  # gone's identifiers become aliases
    merge.merge_contacts(store, ADMIN, kept.id, [gone.id], choices=keep)
    for values, what in [
        ({"email": "ann.lee@work.example"}, "email"),
        ({"phone": "+33622222222", "email": "x@example.com"}, "phone"),
        ({"external_id": "E2", "email": "y@example.com"}, "external id"),
    ]:
        with pytest.raises(DuplicateContact, match=f"contact #{kept.id} already has this {what}"):
            create_contact(store, AGENT, values)
    with pytest.raises(DuplicateContact, match="platform and handle") as exc:
        create_contact(store, AGENT, {}, platform="email", handle="ann.lee@work.example")
    assert exc.value.contact_id == kept.id


def test_layout_rules_apply_required_disabled_and_typed(store):
    set_layout(store, job_title={"required_on_import": True}, account_id={"enabled": False})
    with pytest.raises(ContactInvalid) as exc:
        create_contact(store, AGENT, {"email": "a@example.com"})
    assert list(exc.value.by_key) == ["job_title"] and exc.value.by_key["job_title"].startswith("required")
    with pytest.raises(PermissionDenied, match="disabled in the contact layout"):
        create_contact(store, AGENT, {"email": "a@example.com", "job_title": "CEO", "account_id": "A1"})
    c = create_contact(store, AGENT, {"email": "a@example.com", "job_title": "CEO", "account_id": ""})
    assert c.values["job_title"] == "CEO" and c.values["account_id"] is None
