"""Members and sign-in: hashing, wrong credentials, disabling, and role refusals."""

import pytest

from inbox import sign_in, users, workspace
from inbox.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from inbox.models import SYSTEM, Actor

AGENT = Actor("agent@example.com", "agent")


@pytest.fixture
def team(store):
    users.add_user(
        store, SYSTEM, "Admin@Example.com", role="admin", password="admin-secret-1", display_name="Ada"
    )
    users.add_user(store, SYSTEM, "agent@example.com", role="agent", password="agent-secret-1")
    return store


def test_password_is_stored_as_an_argon2_hash(team):
    stored = team.accounts.password_hash("admin@example.com")
    assert stored.startswith("$argon2id$") and "admin-secret-1" not in stored


def test_the_product_hashes_with_argon2id_at_64_mib_and_3_passes():
    from argon2 import Type, extract_parameters

    hasher = users.product_hasher()
    assert (hasher.type, hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (Type.ID, 65536, 3, 4)
    params = extract_parameters(hasher.hash("correct horse"))
    assert (params.type, params.memory_cost, params.time_cost) == (Type.ID, 65536, 3)


def test_sign_in_with_right_credentials_is_case_insensitive_on_email(team):
    user = sign_in.authenticate(team, " ADMIN@example.com ", "admin-secret-1")
    assert user.email == "admin@example.com" and user.role == "admin" and user.display_name == "Ada"
    assert team.accounts.user_by_email("admin@example.com").last_sign_in_at is not None


@pytest.mark.parametrize(
    "email,password",
    [
        ("admin@example.com", "wrong-password"),
        ("nobody@example.com", "admin-secret-1"),
        ("", ""),
        ("admin@example.com", ""),
    ],
)
def test_wrong_credentials_give_no_user(team, email, password):
    assert sign_in.authenticate(team, email, password) is None


def test_disabled_user_cannot_sign_in_and_is_signed_out(team):
    users.set_active(team, SYSTEM, "agent@example.com", False)
    assert sign_in.authenticate(team, "agent@example.com", "agent-secret-1") is None
    assert users.current_user(team, "agent@example.com") is None
    users.set_active(team, SYSTEM, "agent@example.com", True)
    assert sign_in.authenticate(team, "agent@example.com", "agent-secret-1") is not None


def test_last_active_admin_cannot_be_disabled(team):
    with pytest.raises(Conflict, match="last active admin"):
        users.set_active(team, SYSTEM, "admin@example.com", False)


@pytest.mark.parametrize(
    "email,role,password,match",
    [
        ("not-an-email", "agent", "long-enough", "not a valid email"),
        ("x@example.com", "boss", "long-enough", "role must be one of"),
        ("x@example.com", "agent", "short", "at least 8"),
    ],
)
def test_invalid_new_users_are_refused(store, email, role, password, match):
    with pytest.raises(InvalidInput, match=match):
        users.add_user(store, SYSTEM, email, role=role, password=password)
    assert store.accounts.count_users() == 0


def test_duplicate_email_is_refused(team):
    with pytest.raises(Conflict, match="already exists"):
        users.add_user(team, SYSTEM, "AGENT@example.com", role="admin", password="whatever-123")


def test_unknown_user_cannot_be_disabled(team):
    with pytest.raises(NotFound):
        users.set_active(team, SYSTEM, "ghost@example.com", False)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: users.add_user(s, AGENT, "new@example.com", role="admin", password="long-enough"),
        lambda s: users.list_users(s, AGENT),
        lambda s: users.set_active(s, AGENT, "admin@example.com", False),
        lambda s: workspace.set_plan(s, AGENT, "enterprise"),
        lambda s: workspace.set_plan(s, None, "enterprise"),
    ],
)
def test_agent_is_refused_admin_functions_called_directly(team, call):
    with pytest.raises(PermissionDenied):
        call(team)
    assert workspace.get_plan(team) == "team"
    assert team.accounts.user_by_email("new@example.com") is None
    assert team.accounts.user_by_email("admin@example.com").active


def test_admin_sets_the_plan(team):
    admin = sign_in.authenticate(team, "admin@example.com", "admin-secret-1").actor
    assert workspace.set_plan(team, admin, " Enterprise ") == "enterprise"
    assert workspace.get_plan(team) == "enterprise"
    with pytest.raises(InvalidInput):
        workspace.set_plan(team, admin, "gold")
