"""E-mail addresses: the one stored form (lower-case, Unicode domain) or the reason there is none.

What is accepted: the WHATWG HTML "valid e-mail address" (unquoted local part of ``atext`` and
dots, dot-separated domain labels of letters, digits and inner hyphens) as tightened by
email-validator — no leading, trailing or doubled dot before the @ (mail servers refuse those), at
most 64 characters before the @ (``strict``), 254 in all, labels of at most 63 characters also in
punycode — plus internationalised addresses (SMTPUTF8 local parts, IDN domains typed in Unicode or
punycode). A contact needs a real, globally deliverable domain: a dot, a top-level domain of 2+
letters or an IDN one (``xn--…``), and none of the special-use names email-validator refuses
(``.test``, ``.local``, ``.localhost``, ``.invalid``, ``.onion``, ``.arpa``); ``example.com`` and
the like pass. No quoted local parts, IP literals or display names.

Normal form: the whole address lower-cased (``str.lower`` after email-validator's NFC, not
``casefold``, which would turn ``straße`` into ``strasse``, another mailbox), the domain
IDNA-normalised in its Unicode form (email-validator's ``normalized``): an address with a
non-ASCII local part has no ASCII form at all, so only the Unicode form exists for every address,
and it is what people read and search for.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

PREFIX = "not a valid email address"
_ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
# Plain ASCII addresses that email-validator accepts and normalises to their lower-case form
# (proven by a property test); anything else goes to email-validator.
FAST_RE = (
    rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
# Plain lower-case ASCII addresses: their own normal form unless a label holds "--" (punycode is
# shown in Unicode) or a limit or reserved name refuses them (the migration reads only the others).
PLAIN_RE = FAST_RE.replace("A-Z", "")
# Sent to the slow path although FAST_RE matches: any "--" (punycode "xn--", or a label IDNA
# refuses), a special-use domain, a local part over 64 or an address over 254 characters.
_RESERVED = tuple("." + d for d in SPECIAL_USE_DOMAIN_NAMES)
_TLD_RE = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
MAX_LOCAL, MAX_TOTAL = 64, 254
_PLAIN = {  # email-validator wording -> words a person uses
    r"^After the @-sign, periods cannot be separated by so many characters (\(.*\))\.?$": (
        r"a part between dots after the @ is longer than 63 characters \1"
    ),
    r"^The part after the @-sign is not valid IDNA.*|.*after normalizing to international characters.*": (
        "the part after the @ is not a valid international domain name"
    ),
    r"^The part after the @-sign is a special-use or reserved name.*": (
        "the part after the @ is a reserved name (such as .test or .local) that cannot receive mail"
    ),
    r"^The part after the @-sign is not valid. It should have a period.*": (
        "the part after the @ needs a dot, as in example.com"
    ),
    r"^An email address cannot have two letters followed by two dashes.*": (
        "a part after the @ cannot have two dashes in third and fourth place (only punycode xn-- can)"
    ),
}


def _reason(message: str) -> str:
    for pattern, plain in _PLAIN.items():
        if re.match(pattern, message):
            message = re.sub(pattern, plain, message)
            break
    message = re.sub(r"^(An|The) email address ", "it ", message.replace("@-sign", "@")).rstrip(".")
    return f"{PREFIX}: {message[:1].lower()}{message[1:]}"


def _validated(text: str) -> tuple[str, str]:
    """(local part, Unicode domain) as email-validator normalises them; raises EmailNotValidError."""
    found = validate_email(
        text,
        check_deliverability=False,
        strict=True,
        allow_smtputf8=True,
        allow_quoted_local=False,
        allow_domain_literal=False,
        allow_display_name=False,
        allow_empty_local=False,
        globally_deliverable=True,
        test_environment=False,
    )
    if not _TLD_RE.fullmatch(found.ascii_domain.rsplit(".", 1)[-1].lower()):
        raise EmailNotValidError(
            "The part after the @-sign does not end in a real top-level domain such as .com or .de."
        )
    return found.local_part.lower(), found.domain.lower()


@lru_cache(maxsize=65536)
def _slow(text: str) -> tuple[str | None, str | None]:
    """(normal form, None) or (None, reason) for one trimmed value, by email-validator."""
    try:
        local, domain = _validated(text)
        normal = f"{local}@{domain}"
        if normal != text and _validated(normal) != (local, domain):
            return None, f"{PREFIX}: it has no single lower-case form"
    except EmailNotValidError as exc:
        if '"' in text and "@" in text and "must have an @" in str(exc):  # the library's quote-aware split
            return None, f"{PREFIX}: it has quotation marks, which are not allowed here"
        return None, _reason(str(exc))
    return normal, None


def fast_path(text: pd.Series, low: pd.Series | None = None) -> pd.Series:
    """Which trimmed ``str`` values are plain ASCII addresses whose normal form is their lower-case."""
    low = text.str.lower() if low is None else low
    size = text.str.len()
    fast = (
        text.str.fullmatch(FAST_RE).fillna(False)
        & (size <= MAX_TOTAL).fillna(False)
        & ~text.str.contains("--", regex=False).fillna(False)
        & ~low.str.endswith(_RESERVED).fillna(False)
    )
    long = fast & (size > MAX_LOCAL + 1)  # only then can the part before the @ be over 64
    if long.any():
        fast[long] = (text[long].str.find("@") <= MAX_LOCAL).to_numpy()
    return fast.astype(bool)


def normalise_emails(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per row, the normal form (or NaN) and why it is refused (or NaN); missing stays missing.

    Trimmed, then plain ASCII addresses are judged by one vectorised regex and lower-cased; every
    other distinct value (non-ASCII, punycode, reserved names, anything the regex refuses) by
    email-validator. Non-text values are refused.
    """
    if values.dtype == object:
        strings = values.map(lambda v: isinstance(v, str)).astype(bool)
    else:
        strings = values.notna() & pd.api.types.is_string_dtype(values.dtype)
    text = values.where(strings).astype("str").str.strip()
    low = text.str.lower()
    fast = fast_path(text, low)
    normal = low.where(fast)
    reason: pd.Series[str] = pd.Series(float("nan"), index=values.index, dtype="str")
    todo = strings & ~fast
    if todo.any():
        found = {v: _slow(v) for v in text[todo].unique()}
        normal[todo] = text[todo].map(lambda v: found[v][0])
        reason[todo] = text[todo].map(lambda v: found[v][1])
    odd = values.notna() & ~strings
    if odd.any():
        reason.loc[odd] = f"{PREFIX}: it is not text"
    return normal.astype("str"), reason


def normalise_email(value: str | None) -> str | None:
    """The normal form of one address (lookups, sign-in), or None: ``normalise_emails`` on one value."""
    if not isinstance(value, str):
        return None
    normal = normalise_emails(pd.Series([value], dtype="str"))[0].iloc[0]
    return None if pd.isna(normal) else normal
