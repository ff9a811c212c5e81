"""AppTest: open a page of the router by its URL path, as a visitor following a link does."""

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Switch ``at`` (already run once) to the page router.py registered under ``url_path``; run it next.

    The router registers render functions, which ``AppTest.switch_page`` (file pages only) cannot name. Like
    ``switch_page``, raises ``ValueError`` when the page is not registered for this visitor (an agent and an
    admin page): what the last run's ``st.navigation`` registered is the only way in.
    """
    registered = [info.get("url_pathname") for info in at._registered_pages.values()]
    if url_path not in registered:
        raise ValueError(f"no page {url_path!r} is registered for this visitor (registered: {registered})")
    at._page_hash = calc_hash(url_path)  # the hash st.Page gives a page: that of its url_path
    return at


def _render_page(module: str) -> None:  # an AppTest script: runs on its own, hence the imports inside
    import importlib

    from ui.session import get_store

    importlib.import_module(f"app_pages.{module}").render(get_store())


def render_directly(module: str, email: str | None) -> AppTest:
    """Run ``app_pages.<module>.render`` alone, without the router, for a session signed in as ``email``."""
    from ui.session import TOKEN_KEY

    from .apptest import token_for

    at = AppTest.from_function(_render_page, args=(module,), default_timeout=30)
    if email:
        at.session_state[TOKEN_KEY] = token_for(email)
    return at.run()
