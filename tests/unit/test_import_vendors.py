"""Import of vendors' exports: each sample maps with and without its built-in template; fallbacks; ` ::: `
cells."""

import json

import pytest

from inbox import import_templates, imports
from inbox.attributes import all_attributes
from inbox.errors import InvalidInput
from inbox.mapping import DISPLAY_NAME
from inbox.mapping_fallbacks import mapping_problems, resolve

from ..support.imports import ADMIN, SAMPLES, _members, contacts, run, values, write  # noqa: F401

NAME = DISPLAY_NAME
GOOGLE_FALLBACKS = {"email": ["E-mail 2 - Value"], "phone": ["Phone 2 - Value"]}
# sample → (built-in template, header → target of every mapped column, fallbacks, fallbacks without the
# template)
EXPECTED = {
    "google_contacts.csv": (
        "Google Contacts",
        {
            "First Name": "first_name",
            "Last Name": "last_name",
            "Organization Name": "account_id",
            "Organization Title": "job_title",
            "E-mail 1 - Value": "email",
            "Phone 1 - Value": "phone",
        },
        GOOGLE_FALLBACKS,
        None,
    ),
    "google_contacts_legacy.csv": (
        "Google Contacts",
        {
            "Name": NAME,
            "Given Name": "first_name",
            "Family Name": "last_name",
            "Language": "language",
            "E-mail 1 - Value": "email",
            "Phone 1 - Value": "phone",
            "Organization 1 - Name": "account_id",
            "Organization 1 - Title": "job_title",
        },
        GOOGLE_FALLBACKS,
        None,
    ),
    "outlook_contacts.csv": (
        "Outlook",
        {
            "First Name": "first_name",
            "Last Name": "last_name",
            "Company": "account_id",
            "Job Title": "job_title",
            "Mobile Phone": "phone",
            "E-mail Address": "email",
            "Language": "language",
        },
        {
            "phone": [
                "Business Phone",
                "Primary Phone",
                "Home Phone",
                "Business Phone 2",
                "Home Phone 2",
                "Company Main Phone",
                "Other Phone",
            ],
            "email": ["E-mail 2 Address", "E-mail 3 Address"],
        },
        {
            "phone": [
                "Business Phone",
                "Home Phone",
                "Primary Phone",
                "Company Main Phone",
                "Business Phone 2",
                "Home Phone 2",
                "Other Phone",
            ],
            "email": ["E-mail 2 Address", "E-mail 3 Address"],
        },
    ),
    "hubspot_contacts.csv": (
        "HubSpot",
        {
            "Record ID": "external_id",
            "First Name": "first_name",
            "Last Name": "last_name",
            "Email": "email",
            "Phone Number": "phone",
            "Job Title": "job_title",
            "Primary Associated Company ID": "account_id",
            "Preferred language": "language",
            "Subscription": "subscription",
        },
        {"phone": ["Mobile Phone Number"]},
        None,
    ),
    "salesforce_contacts.csv": (
        "Salesforce",
        {
            "First Name": "first_name",
            "Last Name": "last_name",
            "Title": "job_title",
            "Account Name": "account_id",
            "Phone": "phone",
            "Email": "email",
            "Contact ID": "external_id",
        },
        {"phone": ["Mobile"]},
        {},
    ),
    "zendesk_users.csv": (
        "Zendesk users",
        {
            "name": NAME,
            "email": "email",
            "external_id": "external_id",
            "phone": "phone",
            "organization": "account_id",
            "locale": "language",
        },
        {},
        None,
    ),
    "mailchimp_audience.csv": (
        "Mailchimp audience",
        {
            "Email Address": "email",
            "First Name": "first_name",
            "Last Name": "last_name",
            "Phone Number": "phone",
        },
        {},
        None,
    ),
    "intercom_users.csv": (
        "Intercom users",
        {
            "Name": NAME,
            "Email": "email",
            "Phone": "phone",
            "User ID": "external_id",
            "Company name": "account_id",
            "Language Override": "language",
        },
        {"language": ["Browser Language"]},
        None,
    ),
    "freshdesk_contacts.csv": (
        "Freshdesk contacts",
        {
            "Full name": NAME,
            "Title": "job_title",
            "Email": "email",
            "Mobile phone": "phone",
            "Company": "account_id",
            "Language": "language",
            "Unique external ID": "external_id",
        },
        {"phone": ["Work phone"]},
        None,
    ),
    "chatwoot_contacts.csv": (
        "Chatwoot contacts",
        {
            "name": NAME,
            "email": "email",
            "phone_number": "phone",
            "identifier": "external_id",
            "company_name": "account_id",
        },
        {},
        None,
    ),
}


