"""CRM settings: validation, the write-only secret, managed attributes as layout versions, Test connection."""

import dataclasses

import pytest

from inbox import attributes as attrs
from inbox import crm, inbound, workspace
from inbox.check import run_check
from inbox.errors import Conflict, InvalidInput, PermissionDenied
from inbox.models import SYSTEM, Actor

from ..support.crm_server import SECRET, FakeCrm
from ..support.members import members_fixture

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")
_members = members_fixture(ADMIN, AGENT)
GOOD = {
    "lookup_url": "https://crm.example.com/lookup",
    "timeout_seconds": 5,
    "lookup_key": "email",
    "aliases": "jobTitle = job_title\n# comment\n\naccountNumber = account_id",
    "secret": SECRET,
}


@pytest.fixture
def enterprise(store):
    workspace.set_plan(store, SYSTEM, "enterprise")
    return store


def test_settings_are_saved_and_read_back_without_the_secret(enterprise):
    saved = crm.save_settings(enterprise, ADMIN, **GOOD)
    assert saved.aliases == {"jobTitle": "job_title", "accountNumber": "account_id"}
    assert (saved.lookup_url, saved.timeout_seconds, saved.lookup_key, saved.enabled) == (
        "https://crm.example.com/lookup",
        5.0,
        "email",
        True,
    )
    assert saved.secret_set_by == "admin@example.com" and saved.updated_by == "admin@example.com"
    assert "secret" not in {f.name for f in dataclasses.fields(saved)}
    assert SECRET not in repr(saved)


def test_every_problem_is_listed_and_nothing_is_saved(enterprise):
    with pytest.raises(crm.SettingsInvalid) as caught:
        crm.save_settings(
            enterprise,
            ADMIN,
            lookup_url="ftp://crm",
            timeout_seconds=90,
            lookup_key="shoe_size",
            aliases={"jobTitle": "no_such_key"},
            secret="short\tsecret",
        )
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == [
        "lookup URL",
        "timeout",
        "lookup attribute",
        "alias jobTitle → no_such_key",
        "shared secret",
    ]
    assert all("short" not in p for p in problems)  # the secret is never echoed, even when refused
    assert crm.get_settings(enterprise) is None


def test_a_first_save_needs_a_secret_a_later_one_keeps_it(enterprise):
    with pytest.raises(crm.SettingsInvalid, match="shared secret: required"):
        crm.save_settings(enterprise, ADMIN, **{**GOOD, "secret": ""})
    first = crm.save_settings(enterprise, ADMIN, **GOOD)
    later = crm.save_settings(enterprise, SYSTEM, **{**GOOD, "secret": None, "timeout_seconds": 2.5})
    assert later.timeout_seconds == 2.5 and later.secret_set_at == first.secret_set_at
    assert later.secret_set_by == "admin@example.com" and later.updated_by == SYSTEM.email
    assert crm.signing_secret(enterprise) == SECRET
    assert SECRET not in enterprise.crm.crm_settings_row()["secret"]
    crm.save_settings(enterprise, ADMIN, **{**GOOD, "secret": "  a-brand-new-secret-42  "})
    assert crm.signing_secret(enterprise) == "a-brand-new-secret-42"


@pytest.mark.parametrize(
    "text,problem",
    [
        ("jobTitle job_title", "write crm_field = attribute_key"),
        ("= job_title", "write crm_field = attribute_key"),
        ("a = b\na = c", "mapped twice"),
    ],
)
def test_alias_lines_are_checked(text, problem):
    with pytest.raises(crm.SettingsInvalid, match=problem):
        crm.parse_aliases(text)


def test_alias_text_round_trips():
    assert crm.parse_aliases(crm.format_aliases({"a b": "x", "c": "y"})) == {"a b": "x", "c": "y"}


def test_only_admins_on_enterprise_may_configure(store):
    with pytest.raises(PermissionDenied, match="Enterprise plan"):
        crm.save_settings(store, ADMIN, **GOOD)
    workspace.set_plan(store, SYSTEM, "enterprise")
    with pytest.raises(PermissionDenied, match="only admins"):
        crm.save_settings(store, AGENT, **GOOD)
    with pytest.raises(PermissionDenied, match="only admins"):
        crm.set_managed(store, AGENT, ["job_title"])
    with pytest.raises(PermissionDenied, match="only admins"):
        crm.test_connection(store, AGENT)


def test_managed_attributes_are_a_versioned_layout_change(enterprise):
    version, _ = attrs.load_layout(enterprise)
    saved = crm.set_managed(enterprise, ADMIN, ["job_title", "account_id"], base_version=version)
    assert saved == version + 1
    assert {a.key for a in attrs.all_attributes(enterprise) if a.crm_managed} == {"job_title", "account_id"}
    latest = attrs.history(enterprise)[0]
    assert latest["saved_by"] == "admin@example.com"
    assert sorted(latest["changes"]) == [
        "Account ID now managed by the CRM (read-only)",
        "Job title now managed by the CRM (read-only)",
    ]
    snapshot = {d["key"]: d["crm_managed"] for d in enterprise.layout.layout_snapshot(saved)}
    assert snapshot["job_title"] and not snapshot["email"]
    assert (
        crm.set_managed(enterprise, ADMIN, ["account_id", "job_title"], base_version=saved) == saved
    )  # no change
    with pytest.raises(Conflict):
        crm.set_managed(enterprise, ADMIN, ["job_title"], base_version=version)  # stale page
    with pytest.raises(InvalidInput, match="no attribute with the key shoe"):
        crm.set_managed(enterprise, ADMIN, ["shoe"])


