"""Built-in import templates: the column headers of the exports people bring (Google, Outlook, HubSpot…).

Each template is ``{"mapping": {header: target or None}, "fallbacks": {target: [header, …]}}``
(see ``mapping_fallbacks``). A template names every version of a vendor's header it knows (Google's
legacy ``Given Name``/``Organization 1 - Name`` and its 2023+ ``First Name``/``Organization Name``);
columns a file lacks are simply not used. Vendor-internal record ids (Chatwoot ``id``, Zendesk ``id``,
Mailchimp ``LEID``/``EUID``) are left unmapped: they identify the row in the vendor's database, not
the customer in ours; the id the customer is known by elsewhere (``external_id``, ``identifier``,
``User ID``, ``Unique external ID``) or the CRM record id (HubSpot ``Record ID``, Salesforce
``Contact ID``) is the external id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import InvalidInput
from .mapping import DISPLAY_NAME, fold

if TYPE_CHECKING:
    from .store import Store

SUFFIX = " (built-in)"


def _numbered(kind: str, last: int, part: str) -> list[str]:
    return [f"{kind} {n} - {part}" for n in range(1, last + 1)]


_GOOGLE_IGNORED = [
    "Additional Name",
    "Middle Name",
    "Yomi Name",
    "Given Name Yomi",
    "Additional Name Yomi",
    "Family Name Yomi",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Initials",
    "Nickname",
    "Short Name",
    "Maiden Name",
    "File As",
    "Birthday",
    "Gender",
    "Location",
    "Billing Information",
    "Directory Server",
    "Mileage",
    "Occupation",
    "Hobby",
    "Sensitivity",
    "Priority",
    "Subject",
    "Notes",
    "Photo",
    "Group Membership",
    "Labels",
    "Organization 1 - Type",
    "Organization 1 - Yomi Name",
    "Organization 1 - Department",
    "Organization 1 - Symbol",
    "Organization 1 - Location",
    "Organization 1 - Job Description",
    "Organization Department",
    "Website 1 - Type",
    "Website 1 - Label",
    "Website 1 - Value",
    *_numbered("E-mail", 4, "Type"),
    *_numbered("E-mail", 4, "Label"),
    *_numbered("Phone", 4, "Type"),
    *_numbered("Phone", 4, "Label"),
]

BUILTIN: dict[str, dict[str, Any]] = {
    "Google Contacts": {
        "mapping": {
            "Name": DISPLAY_NAME,
            "Given Name": "first_name",
            "Family Name": "last_name",
            "First Name": "first_name",
            "Last Name": "last_name",
            "E-mail 1 - Value": "email",
            "Phone 1 - Value": "phone",
            "Organization 1 - Name": "account_id",
            "Organization Name": "account_id",
            "Organization 1 - Title": "job_title",
            "Organization Title": "job_title",
            "Language": "language",
            **dict.fromkeys(_GOOGLE_IGNORED),
        },
        "fallbacks": {
            "email": ["E-mail 2 - Value", "E-mail 3 - Value", "E-mail 4 - Value"],
            "phone": ["Phone 2 - Value", "Phone 3 - Value", "Phone 4 - Value"],
        },
    },
    "Outlook": {
        "mapping": {
            "Title": None,
            "First Name": "first_name",
            "Middle Name": None,
            "Last Name": "last_name",
            "Suffix": None,
            "Company": "account_id",
            "Department": None,
            "Job Title": "job_title",
            "E-mail Address": "email",
            "E-mail Type": None,
            "E-mail Display Name": None,
            "E-mail 2 Type": None,
            "E-mail 2 Display Name": None,
            "E-mail 3 Type": None,
            "E-mail 3 Display Name": None,
            "Mobile Phone": "phone",
            "Language": "language",
            "Account": None,
            "Organizational ID Number": None,
            "Initials": None,
            "Gender": None,
            "Notes": None,
            "Categories": None,
            "Location": None,
            "Office Location": None,
            "Web Page": None,
        },
        "fallbacks": {
            "email": ["E-mail 2 Address", "E-mail 3 Address"],
            "phone": [
                "Business Phone",
                "Primary Phone",
                "Home Phone",
                "Business Phone 2",
                "Home Phone 2",
                "Company Main Phone",
                "Other Phone",
            ],
        },
    },
    "HubSpot": {
        "mapping": {
            "Record ID": "external_id",
            "First Name": "first_name",
            "Last Name": "last_name",
            "Email": "email",
            "Phone Number": "phone",
            "Job Title": "job_title",
            "Primary Associated Company ID": "account_id",
            "Associated Company ID": "account_id",
            "Associated Company IDs": None,
            "Company Name": None,
            "Preferred language": "language",
            "Contact owner": None,
            "Lifecycle Stage": None,
            "Lead Status": None,
            "Create Date": None,
            "Last Activity Date": None,
            "Marketing contact status": None,
        },
        "fallbacks": {"phone": ["Mobile Phone Number"]},
    },
    "Salesforce": {
        "mapping": {
            "Contact ID": "external_id",
            "Salutation": None,
            "First Name": "first_name",
            "Last Name": "last_name",
            "Title": "job_title",
            "Account Name": "account_id",
            "Account ID": None,
            "Email": "email",
            "Phone": "phone",
            "Mailing City": None,
            "Mailing Country": None,
            "Lead Source": None,
            "Contact Owner": None,
            "Created Date": None,
        },
        "fallbacks": {"phone": ["Mobile"]},
    },
    "Zendesk users": {
        "mapping": {
            "id": None,
            "external_id": "external_id",
            "name": DISPLAY_NAME,
            "email": "email",
            "phone": "phone",
            "organization": "account_id",
            "organization_id": None,
            "locale": "language",
            "role": None,
            "time_zone": None,
            "tags": None,
            "details": None,
            "notes": None,
            "created_at": None,
            "updated_at": None,
        },
        "fallbacks": {},
    },
    "Mailchimp audience": {
        "mapping": {
            "Email Address": "email",
            "First Name": "first_name",
            "Last Name": "last_name",
            "Phone Number": "phone",
            "Language": "language",
            "Address": None,
            "Birthday": None,
            "MEMBER_RATING": None,
            "OPTIN_TIME": None,
            "OPTIN_IP": None,
            "CONFIRM_TIME": None,
            "CONFIRM_IP": None,
            "LATITUDE": None,
            "LONGITUDE": None,
            "GMTOFF": None,
            "DSTOFF": None,
            "TIMEZONE": None,
            "CC": None,
            "REGION": None,
            "LAST_CHANGED": None,
            "LEID": None,
            "EUID": None,
            "NOTES": None,
            "TAGS": None,
        },
        "fallbacks": {},
    },
    "Intercom users": {
        "mapping": {
            "User ID": "external_id",
            "Name": DISPLAY_NAME,
            "Email": "email",
            "Phone": "phone",
            "Company name": "account_id",
            "Company ID": None,
            "Language Override": "language",
            "Signed up": None,
            "Last seen": None,
            "City": None,
            "Country": None,
            "Tags": None,
        },
        "fallbacks": {"language": ["Browser Language"]},
    },
    "Freshdesk contacts": {
        "mapping": {
            "Full name": DISPLAY_NAME,
            "Title": "job_title",
            "Email": "email",
            "Work phone": None,
            "Mobile phone": "phone",
            "Twitter ID": None,
            "Company": "account_id",
            "Address": None,
            "Time zone": None,
            "Language": "language",
            "Tags": None,
            "Background information": None,
            "Unique external ID": "external_id",
            "Facebook ID": None,
        },
        "fallbacks": {"phone": ["Work phone"]},
    },
    "Chatwoot contacts": {
        "mapping": {
            "id": None,
            "identifier": "external_id",
            "name": DISPLAY_NAME,
            "email": "email",
            "phone_number": "phone",
            "company": "account_id",
            "company_name": "account_id",
            "city": None,
            "country_code": None,
            "created_at": None,
            "last_activity_at": None,
            "labels": None,
        },
        "fallbacks": {},
    },
}


def names() -> list[str]:
    """The built-in templates' names."""
    return list(BUILTIN)


