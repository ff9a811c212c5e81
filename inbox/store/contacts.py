"""SQL for reading and writing contacts and their custom attribute values."""

from __future__ import annotations

CONTACT_COLS = ("id", "platform", "handle", "display_name", "email", "first_name", "last_name", "phone",
                "account_id", "job_title", "language", "subscription", "external_id", "created_at",
                "created_by", "updated_at", "updated_by", "version")
BUILTIN_COLUMNS = frozenset(CONTACT_COLS[4:13])


class ContactsSQL:
    """Contacts (built-in attributes are columns) and attribute_values (custom, typed)."""

    def contact_row(self, contact_id: int) -> dict | None:
        row = self._one(f"SELECT {', '.join(CONTACT_COLS)} FROM contacts WHERE id = ?", [int(contact_id)])
        return dict(zip(CONTACT_COLS, row)) if row else None

    def first_contact_id(self) -> int | None:
        return self._scalar("SELECT min(id) FROM contacts")

    def custom_values(self, contact_id: int) -> dict[str, tuple]:
        """``{attribute_key: (text, number, date, bool)}`` for one contact."""
        rows = self._rows("SELECT attribute_key, value_text, value_number, value_date, value_bool"
                          " FROM attribute_values WHERE contact_id = ?", [int(contact_id)])
        return {r[0]: r[1:] for r in rows}