def by_email(store) -> dict:
    return {c["email"]: c for c in contacts(store)}


@pytest.mark.parametrize("with_template", [False, True], ids=["automatic", "template"])
@pytest.mark.parametrize("sample", list(EXPECTED))
def test_each_export_maps_to_the_right_attributes(store, sample, with_template):
    name, expected, fallbacks, auto_fallbacks = EXPECTED[sample]
    header = imports.inspect_file(SAMPLES / sample).header
    template = import_templates.template(name) if with_template else None
    mapping, found, _ = resolve(header, all_attributes(store), template=template)
    assert {c: t for c, t in mapping.items() if t} == expected
    assert found == (fallbacks if with_template or auto_fallbacks is None else auto_fallbacks)
    assert (
        mapping_problems(mapping, all_attributes(store), found) == []
    )  # main + fallbacks is not "two columns"


@pytest.mark.parametrize("sample", list(EXPECTED))
def test_each_sample_imports_every_row_with_its_template(store, sample):
    result = run(store, SAMPLES / sample, actor=ADMIN, template=EXPECTED[sample][0])
    assert (result.rejected, result.inserted) == (0, result.rows)


def test_google_first_valid_value_of_a_multi_value_cell_and_the_second_columns_fill_in(store):
    result = run(store, SAMPLES / "google_contacts.csv", actor=ADMIN, template="google contacts")
    found = by_email(store)
    assert found["helene.dubois@example.com"]["phone"] == "+33612345678"  # first of "+33 6… ::: +33 1…"
    assert found["jose.garcia@example.org"]["first_name"] == "José"  # "pas-un-email ::: jose.garcia@…"
    zoe = found["zoe.mueller@example.com"]  # E-mail 1 and Phone 1 empty: E-mail 2 and Phone 2 fill in
    assert (zoe["phone"], zoe["account_id"], zoe["job_title"]) == (
        "+4930123456",
        "Müller & Söhne GmbH",
        "Einkäuferin",
    )
    assert (
        "Email: 2 other values were not imported "
        "(add a text attribute with the key other_emails to keep them): "
        "line 2: h.dubois@example.org; line 3: pas-un-email" in result.notes
    )
    assert "E-mail 2 - Value also fills Email when E-mail 1 - Value is empty" in result.notes
    assert "Phone 2 - Value filled Phone on 1 row where Phone 1 - Value was empty" in result.notes


def test_other_values_are_kept_in_other_emails_and_phones_when_the_admin_created_them(store):
    for key, label in (("other_emails", "Other e-mails"), ("other_phones", "Other phones")):
        imports.create_attribute(store, ADMIN, label=label, key=key, type="text")
    result = run(store, SAMPLES / "google_contacts.csv", actor=ADMIN)
    helene = by_email(store)["helene.dubois@example.com"]
    kept = values(store)
    assert kept[(helene["id"], "other_emails")][0] == "h.dubois@example.org"
    assert kept[(helene["id"], "other_phones")][0] == "+33 1 23 45 67 89"
    soren = by_email(store)["soren.kjaer@example.org"]  # Phone 2 not used: Phone 1 had a value
    assert kept[(soren["id"], "other_phones")][0] == "+44 7400 123456"
    assert "Email: the other values of 1 row are kept in Other e-mails" in result.notes
    assert "Email: 1 other value was not imported: line 3: pas-un-email" in result.notes  # invalid: not kept


def test_outlook_title_is_a_salutation_and_the_business_phone_fills_in(store):
    result = run(store, SAMPLES / "outlook_contacts.csv", actor=ADMIN)
    found = by_email(store)
    amelie = found["amelie.rousseau@example.com"]
    assert (amelie["job_title"], amelie["phone"], amelie["account_id"]) == (
        "Cardiologue",
        "+33612345679",
        "Clinique Saint-Éloi",
    )
    assert all(c["job_title"] not in ("Dr.", "Mme", "Mr.", "Prof.") for c in found.values())
    assert found["francoise.lambert@example.org"]["phone"] == "+33123456788"  # Mobile Phone empty
    assert found["juergen.weiss@example.org"]["phone"] == "+4930123457"  # only Home Phone
    assert found["oliver.obrien@example.com"]["phone"] == "+447400123457"  # E-mail 2 Address filled the email
    assert "Title is not mapped: Job Title maps to Job title" in result.notes


