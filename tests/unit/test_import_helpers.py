"""The import-test helpers of tests/support/imports.py: the fingerprint sees any change; the samples exist."""

from ..support.imports import SAMPLES, fingerprint


def test_fingerprint_sees_any_change(store):
    before = fingerprint(store)
    store._rows("UPDATE attribute_definitions SET label = 'E-mail' WHERE key = 'email'")
    assert fingerprint(store) != before


def test_samples_exist():
    assert {p.name for p in SAMPLES.glob("*")} >= {
        "hubspot_contacts.csv",
        "excel_fr_contacts.csv",
        "unicode_text_contacts.txt",
        "contacts_with_errors.csv",
        "google_contacts.csv",
        "google_contacts_legacy.csv",
        "outlook_contacts.csv",
        "salesforce_contacts.csv",
        "zendesk_users.csv",
        "mailchimp_audience.csv",
        "intercom_users.csv",
        "freshdesk_contacts.csv",
        "chatwoot_contacts.csv",
    }
