"""Bearer tokens over HTTP (api/deps.py → inbox.tokens.member_for): a token acts as its member with their
role; revoked, expired, unknown or a disabled member's: 401 problem with the same words; an agent's token on
an admin route: 403; a client that failed too often: 429 with Retry-After before any lookup."""

from datetime import timedelta

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from api.app import create_api
from api.deps import Admin, Member
from inbox import sign_in, tokens, users
from inbox.models import SYSTEM, Actor, utcnow

ADA, ALEX = "ada@example.com", "alex@example.com"
PROBLEM = "application/problem+json"


@pytest.fixture
def client(store):
    users.add_user(store, SYSTEM, ADA, role="admin", password="long-enough-1")
    users.add_user(store, SYSTEM, ALEX, role="agent", password="long-enough-2")
    api = create_api(lambda: store)
    router = APIRouter()

    @router.get("/v1/me")
    def me(member: Member) -> dict:
        return {"email": member.email, "role": member.role}

    @router.get("/v1/admin-only")
    def admin_only(member: Admin) -> dict:
        return {"email": member.email}

    api.include_router(router)
    return TestClient(api)


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def refused(answer) -> bool:
    return (
        answer.status_code == 401
        and answer.headers["content-type"] == PROBLEM
        and answer.json()["detail"] == "invalid or expired token"
        and answer.headers["www-authenticate"].startswith("Bearer")
    )


def test_a_token_acts_as_its_member_until_revoked(client, store):
    token, raw = tokens.create_token(store, Actor(ALEX, "agent"), ALEX, name="script")
    answer = client.get("/v1/me", headers=bearer(raw))
    assert answer.status_code == 200 and answer.json() == {"email": ALEX, "role": "agent"}
    assert tokens.list_tokens(store, SYSTEM, ALEX)[0].last_used_at is not None
    tokens.revoke_token(store, Actor(ALEX, "agent"), token.id)
    assert refused(client.get("/v1/me", headers=bearer(raw)))


def test_an_expired_token_and_an_unknown_one_get_the_same_answer(client, store):
    _, raw = tokens.create_token(
        store, SYSTEM, ALEX, name="old", expires_days=1, now=utcnow() - timedelta(days=2)
    )
    assert refused(client.get("/v1/me", headers=bearer(raw)))
    assert refused(client.get("/v1/me", headers=bearer("inbox_pat_" + "x" * 43)))


def test_a_disabled_member_is_refused_at_once(client, store):
    _, raw = tokens.create_token(store, SYSTEM, ALEX, name="script")
    assert client.get("/v1/me", headers=bearer(raw)).status_code == 200
    users.set_active(store, SYSTEM, ALEX, False)
    assert refused(client.get("/v1/me", headers=bearer(raw)))


def test_an_agents_token_is_refused_admin_routes(client, store):
    _, agent = tokens.create_token(store, SYSTEM, ALEX, name="agent")
    _, admin = tokens.create_token(store, SYSTEM, ADA, name="admin")
    answer = client.get("/v1/admin-only", headers=bearer(agent))
    assert answer.status_code == 403 and answer.headers["content-type"] == PROBLEM
    assert client.get("/v1/admin-only", headers=bearer(admin)).json() == {"email": ADA}


def test_a_client_that_failed_too_often_is_throttled_before_any_lookup(client, store):
    _, raw = tokens.create_token(store, SYSTEM, ALEX, name="script")
    for i in range(sign_in.CLIENT_FREE):
        assert refused(client.get("/v1/me", headers=bearer(f"inbox_pat_guess{i}")))
    answer = client.get("/v1/me", headers=bearer(raw))  # even the right token now waits
    assert answer.status_code == 429 and answer.headers["content-type"] == PROBLEM
    assert 1 <= int(answer.headers["retry-after"]) <= 5
    assert answer.json()["detail"].startswith("Too many failed sign-ins: wait ")


def test_a_refused_token_counts_against_the_client_a_trusted_proxy_names(client, store, monkeypatch):
    spoofed = {"X-Real-IP": "203.0.113.9"}
    client.get("/v1/me", headers={**bearer("inbox_pat_wrong"), **spoofed})  # not trusted: anyone can send it
    monkeypatch.setenv("INBOX_CLIENT_IP_HEADER", "X-Real-IP")
    client.get("/v1/me", headers={**bearer("inbox_pat_wrong"), **spoofed})
    clients = [r["client"] for r in reversed(store.sign_ins.recent_sign_ins())]
    assert clients == ["testclient", "203.0.113.9"]
