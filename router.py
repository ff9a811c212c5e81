"""Router (the script app.py serves): page config, the signed-in member, st.navigation by role, page.run()."""

from functools import partial
from pathlib import Path

import streamlit as st

from app_pages import (
    access_log,
    api_tokens,
    attributes,
    contacts,
    crm_settings,
    deleted_contacts,
    duplicates,
    home,
    import_contacts,
    members,
    retention,
)
from inbox import workspace
from ui.errors import run_page, shown_plainly
from ui.purge import watch_purges
from ui.retention import watch_retention
from ui.session import get_store, on_store_opened, sign_out_form, signed_in_user, signed_out_page
from ui.text import plain

ICON = Path(__file__).parent / "ui" / "assets" / "icon.png"  # served by this app: nothing from another site
st.set_page_config(page_title="Inbox contacts", page_icon=str(ICON), layout="wide")

# (section, render, url_path, title, icon, roles): a page is registered only for the roles that may see it.
PAGES = [
    ("Inbox", home.render, "home", "Overview", ":material/dashboard:", ("admin", "agent")),
    ("Inbox", contacts.render, "contacts", "Contacts", ":material/contacts:", ("admin", "agent")),
    ("Inbox", duplicates.render, "duplicates", "Duplicates", ":material/join:", ("admin", "agent")),
    (
        "Admin settings › Agent workspace",
        attributes.render,
        "attributes",
        "Contact attributes",
        ":material/tune:",
        ("admin",),
    ),
    (
        "Admin settings › Privacy & security",
        deleted_contacts.render,
        "deleted_contacts",
        "Deleted contacts",
        ":material/person_remove:",
        ("admin",),
    ),
    (
        "Admin settings › Privacy & security",
        retention.render,
        "retention",
        "Data retention",
        ":material/auto_delete:",
        ("admin",),
    ),
    (
        "Admin settings › Privacy & security",
        access_log.render,
        "access_log",
        "Access log",
        ":material/policy:",
        ("admin",),
    ),
    (
        "Admin settings › Integrations",
        crm_settings.render,
        "crm_settings",
        "CRM",
        ":material/sync_alt:",
        ("admin",),
    ),
    (
        "Admin settings › Workspace",
        members.render,
        "members",
        "Members & plan",
        ":material/group:",
        ("admin",),
    ),
    (
        "Data",
        import_contacts.render,
        "import_contacts",
        "Import contacts",
        ":material/upload_file:",
        ("admin",),
    ),
    # Every member's own account: not listed, linked from the sidebar's "Signed in" block.
    ("Account", api_tokens.render, "api_tokens", "API tokens", ":material/key:", ()),
]

on_store_opened(watch_purges)  # scheduled purges of deleted data (one scheduler thread per process)
on_store_opened(watch_retention)  # scheduled retention runs (issue 16)
store = get_store()  # a database that cannot be opened stops here with one clear error
user = shown_plainly(signed_in_user)  # a database failing here: a plain message too
if user is None:  # a session that ended while its tab was open: every page path says so (never "not found")
    page = st.navigation(
        [
            st.Page(signed_out_page("" if i == 0 else p[2]), title=p[3], url_path=p[2], default=i == 0)
            for i, p in enumerate(PAGES)
        ],
        position="hidden",
    )
else:
    sections: dict[str, list] = {}
    registered: dict = {}
    for section, render, url_path, title, icon, roles in PAGES:
        # A page the member may not see is not listed, but its address still opens it: the page itself
        # then says who may see it (require_admin), never Streamlit's "page does not exist" box.
        shown = user.role in roles
        registered[url_path] = st.Page(
            partial(render, store),
            title=title,
            url_path=url_path,
            icon=icon,
            visibility="visible" if shown else "hidden",
        )
        sections.setdefault(section if shown else "Inbox", []).append(registered[url_path])
    page = st.navigation(sections)
    with st.sidebar:
        st.markdown("**Signed in**")
        st.text(f"{plain(user.display_name)}\n{plain(user.email)}")
        st.caption(f"Role: {user.role.capitalize()} · Plan: {workspace.get_plan(store).capitalize()}")
        st.page_link(registered["api_tokens"], label="API tokens", icon=":material/key:")
        sign_out_form()
run_page(page)  # errors inside a page: one plain message, never a traceback
