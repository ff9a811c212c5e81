"""One store per database path per process, shared by the Streamlit script and the sign-in routes."""

from __future__ import annotations

import threading
from collections.abc import Callable

from inbox import db_target, open_store

_OPENED: list[Callable] = []  # called with each store this process opens (router.py adds the purge scheduler)
_STORES: dict[str, object] = {}
_LOCK = threading.Lock()


def on_store_opened(hook: Callable) -> None:
    """Call ``hook(store)`` for every store this process opens, those already open included (a sign-in route
    may open the store before the script registers its hooks); once per hook, however often registered."""
    with _LOCK:
        if hook in _OPENED:
            return
        _OPENED.append(hook)
        opened = list(_STORES.values())
    for store in opened:
        hook(store)


def store_for(path: str):
    """The store of ``path``, opened once per process (an open that fails is tried again next time)."""
    with _LOCK:
        store = _STORES.get(path)
        if store is None:
            store = open_store(path)
            try:
                for hook in _OPENED:
                    hook(store)
            except BaseException:
                store.close()
                raise
            _STORES[path] = store
        return store


def close_store(path: str) -> None:
    """Close and forget the store of ``path`` (when it is open): the next ``store_for`` opens it afresh."""
    with _LOCK:
        store = _STORES.pop(path, None)
    if store is not None:
        store.close()


def current_store():
    """The store of ``$INBOX_DB`` (raises ``InboxError`` when it cannot be opened)."""
    return store_for(str(db_target()))