def test_vendor_ids_and_languages(store):
    for sample in (
        "chatwoot_contacts.csv",
        "intercom_users.csv",
        "zendesk_users.csv",
        "hubspot_contacts.csv",
        "salesforce_contacts.csv",
        "freshdesk_contacts.csv",
    ):
        run(store, SAMPLES / sample, actor=ADMIN)
    found = by_email(store)
    assert found["manon.petit@example.com"]["external_id"] == "crm-5501"  # identifier, not Chatwoot's id 101
    assert found["kwame.mensah@example.org"]["external_id"] is None
    assert found["elodie.marchand@example.com"]["external_id"] == "CUST-1001"  # not Zendesk's id
    assert (
        found["lea.fontaine@example.com"]["language"],
        found["matteo.bianchi@example.org"]["language"],
    ) == ("fr", "it")  # Language Override first, Browser Language when it is empty
    assert found["linus@example.org"]["phone"] == "+358401234567"  # HubSpot Mobile Phone Number fills in
    assert found["etienne.moreau@example.com"]["external_id"] == "0035g00000AbCdEAAV"
    assert found["gabor.szabo@example.com"]["external_id"] == "FD-2003"
    assert found["noor.haddad@example.com"]["phone"] == "+12015550125"  # Freshdesk Work phone fills in


def test_a_mapping_overrides_the_template_column_by_column(store):
    path = SAMPLES / "outlook_contacts.csv"
    result = run(
        store,
        path,
        actor=ADMIN,
        template="OUTLOOK",
        mapping={"Title": "job_title", "Job Title": None, "Business Phone": None},
    )
    assert result.mapping["Title"] == "job_title" and result.mapping["Mobile Phone"] == "phone"
    assert "Business Phone" not in result.fallbacks["phone"]
    assert by_email(store)["amelie.rousseau@example.com"]["job_title"] == "Dr."


def test_unusable_fallbacks_are_refused(store):
    attributes = all_attributes(store)
    mapping = {"Email": "email", "Mobile": None, "Work": "job_title"}
    assert mapping_problems(mapping, attributes, {"phone": ["Mobile"]}) == [
        "Mobile would fill Phone when its column is empty, but no column maps to Phone"
    ]
    assert mapping_problems(mapping, attributes, {"email": ["Work", "Gone"]}) == [
        "column Work maps to Job title and is also a fallback for Email: keep one",
        "the fallback column Gone is not in the file",
    ]
    assert mapping_problems(mapping, attributes, {"nope": ["Mobile"]}) == [
        "fallbacks name nope, which is not an attribute key"
    ]


def test_unknown_template_names_list_the_built_in_ones(store):
    with pytest.raises(
        InvalidInput, match="no built-in template 'Gmail': use one of Google Contacts, Outlook"
    ):
        run(store, SAMPLES / "google_contacts.csv", actor=ADMIN, template="Gmail")


def test_templates_with_fallbacks_are_saved_and_read_back(store, tmp_path):
    imports.save_template(store, ADMIN, "Phones", {"Work": "phone", "Cell": None}, {"phone": ["Cell"]})
    [saved] = imports.templates(store)
    assert (saved["mapping"], saved["fallbacks"]) == ({"Work": "phone", "Cell": None}, {"phone": ["Cell"]})
    path = write(tmp_path, "Work,Cell\n,+33 6 12 34 56 78\n+44 20 7946 0958,\n")
    result = run(store, path, actor=ADMIN, mapping=saved["mapping"], fallbacks=saved["fallbacks"])
    assert [c["phone"] for c in contacts(store)] == ["+33612345678", "+442079460958"]
    assert "Cell also fills Phone when Work is empty" in result.notes
    file = tmp_path / "m.json"
    file.write_text(json.dumps({"mapping": saved["mapping"], "fallbacks": {"phone": "Cell"}}))
    from inbox.mapping_fallbacks import read_mapping_document

    with pytest.raises(InvalidInput, match='"fallbacks" must be a JSON object'):
        read_mapping_document(file)
