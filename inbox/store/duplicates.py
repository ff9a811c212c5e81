"""SQL for likely duplicates: set-based GROUP BY over the stored (already normalised) identifiers, paged."""

from __future__ import annotations

from typing import Any

from .repository import Repository

# A name as compared: trimmed, lower case, without accents ("Lukas  Weber " = "lukas weber" = "Lúkas Weber").
_NAME = "lower(strip_accents(trim(first_name))) || ' ' || lower(strip_accents(trim(last_name)))"
_SHOWN = "{shown}"  # the group's oldest contact's name: ``dialect.first_values`` (``_union``)
_SHOWN_NAME = "trim(first_name) || ' ' || trim(last_name)"


def _shared(column: str) -> str:
    """The hashes of ``column``'s values held by two contacts or more: grouping a million 64-bit hashes is
    about twice as fast as grouping the strings; the outer GROUP BY on the values drops hash collisions."""
    return f"SELECT hash({column}) FROM contacts WHERE {column} IS NOT NULL GROUP BY 1 HAVING count(*) > 1"


#: Each kind of match: the SELECT giving (kind, shown value, ids) per group of two or more contacts.
#: E-mails are stored lower-cased and IDN-normalised, phones in E.164: equality is the normalised match.
GROUPS = {
    "email": "SELECT 'email' AS kind, email AS shown, list(id ORDER BY id) AS ids FROM contacts"
    f" WHERE hash(email) IN ({_shared('email')}) GROUP BY email HAVING count(*) > 1",
    "phone": "SELECT 'phone' AS kind, phone AS shown, list(id ORDER BY id) AS ids FROM contacts"
    f" WHERE hash(phone) IN ({_shared('phone')}) GROUP BY phone HAVING count(*) > 1",
    # the account ids shared first (cheap, few), then the names compared among their contacts only
    "name_account": f"SELECT 'name_account' AS kind, {_SHOWN} || ' · ' || account_id AS shown,"
    f" list(id ORDER BY id) AS ids FROM contacts WHERE hash(account_id) IN ({_shared('account_id')})"
    " AND first_name IS NOT NULL AND last_name IS NOT NULL"
    f" GROUP BY {_NAME}, account_id HAVING count(*) > 1",
    "name": f"SELECT 'name' AS kind, {_SHOWN} AS shown, list(id ORDER BY id) AS ids FROM contacts"
    f" WHERE first_name IS NOT NULL AND last_name IS NOT NULL GROUP BY {_NAME} HAVING count(*) > 1",
}
STRONG = ("email", "phone", "name_account")  # the default suggestions; "name" alone is a weaker, opt-in match
MAX_GROUP = 50  # the ids listed per group (a group can be huge: a shared support address)


class DuplicatesSQL(Repository):
    """Groups of contacts sharing an e-mail, a phone, or a name (with the same account id, or alone)."""

    def duplicate_groups(
        self, kinds: tuple[str, ...] = STRONG, *, limit: int = 20, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of groups, biggest first, and how many groups there are in all (the whole workspace).

        Each group: ``kind``, ``shown`` (the shared value as stored), ``ids`` (at most ``MAX_GROUP``, oldest
        first) and ``size``. One query: the groups are built once and counted with a window.
        """
        unknown = [k for k in kinds if k not in GROUPS]
        if unknown or not kinds:
            raise ValueError(f"unknown duplicate kinds: {unknown or 'none given'}")
        shown = self.dialect.first_values(_SHOWN_NAME, ["id"])
        union = " UNION ALL ".join(GROUPS[k].format(shown=shown) for k in kinds)
        rows = self._rows(
            f"WITH g AS ({union}) SELECT kind, shown, ids[1:{MAX_GROUP}], len(ids), count(*) OVER ()"
            " FROM g ORDER BY len(ids) DESC, kind, shown LIMIT ? OFFSET ?",
            [int(limit), int(offset)],
        )
        if not rows and offset:
            total = int(self._scalar(f"SELECT count(*) FROM ({union}) g"))
            return [], total
        groups = [
            {"kind": r[0], "shown": r[1], "ids": [int(i) for i in r[2]], "size": int(r[3])} for r in rows
        ]
        return groups, int(rows[0][4]) if rows else 0

    def merge_candidates(self, ids: list[int]) -> list[dict[str, Any]]:
        """A short line per contact (for pickers): id, platform, handle, names, e-mail, phone, updated."""
        cols = ("id", "platform", "handle", "display_name", "first_name", "last_name", "email", "phone")
        rows = self._rows(
            f"SELECT {', '.join(cols)}, updated_at FROM contacts WHERE list_contains(?::BIGINT[], id)"
            " ORDER BY id",
            [[int(i) for i in ids]],
        )
        return [dict(zip((*cols, "updated_at"), r, strict=True)) for r in rows]
