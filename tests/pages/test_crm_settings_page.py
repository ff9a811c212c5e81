"""AppTest: Admin settings › Integrations › CRM — Team preview, save with a write-only secret, managed
attributes, Test connection against a real HTTP server."""

import pytest

from inbox import attributes as attrs
from inbox import crm, workspace
from inbox.models import SYSTEM
from tests.support.navigation import open_page as switch_to

from ..support.apptest import ADMIN, AGENT, shown
from ..support.crm_server import SECRET, FakeCrm
from ..support.engines import store_of

PAGE = "crm_settings"


@pytest.fixture
def fake():
    with FakeCrm() as server:
        yield server


def open_page(app):
    at = app(ADMIN)
    switch_to(at, PAGE).run()
    assert not at.exception
    return at


@pytest.fixture
def enterprise(workspace_db):
    with store_of(workspace_db) as store:
        workspace.set_plan(store, SYSTEM, "enterprise")
    return workspace_db


def every_text(at) -> str:
    """Everything the page shows or holds in its widgets (to prove the secret is not there)."""
    parts = [str(getattr(e, "value", "")) for e in at.main] + [str(w.value) for w in at.text_input]
    parts += [str(getattr(e, "value", "")) for e in at.sidebar]
    return "\n".join(parts)


def fill(at, url, *, secret=SECRET, aliases="jobTitle = job_title", timeout=2.0):
    at.text_input(key="crm.url").input(url)
    if secret is not None:
        at.text_input(key="crm.secret").input(secret)
    at.number_input(key="crm.timeout").set_value(timeout)
    at.selectbox(key="crm.lookup_key").select("email")
    at.text_area(key="crm.aliases").input(aliases)
    return at


def save(at):
    [b for b in at.button if b.label == "Save"][0].click()
    return at.run()


def test_agent_cannot_open_the_page(app):
    # not listed for an agent; its address only says who may see it
    at = switch_to(app(AGENT), PAGE).run()
    assert [e.value for e in at.error] == ["Only admins can see the CRM settings."]
    assert not at.title and not at.text_input and not at.button


def test_team_sees_what_enterprise_adds_and_no_form(app, fake):
    at = open_page(app)
    assert "part of the **Enterprise** plan" in at.info[0].value
    assert any("Refresh from CRM" in m.value for m in at.markdown)
    assert not at.text_input and not [b for b in at.button if b.label == "Test connection"]
    assert fake.count == 0


def test_team_can_release_attributes_left_managed(app, workspace_db):
    with store_of(workspace_db) as store:
        workspace.set_plan(store, SYSTEM, "enterprise")
        crm.set_managed(store, SYSTEM, ["job_title"])
        workspace.set_plan(store, SYSTEM, "team")
    at = open_page(app)
    assert "Job title is marked managed by the CRM. The mark does not apply on Team" in at.info[1].value
    at.button(key="crm.release.go").click().run()
    assert at.success[0].value.startswith("Managed attributes saved as layout version")
    with store_of(workspace_db) as store:
        assert not [a for a in attrs.all_attributes(store) if a.crm_managed]


def test_admin_saves_the_settings_and_the_secret_is_never_shown_again(app, enterprise, fake):
    at = open_page(app)
    assert at.info[0].value.startswith("No CRM is configured yet")
    save(fill(at, fake.url, aliases="jobTitle = job_title\naccountNumber = account_id"))
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["CRM settings saved."]
    assert at.text_input(key="crm.secret").value == ""
    assert "A secret is set" in at.text_input(key="crm.secret").placeholder
    assert any(c.value.startswith("A secret is set (since") for c in at.caption)
    assert SECRET not in every_text(at)
    with store_of(enterprise) as store:
        saved = crm.get_settings(store)
        assert (saved.lookup_url, saved.timeout_seconds, saved.lookup_key) == (fake.url, 2.0, "email")
        assert saved.aliases == {"jobTitle": "job_title", "accountNumber": "account_id"}
        assert crm.signing_secret(store) == SECRET
    at.text_input(key="crm.url").input(fake.url + "/v2")
    save(at)  # a later save, secret left empty, keeps the secret
    with store_of(enterprise) as store:
        assert crm.signing_secret(store) == SECRET and crm.get_settings(store).lookup_url.endswith("/v2")


def test_invalid_settings_show_every_problem_and_save_nothing(app, enterprise):
    at = open_page(app)
    save(fill(at, "crm.example.com", secret="too-short", aliases="broken line"))
    errors = [e.value for e in at.error]
    assert [e.split("\\:")[0] for e in errors] == ["Alias line 1", "Lookup URL", "Shared secret"]
    save(fill(at, "not a url", secret="too-short", aliases="jobTitle = nope"))
    errors = [e.value for e in at.error]
    assert any("Lookup URL" in e for e in errors) and any("Shared secret" in e for e in errors)
    assert any("nope" in e for e in errors) and not any("too-short" in e for e in errors)
    with store_of(enterprise) as store:
        assert crm.get_settings(store) is None


def test_generate_secret_shows_it_once_and_save_uses_it(app, enterprise, fake):
    at = open_page(app)
    at.button(key="crm.generate").click().run()
    generated = at.code[0].value
    assert len(generated) == 64 and at.text_input(key="crm.secret").value == generated
    save(fill(at, fake.url, secret=None))
    assert not at.code and generated not in every_text(at)
    with store_of(enterprise) as store:
        assert crm.signing_secret(store) == generated


def test_managed_attributes_and_test_connection(app, enterprise, fake):
    at = open_page(app)
    assert at.button(key="crm.test.go").disabled  # nothing saved yet
    save(fill(at, fake.url))
    key = [m.key for m in at.multiselect][0]
    at.multiselect(key=key).select("job_title").select("account_id")
    at.button(key="crm.managed.go").click().run()
    assert at.success[0].value.startswith("Managed attributes saved as layout version 2")
    with store_of(enterprise) as store:
        assert {a.key for a in attrs.all_attributes(store) if a.crm_managed} == {"job_title", "account_id"}
    fake.records["__test__"] = {"jobTitle": "Chef", "unknown": 1}
    at.button(key="crm.test.go").click().run()
    assert "Connected in" in at.success[0].value and "Job title (job_title)" in shown(at.success[0].value)
    assert "Ignored: unknown" in shown(at.success[0].value)
    assert "the CRM answered 2 fields, mapped to" in shown(at.success[0].value)  # plural-aware
    fake.records["__test__"] = {"jobTitle": "Chef"}
    at.button(key="crm.test.go").click().run()
    assert "the CRM answered 1 field, mapped to Job title (job_title)." in shown(at.success[0].value)
    fake.then({"status": 500})
    at.button(key="crm.test.go").click().run()
    assert "Connection failed" in at.error[0].value and "HTTP 500" in at.error[0].value
    assert fake.count == 3 and all(r["signature_ok"] for r in fake.requests)
