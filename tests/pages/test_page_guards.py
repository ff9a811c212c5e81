"""AppTest: every admin page re-checks the role itself; an agent calling its render function is refused."""

import pytest

from tests.support.navigation import render_directly

from ..support.apptest import ADMIN, AGENT

ADMIN_PAGES = {
    "access_log": "the access log",
    "attributes": "the contact attributes",
    "crm_settings": "the CRM settings",
    "deleted_contacts": "deleted contacts",
    "import_contacts": "imports",
    "members": "the members and the plan",
    "retention": "data retention",
}


@pytest.mark.parametrize("module", ADMIN_PAGES)
def test_an_agent_reaching_an_admin_page_directly_is_refused(workspace_db, module):
    at = render_directly(module, AGENT[0])
    assert not at.exception
    assert [e.value for e in at.error] == [f"Only admins can see {ADMIN_PAGES[module]}."]
    assert not at.title and not at.button and not at.dataframe and not at.text_input


@pytest.mark.parametrize("module", [*ADMIN_PAGES, "home", "contacts"])
def test_a_visitor_reaching_a_page_directly_is_asked_to_sign_in(workspace_db, module):
    at = render_directly(module, None)
    assert [e.value for e in at.error] == ["Please sign in."] and not at.title


@pytest.mark.parametrize(
    "module,title", [("members", "Members & plan"), ("attributes", "Contact attributes")]
)
def test_an_admin_reaching_an_admin_page_directly_sees_it(workspace_db, module, title):
    at = render_directly(module, ADMIN[0])
    assert not at.exception and not at.error
    assert at.title[0].value == title