def test_layout_edits_and_reverts_keep_the_managed_flags(enterprise):
    crm.set_managed(enterprise, ADMIN, ["job_title"])
    version, layout = attrs.load_layout(enterprise)
    attrs.save_layout(
        enterprise,
        ADMIN,
        [{**d, "label": d["label"] + "!"} if d["key"] == "email" else d for d in layout],
        base_version=version,
    )
    attrs.revert_layout(enterprise, ADMIN, 1, base_version=version + 1)
    assert [a.key for a in attrs.all_attributes(enterprise) if a.crm_managed] == ["job_title"]


def test_on_team_managed_flags_can_be_released_not_added(enterprise):
    crm.set_managed(enterprise, ADMIN, ["job_title"])
    workspace.set_plan(enterprise, SYSTEM, "team")
    with pytest.raises(PermissionDenied, match="Enterprise plan"):
        crm.set_managed(enterprise, ADMIN, ["job_title", "email"])
    crm.set_managed(enterprise, ADMIN, [])
    assert not [a for a in attrs.all_attributes(enterprise) if a.crm_managed]


def test_test_connection_reports_what_the_answer_would_fill(enterprise):
    with pytest.raises(InvalidInput, match="save the CRM settings first"):
        crm.test_connection(enterprise, ADMIN)
    with FakeCrm() as fake:
        crm.save_settings(enterprise, ADMIN, **{**GOOD, "lookup_url": fake.url})
        fake.records["__test__"] = {"jobTitle": "x", "email": "y@example.com", "shoeSize": 44}
        result = crm.test_connection(enterprise, ADMIN)
        assert result.ok and result.written == ["email", "job_title"] and result.ignored == ["shoeSize"]
        assert fake.requests[-1]["payload"]["test"] is True and fake.requests[-1]["signature_ok"]
        fake.then({"status": 500})
        failed = crm.test_connection(enterprise, ADMIN)
        assert not failed.ok and "HTTP 500" in failed.error
        fake.then({"status": 404})
        assert "check the lookup URL" in crm.test_connection(enterprise, ADMIN).error
    # a test records nothing
    assert enterprise.crm.crm_lookup_counts() == {"validated": 0, "failed": 0, "never": 0}


def test_check_is_clean_after_crm_use_and_never_shows_the_secret(enterprise):
    with FakeCrm() as fake:
        crm.save_settings(enterprise, ADMIN, **{**GOOD, "lookup_url": fake.url})
        crm.set_managed(enterprise, ADMIN, ["job_title"])
        fake.records["+33600000001"] = {"jobTitle": "Chef", "phone": "nope"}
        inbound.receive(enterprise, "sms", "+33600000001", "hello")  # looked up: ok, one field skipped
        fake.then({"status": 500})
        inbound.receive(enterprise, "sms", "+33600000002", "hello")  # looked up: failed
    report = run_check(enterprise)
    assert report.ok, report.lines()
    assert report.tables["crm_settings"] == 1 and report.tables["crm_lookups"] == 2
    with enterprise.tx() as cur:  # damage: a timeout out of range, a failure without its error
        cur.execute("UPDATE crm_settings SET timeout_seconds = 99")
        cur.execute("UPDATE crm_lookups SET last_error = NULL WHERE NOT ok")
    lines = "\n".join(run_check(enterprise).lines())
    assert "crm_settings.timeout_seconds" in lines and "crm_lookups" in lines and "error_iff_failed" in lines
    assert SECRET not in lines


def test_an_attribute_deleted_after_configuration_is_reported_not_fatal(enterprise):
    version, layout = attrs.load_layout(enterprise)
    layout = attrs.new_attribute(layout, label="Loyalty id", key="loyalty_id", type="text")
    version = attrs.save_layout(enterprise, ADMIN, layout, base_version=version)
    with FakeCrm() as fake:
        crm.save_settings(
            enterprise,
            ADMIN,
            **{
                **GOOD,
                "lookup_url": fake.url,
                "lookup_key": "loyalty_id",
                "aliases": {"loyalty": "loyalty_id", "jobTitle": "job_title"},
            },
        )
        assert crm.settings_problems(enterprise) == []
        attrs.save_layout(
            enterprise,
            ADMIN,
            [d for d in attrs.load_layout(enterprise)[1] if d["key"] != "loyalty_id"],
            base_version=version,
        )
        assert crm.settings_problems(enterprise) == [
            "the lookup attribute loyalty_id no longer exists: choose another and save",
            "alias loyalty → loyalty_id: the attribute loyalty_id no longer exists (its values are skipped)",
        ]
        made = inbound.receive(enterprise, "sms", "+33600000003", "hello")  # lookup value: None, by handle
        fake.records["+33600000003"] = {"loyalty": "L-1", "jobTitle": "Chef"}
        result = crm.refresh_contact(enterprise, ADMIN, made["contact_id"])
        assert result.ok and result.written == ["job_title"]
        assert result.skipped == ["loyalty → loyalty_id: no such attribute (fix the alias map)"]
        assert fake.requests[-1]["payload"]["lookup"] == {"key": "loyalty_id", "value": None}
