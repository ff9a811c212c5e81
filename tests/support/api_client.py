"""In-process API clients for tests: the API over a test store, with real tokens of stored members."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_api
from inbox import tokens
from inbox.models import SYSTEM, Actor

from .members import seed_members

ADMIN = Actor("admin@example.com", "admin")
AGENT = Actor("agent@example.com", "agent")


def token_for(store, actor: Actor, name: str = "tests", **kwargs) -> str:
    """A new API token of ``actor`` (stored as a member first)."""
    seed_members(store, actor)
    return tokens.create_token(store, SYSTEM, actor.email, name=name, **kwargs)[1]


def api_client(store, actor: Actor | None = ADMIN) -> TestClient:
    """A client of the API over ``store`` sending ``actor``'s token (none when ``actor`` is None)."""
    client = TestClient(create_api(lambda: store), raise_server_exceptions=False)
    if actor is not None:
        client.headers["Authorization"] = f"Bearer {token_for(store, actor, name=f'tests {actor.role}')}"
    return client
