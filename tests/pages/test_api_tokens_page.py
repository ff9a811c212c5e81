"""AppTest: API tokens — every member creates their own (the secret shown once, with a copy button), sees them
with a 4-character hint and revokes them; admins see and revoke everyone's on Members & plan."""

import pytest

from inbox import tokens
from inbox.models import Actor
from tests.support.navigation import open_page
from ui.stores import current_store

from ..support.apptest import ADMIN, AGENT, shown

PAGE = "api_tokens"


def tokens_page(app, who):
    at = open_page(app(who), PAGE).run()
    assert not at.exception and not at.error
    assert at.title[0].value == "API tokens"
    return at


def create(at, name: str, expiry: str = "90 days"):
    at.text_input(key="tokens.name").set_value(name)
    at.selectbox(key="tokens.expiry").set_value(expiry)
    at.button(key="FormSubmitter:tokens.create-Create token").click().run()
    assert not at.exception
    return at


def frame(at, i: int = 0):
    return at.dataframe[i].value


def test_every_member_reaches_the_page_from_the_sidebar(app):
    for who in (AGENT, ADMIN):
        at = app(who)
        links = [link.label for link in at.sidebar.get("page_link")]
        assert links == ["API tokens"]
        open_page(at, PAGE).run()
        assert at.title[0].value == "API tokens" and not at.error
        assert [i.value for i in at.info] == ["You have no API token yet."]


def test_a_new_token_is_shown_once_and_listed_with_its_hint_only(app):
    at = create(tokens_page(app, AGENT), "nightly export", "30 days")
    [secret] = [c.value for c in at.code]
    assert secret.startswith(tokens.TOKEN_PREFIX)
    assert (
        shown(at.success[0].value)
        == 'Token "nightly export" created. Copy it now: it will not be shown again.'
    )
    assert tokens.member_for(current_store(), secret).email == AGENT[0]
    listed = frame(at)
    assert listed["Name"].tolist() == ["nightly export"] and listed["Token"].tolist() == ["…" + secret[-4:]]
    assert listed["Status"].tolist() == ["Active"] and listed["Last used"].tolist() == ["Never"]
    assert at.text_input(key="tokens.name").value == ""  # the form is emptied
    at.run()  # any next run: the secret is gone for good
    assert not at.code and "tokens.new" not in at.session_state
    assert frame(at)["Expires"].tolist()[0].endswith(" UTC")


def test_a_refused_name_says_why_and_creates_nothing(app):
    at = create(tokens_page(app, AGENT), "job")
    at = create(at, "job")
    assert [shown(e.value) for e in at.error] == [
        f'An active token named "job" already exists for {AGENT[0]}: choose another name.'
    ]
    assert len(frame(at)) == 1 and not at.code


def test_a_member_revokes_their_token(app):
    at = create(tokens_page(app, AGENT), "script", "No expiry")
    secret = at.code[0].value
    assert frame(at)["Expires"].tolist() == ["Never"]
    assert at.button(key="tokens.revoke.go").disabled  # nothing chosen yet
    at.selectbox(key="tokens.revoke.id").set_value(1).run()
    at.button(key="tokens.revoke.go").click().run()
    assert not at.exception
    assert (
        shown(at.success[0].value) == 'Revoked the token "script": anything using it is refused from now on.'
    )
    assert frame(at)["Status"].tolist() == ["Revoked"]
    assert [s.key for s in at.selectbox] == ["tokens.expiry"]  # nothing left to revoke
    with pytest.raises(tokens.TokenRefused):
        tokens.member_for(current_store(), secret)


def test_names_render_as_plain_text(app):
    at = create(tokens_page(app, AGENT), "**bold** [link](https://evil.example) \u202eevil")
    listed = frame(at)["Name"].tolist()
    assert listed == ["**bold** [link](https://evil.example) \\u202eevil"]
    assert "**bold**" not in at.success[0].value and "\\*\\*bold" in at.success[0].value


def test_an_agent_sees_only_their_own_tokens(app):
    store = current_store()
    tokens.create_token(store, Actor(ADMIN[0], "admin"), ADMIN[0], name="admin's own")
    at = tokens_page(app, AGENT)
    assert [i.value for i in at.info] == ["You have no API token yet."] and not at.dataframe


def test_admins_see_and_revoke_everyones_tokens_on_members_and_plan(app):
    store = current_store()
    tokens.create_token(store, Actor(AGENT[0], "agent"), AGENT[0], name="agent script")
    with pytest.raises(tokens.TokenRefused):
        tokens.member_for(store, "inbox_pat_guess", client="203.0.113.9")
    at = open_page(app(ADMIN), "members").run()
    assert not at.exception
    assert "API tokens" in [h.value for h in at.subheader]
    assert "Refused tokens in the last 24 hours: 1 attempt." in " ".join(c.value for c in at.caption)
    listed = at.dataframe[-1].value
    assert listed["Member"].tolist() == [AGENT[0]] and listed["Name"].tolist() == ["agent script"]
    at.selectbox(key="tokens.all.revoke.id").set_value(1).run()
    at.button(key="tokens.all.revoke.go").click().run()
    assert not at.exception
    assert f'Revoked the token "agent script" of {AGENT[0]}' in shown(at.success[-1].value)
    assert tokens.list_tokens(store, Actor(ADMIN[0], "admin"))[0].revoked_by == ADMIN[0]
