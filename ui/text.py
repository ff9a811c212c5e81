"""Render user data as literal text: escape Markdown and HTML before it reaches st.markdown."""

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&$:])")


def literal(value) -> str:
    """``value`` as Markdown that displays exactly its characters (no bold, links, HTML, math)."""
    if value is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(value)).replace("\n", "  \n")
