"""The named pandera checks and their single-value helpers (table schemas: test_validation_checks_tables)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pandas as pd
import pandera.pandas as pa
import pytest

import validation
from validation import checks

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"

# check name -> (helper, good values, bad values)
CASES = {
    "is_email": (
        checks.email_ok,
        [
            "ada@example.com",
            "a.b+tag@mail.example.co.uk",
            "x_y-z@sub-domain.io",
            "o'neil@x.ie",
            "jeff@臺網中心.tw",
            "user@example.рф",
        ],
        [
            "O'Neil@x.ie",
            "user@example.xn--p1ai",
            " ada@example.com",
            "",
            "ada",
            "ada@",
            "@example.com",
            "a b@example.com",
            "a@b@example.com",
            "a@example.c",
            "a@example",
            "a@exa mple.com",
            "a@-example.com",
            "a@example..com",
            "a@example.c0m",
            "a\n@x.com",
        ],
    ),
    "is_e164": (
        checks.e164_ok,  # the stored shape; is_phone_number judges the number itself
        [
            "+5511987654321",
            "+12025550123",
            "+44123456",
            "+123456789012345",
            "+6837012",
            "+16502530000;ext=12",
        ],
        [
            "",
            "5511987654321",
            "+0123456789",
            "+123",
            "+123456789012345678901",
            "+1 202 555 0123",
            "+1-202-555-0123",
            "++12025550123",
            "+1202555012a",
            "+16502530000 ext. 12",
            "+16502530000;ext=",
        ],
    ),
    "is_phone_number": (
        checks.phone_number_ok,
        ["+5511987654321", "+12025550123", "+33612345678", "+6837012", "+16502530000;ext=12", "+80012345678"],
        [
            "",
            "+44123456",
            "+330612345678",
            "+491524897233",
            "+15550100000",
            "+9991234567",
            "+33 6 12 34 56 78",
            "06 12 34 56 78",
            "+16502530000 ext. 12",
        ],
    ),
    "is_language_tag": (
        checks.language_tag_ok,
        [
            "en",
            "pt",
            "zh",
            "zu",
            "aa",
            "pt-BR",
            "zh-Hans-CN",
            "sr-Latn-RS",
            "es-419",
            "fil",
            "yue",
            "bho",
            "en-001",
        ],
        [
            "",
            "EN",
            "xx",
            "eng",
            "fra",
            "e",
            "pt_BR",
            "pt-br",
            "en-Latn-US",
            " en",
            "French",
            "iw",
            "tl",
            "bh",
            "und",
            "qaa",
            "x-foo",
            "sla",
            "en-a-bbb",
        ],
    ),
    "is_url": (
        checks.url_ok,
        [
            "https://example.com",
            "http://localhost:8501/contacts?id=1#top",
            "https://a.b.c/x/y.html",
            "http://127.0.0.1",
            "http://[::1]:8080/",
            "HTTPS://Example.com",
        ],
        [
            "",
            "example.com",
            "ftp://example.com",
            "https://",
            "http:///path",
            "https://exa mple.com",
            "javascript:alert(1)",
            "mailto:a@b.com",
            "https://host/pa th",
        ],
    ),
    "is_slug": (
        checks.slug_ok,
        ["a", "job_title", "vip2", "a" * 64],
        ["", "Job", "1st", "_x", "job-title", "job title", "é", "a" * 65],
    ),
    "no_control_chars": (
        checks.no_control_chars_ok,
        ["plain text", "émoji 🙂", "tab-free", ""],
        ["tab\there", "line\nbreak", "cr\r", "nul\x00", "bell\x07", "del\x7f", "esc\x1b[0m"],
    ),
    "is_json_list_of_str": (
        checks.json_list_of_str_ok,
        ['["free", "basic"]', "[]", '["a"]'],
        ["", "free", '["a", ""]', '["a", " "]', '["a", 1]', '[null]', '{"a": 1}', '"a"', "[", "['a']"],
    ),
    "is_valid_regex": (
        checks.valid_regex_ok,
        [r"^\d{5}$", "[A-Z]+", "", "a|b"],
        ["(", "[a-z", "*a", "a{2,1}", r"(?P<x>a)(?P<x>b)"],
    ),
    "is_sha256_hex": (
        checks.sha256_hex_ok,
        ["0" * 64, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        [
            "",
            "0" * 63,
            "0" * 65,
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "g" * 64,
        ],
    ),
    "is_lowercase": (checks.lowercase_ok, ["ada@example.com", "123", ""], ["Ada@example.com", "ADA"]),
    "not_blank": (checks.not_blank_ok, ["a", " a ", "0"], ["", " ", "\t\n"]),
    "is_argon2_hash": (
        checks.argon2_hash_ok,
        [HASH],
        [
            "",
            "secret",
            "$argon2i$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
            "$2b$12$abcdefghijklmnopqrstuv",
            HASH + " ",
        ],
    ),
    "is_relative_path": (
        checks.relative_path_ok,
        ["a.txt", "12/34/file.pdf", "a/.hidden", "a/..b/c"],
        [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a/..",
            "./a",
            "a/./b",
            "a//b",
            "a/",
            "a\\b",
            "C:/x",
            "c:x",
            "a/\x00b",
        ],
    ),
}
PARAMS = [(name, value, True) for name, (_, good, _) in CASES.items() for value in good] + [
    (name, value, False) for name, (_, _, bad) in CASES.items() for value in bad
]


def test_every_registered_check_has_cases():
    assert set(CASES) == set(checks.CHECK_NAMES)


@pytest.mark.parametrize("name, value, expected", PARAMS)
def test_registered_check(name, value, expected):
    check = getattr(pa.Check, name)()
    for dtype in ("str", object):
        series = pd.Series([value], dtype=dtype)
        assert bool(check(series).check_output.iloc[0]) is expected, (name, value, dtype)
        schema = pa.SeriesSchema(object if dtype is object else str, checks=[check])
        if expected:
            schema.validate(series)
        else:
            with pytest.raises(pa.errors.SchemaError):
                schema.validate(series)


@pytest.mark.parametrize("name, value, expected", PARAMS)
def test_single_value_helper(name, value, expected):
    helper = CASES[name][0]
    assert helper(value) is expected


@pytest.mark.parametrize("name", list(CASES))
def test_missing_values_pass_and_non_text_fails(name):
    fn = getattr(checks, name)
    assert fn(pd.Series([None, float("nan"), pd.NA], dtype=object)).tolist() == [True, True, True]
    assert fn(pd.Series(["x", None], dtype="str")).iloc[1]
    assert CASES[name][0](None) is True
    assert fn(pd.Series([12345678901, 3.5], dtype=object)).tolist() == [False, False]
    assert fn(pd.Series([12345678901, 2])).tolist() == [False, False]
    assert fn(pd.Series([1, "en", None], dtype=object)).tolist() == [
        False,
        fn(pd.Series(["en"])).iloc[0],
        True,
    ]


def test_vectorised_results_keep_the_index():
    s = pd.Series(["ada@example.com", "nope", None], index=[10, 20, 30], dtype="str")
    out = checks.is_email(s)
    assert out.index.tolist() == [10, 20, 30] and out.tolist() == [True, False, True]


def test_real_argon2_hash_passes():
    from argon2 import PasswordHasher

    assert checks.argon2_hash_ok(PasswordHasher().hash("correct horse"))


def test_every_iso639_1_code_in_use_is_a_language_tag():
    """The two-letter codes of ISO 639-1 (184 in Debian's iso-codes) pass as they are, but three."""
    codes = """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
        dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie
        ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg
        mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro
        ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tn to tr ts tt ty ug uk
        ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
    assert len(codes) == 181  # all but bh, tl and tw, which langcodes writes bho, fil and ak (see below)
    assert checks.is_language_tag(pd.Series(codes, dtype="str")).all()
    assert checks.is_language_tag(pd.Series(["bh", "tl", "tw"], dtype="str")).tolist() == [
        False,
        False,
        False,
    ]


def test_registration_is_idempotent():
    importlib.reload(checks)
    assert pa.Check.is_email()(pd.Series(["a@b.co"])).check_passed


def test_validation_imports_neither_inbox_nor_streamlit():
    code = (
        "import sys, validation, validation.checks, validation.tables; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('inbox', 'streamlit')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_vocabulary_constants():
    assert validation.PLATFORMS == ("whatsapp", "messenger", "instagram", "x", "email", "sms", "webchat")
    assert validation.ROLES == ("admin", "agent") and validation.PLANS == ("team", "enterprise")
    assert "list" in validation.ATTRIBUTE_TYPES and {"plan", "default_region"} <= set(validation.SETTING_KEYS)
