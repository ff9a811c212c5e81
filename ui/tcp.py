"""TCP_NODELAY on the app's connections: Streamlit 1.67 binds its socket without naming TCP, so asyncio leaves
Nagle's algorithm on and every response written in two parts waits ~40 ms for the client's delayed ACK."""

from __future__ import annotations

import socket
from asyncio import base_events
from typing import Any

_original = base_events._set_nodelay  # type: ignore[attr-defined]


def _set_nodelay(sock: Any) -> None:
    """asyncio's rule, with protocol 0 taken for what it means on an IPv4/IPv6 stream socket: TCP (Streamlit
    binds ``socket.socket(family)``, whose connections report protocol 0, and asyncio skips those)."""
    if (
        sock.family in (socket.AF_INET, socket.AF_INET6)
        and sock.type == socket.SOCK_STREAM
        and sock.proto in (0, socket.IPPROTO_TCP)
    ):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    else:
        _original(sock)


def nodelay_for_every_tcp_connection() -> None:
    """Install the rule above (app.py does, when uvicorn imports it: before the first connection)."""
    base_events._set_nodelay = _set_nodelay  # type: ignore[attr-defined]
