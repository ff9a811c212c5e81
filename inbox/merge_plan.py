"""What a merge keeps: per attribute the candidate values and the chosen one, and the identifiers kept."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .contact_edits import BUILTIN_KEYS, SLOT
from .errors import InvalidInput

IDENTIFIER_KEYS = ("email", "phone", "external_id")  # built-in values that also route a person to a contact


@dataclass(frozen=True)
class Candidate:
    """One contact's value of an attribute: ``value`` as stored (``slots``: custom ones), and since when."""

    contact_id: int
    value: Any
    updated_at: datetime | None
    slots: tuple[Any, ...] | None = None


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def candidates(
    facts: Mapping[str, Any],
    types: Mapping[str, str],
    recency: Mapping[int, Mapping[str, datetime]] | None = None,
) -> dict[str, list[Candidate]]:
    """Per attribute key (built-in ones and every custom key any contact holds), each contact's value in the
    order of ``facts["contacts"]`` (survivor first). How recent a value is: a custom value's own
    ``updated_at``; a built-in value's is only known per contact (``contacts.updated_at``, the last change
    of ANY of its values) unless ``recency`` ({id: {key: when}}, e.g. from the value history) knows better.
    """
    rows = facts["contacts"]
    recency = recency or {}
    out: dict[str, list[Candidate]] = {}
    for key in BUILTIN_KEYS:
        out[key] = [
            Candidate(r["id"], r[key], recency.get(r["id"], {}).get(key, r["updated_at"])) for r in rows
        ]
    custom_keys = sorted({k for r in rows for k in facts["values"].get(r["id"], {})})
    for key in custom_keys:
        column = SLOT.get(types.get(key, ""), 0)
        out[key] = []
        for r in rows:
            held = facts["values"].get(r["id"], {}).get(key)
            value = held[column] if held is not None else None
            out[key].append(
                Candidate(r["id"], value, held[4] if held else None, tuple(held[:4]) if held else None)
            )
    return out


def default_choice(found: list[Candidate]) -> int:
    """The contact whose value survives by default: the most recently updated non-empty value (a tie goes
    to the earlier contact: the survivor first); the survivor when every value is empty."""
    best: Candidate | None = None
    for c in found:
        if _empty(c.value):
            continue
        if best is None or (c.updated_at or datetime.min) > (best.updated_at or datetime.min):
            best = c
    return best.contact_id if best is not None else found[0].contact_id


def build_plan(
    facts: Mapping[str, Any],
    types: Mapping[str, str],
    choices: Mapping[str, int],
    identity: Callable[[dict[str, Any]], dict[str, Any]],
    recency: Mapping[int, Mapping[str, datetime]] | None = None,
) -> dict[str, Any]:
    """The plan ``store.merge.merge_contacts`` writes: the survivor's new values, the keys that change,
    the identifiers the merged contacts leave (as aliases of the survivor) and their hashed identities."""
    rows = facts["contacts"]
    survivor, ids = rows[0], [r["id"] for r in rows]
    found = candidates(facts, types, recency)
    wrong = [k for k, cid in choices.items() if k not in found and k not in types or int(cid) not in ids]
    if wrong:
        raise InvalidInput(f"cannot choose the value of {', '.join(sorted(wrong))} from these contacts")
    builtin: dict[str, Any] = {}
    custom: dict[str, tuple[Any, ...] | None] = {}
    changed: list[str] = []
    for key, cands in found.items():
        chosen = int(choices[key]) if key in choices else default_choice(cands)
        winner = next(c for c in cands if c.contact_id == chosen)
        if key in BUILTIN_KEYS:
            if winner.value != survivor[key]:
                builtin[key] = None if _empty(winner.value) else winner.value
                changed.append(key)
        elif winner.slots != cands[0].slots:
            custom[key] = winner.slots if not _empty(winner.value) else None
            changed.append(key)
    if _empty(survivor["display_name"]):
        named = [r["display_name"] for r in sorted(rows[1:], key=lambda r: r["updated_at"], reverse=True)]
        if any(not _empty(n) for n in named):
            builtin["display_name"] = next(n for n in named if not _empty(n))
    return {
        "builtin": builtin,
        "custom": custom,
        "changed": changed,
        "aliases": _aliases(rows, facts.get("aliases", {}), {**survivor, **builtin}),
        "identities": [identity(r) for r in rows[1:]],
    }


def _aliases(
    rows: list[dict[str, Any]], held: Mapping[int, list[tuple[Any, ...]]], final: dict[str, Any]
) -> list[tuple[str, str | None, str, int]]:
    """(kind, platform, value, merged_from) of every identifier that would otherwise be lost: each merged
    contact's handle, e-mail, phone and external id, and the survivor's own ones its merge replaces;
    never one the survivor keeps as a value or already holds as an alias (those move with it)."""
    kept = {("handle", final["platform"], final["handle"])}
    kept |= {(k, None, final[k]) for k in IDENTIFIER_KEYS if not _empty(final[k])}
    kept |= {tuple(a) for aliases in held.values() for a in aliases}
    out: list[tuple[str, str | None, str, int]] = []
    for r in rows:
        mine = [(k, None, r[k]) for k in IDENTIFIER_KEYS if not _empty(r[k])]
        if r is not rows[0]:
            mine.insert(0, ("handle", r["platform"], r["handle"]))
        for ident in mine:
            if ident not in kept:
                kept.add(ident)
                out.append((*ident, int(r["id"])))
    return out


def initials(contact: Mapping[str, Any]) -> str | None:
    """A partial identity hint: the initials of the contact's name ("L. W."), never the name itself."""
    parts: list[Any] = [p for p in (contact.get("first_name"), contact.get("last_name")) if not _empty(p)]
    if not parts and not _empty(contact.get("display_name")):
        parts = str(contact["display_name"]).split()[:2]
    return " ".join(f"{str(p).strip()[0].upper()}." for p in parts) or None
