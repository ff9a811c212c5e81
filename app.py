"""Router: page config, sign-in, st.navigation by role, page.run(). No SQL."""

from pathlib import Path

import streamlit as st

from inbox import workspace
from ui.errors import run_page, shown_plainly
from ui.session import get_store, sign_out, signed_in_user
from ui.text import plain

st.set_page_config(page_title="Inbox contacts", page_icon=":material/contacts:", layout="wide")

HERE = Path(__file__).resolve().parent
# (section, file, title, icon, roles). A page is registered once its file exists and the role may see it.
PAGES = [
    ("Inbox", "app_pages/home.py", "Overview", ":material/dashboard:", ("admin", "agent")),
    ("Inbox", "app_pages/contacts.py", "Contacts", ":material/contacts:", ("admin", "agent")),
    ("Admin settings › Agent workspace", "app_pages/attributes.py", "Contact attributes", ":material/tune:",
     ("admin",)),
    ("Admin settings › Privacy & security", "app_pages/deleted_contacts.py", "Deleted contacts",
     ":material/person_remove:", ("admin",)),
    ("Admin settings › Integrations", "app_pages/crm_settings.py", "CRM", ":material/sync_alt:", ("admin",)),
    ("Admin settings › Workspace", "app_pages/members.py", "Members & plan", ":material/group:", ("admin",)),
    ("Data", "app_pages/import_contacts.py", "Import contacts", ":material/upload_file:", ("admin",)),
]

get_store()  # a database that cannot be opened stops here with one clear error
user = shown_plainly(signed_in_user)  # a database failing here: a plain message too
if user is None:
    page = st.navigation([st.Page("app_pages/sign_in.py", title="Sign in", icon=":material/login:")],
                         position="hidden")
else:
    sections: dict[str, list] = {}
    for section, path, title, icon, roles in PAGES:
        if user.role in roles and (HERE / path).is_file():
            sections.setdefault(section, []).append(st.Page(path, title=title, icon=icon))
    page = st.navigation(sections)
    with st.sidebar:
        st.markdown("**Signed in**")
        st.text(f"{plain(user.display_name)}\n{plain(user.email)}")
        st.caption(f"Role: {user.role} · Plan: {workspace.get_plan(get_store())}")
        st.button("Sign out", icon=":material/logout:", on_click=sign_out, key="sign_out")
run_page(page)  # errors inside a page: one plain message, never a traceback
