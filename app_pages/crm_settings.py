"""Admin settings › Integrations › CRM: lookup URL, write-only secret, timeout, lookup, managed attributes."""

import streamlit as st

from inbox import attributes as attrs
from inbox import crm
from inbox.errors import InboxError
from ui.session import member_callback, require_admin
from ui.text import literal, plain
from ui.wording import count, listed, sentence

S = st.session_state
PROTOCOL = """
**Request** — `POST` to the lookup URL, a UTF-8 JSON body:
`{"contact_id": 42, "platform": "whatsapp", "handle": "+33612345678", "display_name": "…",
"lookup": {"key": "email", "value": "ada@example.com"}, "attributes": {"email": "ada@example.com", …}}`
(*Test connection* sends `"test": true` and no contact). Headers: `X-Inbox-Timestamp` (unix seconds) and
`X-Inbox-Signature` = hex HMAC-SHA256 keyed with the shared secret (UTF-8) of `<timestamp>.<body bytes>`.

**Answer** — HTTP 200 with a JSON object of field → text, number, true/false or null, signed the same way
(its own `X-Inbox-Timestamp`, and `X-Inbox-Signature` over `<timestamp>.<answer body bytes>`); at most 1 MB.
Fields map to attributes through the alias map (or by attribute key); unknown fields are ignored. Unsigned,
wrongly signed or stale (±5 min) answers, invalid JSON, lists or nested values are refused, and so are
timeouts, redirects and any 4xx/5xx: the contact stays unchanged and its panel shows why.
"""
PLAN_ADDS = """
- Agents see **Validated** and the time of the last CRM lookup on each contact, and can **Refresh from CRM**.
- New contacts are looked up in your CRM or back-end as soon as their first message arrives.
- Attributes **managed by the CRM** are filled by it and read-only for agents and imports.
- `python -m inbox crm sync --all` looks every contact up in bulk (with retries and a concurrency limit).
- Every request and answer is signed (HMAC-SHA256 with a shared secret).
"""


def said(where: str, flash: str | None = None, errors: list[str] | None = None) -> None:
    """Keep an action's outcome for ``outcome(where)``, drawn beside that action."""
    S["crm.outcome"] = (where, flash, errors or [])


def outcome(where: str) -> None:
    if S.get("crm.outcome", ("",))[0] != where:
        return
    _, flash, errors = S.pop("crm.outcome")
    if flash:  # our own words, no user data
        st.success(flash)
    for problem in errors:
        st.error(literal(sentence(problem)))


@member_callback
def on_generate() -> None:
    S["crm.secret"] = S["crm.generated"] = crm.generate_secret()


@member_callback
def on_save(store, me) -> None:
    try:
        crm.save_settings(
            store,
            me.actor,
            lookup_url=S["crm.url"],
            timeout_seconds=S["crm.timeout"],
            lookup_key=S["crm.lookup_key"],
            aliases=S["crm.aliases"],
            enabled=S["crm.enabled"],
            secret=S.get("crm.secret") or None,
        )
        said("form", "CRM settings saved.")
        S["crm.secret"] = ""  # the secret never stays in the form
    except crm.SettingsInvalid as exc:
        said("form", errors=exc.problems)
    except InboxError as exc:
        said("form", errors=[str(exc)])


@member_callback
def on_managed(store, me, version: int, key: str) -> None:
    try:
        saved = crm.set_managed(store, me.actor, S.get(key) or [], base_version=version)
        said(
            "managed",
            f"Managed attributes saved as layout version {saved}."
            if saved != version
            else "Managed attributes unchanged.",
        )
    except InboxError as exc:
        said("managed", errors=[str(exc)])


@member_callback
def on_test(store, me) -> None:
    try:
        S["crm.test"] = crm.test_connection(store, me.actor)
    except InboxError as exc:
        said("test", errors=[str(exc)])


def team_plan(store, me, definitions) -> None:
    """What a Team workspace sees: what Enterprise adds, and a way to release attributes still managed."""
    st.info(
        "The CRM integration is part of the **Enterprise** plan. This workspace is on Team: no request "
        "is ever sent to a CRM.",
        icon=":material/lock:",
    )
    st.markdown("**What Enterprise adds**" + PLAN_ADDS)
    st.caption("An admin can change the plan in Admin settings › Workspace › Members & plan.")
    marked = attrs.crm_marked(store)
    if marked:
        one = len(marked) == 1
        st.info(
            f"{literal(listed(marked))} {'is' if one else 'are'} marked managed by the CRM. The mark does "
            f"not apply on Team: agents and imports can edit {'it' if one else 'them'}. Back on Enterprise, "
            f"the CRM manages {'it' if one else 'them'} again (read-only, filled by each lookup) unless you "
            "remove the mark.",
            icon=":material/info:",
        )
        version, _ = attrs.load_layout(store)
        S["crm.release"] = []
        st.button(
            "Remove the CRM mark",
            key="crm.release.go",
            on_click=on_managed,
            args=(store, me, version, "crm.release"),
        )
    outcome("managed")


