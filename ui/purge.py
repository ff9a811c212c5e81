"""Purging deleted data from disk: the per-process scheduler thread and the Deleted contacts section."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from inbox import compaction
from inbox.plurals import counted

from .actions import outcome
from .delete_contact import size
from .session import member_callback
from .text import literal

RESULT = (
    "purge.result"  # ("ok" | "error", Markdown) of the last *Purge now* / *Save schedule* in this session
)
HOURS = list(range(24))


@st.cache_resource(show_spinner=False)
def purge_scheduler() -> compaction.PurgeScheduler:
    """The one scheduler thread of this process (checks every minute whether a purge is due)."""
    return compaction.PurgeScheduler().start()


def watch_purges(store) -> None:
    """Scheduled purges of ``store``'s deleted data (app.py registers it: ``ui.session.on_store_opened``)."""
    purge_scheduler().watch(store)


def page_status(store) -> compaction.Status:
    """The purge status as the scheduler of this process sees it."""
    return compaction.status(store, since=purge_scheduler().since(store))


def _when(at: datetime | None) -> str:
    return f"{at:%a %d %b %Y %H:%M} UTC" if at else "never"


def status_line(status: compaction.Status) -> str:
    """E.g. "3 deletions not yet purged from disk · next purge Sun 06 Dec 2026 03:00 UTC"."""
    pending = (
        f"{counted(status.pending, 'deletion')} not yet purged from disk"
        if status.pending
        else "Every deletion is purged from disk"
    )
    if status.schedule.mode == "off":
        return f"{pending} · scheduled purging is off"
    return f"{pending} · next purge {_when(status.next_run)}"


@member_callback
def _purge_now(store, actor) -> None:
    """on_click of *Purge now*: compact the database; the result is shown next to the button."""
    outcome(
        RESULT,
        lambda: compaction.run(store, actor),
        "Nothing was purged",
        lambda done: (
            f"Purged {counted(done['purged_deletions'], 'deletion')} from disk in {done['seconds']:.1f} s:"
            f" the database went from {size(done['bytes_before'])} to {size(done['bytes_after'])}."
        ),
    )


@member_callback
def _save_schedule(store, actor) -> None:
    S = st.session_state
    outcome(
        RESULT,
        lambda: compaction.set_schedule(store, actor, S["purge.mode"], S["purge.hour"], S["purge.weekday"]),
        "The schedule was not saved",
        lambda saved: f"Schedule saved: purging is {saved.describe()}.",
    )


def purge_section(store, actor) -> None:
    """The *Purge from disk* tab: what is pending, the next purge, the schedule and *Purge now*."""
    status = page_status(store)
    st.caption(
        "Deleting a contact removes its rows at once, but the database file keeps the freed space: "
        "the deleted e-mails, phones and messages stay readable in the raw file until it is "
        "rewritten. A purge rewrites the database into a fresh file and swaps it in (the app waits a moment "
        "meanwhile). Attachment files are removed at deletion already."
    )
    c1, c2, c3 = st.columns(3)
    c1.metric("Not yet purged from disk", f"{status.pending:,}", help="Deletions since the last purge.")
    c2.metric("Next purge", _when(status.next_run) if status.schedule.mode != "off" else "off")
    last = status.last or {}
    c3.metric(
        "Last purge",
        _when(compaction.last_purge(store)),
        help=f"By {last.get('by')}: {size(int(last.get('bytes_before', 0)))} → "
        f"{size(int(last.get('bytes_after', 0)))}"
        if last
        else None,
    )
    if status.last_error and status.last_error.get("error"):
        st.error(
            f"The last purge attempt ({status.last_error.get('at', '?')} UTC) failed: "
            f"{literal(status.last_error['error'])}",
            icon=":material/error:",
        )

    schedule = status.schedule
    s1, s2, s3 = st.columns(3)
    mode = s1.selectbox(
        "Purge deleted data from disk",
        list(compaction.MODES),
        key="purge.mode",
        index=list(compaction.MODES).index(schedule.mode),
        format_func=compaction.MODES.get,
    )
    s2.selectbox(
        "Day",
        range(7),
        key="purge.weekday",
        index=schedule.weekday,
        format_func=lambda d: compaction.WEEKDAYS[d],
        disabled=mode != "weekly",
    )
    s3.selectbox(
        "At (UTC)",
        HOURS,
        key="purge.hour",
        index=schedule.hour,
        format_func=lambda h: f"{h:02d}:00",
        disabled=mode == "off",
    )
    b1, b2, b3 = st.columns([2, 2, 5])
    b1.button(
        "Save schedule",
        key="purge.save",
        icon=":material/schedule:",
        on_click=_save_schedule,
        args=(store, actor),
    )
    b2.button(
        "Purge now",
        key="purge.now",
        icon=":material/delete_sweep:",
        on_click=_purge_now,
        args=(store, actor),
        help="Rewrite the database now (other users wait a moment meanwhile).",
    )
    if result := st.session_state.get(RESULT):
        kind, text = result
        (b3.success if kind == "ok" else b3.error)(text)
    st.caption(
        f"Current schedule: {schedule.describe()}. Times are UTC. A purge missed while the app was "
        "stopped runs when it is back; a failed one is retried at the next scheduled time. "
        "From a shell (with the app stopped): `python -m inbox compact`."
    )
