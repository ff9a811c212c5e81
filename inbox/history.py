"""A contact's value history as people read it: who or what changed which attribute, when, old → new."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .contacts import PLATFORM_LABELS

if TYPE_CHECKING:
    from .store import Store

PAGE = 25
EMPTY = "(empty)"
CLEARED = "(cleared)"  # a text scrubbed by automatic clearing: never shown again
BUILTIN_LABELS = {"display_name": "Display name"}  # the one stored value that is not an attribute


@dataclass(frozen=True)
class Change:
    """One row of the History tab."""

    id: int
    changed_at: datetime
    who: str  # "Ada Lovelace", "Import #12", "CRM", "Automatic clearing", "Merge #3"…
    attribute: str  # the attribute's label
    old: str
    new: str
    source: str
    actor: str
    ref: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "changed_at": self.changed_at,
            "who": self.who,
            "attribute": self.attribute,
            "old": self.old,
            "new": self.new,
            "source": self.source,
            "actor": self.actor,
            "ref": self.ref,
        }


def _who(row: dict[str, Any], names: dict[str, str]) -> str:
    source, actor, ref = str(row["source"]), str(row["actor"]), row["ref"]
    member = names.get(actor, actor)
    if source == "member":
        return member
    if source == "api":
        return f"{member} (API)"
    if source == "import":
        return f"Import #{ref}" if ref else "Import"
    if source == "undo":
        return f"Undo of import #{ref} by {member}" if ref else f"Undo of an import by {member}"
    if source == "crm":
        return "CRM"
    if source == "retention":
        return "Automatic clearing"
    if source == "merge":
        return f"Merge #{ref}" if ref else "Merge"
    if source == "created":
        if actor.startswith("channel:"):
            platform = actor.split(":", 1)[1]
            return f"First {PLATFORM_LABELS.get(platform, platform)} message"
        return f"Created by {member}"
    return member


def _text(value: str | None, scrubbed: bool) -> str:
    if value is not None:
        return value
    return CLEARED if scrubbed else EMPTY


def changes(
    store: Store, contact_id: int, *, limit: int = PAGE, before_id: int | None = None
) -> list[Change]:
    """One page of the contact's history, newest first (``before_id``: the page after that row)."""
    from .attributes import all_attributes

    labels = {**BUILTIN_LABELS, **{a.key: a.label for a in all_attributes(store)}}
    names = {u.email: u.display_name for u in store.accounts.list_users()}
    out = []
    for row in store.history.for_contact(contact_id, limit, before_id):
        scrubbed = row["old_value"] is None and row["new_value"] is None  # nothing to nothing: texts scrubbed
        out.append(
            Change(
                id=int(row["id"]),
                changed_at=row["changed_at"],
                who=_who(row, names),
                attribute=labels.get(row["attribute_key"], row["attribute_key"]),
                old=_text(row["old_value"], scrubbed),
                new=EMPTY if row["source"] == "retention" else _text(row["new_value"], scrubbed),
                source=row["source"],
                actor=row["actor"],
                ref=row["ref"],
            )
        )
    return out


def count(store: Store, contact_id: int) -> int:
    return store.history.count_for(contact_id)
