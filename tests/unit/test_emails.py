"""E-mail addresses: published examples, the normal form, fast path == email-validator, and their uses."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from inbox import contacts, deletion_report, erasure, inbound
from inbox.check import run_check
from inbox.models import Actor
from inbox.store.migrations import MIGRATIONS
from inbox.store.schema import SEARCH_TEXT_SQL
from validation import checks
from validation.contact_values import check_values
from validation.emails import _slow, fast_path, normalise_email, normalise_emails

from ..support.members import seed_members

AGENT = Actor("agent@example.com", "agent")
LABEL63 = "a" * 63
# Taiwan's network information centre and its punycode; 台灣 ("Taiwan") is xn--kpry57d.
TWNIC, TWNIC_ACE, TAIWAN_ACE = "jeff@臺網中心.tw", "jeff@xn--fiqq24b10vi0d.tw", "jeff@xn--kpry57d.tw"

# value -> normal form (Wikipedia "Email address" examples, WHATWG, email-validator's README/tests)
VALID = {
    "simple@example.com": "simple@example.com",
    "very.common@example.com": "very.common@example.com",
    "x@example.com": "x@example.com",
    "long.email-address-with-hyphens@and.subdomains.example.com": (
        "long.email-address-with-hyphens@and.subdomains.example.com"
    ),
    "user.name+tag+sorting@example.com": "user.name+tag+sorting@example.com",
    "name/surname@example.com": "name/surname@example.com",
    "mailhost!username@example.org": "mailhost!username@example.org",
    "user%example.com@example.org": "user%example.com@example.org",
    "user-@example.org": "user-@example.org",
    "O'Neil@x.ie": "o'neil@x.ie",
    "Ada@Example.COM": "ada@example.com",
    "  ada@example.com ": "ada@example.com",
    "#!$%&'*+-/=?^_`{}|~@example.org": "#!$%&'*+-/=?^_`{}|~@example.org",
    "user@example.xn--p1ai": "user@example.рф",
    "user@EXAMPLE.XN--P1AI": "user@example.рф",
    "user@example.рф": "user@example.рф",
    TWNIC: TWNIC,
    TWNIC_ACE: TWNIC,
    TAIWAN_ACE: "jeff@台灣.tw",
    "ñoñó@example.tld": "ñoñó@example.tld",
    "用户@例子.广告": "用户@例子.广告",
    "ÅSA@Bücher.DE": "åsa@bücher.de",
    "Straße@example.de": "straße@example.de",  # lower(), not casefold(): strasse@ is another mailbox
    "я@пример.рф": "я@пример.рф",
    "x@a.example": "x@a.example",
    "a" * 64 + "@example.com": "a" * 64 + "@example.com",
    f"a@{LABEL63}.com": f"a@{LABEL63}.com",
    f"{'a' * 64}@{LABEL63}.{LABEL63}.{'b' * 57}.com": f"{'a' * 64}@{LABEL63}.{LABEL63}.{'b' * 57}.com",  # 254
}

# value -> words the reason must contain
INVALID = {
    "Abc.example.com": "must have an @",
    "A@b@c@example.com": "invalid characters: '@'",
    'a"b(c)d,e:f;g<h>i[j\\k]l@example.com': "quotation marks",
    'just"not"right@example.com': "'\"'",
    'this is"not\\allowed@example.com': "quotation marks",
    'this\\ still\\"not\\\\allowed@example.com': "not a valid email address",
    "i.like.underscores@but_they_are_not_allowed_in_this_part": "invalid characters: '_'",
    f"a@{'a' * 64}.com": "longer than 63 characters",
    f"a@xn--{'a' * 60}.com": "longer than 63 characters",  # 64 in punycode form
    "user@-example.com": "hyphen immediately after the @",
    "user@example..com": "two periods in a row",
    ".user@example.com": "cannot start with a period",  # WHATWG accepts it, mail servers do not
    "user.@example.com": "period immediately before the @",
    "us..er@example.com": "two periods in a row",
    "user@localhost": "needs a dot",  # WHATWG accepts it; a contact needs a real domain
    "user@example": "needs a dot",
    "user@example.c": "real top-level domain",
    "user@example.c0m": "real top-level domain",
    "user@123.456": "top-level domain",
    "user@foo.test": "reserved name",
    "user@printer.local": "reserved name",
    "user@nowhere.invalid": "reserved name",
    "user@ab--cd.com": "two dashes",
    "user@xn--zz.com": "international domain name",
    '"quoted"@example.com': "quoting the part before the @ is not allowed",
    "Ada <ada@example.com>": "display name",
    "user@[192.168.0.1]": "bracketed IP address",
    "a" * 65 + "@example.com": "too long before the @",
    f"{'a' * 64}@{LABEL63}.{LABEL63}.{'b' * 58}.com": "too long",  # 255
    "a b@example.com": "SPACE",
    "ada@": "something after the @",
    "@example.com": "something before the @",
    "": "must have an @",
    "ada＠example.com": "full-width",
}


@pytest.mark.parametrize("value, normal", VALID.items())
def test_valid_addresses_have_one_normal_form(value, normal):
    assert normalise_email(value) == normal
    assert normalise_email(normal) == normal
    assert checks.email_ok(normal) and checks.lowercase_ok(normal)
    assert checks.email_ok(value) is (value == normal)


@pytest.mark.parametrize("value, words", INVALID.items())
def test_invalid_addresses_are_refused_with_a_reason(value, words):
    normal, reason = normalise_emails(pd.Series([value], dtype="str"))
    assert pd.isna(normal.iloc[0]) and normalise_email(value) is None and not checks.email_ok(value)
    assert reason.iloc[0].startswith("not a valid email address: ") and words in reason.iloc[0]


def test_missing_stays_missing_and_non_text_is_refused():
    normal, reason = normalise_emails(pd.Series([None, "Ada@example.com", 12, float("nan")], dtype=object))
    assert normal.isna().tolist() == [True, False, True, True] and normal.iloc[1] == "ada@example.com"
    assert reason.isna().tolist() == [True, True, False, True] and "not text" in reason.iloc[2]
    assert normalise_email(None) is None
    assert normalise_emails(pd.Series([1, 2]))[1].notna().all()


def test_plain_ascii_takes_the_fast_path_and_the_rest_does_not():
    text = pd.Series(
        [
            "ada@example.com",
            "Ada.Lovelace+x@Mail.Example.co.uk",
            TAIWAN_ACE,
            TWNIC,
            "user@foo.test",
            "user@ab--cd.com",
            "a" * 65 + "@x.com",
            ".a@x.com",
        ],
        dtype="str",
    )
    assert fast_path(text).tolist() == [True, True, False, False, False, False, False, False]


# Addresses built near every boundary the fast path draws: case, dots, hyphens, "--", labels of
# 62-64 characters, local parts of 64-65, reserved names, punycode, non-ASCII, stray characters.
def _pieces(plain: str, noise: list[str], long: list[str], size: int):
    chars = st.sampled_from(list(plain))
    return st.one_of(
        st.lists(chars, min_size=1, max_size=size).map("".join),
        st.lists(st.one_of(chars, st.sampled_from(noise)), max_size=size).map("".join),
        st.sampled_from(long),
    )


_LOCAL = _pieces(
    "aZ09.!#$%&'*+/=?^_`{|}~-",
    ["..", " ", '"', "@", "ñ", "İ", "\u212a", "\u0301", "\\", "(", ","],
    ["a" * 64, "a" * 65, "A" * 64, "a.b" * 21 + "c"],
    10,
)
_LABEL = _pieces(
    "aZ09-",
    ["--", "_", "é", "台", "\u3002", " ", "xn--"],
    ["xn--p1ai", "XN--kpry57d", "xn--zz", "ab--c", "a" * 62, "b" * 63, "c" * 64],
    6,
)
_TLD = st.sampled_from(
    [
        "com",
        "COM",
        "Io",
        "c",
        "c0m",
        "test",
        "local",
        "localhost",
        "invalid",
        "onion",
        "arpa",
        "example",
        "xn--p1ai",
        "рф",
        "1",
        "x-y",
        "co",
        "museum",
    ]
)
_NOISY = st.builds(
    lambda local, labels, tld, pad: f"{local}@{'.'.join(labels + [tld])}{pad}",
    _LOCAL,
    st.lists(_LABEL, max_size=4),
    _TLD,
    st.sampled_from(["", "", "", "", " ", ".", "\n"]),
)
_ATOM = st.text("abcXYZ019!#$%&'*+/=?^_`{|}~-", min_size=1, max_size=8)
_NAME = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?", fullmatch=True)
_CLEAN = st.builds(
    lambda atoms, labels, tld: f"{'.'.join(atoms)}@{'.'.join(labels + [tld])}",
    st.lists(_ATOM, min_size=1, max_size=3),
    st.lists(_NAME, min_size=1, max_size=3),
    _TLD,
)
ADDRESSES = st.one_of(_CLEAN, _NOISY)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ADDRESSES, min_size=1, max_size=40))
@example([f"a@{'b' * 63}.{'c' * 63}.{'d' * 63}.{'e' * 56}.com", "A" * 64 + "@x.com", "a@x.com"])
def test_fast_path_cannot_disagree_with_email_validator(values):
    """Every value's result equals email-validator's (uncached); a fast one is its lower-case."""
    raw = pd.Series(values, dtype="str")
    text = raw.str.strip()
    normal, reason = normalise_emails(raw)
    slow = [_slow.__wrapped__(v) for v in text]
    assert normal.astype(object).where(normal.notna(), None).tolist() == [n for n, _ in slow]
    assert reason.isna().tolist() == [r is None for _, r in slow]
    fast = fast_path(text)
    assert all(n == v.lower() for v, (n, _), f in zip(text, slow, fast, strict=True) if f)
    stored = pd.Series(
        [n for n, _ in slow if n is not None], dtype="str"
    )  # its own normal form, passes the table
    assert checks.is_email(stored).all() and checks.is_lowercase(stored).all()
    assert all(_slow.__wrapped__(n) == (n, None) for n in stored)


def test_the_generated_addresses_reach_both_paths():
    found = []
    settings(max_examples=300, database=None)(given(ADDRESSES)(lambda v: found.append(v)))()
    text = pd.Series(found, dtype="str").str.strip()
    valid = sum(_slow.__wrapped__(v)[0] is not None for v in text)
    assert fast_path(text).mean() > 0.15 and valid > len(found) * 0.25


def test_contact_values_carry_the_reason_and_the_normal_form():
    frame = pd.DataFrame({"email": [" Jeff@XN--KPRY57D.TW", f"a@{'a' * 64}.com", "ok@example.com", None]})
    typed, problems = check_values(frame, [{"key": "email", "label": "Email", "type": "email"}])
    assert typed["email"].iloc[0] == "jeff@台灣.tw" and typed["email"].iloc[2] == "ok@example.com"
    assert problems[["row", "column"]].values.tolist() == [[1, "email"]]
    assert (
        problems["reason"]
        .iloc[0]
        .startswith("not a valid email address: a part between dots after the @ is longer than 63 characters")
    )


def _contact(store, handle, email):
    seed_members(store, AGENT)  # (not for every test: the migration test stores its own user 1)
    made = inbound.receive(store, "whatsapp", handle, "hello")
    c = contacts.get_contact(store, made["contact_id"])
    return contacts.update_values(store, AGENT, c.id, c.version, {"email": email})


def test_a_panel_edit_stores_the_normal_form_and_lookups_find_it_however_typed(store):
    saved = _contact(store, "+33612345678", TWNIC_ACE.upper())
    assert saved.values["email"] == TWNIC
    for typed in (TWNIC, TWNIC_ACE, "JEFF@XN--FIQQ24B10VI0D.TW", f"  {TWNIC} "):
        result = contacts.search(store, typed)
        assert result.exact and [r["id"] for r in result.rows] == [saved.id], typed
    assert [r["id"] for r in contacts.search(store, "臺網中心").rows] == [saved.id]
    with pytest.raises(contacts.ContactInvalid, match="longer than 63"):
        contacts.update_values(store, AGENT, saved.id, saved.version, {"email": f"a@{'a' * 64}.com"})
    assert run_check(store).ok


def test_erasure_and_the_deletion_report_use_the_normal_form(store):
    saved = _contact(store, "+33612345679", "用户@例子.广告")
    assert deletion_report.candidates("用户@例子.广告", None)["email"] == {"用户@例子.广告"}
    assert deletion_report.candidates(TAIWAN_ACE.upper(), None)["email"] == {"jeff@台灣.tw"}
    assert deletion_report.candidates("not-an-email", None)["email"] == set()
    forms = erasure._forms(["用户@例子.广告", TWNIC_ACE, "nope", ""], None)
    assert forms["email"].tolist() == ["用户@例子.广告", TWNIC, None, None]
    assert saved.values["email"] == "用户@例子.广告"


@pytest.mark.duckdb_only(
    "fixes data older DuckDB databases hold; on PostgreSQL the migration is a no-op (test_postgres_core.py)"
)
def test_migration_17_normalises_stored_addresses(store):
    rows = {
        1: TWNIC_ACE,
        2: "Ada@Example.com",
        3: "jeff@臺網中心.tw",
        4: ".broken@example.com",
        5: TWNIC_ACE,
        6: "plain@example.com",
        7: None,
    }
    with store.tx() as cur:
        for cid, email in rows.items():
            cur.execute(
                "INSERT INTO contacts (id, platform, handle, email, created_at, created_by, updated_at,"
                " updated_by) VALUES (?, 'sms', ?, ?, now(), 'test', now(), 'test')",
                [cid, f"+3361234567{cid}", email],
            )
            cur.execute(f"UPDATE contacts SET search_text = {SEARCH_TEXT_SQL} WHERE id = ?", [cid])
        cur.execute(
            "INSERT INTO users (id, email, display_name, role, password_hash, created_at)"
            " VALUES (1, ?, 'Jeff', 'agent', 'x', now())",
            [TAIWAN_ACE],
        )
        cur.execute("DELETE FROM schema_migrations WHERE name = 'e-mail addresses normalised'")
    assert store.migrate(MIGRATIONS) == [("core", "e-mail addresses normalised")]
    got = dict(store._rows("SELECT id, email FROM contacts"))
    assert got == {
        1: TWNIC,
        2: "ada@example.com",
        3: TWNIC,
        4: ".broken@example.com",
        5: TWNIC,
        6: "plain@example.com",
        7: None,
    }  # 1, 3 and 5 now share one address: allowed
    assert store._rows("SELECT search_text FROM contacts WHERE id = 1")[0][0] == f"{TWNIC} +33612345671"
    assert store._rows("SELECT email FROM users WHERE id = 1")[0][0] == "jeff@台灣.tw"
    assert [r["id"] for r in contacts.search(store, TWNIC_ACE).rows] == [1, 3, 5]
