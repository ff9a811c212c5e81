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

# The contact an inbound message from (platform $1, handle $2, or its phone reading $3) belongs to: the
# contact with that handle (the phone form first), else the one a merge left it to (an alias; latest merge).
RECEIVE_LOOKUP_SQL = (
    "SELECT id FROM (SELECT id, 0 AS alias, handle = $3 AS exact, id AS tie FROM contacts"
    " WHERE platform = $1 AND handle IN ($2, $3) UNION ALL SELECT contact_id, 1, value = $3, -merge_id"
    " FROM contact_aliases WHERE kind = 'handle' AND platform = $1 AND value IN ($2, $3)) AS found"
    " ORDER BY alias, exact DESC, tie LIMIT 1"
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
