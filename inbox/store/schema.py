"""Live SQL shared by the store's repositories (search text, contact columns); imports nothing of the store.

Migrations never read these: a migration keeps a frozen copy of the SQL it ran (``inbox/store/migrations/``).
"""

from __future__ import annotations

# What the search box matches: names, identifiers and handle, lower-cased without accents, each value
# once (a handle equal to the email or phone, a display name equal to the full name, are not repeated).
SEARCH_TEXT_SQL = (
    "lower(strip_accents(concat_ws(' ', first_name, last_name,"
    " CASE WHEN display_name = concat_ws(' ', first_name, last_name) THEN NULL ELSE display_name END,"
    " email, phone, account_id, external_id,"
    " CASE WHEN handle = email OR handle = phone THEN NULL ELSE handle END)))"
)

# The columns of ``contacts`` a repository reads (``search_text`` is derived, never read back).
CONTACT_COLS = (
    "id",
    "platform",
    "handle",
    "display_name",
    "email",
    "first_name",
    "last_name",
    "phone",
    "account_id",
    "job_title",
    "language",
    "subscription",
    "external_id",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
)
