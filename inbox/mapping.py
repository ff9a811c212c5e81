"""Column mapping of an import: headers auto-map to attributes (English/French synonyms), templates, checks."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Iterable

from .errors import InvalidInput

PLATFORM, HANDLE, DISPLAY_NAME = "contact.platform", "contact.handle", "contact.display_name"
SPECIAL = {PLATFORM: "Platform (channel)", HANDLE: "Handle on that platform", DISPLAY_NAME: "Display name"}
IDENTIFIERS = ("external_id", "email", "phone")

# target → phrases; a header matches when it folds (lower case, no accents, letters and digits only) to one.
SYNONYMS = {
    "email": "email | e-mail | mail | email address | e-mail address | mail address | courriel | adresse courriel"
             " | adresse email | adresse e-mail | adresse mail | adresse electronique | work email | primary email"
             " | correo | correo electronico | e-mail-adresse",
    "first_name": "first name | firstname | first | given name | forename | prenom | prénom | vorname | nombre",
    "last_name": "last name | lastname | last | surname | family name | nom | nom de famille | nachname | apellido"
                 " | apellidos",
    "phone": "phone | phone number | telephone | téléphone | tel | tél | telephone number | mobile | mobile phone"
             " | mobile number | mobile phone number | cell | cell phone | cellphone | portable | numero de telephone"
             " | numéro de téléphone | n de telephone | telefono | handy | whatsapp number",
    "account_id": "account id | account | company id | company | organization id | organisation id | organization"
                  " | organisation | id compte | compte | id entreprise | entreprise | societe | société"
                  " | id societe | associated company id",
    "job_title": "job title | title | job | position | job position | poste | fonction | intitule du poste"
                 " | intitulé du poste | titre | métier | metier",
    "language": "language | langue | preferred language | langue preferee | lang | locale | idioma | sprache",
    "subscription": "subscription | plan | subscription plan | abonnement | formule | offre | forfait",
    "external_id": "external id | externalid | record id | crm id | contact id | id | external reference"
                   " | id externe | identifiant externe | identifiant | reference client | customer id | client id"
                   " | hubspot id | zendesk id | salesforce id",
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


_INDEX = {fold(phrase): target for target, phrases in SYNONYMS.items() for phrase in phrases.split("|")}


def _attribute_index(attributes) -> dict[str, str]:
    index = {}
    for a in attributes:
        index.setdefault(fold(a.key), a.key)
        index.setdefault(fold(a.label), a.key)
    return index


def auto_map(header: Iterable[str], attributes) -> tuple[dict[str, str | None], list[str]]:
    """Each header → an attribute key (or a SPECIAL target), or ``None`` when nothing fits.

    Synonyms first, then attribute keys and labels (custom ones included). A target is used by the
    first column only; CRM-managed attributes are never chosen. Returns the mapping and notes.
    """
    by_key = {a.key: a for a in attributes}
    own = _attribute_index(attributes)
    mapping: dict[str, str | None] = {}
    notes: list[str] = []
    taken: dict[str, str] = {}
    for column in header:
        f = fold(column)
        target = _INDEX.get(f) or own.get(f)
        if target and target not in SPECIAL and target not in by_key:
            target = None
        if target and target in by_key and by_key[target].crm_managed:
            notes.append(f"{column} is not mapped: {by_key[target].label} is managed by the CRM (read-only)")
            target = None
        if target and target in taken:
            notes.append(f"{column} is not mapped: {taken[target]} already maps to {label_of(target, attributes)}")
            target = None
        if target:
            taken[target] = column
        mapping[column] = target
    return mapping, notes


def label_of(target: str | None, attributes) -> str:
    if target is None:
        return "(ignored)"
    if target in SPECIAL:
        return SPECIAL[target]
    found = next((a for a in attributes if a.key == target), None)
    return found.label if found else target


def apply_template(header: Iterable[str], attributes, template: dict | None) -> tuple[dict[str, str | None], list]:
    """Auto-mapping overridden by ``template`` (header → target or None), matched on folded headers.

    Columns the template does not name keep their automatic mapping; template entries for columns
    absent from the file are reported in the notes.
    """
    header = list(header)
    mapping, notes = auto_map(header, attributes)
    if not template:
        return mapping, notes
    chosen = {fold(k): (v or None) for k, v in template.items()}
    for column in header:
        if fold(column) in chosen:
            mapping[column] = chosen[fold(column)]
    present = {fold(c) for c in header}
    notes += [f"the mapping names a column this file does not have: {k}" for k in template if fold(k) not in present]
    # a template may take a target that auto-mapping gave to another column: the template wins
    for column in header:
        target = mapping[column]
        if target and fold(column) not in chosen and any(
                mapping[c] == target and fold(c) in chosen for c in header if c != column):
            mapping[column] = None
    return mapping, notes


def mapping_problems(mapping: dict[str, str | None], attributes) -> list[str]:
    """Why ``mapping`` cannot be used (empty when it can): unknown or doubled targets, CRM-managed
    attributes, half of platform+handle, no identifier column, required attributes left out."""
    by_key = {a.key: a for a in attributes}
    problems, seen = [], {}
    for column, target in mapping.items():
        if not target:
            continue
        if target not in by_key and target not in SPECIAL:
            problems.append(f"column {column} maps to {target}, which is not an attribute key")
            continue
        if target in by_key and by_key[target].crm_managed:
            problems.append(f"column {column} maps to {by_key[target].label}, which is managed by the CRM and "
                            "read-only in imports: leave the column unmapped")
        if target in seen:
            problems.append(f"columns {seen[target]} and {column} both map to {label_of(target, attributes)}: "
                            "keep one")
        seen.setdefault(target, column)
    if (PLATFORM in seen) != (HANDLE in seen):
        problems.append("map both a platform column and a handle column, or neither")
    if not any(k in seen for k in (*IDENTIFIERS, HANDLE)):
        problems.append("no column maps to an identifier (email, phone, external id, or platform and handle): "
                        "there is no way to match or create contacts")
    problems += [f"{a.label} is required on import: map a column to it" for a in attributes
                 if a.required_on_import and not a.crm_managed and a.key not in seen]
    return problems


def read_mapping_file(path) -> dict[str, str | None]:
    """A mapping JSON file: ``{"Column header": "attribute_key" or null, …}`` (or that under ``"mapping"``)."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise InvalidInput(f"cannot read the mapping file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise InvalidInput(f"the mapping file {path} is not valid JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("mapping"), dict):
        data = data["mapping"]
    if not isinstance(data, dict) or not all(isinstance(k, str) and (v is None or isinstance(v, str))
                                             for k, v in data.items()):
        raise InvalidInput(f"the mapping file {path} must be a JSON object of column header → attribute key "
                           "(or null to ignore the column)")
    return data


def slug(text: str) -> str:
    """An attribute key for a header: ``'Date d’inscription'`` → ``'date_d_inscription'`` (≤ 64 characters)."""
    text = unicodedata.normalize("NFKD", str(text)).lower()
    key = re.sub(r"[^0-9a-z]+", "_", "".join(c for c in text if not unicodedata.combining(c))).strip("_")
    key = key if key[:1].isalpha() else f"attr_{key}".rstrip("_")
    return key[:64].rstrip("_")
