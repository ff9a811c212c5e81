"""Creating one contact (the API's create): the import's validation, refused when its identity is taken."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from validation.contact_import import DISPLAY_NAME, HANDLE, PLATFORM, check_import

from .auth import member_action
from .contact_edits import form_text, storage_columns, stored_value
from .contacts import Contact, get_contact
from .errors import Conflict, ContactInvalid, InvalidInput, PermissionDenied
from .import_frames import attribute_dicts
from .models import Actor, utcnow

if TYPE_CHECKING:
    from .store import Store

PHONE_PLATFORM = "sms"  # a contact known by its phone only is reached by SMS (the import's default)
NEEDS_IDENTITY = "a new contact needs an email, a phone, or platform and handle"
SPECIAL = {PLATFORM: "platform", HANDLE: "handle", DISPLAY_NAME: "display_name"}
WHAT = {"handle": "platform and handle", "email": "email", "phone": "phone", "external_id": "external id"}


class DuplicateContact(Conflict):
    """The new contact's platform and handle, e-mail, phone or external id is another contact's:
    ``contact_id`` is that contact (nothing was created)."""

    def __init__(self, contact_id: int, what: str, value: str):
        self.contact_id = contact_id
        super().__init__(
            f"contact #{contact_id} already has this {what} ({value}); update that contact instead"
        )


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


@member_action("add contacts", admin=False)
def create_contact(
    store: Store,
    actor: Actor,
    values: dict[str, Any],
    *,
    platform: str | None = None,
    handle: str | None = None,
    display_name: str | None = None,
    default_region: str | None = None,
) -> Contact:
    """Create a contact (admins and agents) from attribute values by key, checked as an imported row is
    (normalised e-mail and phone, types, options, patterns, attributes required on import).

    Its identity is its platform and handle, else its e-mail (platform ``email``), else its phone (``sms``),
    as for a contact an import creates. Raises ``ContactInvalid`` (each value with its reason),
    ``InvalidInput`` without an identity, ``PermissionDenied`` for attributes disabled or managed by the CRM,
    ``DuplicateContact`` when a contact already has that platform and handle, e-mail, phone or external id.
    """
    from .attributes import all_attributes

    defs = {a.key: a for a in all_attributes(store)}
    unknown = [k for k in values if k not in defs]
    if unknown:
        raise ContactInvalid({k: "no such attribute" for k in unknown})
    managed = [defs[k].label for k, v in values.items() if defs[k].crm_managed and form_text(v, "text")]
    if managed:
        raise PermissionDenied(f"{', '.join(managed)} is managed by the CRM and read-only")
    hidden = [defs[k].label for k, v in values.items() if not defs[k].enabled and form_text(v, "text")]
    if hidden:
        raise PermissionDenied(
            f"{', '.join(hidden)} is disabled in the contact layout and cannot be set"
            " (an admin can enable it in Contact attributes)"
        )
    if default_region is None:
        from .workspace import default_region as workspace_region

        default_region = workspace_region(store)
    usable = [a for a in defs.values() if a.enabled and not a.crm_managed]
    raw = {a.key: form_text(values.get(a.key), a.type) for a in usable}
    usable = [a for a in usable if raw[a.key] is not None or a.required_on_import]  # (blank ones: no check)
    raw = {a.key: raw[a.key] for a in usable}
    if form_text(platform, "text") or form_text(handle, "text"):
        raw.update({PLATFORM: form_text(platform, "text"), HANDLE: form_text(handle, "text")})
    if form_text(display_name, "text"):
        raw[DISPLAY_NAME] = form_text(display_name, "text")
    frame = pd.DataFrame({k: pd.Series([v], dtype=object) for k, v in raw.items()})
    typed, problems = check_import(frame, attribute_dicts(usable), default_region=default_region)
    by_key: dict[str, str] = {}
    for p in problems.to_dict("records"):
        if not _missing(p["column"]):
            shown = "" if _missing(p["value"]) else f" ({p['value']})"
            by_key[SPECIAL.get(str(p["column"]), str(p["column"]))] = f"{p['reason']}{shown}"
    if by_key:
        raise ContactInvalid(by_key)
    kept = {a.key: stored_value(typed[a.key].iloc[0], a.type) for a in usable}
    kept = {k: v for k, v in kept.items() if v is not None}
    builtin, custom = storage_columns(kept, defs)
    the_handle = stored_value(typed[HANDLE].iloc[0], "text") if HANDLE in typed else None
    name = stored_value(typed[DISPLAY_NAME].iloc[0], "text") if DISPLAY_NAME in typed else None
    if the_handle is not None:
        identity = (str(stored_value(typed[PLATFORM].iloc[0], "text")), str(the_handle))
    elif builtin.get("email"):
        identity = ("email", str(builtin["email"]))
    elif builtin.get("phone"):
        identity = (PHONE_PLATFORM, str(builtin["phone"]))
    else:
        raise InvalidInput(NEEDS_IDENTITY)
    contact_id, taken = store.contacts.create_contact(*identity, name, builtin, custom, actor.email, utcnow())
    if taken is not None:
        shown = " ".join(identity) if taken == "handle" else str(builtin[taken])
        raise DuplicateContact(contact_id, WHAT[taken], shown)
    return get_contact(store, contact_id)
