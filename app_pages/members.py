"""Admin settings › Workspace: the plan and the members (add, disable, enable, sign-ins, unlock)."""

import pandas as pd
import streamlit as st

from inbox import sign_in, users, workspace
from inbox.errors import InboxError
from inbox.models import PLANS, ROLES
from ui import session_settings
from ui.session import member_callback, require_admin
from ui.text import literal, plain, plain_frame


@member_callback
def on_unlock(store, me, email: str) -> None:
    try:
        sign_in.unlock(store, me.actor, email)
        st.session_state["members.flash"] = f"Unlocked {email}: it can sign in again."
    except InboxError as exc:
        st.session_state["members.unlock_error"] = str(exc)


def plan_and_region(store, me) -> None:
    st.subheader("Plan")
    current = workspace.get_plan(store)
    new_plan = st.radio(
        "Workspace plan",
        PLANS,
        index=PLANS.index(current),
        horizontal=True,
        format_func=str.capitalize,
        key="members.plan",
        help="Enterprise can fill contact attributes from an external CRM.",
    )
    if new_plan != current:
        try:
            workspace.set_plan(store, me.actor, new_plan)
            st.session_state["members.flash"] = f"Plan changed to {new_plan}."
            st.rerun()
        except InboxError as exc:
            st.error(literal(exc))

    region = st.text_input(
        "Default phone region",
        value=workspace.default_region(store),
        max_chars=2,
        key="members.region",
        help="Two-letter country code used to read national "
        "phone numbers (e.g. FR reads 06 12 34 56 78 as +33 6 12 34 56 78) in edits and "
        "imports.",
    )
    if region.strip().upper() != workspace.default_region(store):
        try:
            workspace.set_default_region(store, me.actor, region)
            st.session_state["members.flash"] = f"Default phone region set to {region.strip().upper()}."
            st.rerun()
        except InboxError as exc:
            st.error(literal(exc))


def member_table(store, me, members) -> None:
    activity = sign_in.overview(store, me.actor)

    def sign_in_state(email: str) -> str:
        locked = activity[email].locked_until if email in activity else None
        return f"locked until {locked:%Y-%m-%d %H:%M} UTC" if locked else "ok"

    st.dataframe(
        plain_frame(
            pd.DataFrame(
                [
                    {
                        "Email": u.email,
                        "Name": u.display_name,
                        "Role": u.role,
                        "Status": "active" if u.active else "disabled",
                        "Last sign-in": u.last_sign_in_at,
                        "Failed sign-ins (24 h)": (
                            activity[u.email].recent_failures if u.email in activity else 0
                        ),
                        "Sign-in": sign_in_state(u.email),
                    }
                    for u in members
                ]
            )
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        f"After {sign_in.ACCOUNT_FREE} failed sign-ins an e-mail must wait before each new try (from "
        f"{sign_in.FIRST_DELAY.seconds} s, doubling up to {sign_in.MAX_DELAY.seconds // 60} min); "
        f"after {sign_in.LOCK_AFTER} it is locked for {sign_in.LOCK_TIME.seconds // 3600} h or until "
        "unlocked here."
    )

    locked = [u.email for u in members if activity.get(u.email) and activity[u.email].locked_until]
    if locked:
        u1, u2 = st.columns([3, 1])
        who = u1.selectbox("Locked member", locked, key="members.unlock.email")
        u2.button(
            "Unlock",
            key="members.unlock.go",
            icon=":material/lock_open:",
            on_click=on_unlock,
            args=(store, me, who),
        )
    if error := st.session_state.pop("members.unlock_error", None):
        st.error(literal(error))


def add_member(store, me) -> None:
    with st.form("members.add", clear_on_submit=True):
        st.markdown("**Add a member**")
        email = st.text_input("Email", key="members.add.email")
        name = st.text_input("Display name", key="members.add.name")
        role = st.selectbox("Role", ROLES, index=ROLES.index("agent"), key="members.add.role")
        password = st.text_input(
            "Initial password",
            type="password",
            key="members.add.password",
            help=f"At least {users.MIN_PASSWORD_LENGTH} characters.",
        )
        if st.form_submit_button("Add member", type="primary"):
            try:
                added = users.add_user(
                    store, me.actor, email, role=role, password=password, display_name=name
                )
                st.session_state["members.flash"] = f"Added {added.email} ({added.role})."
                st.rerun()
            except InboxError as exc:
                st.error(literal(exc))


def toggle_member(store, me, members) -> None:
    st.markdown("**Disable or enable a member**")
    others = [u.email for u in members if u.email != me.email]
    target = st.selectbox(
        "Member",
        others,
        key="members.toggle.email",
        index=None,
        format_func=plain,
        placeholder="Choose a member",
    )
    if target:
        chosen = next(u for u in members if u.email == target)
        label = "Disable" if chosen.active else "Enable"
        if st.button(label, key="members.toggle.go"):
            try:
                users.set_active(store, me.actor, target, not chosen.active)
                st.session_state["members.flash"] = f"{label}d {target}."
                st.rerun()
            except InboxError as exc:
                st.error(literal(exc))
    st.caption("A disabled member can no longer sign in; you cannot disable yourself here.")


def render(store) -> None:
    me = require_admin("the members and the plan")
    st.title("Members & plan")
    if flash := st.session_state.pop("members.flash", None):
        st.success(literal(flash))
    plan_and_region(store, me)
    st.subheader("Members")
    members = users.list_users(store, me.actor)
    member_table(store, me, members)
    left, right = st.columns(2)
    with left:
        add_member(store, me)
    with right:
        toggle_member(store, me, members)
    session_settings.render(store, me)
