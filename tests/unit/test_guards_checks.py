"""Value checks at their boundaries: each registered check just inside and just outside what it accepts
(pins what mutation testing found unguarded: URL user@host, scheme, port range; lengths of keys, digests)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from validation import checks

# check name -> (values just inside, values just outside)
BOUNDARIES = {
    "is_url": (
        [
            "http://h",
            "https://h:65535",
            "http://h:0",
            "http://h:8080/x",
            "https://h?q",
            "https://h#f",
            "http://[::1]",
            "https://h:1",
        ],
        [
            "https://user@h",
            "http://user:pw@h/",
            "https://h@evil.example",
            "httpss://h",
            "htps://h",
            "https:/h",
            "https://h:65536",
            "https://h:99999",
            "https://h:123456",
            "https://h:",
            "https://h:x",
            "https://[::1",
            "https://h/a b",
            "https://h/\x00",
            " https://h",
            "https://h\n",
        ],
    ),
    "is_e164": (
        ["+1234", "+1" + "0" * 19, "+12345;ext=1", "+12345;ext=" + "1" * 20],
        ["+123", "+1" + "0" * 20, "+12345;ext=" + "1" * 21, "+0234", "+12345;ext=a", "+12345 "],
    ),
    "is_slug": (["a", "z9_", "a" + "b" * 63], ["a" + "b" * 64, "A", "9a", "a-b", "a.b", ""]),
    "is_sha256_hex": (["a" * 64, "0123456789abcdef" * 4], ["a" * 63, "a" * 65, "A" * 64, "a" * 63 + "g"]),
    "no_control_chars": (["\x20", "~", "\x80", "é"], ["\x1f", "\x00", "\x7f", "a\tb", "a\rb"]),
    "not_blank": (["x", " x"], ["", " ", "\t"]),
    "is_lowercase": (["abc", "1", "ß"], ["Abc", "abC"]),
    "is_json_list_of_str": (['["a"]', '[" a"]', "[]"], ['[""]', '["a", " "]', "[1]", '{"a": "b"}', "nope"]),
    "is_valid_regex": (["a", "(a)", ""], ["(", ")", "a{2,1}"]),
    "is_relative_path": (
        ["a", "a/b", "a..", "..a/b"],
        ["/a", "a/", "a//b", "..", ".", "a/./b", "a/../b", "C:a", "a\\b"],
    ),
    "is_argon2_hash": (
        ["$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "$argon2id$v=19$m=1,t=1,p=1$YQ==$Yg=="],
        [
            "$argon2i$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
            "$argon2id$v=19$m=1,t=1,p=1$YQ===$Yg",
            "$argon2id$v=19$m=1,t=1$YQ$Yg",
            "x$argon2id$v=19$m=1,t=1,p=1$YQ$Yg",
        ],
    ),
    "is_email": (["a@b.co", "o.k@x.example"], ["a@b", "@b.co", "a@b.c", "A@b.co", "a@@b.co", "a b@c.co"]),
    "is_phone_number": (["+33612345678"], ["+3361234567", "+33612345678 ", "+0612345678"]),
    "is_language_tag": (["fr", "pt-BR"], ["FR", "fr-", "fr_FR", "xx"]),
}
CASES = [(n, v, True) for n, (good, _) in BOUNDARIES.items() for v in good] + [
    (n, v, False) for n, (_, bad) in BOUNDARIES.items() for v in bad
]


def test_every_registered_check_has_boundaries():
    assert set(BOUNDARIES) == set(checks.CHECK_NAMES)


@pytest.mark.parametrize("name, value, expected", CASES)
def test_check_at_its_boundary(name, value, expected):
    helper = getattr(checks, name)
    for dtype in ("str", "string[python]", object):  # pyarrow's RE2, Python's re, and mixed object columns
        got = helper(pd.Series(["x", value, None], dtype=dtype, index=[7, 8, 9]))
        assert got.index.tolist() == [7, 8, 9]
        assert bool(got.loc[8]) is expected, (name, value, dtype)
        assert bool(got.loc[9]) is True  # missing passes: nullability is the schema's business


@pytest.mark.parametrize("name", list(BOUNDARIES))
def test_single_value_helper_agrees_and_non_text_fails(name):
    fn = getattr(checks, name)
    helper = next(
        h for h in dir(checks) if h.endswith("_ok") and getattr(checks, h).__doc__.startswith(f"``{name}``")
    )
    good, bad = BOUNDARIES[name]
    assert getattr(checks, helper)(good[0]) is True and getattr(checks, helper)(bad[0]) is False
    assert getattr(checks, helper)(None) is True
    mixed = fn(pd.Series([good[0], 5, bad[0], None, 2.5, good[0]], dtype=object))
    assert mixed.tolist() == [True, False, False, True, False, True]
    assert mixed.dtype == bool


def test_a_schema_with_the_url_check_refuses_credentials_in_the_address():
    schema = pa.DataFrameSchema({"u": pa.Column(str, pa.Check.is_url(), nullable=True)})
    schema.validate(pd.DataFrame({"u": ["https://example.com:443/x", None]}))
    with pytest.raises(pa.errors.SchemaError):
        schema.validate(pd.DataFrame({"u": ["https://admin@example.com"]}))


def test_repeated_values_are_judged_each_time():
    # _each caches per distinct value: the cache must give the same verdict for each occurrence
    got = checks.is_json_list_of_str(pd.Series(['["a"]', "[", '["a"]', "[", None], dtype=object))
    assert got.tolist() == [True, False, True, False, True]
    got = checks.is_valid_regex(pd.Series(["(", "a", "("], dtype="str"))
    assert got.tolist() == [False, True, False]


def test_a_non_text_column_passes_only_its_missing_values():
    assert checks.is_slug(pd.Series([1, 2], dtype="int64")).tolist() == [False, False]
    assert checks.is_slug(pd.Series([1.0, None], dtype="float64")).tolist() == [False, True]


def test_registration_on_a_fresh_import_registers_each_check_once():
    import importlib

    from pandera.api.checks import Check

    names = list(checks.CHECK_NAMES)
    Check.REGISTERED_CUSTOM_CHECKS.pop("is_url")  # as on the first import: not registered yet
    try:
        importlib.reload(checks)
    finally:
        if "is_url" not in Check.REGISTERED_CUSTOM_CHECKS:
            importlib.reload(checks)
    assert checks.CHECK_NAMES == names and len(set(names)) == len(names) == len(BOUNDARIES)
    assert all(name in Check.REGISTERED_CUSTOM_CHECKS for name in names)
    assert not pa.Check.is_url()(pd.Series(["https://h:65536"])).check_passed


@pytest.mark.parametrize("value", [5, 2.5, True, b"https://h", ["a"]])
def test_every_single_value_helper_refuses_a_non_string(value):
    helpers = [getattr(checks, h) for h in dir(checks) if h.endswith("_ok")]
    assert len(helpers) == len(BOUNDARIES)
    assert [h.__name__ for h in helpers if h(value) is not False] == []
