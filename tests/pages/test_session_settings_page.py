"""AppTest: Members & plan › Sessions: admins set how long sessions last; the outcome shows beside it."""

from inbox import sessions
from tests.support.navigation import open_page
from ui.stores import current_store

from ..support.apptest import ADMIN, shown


def members_page(app):
    at = app(ADMIN)
    open_page(at, "members").run()
    assert not at.exception
    return at


def test_an_admin_changes_the_session_limits(app):
    at = members_page(app)
    assert "Sessions" in [h.value for h in at.subheader]
    assert at.number_input(key="sessions.idle").value == 12
    assert at.number_input(key="sessions.absolute").value == 14
    at.number_input(key="sessions.idle").set_value(8)
    at.number_input(key="sessions.absolute").set_value(7)
    at.button(key="FormSubmitter:sessions.form-Save session settings").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [
        "Saved: members are signed out after 8 hours without activity, and after 7 days in any case."
    ]
    assert sessions.limits(current_store()) == sessions.Limits(8, 7)


def test_an_inconsistent_choice_is_refused_beside_the_form(app):
    at = members_page(app)
    at.number_input(key="sessions.idle").set_value(72)
    at.number_input(key="sessions.absolute").set_value(2)
    at.button(key="FormSubmitter:sessions.form-Save session settings").click().run()
    assert [shown(e.value) for e in at.error] == [
        "The inactivity limit cannot be longer than the longest a session lasts."
    ]
    assert sessions.limits(current_store()) == sessions.Limits(12, 14)
