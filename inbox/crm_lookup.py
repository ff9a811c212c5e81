"""One CRM lookup of one contact: the signed request, the answer mapped and validated, the write, the status.

The answer's fields map to attributes through the alias map (else a field named like an attribute key
is taken as is; any other field is ignored). Values pass the very normalisation and checks of a panel
edit (``validation.contact_values.check_values``); an invalid field is skipped and reported, the others
are still written. CRM-managed attributes take the CRM's value (null clears them); other attributes
are filled only when empty. The write is versioned (a concurrent edit is re-read once, never
overwritten blindly) and stamped ``crm``; the outcome is recorded for the contact panel.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import crm_client
from .attributes import all_attributes

# The conversions a panel edit uses (form value → validation input → stored value), shared on purpose.
from .contact_edits import storage_columns, typed_values
from .contacts import get_contact
from .crm_client import CrmFailure
from .errors import Conflict, InboxError, NotFound
from .models import utcnow

if TYPE_CHECKING:
    from .attributes import Attribute
    from .contacts import Contact
    from .store import Store

CRM_WRITER = "crm"  # updated_by of everything a lookup writes
MAX_RETRY_WAIT = 60.0
log = logging.getLogger("inbox.crm")
Mapped = dict[str, tuple[str, Any]]  # attribute key → (the CRM field, its value)


@dataclass
class LookupResult:
    """What one lookup did. ``ok`` is false for any failure, then ``error`` (and ``error_kind``) say why and
    nothing was written. ``written`` are the attribute keys changed; ``kept`` the non-managed attributes
    left as they were because they had a value; ``skipped`` one line per invalid field; ``ignored``
    the answer's fields that map to no attribute."""

    contact_id: int | None
    ok: bool
    error: str | None = None
    error_kind: str | None = None
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    fields: int = 0
    attempts: int = 1
    seconds: float = 0.0
    recorded: bool = False

    def summary(self) -> str:
        """One line for people: what was filled, kept, skipped, or why it failed."""
        if not self.ok:
            return f"CRM lookup failed: {self.error}"
        parts = [
            f"{len(self.written)} attribute{'s' if len(self.written) != 1 else ''} updated"
            if self.written
            else "nothing to update"
        ]
        if self.kept:
            parts.append(f"{len(self.kept)} kept (already filled, not managed by the CRM)")
        if self.skipped:
            parts.append(f"{len(self.skipped)} invalid field{'s' if len(self.skipped) != 1 else ''} skipped")
        if self.ignored:
            parts.append(f"{len(self.ignored)} unknown field{'s' if len(self.ignored) != 1 else ''} ignored")
        return "Looked up in the CRM: " + ", ".join(parts) + "."


def payload(contact: Contact, config: dict[str, Any], definitions: Iterable[Attribute]) -> dict[str, Any]:
    """The request body for ``contact``: id, platform, handle, the lookup attribute and every attribute."""
    key = config["lookup_key"]
    return {
        "contact_id": contact.id,
        "platform": contact.platform,
        "handle": contact.handle,
        "display_name": contact.display_name,
        "lookup": {"key": key, "value": contact.values.get(key)},
        "attributes": {a.key: contact.values.get(a.key) for a in definitions},
    }


