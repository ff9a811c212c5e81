"""Data retention in the app: the per-process scheduler thread and the page's actions (callbacks)."""

from __future__ import annotations

import streamlit as st

from inbox import retention
from inbox.errors import InboxError

from .session import still_member
from .text import literal

RESULT = "retention.result"  # ("ok" | "error", Markdown) of the last action on the page, shown once


@st.cache_resource(show_spinner=False)
def retention_scheduler() -> retention.RetentionScheduler:
    """The one retention scheduler thread of this process (checks every minute whether a run is due)."""
    return retention.RetentionScheduler().start()


def watch_retention(store) -> None:
    """Scheduled retention runs of ``store`` (router.py registers it: ``ui.session.on_store_opened``)."""
    retention_scheduler().watch(store)


def since(store):
    return retention_scheduler().since(store)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def run_summary(done: list[dict]) -> str:
    if not done:
        return "There is no rule to apply."
    parts = []
    for row in done:
        if row["target"] == "#conversations":
            parts.append(f"{_plural(row['conversations'], 'conversation')} deleted")
        else:
            parts.append(
                f"{_plural(row['cleared_values'], 'value')} of {_plural(row['contacts'], 'contact')} cleared"
            )
    return "Retention ran: " + "; ".join(parts) + "."


def save_rule(store, actor) -> None:
    if not still_member():
        return
    S = st.session_state
    try:
        rule = retention.save_rule(
            store, actor, S["retention.target"], S["retention.basis"], S["retention.days"]
        )
    except InboxError as exc:
        S[RESULT] = ("error", f"The rule was not saved: {literal(str(exc))}")
        return
    S[RESULT] = ("ok", f"Rule saved: {literal(rule.describe())}.")


def delete_rule(store, actor, rule_id: int, text: str) -> None:
    if not still_member():
        return
    try:
        retention.delete_rule(store, actor, rule_id)
    except InboxError as exc:
        st.session_state[RESULT] = ("error", f"The rule was not removed: {literal(str(exc))}")
        return
    st.session_state[RESULT] = ("ok", f"Rule removed: {literal(text)}.")


def run_now(store, actor) -> None:
    if not still_member():
        return
    try:
        done = retention.run(store, actor, trigger="manual")
    except InboxError as exc:
        st.session_state[RESULT] = ("error", f"Nothing was cleared: {literal(str(exc))}")
        return
    st.session_state[RESULT] = ("ok", run_summary(done))


def save_schedule(store, actor) -> None:
    if not still_member():
        return
    S = st.session_state
    try:
        saved = retention.set_schedule(
            store, actor, S["retention.mode"], S["retention.hour"], S["retention.weekday"]
        )
    except InboxError as exc:
        S[RESULT] = ("error", f"The schedule was not saved: {literal(str(exc))}")
        return
    S[RESULT] = ("ok", f"Schedule saved: retention runs {saved.describe()}.")
