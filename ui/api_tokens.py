"""API tokens: a member's own (create, shown once; list; revoke); admins: everyone's (Members & plan)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from inbox import tokens
from inbox.errors import InboxError
from inbox.models import utcnow
from inbox.sign_in import RECENT

from .session import member_callback
from .text import literal, plain, plain_frame
from .wording import count, sentence

S = st.session_state
EXPIRY = {"7 days": 7, "30 days": 30, "90 days": 90, "1 year": 365, "No expiry": None}
DEFAULT_EXPIRY = "90 days"
NEW = "tokens.new"  # (name, secret) of the token just created: shown on the next run only, then forgotten
STATUS = {"active": "Active", "expired": "Expired", "revoked": "Revoked"}


def _at(value: datetime | None, none: str = "") -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else none


def _result(prefix: str, kind: str, message: str) -> None:
    S[f"{prefix}.result"] = (kind, message)


def _show_result(prefix: str) -> None:
    if result := S.pop(f"{prefix}.result", None):
        (st.success if result[0] == "success" else st.error)(literal(result[1]))


@member_callback
def on_create(store, me) -> None:
    """Submit of *Create a token*: the secret is kept for the next run only; the form is emptied."""
    try:
        token, secret = tokens.create_token(
            store,
            me.actor,
            me.email,
            name=S["tokens.name"],
            expires_days=EXPIRY[S["tokens.expiry"]],
        )
    except InboxError as exc:
        _result("tokens", "error", sentence(exc))
        return
    S[NEW] = (token.name, secret)
    S["tokens.name"] = ""  # (set, not dropped: the browser keeps what it shows until told otherwise)


@member_callback
def on_revoke(store, me, prefix: str) -> None:
    token_id = S.get(f"{prefix}.revoke.id")
    if token_id is None:
        return
    try:
        token = tokens.revoke_token(store, me.actor, int(token_id))
    except InboxError as exc:
        _result(prefix, "error", sentence(exc))
        return
    S[f"{prefix}.revoke.id"] = None
    whose = "" if token.email == me.email else f" of {token.email}"
    _result(
        prefix,
        "success",
        f'Revoked the token "{token.name}"{whose}: anything using it is refused from now on.',
    )


def _new_token() -> None:
    """The token just created, once: with a copy button (st.code's) and the warning that it will not show
    again."""
    if (new := S.pop(NEW, None)) is None:
        return
    name, secret = new
    st.success(literal(f'Token "{name}" created. Copy it now: it will not be shown again.'))
    st.code(secret, language=None)
    st.caption(
        "Point at the token for its copy button (at the right). Send it as the header "
        "Authorization: Bearer <token>; keep it as secret as a password."
    )


def _create_form(store, me) -> None:
    with st.form("tokens.create"):
        st.markdown("**Create a token**")
        st.text_input(
            "Name",
            key="tokens.name",
            max_chars=tokens.MAX_NAME,
            placeholder="What it is for, e.g. nightly deletion-log export",
        )
        S.setdefault("tokens.expiry", DEFAULT_EXPIRY)
        st.selectbox(
            "Expires after",
            list(EXPIRY),
            key="tokens.expiry",
            help="A token that never expires keeps working until it is revoked.",
        )
        st.form_submit_button("Create token", type="primary", on_click=on_create, args=(store, me))


def _table(found: list[tokens.ApiToken], *, members: bool) -> None:
    now = utcnow()
    rows = [
        {
            **({"Member": t.email} if members else {}),
            "Name": t.name,
            "Token": f"…{t.hint}",
            "Status": STATUS[t.status_at(now)],
            "Created": _at(t.created_at),
            "Expires": _at(t.expires_at, "Never"),
            "Last used": _at(t.last_used_at, "Never"),
        }
        for t in found
    ]
    st.dataframe(plain_frame(pd.DataFrame(rows)), hide_index=True, width="stretch")


def _revoke_picker(store, me, found: list[tokens.ApiToken], prefix: str, *, members: bool) -> None:
    now = utcnow()
    active = {t.id: t for t in found if t.status_at(now) == "active"}
    if not active:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")

    def label(token_id: int) -> str:
        t = active[token_id]
        return plain(f"{t.email} · {t.name} (…{t.hint})" if members else f"{t.name} (…{t.hint})")

    left.selectbox(
        "Token to revoke",
        list(active),
        index=None,
        key=f"{prefix}.revoke.id",
        format_func=label,
        placeholder="Choose a token",
    )
    right.button(
        "Revoke",
        key=f"{prefix}.revoke.go",
        icon=":material/key_off:",
        on_click=on_revoke,
        args=(store, me, prefix),
        disabled=S.get(f"{prefix}.revoke.id") is None,
    )


def own_tokens(store, me) -> None:
    """The member's own tokens: the one just created (once), the create form, the list, revoke."""
    st.caption(
        "A personal API token lets a script or another application use the Inbox API as you, with your "
        "role. Only its last four characters are kept visible; revoke a token you no longer use."
    )
    _new_token()
    _create_form(store, me)
    _show_result("tokens")
    found = tokens.list_tokens(store, me.actor, me.email)
    if not found:
        st.info("You have no API token yet.")
        return
    _table(found, members=False)
    _revoke_picker(store, me, found, "tokens", members=False)


def everyones_tokens(store, me) -> None:
    """Members & plan › API tokens (admins): every member's tokens, revocable, and refused attempts."""
    st.subheader("API tokens")
    found = tokens.list_tokens(store, me.actor)
    refused = tokens.refused_since(store, me.actor, utcnow() - RECENT)
    st.caption(
        f"Members create their own tokens on their API tokens page (under their name in the sidebar). "
        f"Refused tokens in the last 24 hours: {count(refused, 'attempt')}."
    )
    _show_result("tokens.all")
    if not found:
        st.info("No member has an API token yet.")
        return
    _table(found, members=True)
    _revoke_picker(store, me, found, "tokens.all", members=True)
