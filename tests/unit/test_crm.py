"""CRM lookups against a real HTTP server on 127.0.0.1: signing, mapping, validation, failures, plans,
receive()."""

import threading

import pytest

from inbox import contacts, crm, inbound, workspace
from inbox.crm_client import sign
from inbox.errors import InvalidInput, PermissionDenied
from inbox.models import SYSTEM, Actor

from ..support.crm_server import SECRET, FakeCrm, closed_port_url
from ..support.members import members_fixture

AGENT = Actor("agent@example.com", "agent")
_members = members_fixture(AGENT)
ALIASES = {"jobTitle": "job_title", "accountNumber": "account_id", "tier": "subscription"}


@pytest.fixture
def fake():
    with FakeCrm() as server:
        yield server


def configure(store, url, **overrides):
    workspace.set_plan(store, SYSTEM, "enterprise")
    options = {
        "lookup_url": url,
        "timeout_seconds": 1.0,
        "lookup_key": "email",
        "aliases": ALIASES,
        "secret": SECRET,
        **overrides,
    }
    crm.save_settings(store, SYSTEM, **options)


@pytest.fixture
def ada(store, fake):
    """A contact made before the CRM is configured (no lookup yet) with a job title and a first name."""
    made = inbound.receive(store, "whatsapp", "+33612345678", "Bonjour")
    c = contacts.get_contact(store, made["contact_id"])
    contacts.update_values(
        store,
        AGENT,
        c.id,
        c.version,
        {"email": "ada@example.com", "first_name": "Ada", "job_title": "Intern"},
    )
    configure(store, fake.url)
    crm.set_managed(store, SYSTEM, ["job_title", "account_id"])
    return contacts.get_contact(store, c.id)


def test_each_request_is_signed_over_the_exact_body_and_carries_the_contact(store, fake, ada):
    fake.records["ada@example.com"] = {}
    result = crm.refresh_contact(store, AGENT, ada.id)
    assert result.ok, result.error
    request = fake.requests[-1]
    assert request["signature_ok"]
    headers = request["headers"]
    assert headers["X-Inbox-Signature"] == sign(SECRET, headers["X-Inbox-Timestamp"], request["body"])
    body = request["payload"]
    assert (body["contact_id"], body["platform"], body["handle"]) == (ada.id, "whatsapp", "+33612345678")
    assert body["lookup"] == {"key": "email", "value": "ada@example.com"}
    assert body["attributes"]["first_name"] == "Ada" and body["attributes"]["last_name"] is None
    assert SECRET not in request["body"].decode()


def test_aliases_map_fields_managed_are_overwritten_others_only_filled_when_empty(store, fake, ada):
    fake.records["ada@example.com"] = {
        "jobTitle": "Head of purchasing",
        "accountNumber": "ACC-9",
        "first_name": "Adeline",
        "last_name": "Lovelace",
        "tier": "Premium",
        "favouriteColour": "green",
    }
    result = crm.refresh_contact(store, AGENT, ada.id)
    assert result.ok and result.written == ["account_id", "job_title", "last_name", "subscription"]
    assert result.kept == ["first_name"] and result.ignored == ["favouriteColour"]
    after = contacts.get_contact(store, ada.id)
    assert after.values["job_title"] == "Head of purchasing"  # managed: the CRM wins over "Intern"
    assert after.values["account_id"] == "ACC-9"
    assert after.values["first_name"] == "Ada"  # not managed and already filled: kept
    assert after.values["last_name"] == "Lovelace"  # not managed but empty: filled
    assert after.values["subscription"] == "premium"  # normalised to the option's spelling, as in edits
    assert after.updated_by == "crm" and after.version == ada.version + 1
    status = crm.contact_status(store, ada.id)
    assert status.ok and status.validated_at is not None and status.error is None
    assert list(status.written) == result.written


def test_invalid_fields_are_skipped_and_reported_the_rest_is_written(store, fake, ada):
    fake.records["ada@example.com"] = {
        "jobTitle": "CTO",
        "phone": "12",
        "language": "French",
        "tier": "platinum",
        "email": "ADA@Example.com",
    }
    result = crm.refresh_contact(store, AGENT, ada.id)
    assert result.ok
    assert sorted(s.split(" → ")[0] for s in result.skipped) == ["phone", "tier"]
    assert any("not a valid phone number: too few digits" in s for s in result.skipped)
    assert any("not one of: free, basic, premium, enterprise" in s for s in result.skipped)
    after = contacts.get_contact(store, ada.id)
    assert after.values["job_title"] == "CTO" and after.values["language"] == "fr"  # French → fr, as in edits
    # the CRM's bad phone is skipped: Ada keeps the number she wrote from on WhatsApp
    assert after.values["phone"] == "+33612345678" and after.values["subscription"] is None
    assert after.values["email"] == "ada@example.com"  # same after normalisation: not a change
    assert crm.contact_status(store, ada.id).skipped == tuple(result.skipped)


