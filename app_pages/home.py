"""Overview: the page members open first — figures linking to their pages, charts, the last layout change."""

import pandas as pd
import streamlit as st

from inbox import workspace
from inbox.plurals import counted, platform_label
from ui.session import require_user
from ui.text import literal


def _page() -> None:  # (the target of a link: st.navigation runs the registered page, never this)
    return None


def link(url_path: str, label: str, icon: str) -> None:
    """A link to a page of the navigation, by its URL path (``contacts``, ``deleted_contacts``…)."""
    st.page_link(st.Page(_page, title=label, url_path=url_path, icon=icon), label=label, icon=icon)


def contact_figures(f: dict[str, int]) -> None:
    c1, c2, c3 = st.columns(3)
    with c1.container(border=True):
        st.metric(
            "Contacts", f"{f['contacts']:,}", delta=f"+{f['new_contacts']:,} in 30 days", delta_color="off"
        )
        link("contacts", "Go to the contact list", ":material/contacts:")
    with c2.container(border=True):
        st.metric("Open conversations", f"{f['open_conversations']:,}")
        st.caption(f"of {counted(f['conversations'], 'conversation')}")
    with c3.container(border=True):
        st.metric("Messages", f"{f['messages']:,}")
        st.caption("in every conversation")


def platform_chart(by_platform: list[tuple[str, int]]) -> None:
    st.markdown("**Contacts by platform**")
    if not by_platform:
        st.caption("No contact yet.")
        return
    frame = pd.DataFrame([(platform_label(p), n) for p, n in by_platform], columns=["Platform", "Contacts"])
    st.bar_chart(frame, x="Platform", y="Contacts", horizontal=True, height=220, sort="-Contacts")


def admin_figures(a: workspace.Activity) -> None:
    n = a.counts
    c1, c2, c3 = st.columns(3)
    with c1.container(border=True):
        st.metric(
            "Deleted contacts",
            f"{n['recent_deletions']:,}",
            delta="in 30 days",
            delta_color="off",
            delta_arrow="off",
            help=f"{counted(n['deletions'], 'deletion')} in the log in all.",
        )
        link("deleted_contacts", "Open the deletion log", ":material/person_remove:")
    with c2.container(border=True):
        st.metric(
            "Imports", f"{n['recent_imports']:,}", delta="in 30 days", delta_color="off", delta_arrow="off"
        )
        link("import_contacts", "Import a CSV file", ":material/upload_file:")
    with c3.container(border=True):
        st.metric("Custom attributes", f"{n['custom_attributes']:,}")
        st.caption(f"{counted(n['shown_attributes'], 'attribute')} shown on a contact")
        link("attributes", "Edit the contact layout", ":material/tune:")


def activity_charts(a: workspace.Activity) -> None:
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**Deletions, last 30 days**")
        deletions = pd.DataFrame(a.deletions, columns=["Day", "Deletions"])
        st.bar_chart(deletions, x="Day", y="Deletions", height=220)
    with c2:
        st.markdown("**Contacts imported, last 30 days**")
        imports = pd.DataFrame(a.imports, columns=["Day", "Imports", "New", "Updated"])
        st.bar_chart(imports, x="Day", y=["New", "Updated"], height=220, stack=True)
        st.caption("Undone imports are not counted.")


def last_layout(a: workspace.Activity) -> None:
    st.markdown("**Last layout change**")
    change = a.last_layout
    if change is None:
        st.caption("The contact layout was never changed.")
        return
    changes = [str(c) for c in change["changes"]]
    shown = "; ".join(changes[:5]) + (f" and {len(changes) - 5:,} more" if len(changes) > 5 else "")
    st.write(
        f"Version {change['version']:,}, saved by {literal(change['saved_by'])} on "
        f"{change['saved_at']:%Y-%m-%d %H:%M} UTC: {literal(shown[:1].upper() + shown[1:]) or 'no change'}."
    )
    link("attributes", "See the layout history", ":material/history:")


def render(store) -> None:
    user = require_user()
    st.title("Overview")
    st.caption(f"Welcome, {literal(user.display_name)}.")
    contact_figures(workspace.figures(store))
    if user.role == "admin":
        activity = workspace.activity(store, user.actor)
        admin_figures(activity)
        c1, c2 = st.columns([2, 3])
        with c1:
            platform_chart(workspace.contacts_by_platform(store))
        with c2:
            last_layout(activity)
        activity_charts(activity)
    else:
        platform_chart(workspace.contacts_by_platform(store))
