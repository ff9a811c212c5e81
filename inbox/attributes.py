"""Contact attributes: the admin's layout (order, on/off, custom typed attributes) with history.

``enabled_attributes`` is the one source of truth for what agents see and in what order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from validation.layout import BUILTIN_KEYS, layout_problems

from .auth import member_action, require_admin
from .errors import Conflict, NotFound, PreconditionFailed, Problems
from .models import Actor, utcnow
from .workspace import get_plan

if TYPE_CHECKING:
    from .store import Store

EDITABLE = ("label", "enabled", "options", "regex", "required_on_import")
FIXED = ("type", "builtin")


class LayoutInvalid(Problems):
    """A layout that fails validation; ``problems`` has one line per row and reason."""


@dataclass(frozen=True)
class Attribute:
    """One contact attribute as agents see it."""

    key: str
    label: str
    type: str
    builtin: bool
    enabled: bool
    position: int
    options: tuple[str, ...] | None = None
    regex: str | None = None
    required_on_import: bool = False
    crm_managed: bool = False


def _attribute(item: dict[str, Any], crm_on: bool) -> Attribute:
    return Attribute(
        **{
            **item,
            "options": tuple(item["options"]) if item.get("options") else None,
            "crm_managed": bool(item.get("crm_managed")) and crm_on,
        }
    )


def crm_in_force(store: Store) -> bool:
    """Whether the CRM marks apply: only on the Enterprise plan. On Team the marks are kept (they apply
    again after a switch back) but no attribute is managed: agents and imports can edit every one."""
    return get_plan(store) == "enterprise"


def enabled_attributes(store: Store) -> list[Attribute]:
    """The enabled attributes in the admin's order: what the agent panel and imports use.

    ``crm_managed`` is the attribute's CRM mark while the plan is Enterprise, ``False`` on Team."""
    crm_on = crm_in_force(store)
    return [_attribute(d, crm_on) for d in store.layout.attribute_definitions(enabled_only=True)]


def all_attributes(store: Store) -> list[Attribute]:
    """Every attribute in order (``crm_managed`` as in ``enabled_attributes``)."""
    crm_on = crm_in_force(store)
    return [_attribute(d, crm_on) for d in store.layout.attribute_definitions()]


def crm_marked(store: Store) -> list[str]:
    """Labels of the attributes marked managed by the CRM, whatever the plan (in force on Enterprise)."""
    return [d["label"] for d in store.layout.attribute_definitions() if d["crm_managed"]]


def load_layout(store: Store) -> tuple[int, list[dict[str, Any]]]:
    """``(version, layout)``: the current version number and every definition in order."""
    return store.layout.current_layout_version(), store.layout.attribute_definitions()