def test_null_clears_a_managed_attribute_and_leaves_the_others(store, fake, ada):
    fake.records["ada@example.com"] = {"jobTitle": None, "first_name": None}
    assert crm.refresh_contact(store, AGENT, ada.id).written == ["job_title"]
    after = contacts.get_contact(store, ada.id)
    assert after.values["job_title"] is None and after.values["first_name"] == "Ada"


def test_managed_attributes_are_read_only_for_people_but_written_by_the_crm(store, fake, ada):
    with pytest.raises(PermissionDenied, match="managed by the CRM"):
        contacts.update_values(store, AGENT, ada.id, ada.version, {"job_title": "Boss"})
    fake.records["ada@example.com"] = {"jobTitle": "Boss"}
    crm.refresh_contact(store, AGENT, ada.id)
    assert contacts.get_contact(store, ada.id).values["job_title"] == "Boss"


FAILURES = [
    ({"slow": 2.5, "json": {"jobTitle": "Late"}}, "did not answer within 1 s"),
    ({"status": 500}, "the CRM failed (HTTP 500)"),
    ({"status": 503}, "HTTP 503"),
    ({"status": 429}, "rate limiting (HTTP 429)"),
    ({"status": 403}, "check that both sides use the same shared secret"),
    ({"status": 302}, "redirect"),
    ({"raw": b"{not json"}, "not valid JSON"),
    ({"raw": b""}, "not valid JSON"),
    ({"raw": b'{"jobTitle": NaN}'}, "not valid JSON"),
    ({"sign_with": "another-secret-0123456789", "json": {"jobTitle": "Forged"}}, "wrong signature"),
    ({"unsigned": True, "json": {"jobTitle": "Unsigned"}}, "not signed"),
    ({"stale": True, "json": {"jobTitle": "Replayed"}}, "out-of-date"),
    ({"json": [{"jobTitle": "List"}]}, "must be a JSON object of field → value, not a list"),
    ({"json": {"jobTitle": "CTO", "address": {"city": "Paris"}}}, "nested values (address)"),
    ({"json": {"jobTitle": ["a", "b"]}}, "nested values (jobTitle)"),
    ({"raw": b'{"jobTitle": "' + b"x" * 1_100_000 + b'"}'}, "larger than 1 MB"),
]


@pytest.mark.parametrize("behaviour,message", FAILURES, ids=[m for _, m in FAILURES])
def test_a_failure_leaves_the_contact_unchanged_and_records_a_clear_status(
    store, fake, ada, behaviour, message
):
    fake.records["ada@example.com"] = {"jobTitle": "First"}
    crm.refresh_contact(store, AGENT, ada.id)
    before = contacts.get_contact(store, ada.id)
    validated = crm.contact_status(store, ada.id).validated_at
    fake.then(behaviour)
    result = crm.refresh_contact(store, AGENT, ada.id)
    assert not result.ok and message in result.error
    assert contacts.get_contact(store, ada.id) == before
    status = crm.contact_status(store, ada.id)
    assert status.ok is False and message in status.error
    assert status.validated_at == validated  # the last success is kept


def test_unknown_contact_and_refused_connection_are_clear(store, fake, ada):
    result = crm.refresh_contact(store, AGENT, ada.id)  # no record: the fake answers 404
    assert not result.ok and result.error == "the CRM does not know this contact (HTTP 404)"
    configure(store, closed_port_url())
    result = crm.refresh_contact(store, AGENT, ada.id)
    assert not result.ok and "cannot connect to the CRM at 127.0.0.1:" in result.error
    assert "connection refused" in result.error
    assert crm.contact_status(store, ada.id).validated_at is None


def test_the_crm_rejects_a_request_signed_with_another_secret(store, fake, ada):
    fake.secret = "the-crm-has-another-secret"
    result = crm.refresh_contact(store, AGENT, ada.id)
    assert not fake.requests[-1]["signature_ok"]
    assert "HTTP 401" in result.error and "same shared secret" in result.error


def test_an_edit_made_while_the_crm_answers_is_never_overwritten(store, fake, ada):
    fake.then({"slow": 0.6, "json": {"jobTitle": "Director", "last_name": "FromCRM"}})
    outcome = {}
    worker = threading.Thread(
        target=lambda: outcome.setdefault("r", crm.refresh_contact(store, AGENT, ada.id))
    )
    worker.start()
    while not fake.requests:
        threading.Event().wait(0.02)
    contacts.update_values(store, AGENT, ada.id, ada.version, {"last_name": "Typed-by-agent"})
    worker.join()
    after = contacts.get_contact(store, ada.id)
    assert outcome["r"].ok and outcome["r"].kept == ["last_name"]
    assert after.values["last_name"] == "Typed-by-agent" and after.values["job_title"] == "Director"


