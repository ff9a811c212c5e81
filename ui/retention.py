"""Data retention in the app: the per-process scheduler thread and the page's actions (callbacks)."""

from __future__ import annotations

import streamlit as st

from inbox import retention
from inbox.plurals import counted

from .actions import outcome
from .session import member_callback
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


def run_summary(done: list[dict]) -> str:
    if not done:
        return "There is no rule to apply."
    parts = []
    for row in done:
        if row["target"] == "#conversations":
            parts.append(f"{counted(row['conversations'], 'conversation')} deleted")
        else:
            parts.append(
                f"{counted(row['cleared_values'], 'value')} of {counted(row['contacts'], 'contact')} cleared"
            )
    return "Retention ran: " + "; ".join(parts) + "."


@member_callback
def save_rule(store, actor) -> None:
    S = st.session_state
    outcome(
        RESULT,
        lambda: retention.save_rule(
            store, actor, S["retention.target"], S["retention.basis"], S["retention.days"]
        ),
        "The rule was not saved",
        lambda rule: f"Rule saved: {literal(rule.describe())}.",
    )


@member_callback
def delete_rule(store, actor, rule_id: int, text: str) -> None:
    outcome(
        RESULT,
        lambda: retention.delete_rule(store, actor, rule_id),
        "The rule was not removed",
        lambda _: f"Rule removed: {literal(text)}.",
    )


@member_callback
def run_now(store, actor) -> None:
    outcome(RESULT, lambda: retention.run(store, actor, trigger="manual"), "Nothing was cleared", run_summary)


@member_callback
def save_schedule(store, actor) -> None:
    S = st.session_state
    outcome(
        RESULT,
        lambda: retention.set_schedule(
            store, actor, S["retention.mode"], S["retention.hour"], S["retention.weekday"]
        ),
        "The schedule was not saved",
        lambda saved: f"Schedule saved: retention runs {saved.describe()}.",
    )
