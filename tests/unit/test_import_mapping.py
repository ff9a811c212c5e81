"""Import, column mapping: synonyms (English and French), custom attributes, templates, refused mappings."""

import json

import pytest

from inbox import attributes as attrs
from inbox import imports, workspace
from inbox.errors import InvalidInput, PermissionDenied
from inbox.mapping import HANDLE, PLATFORM, fold, read_mapping_file, slug
from inbox.mapping_fallbacks import auto_map
from inbox.models import SYSTEM, Actor

from ..support.imports import ADMIN, contacts, run, write
from ..support.members import members_fixture

_members = members_fixture(ADMIN)


@pytest.mark.parametrize(
    "header,target",
    [
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("Courriel", "email"),
        ("Adresse e-mail", "email"),
        ("First Name", "first_name"),
        ("Prénom", "first_name"),
        ("PRENOM", "first_name"),
        ("Last Name", "last_name"),
        ("Nom", "last_name"),
        ("Nom de famille", "last_name"),
        ("Phone Number", "phone"),
        ("Téléphone", "phone"),
        ("Mobile", "phone"),
        ("Tél.", "phone"),
        ("Job Title", "job_title"),
        ("Poste", "job_title"),
        ("Company ID", "account_id"),
        ("Account ID", "account_id"),
        ("Associated Company ID", "account_id"),
        ("Language", "language"),
        ("Langue", "language"),
        ("Subscription", "subscription"),
        ("Plan", "subscription"),
        ("Abonnement", "subscription"),
        ("External ID", "external_id"),
        ("Record ID", "external_id"),
        ("external_id", "external_id"),
        ("Platform", PLATFORM),
        ("Canal", PLATFORM),
        ("Handle", HANDLE),
        ("Username", HANDLE),
        ("Full name", "contact.display_name"),
        ("Nom complet", "contact.display_name"),
        ("  e_mail  ", "email"),
        ("Lifecycle Stage", None),
        ("Create Date", None),
        ("E-mail 1 - Value", "email"),
        ("Phone 1 - Value", "phone"),
        ("Organization 1 - Name", "account_id"),
        ("Organization 1 - Title", "job_title"),
        ("Title", "job_title"),
        ("identifier", "external_id"),
        ("Unique external ID", "external_id"),
        ("Language Override", "language"),
        ("Browser Language", "language"),
        ("Primary Associated Company ID", "account_id"),
        ("E-mail 1 - Type", None),
        ("Phone 1 - Label", None),
    ],
)
def test_headers_auto_map_ignoring_case_accents_spaces_and_punctuation(store, header, target):
    mapping, _ = auto_map([header], attrs.all_attributes(store))
    assert mapping[header] == target


def test_custom_attributes_map_by_key_or_label(store):
    version, layout = attrs.load_layout(store)
    layout = attrs.new_attribute(
        layout, label="Loyalty tier", key="tier", type="list", options=["gold", "silver"]
    )
    attrs.save_layout(store, SYSTEM, layout, base_version=version)
    mapping, _ = auto_map(["Loyalty Tier", "TIER"], attrs.all_attributes(store))
    assert mapping == {"Loyalty Tier": "tier", "TIER": None}  # one column per attribute


def test_a_second_column_for_the_same_attribute_is_left_out_with_a_note(store):
    mapping, notes = auto_map(["Email", "E-mail", "Mobile", "Phone"], attrs.all_attributes(store))
    assert mapping == {"Email": "email", "E-mail": None, "Mobile": "phone", "Phone": None}
    assert notes == [
        "E-mail is not mapped: Email already maps to Email",
        "Phone is not mapped: Mobile already maps to Phone",
    ]


@pytest.mark.parametrize(
    "header,mapping,notes",
    [
        (
            ["Title", "Job Title"],
            {"Title": None, "Job Title": "job_title"},
            ["Title is not mapped: Job Title maps to Job title"],
        ),
        (
            ["id", "identifier"],
            {"id": None, "identifier": "external_id"},
            ["id is not mapped: identifier maps to External ID"],
        ),
        (
            ["Browser Language", "Language Override"],
            {"Browser Language": None, "Language Override": "language"},
            ["Browser Language also fills Language when Language Override is empty"],
        ),
        (
            ["Business Phone", "Mobile Phone"],
            {"Business Phone": None, "Mobile Phone": "phone"},
            ["Business Phone also fills Phone when Mobile Phone is empty"],
        ),
        (
            ["E-mail 2 - Value", "E-mail 1 - Value"],
            {"E-mail 2 - Value": None, "E-mail 1 - Value": "email"},
            ["E-mail 2 - Value also fills Email when E-mail 1 - Value is empty"],
        ),
    ],
)
def test_weak_columns_yield_and_alternates_become_fallbacks(store, header, mapping, notes):
    assert auto_map(header, attrs.all_attributes(store)) == (mapping, notes)


def test_crm_managed_attributes_are_never_auto_mapped_and_an_explicit_mapping_is_refused(store, tmp_path):
    store._rows("UPDATE attribute_definitions SET crm_managed = TRUE WHERE key = 'subscription'")
    workspace.set_plan(store, SYSTEM, "enterprise")
    mapping, notes = auto_map(["Email", "Plan"], attrs.all_attributes(store))
    assert mapping["Plan"] is None and "managed by the CRM" in notes[0]
    path = write(tmp_path, "Email,Plan\na@example.com,free\n")
    with pytest.raises(
        imports.MappingInvalid, match="Plan maps to Subscription, which is managed by the CRM"
    ):
        run(store, path, mapping={"Plan": "subscription"})
    assert run(store, path).inserted == 1 and contacts(store)[0]["subscription"] is None  # ignored column


