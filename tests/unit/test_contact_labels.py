"""Widget labels in words without Markdown backslashes (their text is the accessible name), platform names and
lookup identifiers that are not valid."""

import pytest

from inbox import contacts
from ui.panel import widget_label
from ui.text import literal


@pytest.mark.parametrize(
    "label", ["Job title", "first_name", "E-mail", "VIP?", "Score (0-10)", "Customer #", "Ünïcode label"]
)
def test_ordinary_labels_are_passed_as_typed(label):
    assert widget_label(label) == label


@pytest.mark.parametrize(
    "label",
    ["**bold**", "_x_", "a _b_ c", "1. First", "example.com", ":smile:", "[x](y)", "$5", "a*b", "Name:"],
)
def test_labels_markdown_would_change_are_escaped(label):
    assert widget_label(label) == literal(label)


def test_platform_labels():
    assert [contacts.platform_label(p) for p in ("whatsapp", "sms", "webchat", "x")] == [
        "WhatsApp",
        "SMS",
        "Web chat",
        "X",
    ]
    assert contacts.platform_label("fax") == "fax"


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("bob@", "not a valid email address"),
        ("#4x", "not a valid contact number (# and digits, like #42)"),
        ("+1 2", "not a valid phone number"),
        ("bob@example.com", None),
        ("#42", None),
        ("+33 6 12 34 56 78", None),
        ("12345", None),  # an account or external id may be digits only
        ("Lukas Weber", None),
        ("", None),
    ],
)
def test_identifier_problems(store, query, problem):
    assert contacts.identifier_problem(store, query) == problem
