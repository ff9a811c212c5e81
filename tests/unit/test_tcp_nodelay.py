"""The app's connections send at once (TCP_NODELAY): Streamlit binds its listening socket with protocol 0,
which asyncio's own rule skips, so each response in two writes used to wait ~40 ms for the delayed ACK."""

import asyncio
import socket

from ui import tcp

NODELAY = (socket.IPPROTO_TCP, socket.TCP_NODELAY)


def streamlit_like_listener() -> socket.socket:
    listener = socket.socket(family=socket.AF_INET)  # as Streamlit 1.67's _bind_socket does
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    return listener


def test_a_connection_of_protocol_0_is_tcp_and_gets_nodelay():
    listener = streamlit_like_listener()
    with listener, socket.create_connection(listener.getsockname()):
        conn, _ = listener.accept()
        with conn:
            assert conn.proto == 0 and conn.getsockopt(*NODELAY) == 0
            tcp._original(conn)  # asyncio's rule: skipped, Nagle stays on
            assert conn.getsockopt(*NODELAY) == 0
            tcp._set_nodelay(conn)
            assert conn.getsockopt(*NODELAY) != 0


def test_other_sockets_keep_asyncios_rule():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        tcp._set_nodelay(udp)  # not a stream: left alone (asyncio's rule, no error)


def test_once_installed_asyncio_servers_accept_with_nodelay():
    tcp.nodelay_for_every_tcp_connection()
    listener = streamlit_like_listener()
    seen: list[int] = []

    async def main():
        async def handle(reader, writer):
            seen.append(writer.get_extra_info("socket").getsockopt(*NODELAY))
            writer.close()

        server = await asyncio.start_server(handle, sock=listener)
        async with server:
            reader, writer = await asyncio.open_connection(*listener.getsockname())
            await reader.read()
            writer.close()

    asyncio.run(main())
    assert seen and seen[0] != 0


def test_app_py_installs_it():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "app.py").read_text(encoding="utf-8")
    assert "\nnodelay_for_every_tcp_connection()" in text
