"""The plan switch: what it changes, spelled out before the admin confirms; CRM marks apply on Enterprise."""

import pytest

from inbox import attributes as attrs
from inbox import crm, workspace
from inbox.models import SYSTEM


def test_nothing_to_say_for_the_current_or_an_unknown_plan(store):
    assert workspace.plan_change(store, "team") == [] and workspace.plan_change(store, "gold") == []


def test_to_enterprise_without_a_crm(store):
    assert workspace.plan_change(store, "Enterprise") == [
        "The CRM integration is turned on: set it up on the CRM page (lookup URL and shared secret) before "
        "any lookup is made.",
        "No attribute is managed by the CRM yet: choose them on the CRM page.",
    ]


@pytest.fixture
def managed(store):
    workspace.set_plan(store, SYSTEM, "enterprise")
    crm.set_managed(store, SYSTEM, ["job_title"])
    return store


def test_to_team_names_the_managed_attributes_and_keeps_their_mark(managed):
    effects = workspace.plan_change(managed, "team")
    assert effects[0].startswith("No request is sent to the CRM any more")
    assert effects[1] == (
        "Job title is no longer managed by the CRM: agents and imports can edit it, and the current values "
        "are kept. The mark is kept: back on Enterprise, the CRM manages it again."
    )
    workspace.set_plan(managed, SYSTEM, "team")
    assert not [a for a in attrs.all_attributes(managed) if a.crm_managed]
    assert attrs.crm_marked(managed) == ["Job title"]
    assert workspace.plan_change(managed, "enterprise")[1] == (
        "Job title is managed by the CRM again: read-only for agents and imports, and each lookup replaces "
        "the value with the CRM's (values typed meanwhile are overwritten)."
    )
    workspace.set_plan(managed, SYSTEM, "enterprise")
    assert [a.key for a in attrs.enabled_attributes(managed) if a.crm_managed] == ["job_title"]