def settings_form(store, me, settings, definitions, labels) -> list[str]:
    """Status, secret generation and the settings form; returns the attribute keys."""
    if settings is None:
        st.info("No CRM is configured yet: fill in the lookup URL and a shared secret, then save.")
    else:
        counts = crm.lookup_counts(store)
        st.caption(
            f"Lookups {'on' if settings.enabled else 'off'} · saved "
            f"{settings.updated_at:%Y-%m-%d %H:%M} UTC by {literal(settings.updated_by)} · contacts "
            f"validated {counts['validated']:,}, failed {counts['failed']:,}, never looked up "
            f"{counts['never']:,}"
        )

    for problem in crm.settings_problems(store):
        st.warning(literal(sentence(problem)))
    if generated := S.pop("crm.generated", None):
        st.warning(
            "New secret — copy it to your CRM now: it is shown only this once. Press **Save** to use it."
        )
        st.code(generated, language=None)
    st.button("Generate a new secret", key="crm.generate", icon=":material/key:", on_click=on_generate)
    with st.form("crm.form", border=True):
        st.text_input(
            "Lookup URL",
            value=settings.lookup_url if settings else "",
            key="crm.url",
            placeholder="https://crm.example.com/inbox-lookup",
        )
        st.text_input(
            "Shared secret",
            type="password",
            key="crm.secret",
            placeholder=("A secret is set — type a new one to replace it" if settings else "Required"),
            help="Write-only: it is never shown again. It signs every request and every answer.",
        )
        st.caption(
            f"A secret is set (since {settings.secret_set_at:%Y-%m-%d %H:%M} UTC, by "
            f"{literal(settings.secret_set_by)})."
            if settings
            else "No secret is set yet."
        )
        st.number_input(
            "Timeout (seconds)",
            min_value=crm.TIMEOUT_MIN,
            max_value=crm.TIMEOUT_MAX,
            step=0.5,
            value=float(settings.timeout_seconds if settings else crm.DEFAULT_TIMEOUT),
            key="crm.timeout",
        )
        keys = [a.key for a in definitions]
        current = settings.lookup_key if settings and settings.lookup_key in keys else "email"
        st.selectbox(
            "Lookup attribute",
            keys,
            index=keys.index(current) if current in keys else 0,
            format_func=labels.get,
            key="crm.lookup_key",
            help="Its value is sent as the lookup key (with the platform, handle and every attribute).",
        )
        st.text_area(
            "Alias map",
            value=crm.format_aliases(settings.aliases if settings else {}),
            key="crm.aliases",
            placeholder="jobTitle = job_title\naccountNumber = account_id",
            help="One line per CRM field: crm_field = attribute_key. A field named like an "
            "attribute key needs no line; other fields are ignored.",
        )
        st.checkbox(
            "Look contacts up (new contacts, Refresh from CRM, crm sync)",
            key="crm.enabled",
            value=settings.enabled if settings else True,
        )
        st.form_submit_button("Save", type="primary", on_click=on_save, args=(store, me))
    outcome("form")
    return keys


def test_connection(store, me, settings, labels) -> None:
    st.subheader("Test connection")
    st.button(
        "Test connection",
        key="crm.test.go",
        icon=":material/network_check:",
        on_click=on_test,
        args=(store, me),
        disabled=settings is None,
        help="Sends a signed sample lookup with the saved settings; writes nothing.",
    )
    outcome("test")
    if (test := S.pop("crm.test", None)) is not None:
        if test.ok:
            names = ", ".join(labels.get(k, k) for k in test.written) or "no attribute"
            extra = (f" Ignored: {', '.join(test.ignored)}." if test.ignored else "") + (
                f" Problems: {'; '.join(test.skipped)}." if test.skipped else ""
            )
            st.success(
                literal(
                    f"Connected in {test.seconds * 1000:.0f} ms: the CRM answered "
                    f"{count(test.fields, 'field')}, mapped to {names}.{extra}"
                )
            )
        else:
            st.error(literal(f"Connection failed: {test.error}"))


def render(store) -> None:
    me = require_admin("the CRM settings")
    st.title("CRM")
    definitions = attrs.all_attributes(store)
    labels = {a.key: plain(f"{a.label} ({a.key})") for a in definitions}
    if not crm.is_enterprise(store):
        team_plan(store, me, definitions)
        return

    settings = crm.get_settings(store)
    keys = settings_form(store, me, settings, definitions, labels)

    st.subheader("Attributes managed by the CRM")
    st.caption(
        "Read-only for agents and imports; every lookup writes the CRM's value (null clears it). "
        "Other attributes are filled only while empty."
    )
    version, _ = attrs.load_layout(store)
    managed_key = f"crm.managed.{version}"
    st.multiselect(
        "Managed by the CRM",
        keys,
        default=[a.key for a in definitions if a.crm_managed],
        format_func=labels.get,
        key=managed_key,
    )
    st.button(
        "Save managed attributes",
        key="crm.managed.go",
        on_click=on_managed,
        args=(store, me, version, managed_key),
    )
    outcome("managed")

    test_connection(store, me, settings, labels)
    with st.expander("Lookup protocol (for your CRM developers)"):
        st.markdown(PROTOCOL)