def renumber(layout: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort by position (ties keep their list order) and renumber positions 1..n."""
    ordered = sorted(enumerate(layout), key=lambda p: (_as_position(p[1].get("position")), p[0]))
    return [{**item, "position": n} for n, (_, item) in enumerate(ordered, start=1)]


def _as_position(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return float("inf")
    return number if number == number else float("inf")  # NaN sorts last


def _clean(item: dict[str, Any]) -> dict[str, Any]:
    options = item.get("options")
    if isinstance(options, str):
        options = [o.strip() for o in options.split(",")]
    if options is not None:
        options = [str(o).strip() for o in options if str(o).strip()] or None
    regex = item.get("regex")
    regex = str(regex).strip() if regex is not None and regex == regex and str(regex).strip() else None
    return {
        **item,
        "key": str(item.get("key") or "").strip(),
        "label": str(item.get("label") or "").strip(),
        "enabled": bool(item.get("enabled")),
        "required_on_import": bool(item.get("required_on_import")),
        "builtin": bool(item.get("builtin")),
        "crm_managed": bool(item.get("crm_managed")),
        "options": options,
        "regex": regex,
    }


def check_layout(
    store: Store, layout: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Normalise and validate an edited layout against the stored one.

    Returns ``(renumbered layout, deleted custom keys, problems)``.
    """
    current = {d["key"]: d for d in store.layout.attribute_definitions()}
    layout = renumber([_clean(item) for item in layout])
    problems = layout_problems(layout)
    keys = [item["key"] for item in layout]
    for n, item in enumerate(layout, start=1):
        old = current.get(item["key"])
        name = f"row {n} ({item['label'] or item['key']})"
        if old is None:
            if item["builtin"]:
                problems.append(f"{name}: built-in attributes cannot be added")
            continue
        for field in FIXED:
            if item.get(field) != old[field]:
                problems.append(f"{name}: {field} cannot change after creation (was {old[field]})")
        item["crm_managed"] = old["crm_managed"]
    deleted = [k for k in current if k not in keys]
    for key in deleted:
        if current[key]["builtin"]:
            problems.append(f"{current[key]['label']}: built-in attributes can be disabled, not deleted")
    return layout, deleted, problems


def diff_layouts(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    """Readable changes from ``old`` to ``new`` (both lists of definitions)."""
    before = {d["key"]: d for d in old}
    after = {d["key"]: d for d in new}
    changes = []
    for key, d in after.items():
        label = d["label"]
        if key not in before:
            changes.append(f"added {d['type']} attribute {label} ({key})")
            continue
        b = before[key]
        if b["label"] != label:
            changes.append(f"renamed {b['label']} to {label}")
        if b["enabled"] != d["enabled"]:
            changes.append(f"{'enabled' if d['enabled'] else 'disabled'} {label}")
        if b["position"] != d["position"]:
            changes.append(f"moved {label} from {b['position']} to {d['position']}")
        if (b.get("options") or None) != (d.get("options") or None):
            changes.append(
                f"options of {label}: {', '.join(b.get('options') or []) or '—'}"
                f" → {', '.join(d.get('options') or []) or '—'}"
            )
        if (b.get("regex") or None) != (d.get("regex") or None):
            changes.append(f"pattern of {label}: {b.get('regex') or '—'} → {d.get('regex') or '—'}")
        if bool(b.get("required_on_import")) != bool(d.get("required_on_import")):
            changes.append(
                f"{label} {'now' if d.get('required_on_import') else 'no longer'} required on import"
            )
    changes += [f"deleted attribute {before[k]['label']} ({k})" for k in before if k not in after]
    return changes


@member_action("change the contact attribute layout")
def save_layout(
    store: Store,
    actor: Actor,
    layout: list[dict[str, Any]],
    *,
    base_version: int,
    reverted_from: int | None = None,
) -> int:
    """Validate and save an edited layout as a new version. Admins only.

    Positions are renumbered 1..n. Raises ``LayoutInvalid`` (nothing saved) or ``Conflict``
    when another admin saved since ``base_version``. Returns the new version (or
    ``base_version`` when nothing changed).
    """
    require_admin(actor, "change the contact attribute layout")
    layout, deleted, problems = check_layout(store, layout)
    if problems:
        raise LayoutInvalid(problems)
    current = store.layout.attribute_definitions()
    changes = diff_layouts(current, layout)
    if reverted_from is not None:
        changes.insert(0, f"reverted to version {reverted_from}")
    if not changes or changes == [f"reverted to version {reverted_from}"]:
        if store.layout.current_layout_version() != base_version:
            raise Conflict("another admin saved since you loaded this layout; reload")
        return base_version
    return store.layout.save_layout(
        base_version=base_version,
        layout=layout,
        deleted_keys=deleted,
        saved_by=actor.email,
        saved_at=utcnow(),
        changes=changes,
        snapshot=layout,
        reverted_from=reverted_from,
    )


@member_action("revert the contact attribute layout")
def revert_layout(store: Store, actor: Actor, version: int, *, base_version: int) -> int:
    """Make version ``version`` current again, as a new version. Admins only.

    Never deletes data: attributes created after that version stay, disabled, at the end;
    attributes deleted since come back (without their old values).
    """
    require_admin(actor, "revert the contact attribute layout")
    snapshot = store.layout.layout_snapshot(version)
    if snapshot is None:
        raise NotFound(f"there is no layout version {version}")
    kept = {d["key"] for d in snapshot}
    extra = [
        {**d, "enabled": False, "position": len(snapshot) + n}
        for n, d in enumerate(
            (d for d in store.layout.attribute_definitions() if d["key"] not in kept), start=1
        )
    ]
    return save_layout(store, actor, snapshot + extra, base_version=base_version, reverted_from=version)


def history(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """Saved versions, newest first: version, saved_at, saved_by, changes, reverted_from."""
    return store.layout.layout_versions(limit)


def values_count(store: Store, key: str) -> int:
    """How many contacts have a value for attribute ``key``."""
    return store.layout.count_contacts_with_value(key)


def new_attribute(
    layout: list[dict[str, Any]],
    *,
    label: str,
    key: str,
    type: str,
    options: str | Iterable[Any] | None = None,
    regex: str | None = None,
    required_on_import: bool = False,
) -> list[dict[str, Any]]:
    """``layout`` plus a new enabled custom attribute at the end (validated when saved)."""
    item = _clean(
        {
            "key": key,
            "label": label,
            "type": type,
            "builtin": False,
            "enabled": True,
            "position": len(layout) + 1,
            "options": options,
            "regex": regex,
            "required_on_import": required_on_import,
            "crm_managed": False,
        }
    )
    name = item["label"] or "New attribute"
    problems = layout_problems([{**item, "position": 1}], name=lambda _, __: name)
    taken = next((d for d in layout if d.get("key") == item["key"]), None)
    if taken is not None:
        problems.append(f"the key {item['key']} is already used by {taken['label']}: choose another key")
    elif item["key"] in BUILTIN_KEYS:
        problems.append(f"the key {item['key']} belongs to a built-in attribute: choose another key")
    if problems:
        raise LayoutInvalid(problems)
    return layout + [item]


def place(layout: list[dict[str, Any]], wanted: dict[str, Any]) -> list[dict[str, Any]]:
    """``layout`` (renumbered) with each attribute of ``wanted`` (key → the position typed in the Order
    column) put at that position, the others keeping their order around it: typing 2 makes it second.

    Positions below 1 mean first, beyond the end last, and anything not a number leaves the row in place.
    """
    rows = renumber(layout)
    targets = {k: _as_position(v) for k, v in wanted.items() if _as_position(v) != float("inf")}
    moved = sorted((r for r in rows if r["key"] in targets), key=lambda r: targets[r["key"]])
    rows = [r for r in rows if r["key"] not in targets]
    for item in moved:
        rows.insert(min(max(int(targets[item["key"]]), 1), len(rows) + 1) - 1, item)
    return [{**r, "position": n} for n, r in enumerate(rows, start=1)]


def move(layout: list[dict[str, Any]], key: str, where: str) -> list[dict[str, Any]]:
    """``layout`` (renumbered) with ``key`` moved ``top``, ``up``, ``down`` or ``bottom``."""
    rows = renumber(layout)
    i = next((n for n, r in enumerate(rows) if r["key"] == key), None)
    if i is None:
        raise NotFound(f"no attribute {key} in the layout")
    item = rows.pop(i)
    j = {"top": 0, "up": max(i - 1, 0), "down": min(i + 1, len(rows)), "bottom": len(rows)}[where]
    rows.insert(j, item)
    return [{**r, "position": n} for n, r in enumerate(rows, start=1)]


EXPORT_FIELDS = ("key", "label", "type", "enabled", "order", "options", "regex", "required_on_import")


def export_layout(store: Store) -> list[dict[str, Any]]:
    """The layout as plain data (``order`` = position) for ``layout export``."""
    return [
        {f: (d["position"] if f == "order" else d.get(f)) for f in EXPORT_FIELDS}
        for d in store.layout.attribute_definitions()
    ]


@member_action("change the contact attribute layout")
def import_layout(store: Store, actor: Actor, items: object, *, base_version: int | None = None) -> int:
    """Apply an exported layout (list of objects) with the same validation as the page.

    Every current attribute must be listed (disable rather than drop). Raises ``LayoutInvalid``
    with one problem per line and changes nothing when invalid; ``PreconditionFailed`` when the layout is no
    longer at ``base_version`` (when given: the version the items were read at).
    """
    require_admin(actor, "change the contact attribute layout")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise LayoutInvalid(["the layout must be a JSON list of objects"])
    version, current = load_layout(store)
    if base_version is not None and base_version != version:
        raise PreconditionFailed(
            f"the layout changed since version {base_version} (it is at version {version});"
            " nothing was saved",
            version,
        )
    by_key = {d["key"]: d for d in current}
    problems, layout = [], []
    for n, item in enumerate(items, start=1):
        unknown = sorted(set(item) - set(EXPORT_FIELDS))
        missing = [f for f in ("key", "label", "type", "enabled", "order") if f not in item]
        if unknown or missing:
            problems.append(
                f"item {n}: "
                + "; ".join(
                    ([f"unknown field(s) {', '.join(unknown)}"] if unknown else [])
                    + ([f"missing field(s) {', '.join(missing)}"] if missing else [])
                )
            )
            continue
        if not isinstance(item["order"], int) or isinstance(item["order"], bool) or item["order"] < 1:
            problems.append(
                f"item {n} ({item['key']}): order must be a whole number ≥ 1, not {item['order']!r}"
            )
            continue
        old = by_key.get(item["key"], {"builtin": False, "crm_managed": False})
        layout.append(
            {**item, "position": item["order"], "builtin": old["builtin"], "crm_managed": old["crm_managed"]}
        )
    listed = {i.get("key") for i in items if isinstance(i, dict)}
    problems += [
        f"{d['label']} ({d['key']}) is missing: list it (with \"enabled\": false to hide it)"
        for d in current
        if d["key"] not in listed
    ]
    if problems:
        raise LayoutInvalid(problems)
    return save_layout(store, actor, layout, base_version=version)
