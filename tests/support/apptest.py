"""Helpers of the AppTest (tests/pages) tests: the seeded members' credentials, signing in, shown text."""

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ("admin@example.com", "admin-secret-1")
AGENT = ("agent@example.com", "agent-secret-1")


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click()
    return at.run()


def shown(markdown: str) -> str:
    """The text a Markdown value of ``ui.text.literal`` shows: escapes resolved, invisible joiners dropped."""
    text = markdown.replace("  \n", "\n").replace("&#32;", " ").replace("&#9;", "\t").replace("\u2060", "")
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