def find(name: str | None) -> dict[str, Any] | None:
    """The built-in template called ``name`` (any case and spacing, ``(built-in)`` suffix allowed).

    None when there is none.
    """
    wanted = fold((name or "").removesuffix(SUFFIX))
    return next((t for n, t in BUILTIN.items() if fold(n) == wanted), None)


def template(name: str) -> dict[str, Any]:
    """The built-in template ``name``; ``InvalidInput`` listing the names when there is none."""
    found = find(name)
    if found is None:
        raise InvalidInput(f"no built-in template '{name}': use one of {', '.join(BUILTIN)}")
    return found


def choices(saved: list[str]) -> list[str]:
    """The template picker's options: the saved templates, then the built-in ones labelled ``(built-in)``."""
    return [*saved, *(f"{n}{SUFFIX}" for n in BUILTIN)]


def base_of(choice: str | None, saved: list[dict[str, Any]]) -> dict[str, Any] | None:
    """What a picked option starts the mapping from: ``{"template": …}`` for a built-in one, else the
    saved template's ``{"mapping", "fallbacks"}``; None for no choice."""
    found = next((t for t in saved if t["name"] == choice), None)
    if found:
        return {"mapping": found["mapping"], "fallbacks": found.get("fallbacks") or {}}
    return {"template": find(choice)} if choice and choice.endswith(SUFFIX) and find(choice) else None


def suggest(
    store: Store, header: Iterable[str], base: dict[str, Any] | None
) -> tuple[dict[str, str | None], dict[str, list[str]], list[str]]:
    """The mapping, fallbacks and notes the import page starts from (``base`` from ``base_of``)."""
    from .attributes import all_attributes
    from .mapping_fallbacks import resolve

    base = base or {}
    return resolve(
        header,
        all_attributes(store),
        base.get("mapping"),
        base.get("fallbacks"),
        template=base.get("template"),
    )
