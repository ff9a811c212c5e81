"""Admin settings › Workspace: the plan and the members (add, disable, enable, sign-ins, unlock)."""

import pandas as pd
import streamlit as st

from inbox import sign_in, users, workspace
from inbox.errors import InboxError
from inbox.models import PLANS, ROLES
from ui import api_tokens, session_settings
from ui.session import member_callback, member_dialog, require_admin
from ui.text import literal, plain, plain_frame
from ui.wording import blank, sentence

S = st.session_state


@member_callback
def on_unlock(store, me, email: str) -> None:
    try:
        sign_in.unlock(store, me.actor, email)
        S["members.flash"] = f"Unlocked {email}: it can sign in again."
    except InboxError as exc:
        S["members.unlock_error"] = sentence(exc)


@member_callback
def on_plan(store, me, plan: str) -> None:
    S["members.plan.done"] = True  # the dialog closes on the next run (st.rerun from its body)
    if plan == workspace.get_plan(store):  # a second click, or another admin switched meanwhile
        S["members.toast"] = f"The workspace is already on {plan.capitalize()}."
        return
    try:
        workspace.set_plan(store, me.actor, plan)
        S["members.toast"] = f"Plan changed to {plan.capitalize()}."
    except InboxError as exc:
        S["members.plan.done"] = False
        S["members.plan.error"] = sentence(exc)


def on_plan_cancel() -> None:
    S["members.plan.done"] = True


@st.dialog("Change the plan")
def confirm_plan(store, me, plan: str) -> None:
    member_dialog()
    if S.pop("members.plan.done", False):
        st.rerun()
    st.markdown(f"Switch this workspace to the **{plan.capitalize()}** plan?")
    for effect in workspace.plan_change(store, plan):
        st.markdown(f"- {literal(effect)}")
    if error := S.pop("members.plan.error", None):
        st.error(literal(error))
    c1, c2 = st.columns(2)
    c1.button(
        f"Switch to {plan.capitalize()}",
        type="primary",
        key="members.plan.confirm",
        on_click=on_plan,
        args=(store, me, plan),
        width="stretch",
    )
    c2.button("Cancel", key="members.plan.cancel", on_click=on_plan_cancel, width="stretch")


def plan_and_region(store, me) -> None:
    st.subheader("Plan")
    current = workspace.get_plan(store)
    other = next(p for p in PLANS if p != current)
    p1, p2 = st.columns([3, 1], vertical_alignment="center")
    p1.markdown(
        f"This workspace is on the **{current.capitalize()}** plan. "
        + (
            "Contact attributes can be filled from your CRM (Admin settings › Integrations › CRM)."
            if current == "enterprise"
            else "Enterprise can fill contact attributes from an external CRM."
        )
    )
    if p2.button(f"Switch to {other.capitalize()}…", key="members.plan.switch", width="stretch"):
        S.pop("members.plan.done", None)
        confirm_plan(store, me, other)

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
            S["members.flash"] = f"Default phone region set to {region.strip().upper()}."
            st.rerun()
        except InboxError as exc:
            st.error(literal(sentence(exc)))


def member_table(store, me, members) -> None:
    activity = sign_in.overview(store, me.actor)

    def sign_in_state(email: str) -> str:
        locked = activity[email].locked_until if email in activity else None
        return f"Locked until {locked:%Y-%m-%d %H:%M} UTC" if locked else "OK"

    st.dataframe(
        plain_frame(
            pd.DataFrame(
                [
                    {
                        "Email": u.email,
                        "Name": u.display_name,
                        "Role": u.role.capitalize(),
                        "Status": "Active" if u.active else "Disabled",
                        "Last sign-in": blank(
                            u.last_sign_in_at and f"{u.last_sign_in_at:%Y-%m-%d %H:%M} UTC"
                        ),
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
    if error := S.pop("members.unlock_error", None):
        st.error(literal(error))


ADD_FIELDS = ("members.add.email", "members.add.name", "members.add.password")


@member_callback
def on_add_member(store, me) -> None:
    """Submit of *Add a member*: the fields are kept on an error and cleared after the member is added."""
    try:
        added = users.add_user(
            store,
            me.actor,
            S["members.add.email"],
            role=S["members.add.role"],
            password=S["members.add.password"],
            display_name=S["members.add.name"],
        )
    except InboxError as exc:
        S["members.add.result"] = ("error", sentence(exc))
        return
    # back to the empty form (set, not dropped: the browser keeps what it shows until told otherwise)
    S.update(dict.fromkeys(ADD_FIELDS, "") | {"members.add.role": "agent"})
    S["members.add.result"] = ("success", f"Added {added.email} as {added.role}.")


def add_member(store, me) -> None:
    with st.form("members.add"):
        st.markdown("**Add a member**")
        st.text_input("Email", key="members.add.email")
        st.text_input("Display name", key="members.add.name")
        S.setdefault("members.add.role", "agent")
        st.selectbox("Role", ROLES, key="members.add.role", format_func=str.capitalize)
        st.text_input(
            "Initial password",
            type="password",
            key="members.add.password",
            help=f"At least {users.MIN_PASSWORD_LENGTH} characters.",
        )
        st.form_submit_button("Add member", type="primary", on_click=on_add_member, args=(store, me))
        if result := S.pop("members.add.result", None):
            (st.success if result[0] == "success" else st.error)(literal(result[1]))


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
                S["members.flash"] = f"{label}d {target}."
                st.rerun()
            except InboxError as exc:
                st.error(literal(sentence(exc)))
    st.caption("A disabled member can no longer sign in; you cannot disable yourself here.")


def render(store) -> None:
    me = require_admin("the members and the plan")
    st.title("Members & plan")
    if toast := S.pop("members.toast", None):
        st.toast(literal(toast), icon=":material/check_circle:")
    if flash := S.pop("members.flash", None):
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
    api_tokens.everyones_tokens(store, me)
