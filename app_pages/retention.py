"""Admin settings › Privacy & security › Data retention: rules, preview, schedule, Run now and the log."""

from datetime import datetime

import pandas as pd
import streamlit as st

from inbox import compaction, retention
from inbox.models import utcnow
from ui import retention as actions
from ui.session import member_callback, require_admin
from ui.text import literal, plain, plain_frame

S = st.session_state
EXPLAINED = (
    "Clear contact data a set time after it is no longer needed. **Last conversation closed**: every"
    " conversation of the contact is closed, counted from the last message of its conversations (contacts"
    " without a conversation, or with one still open, are never due). **Last active**: the contact's last"
    " message, or its creation when it never wrote. Cleared values are gone for good: the history keeps only"
    " who cleared which attribute and when, and undoing an import cannot bring them back."
)
TRIGGERS = {"schedule": "Schedule", "manual": "Run now", "cli": "Command line", "api": "API"}


def _when(at: datetime | None) -> str:
    return f"{at:%a %d %b %Y %H:%M} UTC" if at else "never"


def rules_section(store, me, rules) -> None:
    st.subheader("Rules", anchor=False)
    if not rules:
        st.caption("No rule yet: nothing is cleared automatically.")
    for rule in rules:
        left, right = st.columns([6, 1], vertical_alignment="center")
        left.markdown(
            f"**{literal(rule.describe())}**  \nSet by {literal(rule.updated_by)} on {_when(rule.updated_at)}"
        )
        right.button(
            "Remove",
            key=f"retention.remove.{rule.id}",
            on_click=member_callback(actions.delete_rule),
            args=(store, me.actor, rule.id, rule.describe()),
        )
    labels = retention.target_labels(store)
    with st.form("retention.rule", border=True):
        st.markdown("**Add or change a rule** (one rule per attribute; saving one that exists changes it)")
        c1, c2, c3 = st.columns([3, 4, 2])
        c1.selectbox("Clear", list(labels), key="retention.target", format_func=lambda k: plain(labels[k]))
        c2.selectbox(
            "Counted from",
            list(retention.BASES),
            key="retention.basis",
            format_func=lambda b: retention.BASES[b].capitalize(),
        )
        c3.number_input(
            "Days", min_value=1, max_value=retention.MAX_DAYS, value=30, step=1, key="retention.days"
        )
        st.form_submit_button(
            "Save rule", type="primary", on_click=member_callback(actions.save_rule), args=(store, me.actor)
        )


def preview_section(store, rules) -> None:
    st.subheader("Preview", anchor=False)
    if not rules:
        st.caption("Add a rule to see how many contacts it will clear, and when.")
        return
    today = utcnow().date()
    for rule in rules:
        days = retention.preview(store, rule)
        noun = "conversation" if rule.target == "#conversations" else "contact"
        due_now = sum(n for d, n in days if d <= today)
        later = [(d, n) for d, n in days if d > today]
        st.markdown(f"**{literal(rule.describe())}**")
        st.caption(
            f"{due_now:,} {noun}{'' if due_now == 1 else 's'} due now (cleared by the next run);"
            f" {sum(n for _, n in later):,} more on the dates below."
        )
        if later:
            frame = pd.DataFrame(
                {"Date": [d for d, _ in later], f"{noun.capitalize()}s cleared": [n for _, n in later]}
            )
            st.dataframe(plain_frame(frame), hide_index=True, height=min(36 * (len(later) + 1), 250))


def schedule_section(store, me) -> None:
    st.subheader("Schedule", anchor=False)
    schedule = retention.read_schedule(store)
    nxt = retention.next_scheduled(store, since=actions.since(store))
    last = retention.last_run(store)
    c1, c2 = st.columns(2)
    c1.metric("Next run", _when(nxt) if schedule.mode != "off" else "off")
    c2.metric("Last run", _when(last["at"]) if last else "never", help=f"By {last['by']}" if last else None)
    if last and last.get("error"):
        st.error(f"The last run failed: {literal(last['error'])}", icon=":material/error:")
    s1, s2, s3, s4 = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
    modes = list(compaction.MODES)
    mode = s1.selectbox(
        "Run retention",
        modes,
        index=modes.index(schedule.mode),
        format_func=compaction.MODES.get,
        key="retention.mode",
    )
    s2.selectbox(
        "Day",
        range(7),
        index=schedule.weekday,
        format_func=lambda d: compaction.WEEKDAYS[d],
        disabled=mode != "weekly",
        key="retention.weekday",
    )
    s3.selectbox(
        "Hour (UTC)",
        range(24),
        index=schedule.hour,
        format_func=lambda h: f"{h:02d}:00",
        key="retention.hour",
    )
    s4.button("Save schedule", on_click=member_callback(actions.save_schedule), args=(store, me.actor))
    sure = st.checkbox(
        "I understand that cleared values and conversations cannot be restored", key="retention.sure"
    )
    st.button(
        "Run now",
        type="primary",
        disabled=not sure,
        key="retention.run",
        on_click=member_callback(actions.run_now),
        args=(store, me.actor),
    )


def log_section(store) -> None:
    st.subheader("Log", anchor=False)
    runs = retention.runs(store, 100)
    if not runs:
        st.caption("No run yet.")
        return
    frame = pd.DataFrame(
        {
            "When (UTC)": [r["run_at"] for r in runs],
            "Run": [f"#{r['id']}" for r in runs],
            "Rule": [_rule_text(store, r) for r in runs],
            "Contacts": [r["contacts"] for r in runs],
            "Values cleared": [r["cleared_values"] for r in runs],
            "Conversations": [r["conversations"] for r in runs],
            "Messages": [r["messages"] for r in runs],
            "Attachments": [r["attachments"] for r in runs],
            "By": [TRIGGERS.get(r["trigger"], r["trigger"]) + " · " + r["actor"] for r in runs],
        }
    )
    st.dataframe(
        plain_frame(frame),
        hide_index=True,
        width="stretch",
        key="retention.log",
        column_config={"When (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
    )


def _rule_text(store, run) -> str:
    labels = S.setdefault("retention.labels", retention.target_labels(store))
    rule = retention.Rule(
        run["rule_id"],
        run["target"],
        run["basis"],
        int(run["days"]),
        run["run_at"],
        run["actor"],
        labels.get(run["target"], run["target"]),
    )
    return rule.describe()


def render(store) -> None:
    me = require_admin("data retention")
    st.title("Data retention")
    st.caption(EXPLAINED)
    if result := S.pop(actions.RESULT, None):
        (st.success if result[0] == "ok" else st.error)(result[1])
    S.pop("retention.labels", None)
    rules = retention.rules(store)
    rules_section(store, me, rules)
    preview_section(store, rules)
    schedule_section(store, me)
    log_section(store)