def test_a_conflicting_write_is_reread_once(store, fake, ada, monkeypatch):
    fake.records["ada@example.com"] = {"jobTitle": "Director", "last_name": "FromCRM"}
    original = store.contacts.update_contact_values
    calls = []

    def racing(
        contact_id, version, builtin, custom, actor, at, **history
    ):  # an agent saves between the CRM's read and write (history: its source and ref, passed on)
        if actor == "crm":
            calls.append(version)
            if len(calls) == 1:
                contacts.update_values(store, AGENT, ada.id, ada.version, {"last_name": "Agent"})
        return original(contact_id, version, builtin, custom, actor, at, **history)

    monkeypatch.setattr(store.contacts, "update_contact_values", racing)
    result = crm.refresh_contact(store, AGENT, ada.id)
    assert result.ok and calls == [ada.version, ada.version + 1]
    after = contacts.get_contact(store, ada.id)
    assert after.values["last_name"] == "Agent" and after.values["job_title"] == "Director"


def test_receive_of_a_new_contact_looks_it_up_on_enterprise(store, fake, ada):
    fake.records["+447700900123"] = {"email": "new@example.com", "jobTitle": "Buyer", "first_name": "Nia"}
    made = inbound.receive(store, "sms", "+447700900123", "Hello")
    assert made["new_contact"] and fake.count == 1
    assert fake.requests[0]["payload"]["handle"] == "+447700900123"
    c = contacts.get_contact(store, made["contact_id"])
    assert (c.values["email"], c.values["job_title"], c.values["first_name"]) == (
        "new@example.com",
        "Buyer",
        "Nia",
    )
    assert crm.contact_status(store, c.id).ok
    inbound.receive(store, "sms", "+447700900123", "Second message")  # not new: no lookup
    assert fake.count == 1


def test_receive_never_fails_because_of_the_crm(store, fake, ada):
    fake.then({"status": 500})
    made = inbound.receive(store, "sms", "+447700900999", "Hello")
    assert made["new_contact"] and contacts.thread(store, made["conversation_id"])["messages"]
    status = crm.contact_status(store, made["contact_id"])
    assert status.ok is False and "HTTP 500" in status.error
    configure(store, closed_port_url())
    assert inbound.receive(store, "sms", "+447700900998", "Hi")["new_contact"]


def test_team_plan_never_calls_the_crm(store, fake, ada):
    fake.records["ada@example.com"] = {"jobTitle": "Never"}
    workspace.set_plan(store, SYSTEM, "team")
    with pytest.raises(PermissionDenied, match="Enterprise plan"):
        crm.refresh_contact(store, AGENT, ada.id)
    with pytest.raises(PermissionDenied, match="Enterprise plan"):
        crm.test_connection(store, SYSTEM)
    inbound.receive(store, "sms", "+447700900555", "Hello")
    assert crm.contact_status(store, ada.id) is None
    assert fake.count == 0


def test_turned_off_lookups_send_nothing(store, fake, ada):
    configure(store, fake.url, enabled=False, secret=None)
    with pytest.raises(InvalidInput, match="turned off"):
        crm.refresh_contact(store, AGENT, ada.id)
    inbound.receive(store, "sms", "+447700900556", "Hello")
    assert fake.count == 0 and crm.contact_status(store, ada.id).enabled is False


def test_unconfigured_enterprise_workspace_sends_nothing(store, fake):
    workspace.set_plan(store, SYSTEM, "enterprise")
    made = inbound.receive(store, "sms", "+447700900557", "Hello")
    with pytest.raises(InvalidInput, match="no CRM is configured"):
        crm.refresh_contact(store, AGENT, made["contact_id"])
    assert crm.contact_status(store, made["contact_id"]) is None and fake.count == 0


def test_the_secret_is_never_logged_nor_put_in_a_status(store, fake, ada, caplog):
    caplog.set_level("DEBUG")
    for behaviour in ({"status": 500}, {"raw": b"nope"}, {"sign_with": "x" * 20, "json": {}}):
        fake.then(behaviour)
        crm.refresh_contact(store, AGENT, ada.id)
    configure(store, closed_port_url())
    crm.refresh_contact(store, AGENT, ada.id)
    inbound.receive(store, "sms", "+447700900777", "Hello")
    assert caplog.records and SECRET not in caplog.text
    assert SECRET not in repr(crm.contact_status(store, ada.id)) and SECRET not in repr(
        crm.get_settings(store)
    )