def call(
    config: dict[str, Any], body: dict[str, Any], *, retries: int = 0, backoff: float = 0.5
) -> tuple[dict[str, Any], int]:
    """The CRM's answer to ``body`` and the number of attempts; retries retryable failures (429, 5xx,
    timeouts, connection errors) ``retries`` times, waiting ``backoff`` s, then twice as long each
    time (or the server's Retry-After, at most a minute). Raises the last ``CrmFailure``."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return crm_client.lookup(
                config["lookup_url"], config["secret"], body, config["timeout_seconds"]
            ), attempt
        except CrmFailure as exc:
            exc.attempts = attempt
            if not exc.retryable or attempt > retries:
                raise
            wait = exc.retry_after if exc.retry_after is not None else backoff * 2 ** (attempt - 1)
            time.sleep(min(wait * random.uniform(0.9, 1.1), MAX_RETRY_WAIT))


def map_fields(
    answer: dict[str, Any], aliases: dict[str, str], definitions: Mapping[str, Attribute]
) -> tuple[Mapped, list[str], list[str]]:
    """``({key: (field, value)}, ignored fields, skipped lines)``: an alias wins over a field named like
    the key."""
    mapped: Mapped = {}
    ignored: list[str] = []
    skipped: list[str] = []
    direct = [(f, v) for f, v in answer.items() if f not in aliases]
    for name, value in [(f, v) for f, v in answer.items() if f in aliases] + direct:
        key = aliases.get(name, name)
        if key not in definitions:
            if name in aliases:
                skipped.append(f"{name[:60]} → {key}: no such attribute (fix the alias map)")
            else:
                ignored.append(name[:60])
        elif key in mapped:
            ignored.append(f"{name[:60]} (also sent as {mapped[key][0][:60]})")
        else:
            mapped[key] = (name, value)
    return mapped, ignored, skipped


def plan_changes(
    contact: Contact, mapped: Mapped, definitions: Mapping[str, Attribute], region: str | None
) -> tuple[dict[str, Any], list[str], list[str], list[str]]:
    """``(changes, kept, skipped, unchanged)`` for ``contact``: typed values to write by key."""
    changes: dict[str, Any] = {}
    kept: list[str] = []
    skipped: list[str] = []
    unchanged: list[str] = []
    inputs: dict[str, Any] = {}
    for key, (_name, value) in mapped.items():
        attr = definitions[key]
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:  # the CRM knows nothing: clear a managed value, leave any other alone
            if attr.crm_managed and contact.values.get(key) is not None:
                changes[key] = None
            continue
        inputs[key] = value
    if inputs:
        typed, problems = typed_values(inputs, definitions, region)
        bad = {k: f"{reason} ({str(value)[:80]})" for k, (reason, value) in problems.items()}
        for key in inputs:
            attr, current = definitions[key], contact.values.get(key)
            if key in bad:
                skipped.append(f"{mapped[key][0][:60]} → {attr.label}: {bad[key]}")
                continue
            value = typed[key]
            if value == current:
                unchanged.append(key)
            elif attr.crm_managed or current is None or current == "":
                changes[key] = value
            else:
                kept.append(key)
    return changes, kept, skipped, unchanged


def write(
    store: Store, contact: Contact, changes: dict[str, Any], definitions: Mapping[str, Attribute]
) -> None:
    """Save ``changes`` at the contact's version, stamped ``crm`` (``Conflict``/``NotFound`` as the store
    says)."""
    builtin, custom = storage_columns(changes, definitions)
    store.contacts.update_contact_values(
        contact.id, contact.version, builtin, custom, CRM_WRITER, utcnow(), source="crm"
    )


def apply_answer(
    store: Store,
    contact: Contact,
    answer: dict[str, Any],
    config: dict[str, Any],
    region: str | None,
    definitions: Mapping[str, Attribute],
) -> LookupResult:
    """Map, validate and write ``answer`` to ``contact`` (as read before the call); when someone saved
    meanwhile, re-read once and redo, so their edit is seen, never overwritten blindly."""
    mapped, ignored, skipped_map = map_fields(answer, config["aliases"], definitions)
    for attempt in (1, 2):
        changes, kept, skipped, _ = plan_changes(contact, mapped, definitions, region)
        try:
            if changes:
                write(store, contact, changes, definitions)
            break
        except Conflict as exc:
            if attempt == 2:
                raise Conflict(
                    "the contact kept changing during the CRM lookup; nothing was saved — try again"
                ) from exc
            contact = get_contact(store, contact.id, list(definitions.values()))
    return LookupResult(
        contact.id,
        ok=True,
        written=sorted(changes),
        kept=sorted(kept),
        skipped=skipped_map + skipped,
        ignored=ignored,
        fields=len(answer),
    )


def run(
    store: Store,
    contact_id: int,
    config: dict[str, Any],
    *,
    by: str,
    trigger: str,
    region: str,
    retries: int = 0,
    backoff: float = 0.5,
) -> LookupResult:
    """Look the contact up, write what the CRM says, record the outcome. Raises nothing for CRM or data
    failures (they are in the result and the recorded status); a vanished contact is not recorded."""
    started = time.monotonic()
    result = LookupResult(contact_id, ok=False)
    try:
        attributes = all_attributes(store)
        contact = get_contact(store, contact_id, attributes)
        answer, attempts = call(
            config, payload(contact, config, attributes), retries=retries, backoff=backoff
        )
        result = apply_answer(store, contact, answer, config, region, {a.key: a for a in attributes})
        result.attempts = attempts
    except NotFound:
        result.error, result.error_kind = "the contact no longer exists", "not_found"
        result.seconds = time.monotonic() - started
        return result
    except CrmFailure as exc:
        result.error, result.error_kind, result.attempts = exc.message, exc.kind, getattr(exc, "attempts", 1)
    except InboxError as exc:
        result.error, result.error_kind = str(exc), "save"
    except Exception as exc:  # a database hiccup must not lose the message being received, nor crash a sync
        log.warning("CRM lookup of contact %s could not be saved: %s", contact_id, type(exc).__name__)
        result.error, result.error_kind = f"the answer could not be saved ({type(exc).__name__})", "save"
    result.seconds = time.monotonic() - started
    try:
        result.recorded = store.crm.record_crm_lookup(
            contact_id,
            ok=result.ok,
            at=utcnow(),
            by=by,
            trigger=trigger,
            error=result.error,
            written=result.written,
            skipped=result.skipped,
        )
    except Exception as exc:  # noqa: BLE001 — the status is best effort; the result still says what happened
        log.warning("CRM lookup status of contact %s not recorded: %s", contact_id, type(exc).__name__)
    return result
