"""Test helper: store the members that tests act as (a write re-reads its acting member in the database)."""

from inbox.models import utcnow

# A well-formed argon2 hash of no known password: these members act through the library, never sign in.
NO_PASSWORD = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$" + "0" * 43


def seed_members(store, *actors) -> None:
    """Add each ``Actor`` (email, role) as an active member unless one with that e-mail exists."""
    for actor in actors:
        if actor.role != "system" and store.accounts.user_by_email(actor.email) is None:
            store.accounts.insert_user(
                actor.email, actor.email.split("@")[0], actor.role, NO_PASSWORD, utcnow()
            )


def members_fixture(*actors):
    """An autouse fixture for a test module: the ``store`` a test uses holds ``actors`` as members."""
    import pytest

    @pytest.fixture(autouse=True)
    def _members(request):
        if "store" in request.fixturenames:
            seed_members(request.getfixturevalue("store"), *actors)

    return _members
