"""Column mapping of an import.

Headers auto-map to attributes (English/French synonyms), templates, checks.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .errors import InvalidInput

if TYPE_CHECKING:
    from .attributes import Attribute

PLATFORM, HANDLE, DISPLAY_NAME = "contact.platform", "contact.handle", "contact.display_name"
SPECIAL = {PLATFORM: "Platform (channel)", HANDLE: "Handle on that platform", DISPLAY_NAME: "Display name"}
IDENTIFIERS = ("external_id", "email", "phone")

# target → phrases; a header matches when it folds (lower case, no accents, letters and digits only) to one.
SYNONYMS = {
    "email": "email | e-mail | mail | email address | e-mail address | mail address | courriel"
    " | adresse courriel | adresse email | adresse e-mail | adresse mail | adresse electronique"
    " | work email | primary email"
    " | correo | correo electronico | e-mail-adresse | e-mail 1 - value | email 1 | e-mail 1 address",
    "first_name": "first name | firstname | first | given name | forename | prenom | prénom"
    " | vorname | nombre",
    "last_name": "last name | lastname | last | surname | family name | nom | nom de famille"
    " | nachname | apellido | apellidos",
    "phone": "phone | phone number | telephone | téléphone | tel | tél | telephone number"
    " | mobile | mobile phone | mobile number | cell | cell phone | cellphone | portable"
    " | numero de telephone"
    " | numéro de téléphone | n de telephone | telefono | handy | whatsapp number | phone 1 - value",
    "account_id": "account id | account | company id | company | organization id"
    " | organisation id | organization | organisation | id compte | compte | id entreprise"
    " | entreprise | societe | société"
    " | id societe | associated company id | primary associated company id",
    "job_title": "job title | job | position | job position | poste | fonction | intitule du poste"
    " | intitulé du poste | titre | métier | metier | organization 1 - title | organization title",
    "language": "language | langue | preferred language | langue preferee | lang | locale | idioma | sprache"
    " | language override",
    "subscription": "subscription | plan | subscription plan | abonnement | formule | offre | forfait",
    "external_id": "external id | externalid | record id | crm id | contact id | external reference"
    " | id externe | identifiant externe | identifiant | reference client | customer id | client id"
    " | hubspot id | zendesk id | salesforce id | unique external id | user id | identifier",
    PLATFORM: "platform | channel | canal | plateforme | network | reseau | réseau | medium",
    HANDLE: "handle | username | user name | screen name | pseudo | nom d'utilisateur | identifiant de canal"
    " | channel id | social handle",
    DISPLAY_NAME: "name | full name | display name | contact name | nom complet | nom et prenom | nom prenom"
    " | prenom nom",
}


def fold(text: str) -> str:
    """``'  Adresse E-mail '`` → ``'adresseemail'``: lower case, no accents, only letters and digits."""
    text = unicodedata.normalize("NFKD", str(text)).lower()
    return re.sub(r"[^0-9a-z]+", "", "".join(c for c in text if not unicodedata.combining(c)))


# Columns that only stand in for an attribute. ALTERNATES, best first: when the file also has a main
# column for the attribute they become its fallbacks (they fill it when the main cell is empty), else the
# best of them is the main column. WEAK phrases map only when no other column of the file maps there:
# Outlook's Title is a salutation (Dr., Mme) next to Job Title, Chatwoot's id is its own row id next to
# identifier, a company name yields to a company id.
ALTERNATES = {
    "email": "e-mail 2 - value | e-mail 2 address | email 2 | secondary email | e-mail 3 - value"
    " | e-mail 3 address | email 3 | other email",
    "phone": "business phone | work phone | mobile phone number | phone 2 - value | home phone"
    " | phone 3 - value"
    " | primary phone | company main phone | business phone 2 | home phone 2 | other phone",
    "language": "browser language",
}
WEAK = {
    "job_title": "title",
    "external_id": "id",
    "account_id": "company name | account name | organization name | organization 1 - name",
}
WEAK_RANK = 10_000

ColumnMap = dict[str, str | None]  # header → attribute key, SPECIAL target or None (ignored)
Fallbacks = dict[str, list[str]]  # target → the columns that fill it when its column is empty


def _ranked(table: dict[str, str], first: int, step: int) -> dict[str, tuple[str, int]]:
    return {
        fold(p): (target, first + step * n)
        for target, phrases in table.items()
        for n, p in enumerate(phrases.split("|"))
    }


_INDEX = {**_ranked(WEAK, WEAK_RANK, 0), **_ranked(ALTERNATES, 1, 1), **_ranked(SYNONYMS, 0, 0)}


def _attribute_index(attributes: Sequence[Attribute]) -> dict[str, str]:
    index: dict[str, str] = {}
    for a in attributes:
        index.setdefault(fold(a.key), a.key)
        index.setdefault(fold(a.label), a.key)
    return index


def auto_mapping(
    header: Iterable[str], attributes: Sequence[Attribute]
) -> tuple[dict[str, str | None], dict[str, list[str]], list[str]]:
    """Each header → an attribute key (or a SPECIAL target), or ``None`` when nothing fits; plus the
    fallbacks (target → columns that fill it when its column is empty, best first) and notes.

    Synonyms first, then attribute keys and labels (custom ones included); CRM-managed attributes are
    never chosen. Per target the best-ranked column wins (a main synonym, else the best alternate, else a
    weak one, earlier columns first); other main synonyms and weak columns are left out with a note,
    alternates become fallbacks.
    """
    by_key = {a.key: a for a in attributes}
    own = _attribute_index(attributes)
    mapping: dict[str, str | None] = {}
    notes: list[str] = []
    found: dict[str, list[tuple[int, int, str]]] = {}
    for position, column in enumerate(header):
        f = fold(column)
        target, rank = _INDEX.get(f) or (own.get(f), 0)
        if target and target not in SPECIAL and target not in by_key:
            target = None
        if target and target in by_key and by_key[target].crm_managed:
            notes.append(f"{column} is not mapped: {by_key[target].label} is managed by the CRM (read-only)")
            target = None
        mapping[column] = None
        if target:
            found.setdefault(target, []).append((rank, position, column))
    fallbacks: dict[str, list[str]] = {}
    for target, columns in found.items():
        columns.sort()
        main = columns[0][2]
        mapping[main] = target
        for rank, _, column in columns[1:]:
            if 0 < rank < WEAK_RANK:
                fallbacks.setdefault(target, []).append(column)
            else:
                notes.append(
                    f"{column} is not mapped: {main} {'already ' if not rank else ''}maps to "
                    f"{label_of(target, attributes)}"
                )
    return mapping, fallbacks, notes


def label_of(target: str | None, attributes: Sequence[Attribute]) -> str:
    if target is None:
        return "(ignored)"
    if target in SPECIAL:
        return SPECIAL[target]
    found = next((a for a in attributes if a.key == target), None)
    return found.label if found else target


def read_mapping_file(path: str | os.PathLike[str]) -> dict[str, str | None]:
    """A mapping JSON file: ``{"Column header": "attribute_key" or null, …}``.

    (Or that object under ``"mapping"``.)
    """
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise InvalidInput(f"cannot read the mapping file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise InvalidInput(f"the mapping file {path} is not valid JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("mapping"), dict):
        data = data["mapping"]
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in data.items()
    ):
        raise InvalidInput(
            f"the mapping file {path} must be a JSON object of column header → attribute key "
            "(or null to ignore the column)"
        )
    return data


def slug(text: str) -> str:
    """An attribute key for a header (≤ 64 characters).

    ``'Date d’inscription'`` → ``'date_d_inscription'``.
    """
    text = unicodedata.normalize("NFKD", str(text)).lower()
    key = re.sub(r"[^0-9a-z]+", "_", "".join(c for c in text if not unicodedata.combining(c))).strip("_")
    key = key if key[:1].isalpha() else f"attr_{key}".rstrip("_")
    return key[:64].rstrip("_")
