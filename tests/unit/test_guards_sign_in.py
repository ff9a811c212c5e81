"""Sign-in guards pinned by behaviour: the wait in words at its boundaries, and a refusal carries its wait."""

from __future__ import annotations

from datetime import datetime

import pytest

from inbox.sign_in import Throttle, _refusal, in_words


@pytest.mark.parametrize(
    "seconds, words",
    [
        (0, "1 second"),
        (0.2, "1 second"),
        (1, "1 second"),
        (1.01, "2 seconds"),
        (2, "2 seconds"),
        (59, "59 seconds"),
        (59.5, "1 minute"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (120, "2 minutes"),
        (121, "3 minutes"),
    ],
)
def test_a_wait_in_words(seconds, words):
    assert in_words(seconds) == words


def test_a_refusal_says_how_long_to_wait_and_carries_the_wait():
    throttled = _refusal(Throttle(wait=30.0))
    assert (throttled.user, throttled.outcome, throttled.wait) == (None, "throttled", 30.0)
    assert throttled.message == "Too many failed sign-ins: wait 30 seconds before trying again."
    locked = _refusal(Throttle(wait=600.0, locked_until=datetime(2026, 12, 1)))
    assert (locked.user, locked.outcome, locked.wait) == (None, "locked", 600.0)
    assert locked.message == (
        "Too many failed sign-ins with this email: it is locked for 10 minutes, or until an admin unlocks it."
    )
