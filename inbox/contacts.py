"""Contacts as agents see them: built-in and custom attribute values by key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .errors import NotFound

_TYPED_SLOT = {"number": 1, "date": 2, "boolean": 3}  # other types are stored as text (slot 0)


@dataclass(frozen=True)
class Contact:
    """One contact with every attribute value keyed by attribute key (``None`` when empty)."""

    id: int
    platform: str
    handle: str
    display_name: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str
    values: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        full = " ".join(p for p in (self.values.get("first_name"), self.values.get("last_name")) if p)
        return full or self.display_name or self.handle


def get_contact(store, contact_id: int, attributes=None) -> Contact:
    """The contact with its values; raises ``NotFound``. ``attributes`` (definitions) give custom types."""
    row = store.contact_row(contact_id)
    if row is None:
        raise NotFound(f"no contact with id {contact_id}")
    from .attributes import all_attributes

    attributes = attributes if attributes is not None else all_attributes(store)
    types = {a.key: a.type for a in attributes}
    values = {k: row[k] for k in ("email", "first_name", "last_name", "phone", "account_id", "job_title",
                                  "language", "subscription", "external_id")}
    for key, slots in store.custom_values(contact_id).items():
        values[key] = slots[_TYPED_SLOT.get(types.get(key), 0)]
    return Contact(id=row["id"], platform=row["platform"], handle=row["handle"], display_name=row["display_name"],
                   version=row["version"], created_at=row["created_at"], updated_at=row["updated_at"],
                   updated_by=row["updated_by"], values=values)


def sample_contact(store, attributes=None) -> Contact | None:
    """A contact to preview the agent panel with (the oldest one), or ``None`` in an empty workspace."""
    first = store.first_contact_id()
    return get_contact(store, first, attributes) if first is not None else None