@pytest.mark.parametrize(
    "mapping,message",
    [
        ({"Email": "email", "Name": "email"}, "columns Email and Name both map to Email"),
        ({"Email": "nope"}, "column Email maps to nope, which is not an attribute key"),
        ({"Email": None, "Name": "first_name"}, "no column maps to an identifier"),
        ({"Email": "email", "Name": PLATFORM}, "map both a platform column and a handle column"),
    ],
)
def test_unusable_mappings_are_refused_with_every_reason(store, tmp_path, mapping, message):
    with pytest.raises(imports.MappingInvalid) as caught:
        run(store, write(tmp_path, "Email,Name\na@example.com,Ann\n"), mapping=mapping)
    assert any(message in r for r in caught.value.reasons), caught.value.reasons
    assert isinstance(caught.value, InvalidInput)


def test_required_on_import_attributes_must_be_mapped_and_filled(store, tmp_path):
    version, layout = attrs.load_layout(store)
    layout = [{**d, "required_on_import": d["key"] == "first_name"} for d in layout]
    attrs.save_layout(store, SYSTEM, layout, base_version=version)
    with pytest.raises(imports.MappingInvalid, match="First name is required on import"):
        run(store, write(tmp_path, "Email\na@example.com\n"))
    result = run(store, write(tmp_path, "Email,First name\na@example.com,Ann\nb@example.com,\n"))
    assert result.inserted == 1
    assert result.rejects["errors"].tolist() == [
        "line 3: First name: required: this attribute must have a value on every imported row"
    ]


def test_a_template_overrides_the_automatic_mapping(store, tmp_path):
    path = write(tmp_path, "Courriel,Portable,Notes\na@example.com,+33612345678,VIP\n")
    imports.save_template(
        store, ADMIN, "Export Excel FR", {"portable": "phone", "NOTES": None, "Gone": "email"}
    )
    [template] = imports.templates(store)
    assert template["name"] == "Export Excel FR" and template["saved_by"] == ADMIN.email
    mapping, notes = imports.suggest_mapping(store, ["Courriel", "Portable", "Notes"], template["mapping"])
    assert mapping == {"Courriel": "email", "Portable": "phone", "Notes": None}
    assert notes == ["the mapping names a column this file does not have: Gone"]
    assert run(store, path, mapping=template["mapping"]).inserted == 1
    assert contacts(store)[0]["phone"] == "+33612345678"
    imports.save_template(store, ADMIN, "Export Excel FR", {"Courriel": "email"})  # saving again replaces it
    assert [t["mapping"] for t in imports.templates(store)] == [{"Courriel": "email"}]
    assert imports.delete_template(store, ADMIN, "Export Excel FR") and imports.templates(store) == []


def test_templates_are_checked_and_admin_only(store):
    with pytest.raises(InvalidInput, match="unknown attribute key"):
        imports.save_template(store, ADMIN, "x", {"A": "no_such_key"})
    with pytest.raises(InvalidInput, match="needs a name"):
        imports.save_template(store, ADMIN, "  ", {"A": "email"})
    with pytest.raises(PermissionDenied):
        imports.save_template(store, Actor("agent@example.com", "agent"), "x", {"A": "email"})


def test_mapping_files_for_the_command_line(tmp_path):
    plain = tmp_path / "m.json"
    plain.write_text(json.dumps({"Courriel": "email", "Notes": None}))
    nested = tmp_path / "n.json"
    nested.write_text(json.dumps({"mapping": {"Courriel": "email"}}))
    assert read_mapping_file(plain) == {"Courriel": "email", "Notes": None}
    assert read_mapping_file(nested) == {"Courriel": "email"}
    bad = tmp_path / "bad.json"
    for content, message in (("{nope", "not valid JSON"), ('["email"]', "must be a JSON object")):
        bad.write_text(content)
        with pytest.raises(InvalidInput, match=message):
            read_mapping_file(bad)
    with pytest.raises(InvalidInput, match="cannot read"):
        read_mapping_file(tmp_path / "missing.json")


def test_an_unmapped_column_becomes_a_new_custom_attribute_only_on_purpose(store, tmp_path):
    path = write(tmp_path, "Email,Loyalty points\na@example.com,120\n")
    assert run(store, path, dry_run=True).mapping["Loyalty points"] is None
    key = imports.create_attribute(
        store, ADMIN, label="Loyalty points", key=slug("Loyalty points"), type="number"
    )
    assert key == "loyalty_points"
    assert run(store, path).mapping["Loyalty points"] == "loyalty_points"
    assert store.contacts.custom_values(contacts(store)[0]["id"])["loyalty_points"][1] == 120.0
    assert attrs.history(store)[0]["saved_by"] == ADMIN.email
    with pytest.raises(PermissionDenied):
        imports.create_attribute(store, Actor("agent@example.com", "agent"), label="X", key="x", type="text")


def test_fold_and_slug():
    assert fold("  Adresse E-mail ") == "adresseemail" and fold("Téléphone (mobile)") == "telephonemobile"
    assert slug("Date d’inscription") == "date_d_inscription" and slug("2024 score") == "attr_2024_score"
