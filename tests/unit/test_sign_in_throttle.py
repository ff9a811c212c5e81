"""Sign-in throttling: growing delays per account and per client, a lock an admin lifts, a cap on hashing."""

import threading
import time
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from inbox import sign_in, users
from inbox.cli.main import cli
from inbox.errors import PermissionDenied
from inbox.models import SYSTEM

T0 = datetime(2026, 11, 2, 9, 0, 0)
ADMIN = ("ada@example.com", "admin-secret-1")
AGENT = ("alex@example.com", "agent-secret-1")


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """argon2 with tiny costs: these tests count verifications, they do not measure them."""
    cheap = users.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(users, "_hasher", cheap)
    monkeypatch.setattr(users, "_DUMMY_HASH", cheap.hash("not-a-real-password"))


@pytest.fixture
def team(store):
    users.add_user(store, SYSTEM, ADMIN[0], role="admin", password=ADMIN[1])
    users.add_user(store, SYSTEM, AGENT[0], role="agent", password=AGENT[1])
    return store


class CountingHasher:
    """The real hasher, counting verifications (and optionally tracking how many run at once)."""

    def __init__(self, real, hold: float = 0.0):
        self.real, self.hold, self.calls, self.running, self.most = real, hold, 0, 0, 0
        self.lock = threading.Lock()

    def verify(self, stored, password):
        with self.lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            if self.hold:
                time.sleep(self.hold)  # keeps the slot busy so that others pile up (no assertion on time)
                raise users.VerificationError("fake")
            return self.real.verify(stored, password)
        finally:
            with self.lock:
                self.running -= 1

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher(users._hasher)
    monkeypatch.setattr(users, "_hasher", counting)
    return counting


def fail_until_locked(store, email, client="198.51.100.7"):
    """Wrong passwords, each once the previous wait is over, until the e-mail is locked; then + 1 s."""
    now = T0
    for _ in range(sign_in.LOCK_AFTER):
        result = sign_in.attempt(store, email, "wrong-password", client=f"{client}", now=now)
        assert result.outcome == "failure"
        last = now
        failed = store.sign_ins.account_failures(email, now - sign_in.ACCOUNT_WINDOW)[0]
        now += sign_in.delay(failed, sign_in.ACCOUNT_FREE)
        now += timedelta(seconds=1)
    return last + timedelta(seconds=1)


def test_forty_wrong_passwords_then_the_right_one_is_refused(team, hasher):
    for i in range(40):
        sign_in.attempt(team, ADMIN[0], f"guess-{i}", client="203.0.113.5", now=T0 + timedelta(seconds=i))
    right = sign_in.attempt(team, ADMIN[0], ADMIN[1], client="203.0.113.5", now=T0 + timedelta(seconds=40))
    assert right.user is None and right.outcome == "throttled"
    assert right.message.startswith("Too many failed sign-ins: wait ")
    verified = team._scalar("SELECT count(*) FROM sign_in_attempts WHERE outcome = 'failure'")
    assert hasher.calls == verified == 8  # 5 free guesses, then one each time a wait (5, 10, 20 s) was over
    later = T0 + timedelta(seconds=40) + sign_in.MAX_DELAY
    assert sign_in.attempt(team, ADMIN[0], ADMIN[1], client="203.0.113.5", now=later).user.email == ADMIN[0]


def test_delays_grow_from_five_seconds_to_fifteen_minutes():
    assert [sign_in.delay(n, 5).total_seconds() for n in (0, 4, 5, 6, 7, 12, 13, 40)] == [
        0,
        0,
        5,
        10,
        20,
        640,
        900,
        900,
    ]


def test_the_wait_message_counts_down_and_a_success_resets_the_account(team):
    for _ in range(5):
        sign_in.attempt(team, AGENT[0], "nope-nope", client="c1", now=T0)
    early = sign_in.attempt(team, AGENT[0], AGENT[1], client="c2", now=T0 + timedelta(seconds=2))
    assert (early.outcome, early.message) == (
        "throttled",
        "Too many failed sign-ins: wait 3 seconds before trying again.",
    )
    ok = sign_in.attempt(team, AGENT[0], AGENT[1], client="c2", now=T0 + timedelta(seconds=5))
    assert ok.outcome == "success"
    assert team.sign_ins.account_failures(AGENT[0], T0 - timedelta(days=1)) == (0, None)


def test_unknown_email_and_wrong_password_answer_the_same_after_the_same_work(team, hasher):
    answers = []
    for email in (ADMIN[0], "nobody@example.com"):
        before = hasher.calls
        result = sign_in.attempt(team, email, "wrong-password", client="c", now=T0)
        answers.append((result.user, result.outcome, result.message, hasher.calls - before))
    assert answers[0] == answers[1] == (None, "failure", "wrong email or password", 1)
    throttled = []
    for email in (ADMIN[0], "nobody@example.com"):
        for _ in range(sign_in.ACCOUNT_FREE - 1):
            sign_in.attempt(team, email, "wrong-password", client=f"own-{email}", now=T0)
        before = hasher.calls
        result = sign_in.attempt(
            team, email, "wrong-password", client=f"own-{email}", now=T0 + timedelta(seconds=1)
        )
        throttled.append((result.outcome, result.message, hasher.calls - before))
    wait = "Too many failed sign-ins: wait 4 seconds before trying again."
    assert throttled[0] == throttled[1] == ("throttled", wait, 0)


@pytest.mark.parametrize("email", [ADMIN[0], "nobody@example.com"])
def test_a_locked_email_is_refused_until_an_admin_unlocks_it(team, email):
    now = fail_until_locked(team, email)
    locked = sign_in.attempt(team, email, ADMIN[1], client="another-client", now=now)
    assert locked.outcome == "locked"
    assert "locked for 60 minutes, or until an admin unlocks it" in locked.message
    board = sign_in.overview(team, SYSTEM, now=now)
    assert (email in board) == (email == ADMIN[0])  # the Members page lists members only
    assert email not in board or board[email].locked_until is not None
    with pytest.raises(PermissionDenied):
        sign_in.unlock(team, users.current_user(team, AGENT[0]).actor, email)
    assert sign_in.unlock(team, SYSTEM, email, now=now) is True
    again = sign_in.attempt(team, email, ADMIN[1], client="another-client", now=now)
    assert again.outcome == ("success" if email == ADMIN[0] else "failure")


def test_the_lock_is_temporary(team):
    now = fail_until_locked(team, AGENT[0])
    assert sign_in.attempt(team, AGENT[0], AGENT[1], client="x", now=now).outcome == "locked"
    later = now + sign_in.LOCK_TIME
    assert sign_in.attempt(team, AGENT[0], AGENT[1], client="x", now=later).outcome == "success"


def test_one_client_is_throttled_across_accounts_but_others_are_not(team):
    for i in range(sign_in.CLIENT_FREE):
        assert (
            sign_in.attempt(team, f"spray{i}@example.com", "password1", client="203.0.113.9", now=T0).outcome
            == "failure"
        )
    fresh = sign_in.attempt(team, AGENT[0], AGENT[1], client="203.0.113.9", now=T0 + timedelta(seconds=1))
    assert fresh.outcome == "throttled" and fresh.user is None
    assert sign_in.attempt(team, AGENT[0], AGENT[1], client="192.0.2.1", now=T0).outcome == "success"


def test_successful_sign_ins_never_throttle_a_client(team):
    for i in range(60):
        assert (
            sign_in.attempt(
                team, ADMIN[0], ADMIN[1], client="localhost", now=T0 + timedelta(seconds=i)
            ).outcome
            == "success"
        )


def test_every_attempt_is_recorded(team):
    sign_in.attempt(team, " Ada@Example.com ", "wrong-password", client="198.51.100.1", now=T0)
    sign_in.attempt(team, ADMIN[0], ADMIN[1], client="198.51.100.1", now=T0 + timedelta(seconds=1))
    assert [(r["at"], r["email"], r["client"], r["outcome"]) for r in team.sign_ins.recent_sign_ins()] == [
        (T0 + timedelta(seconds=1), ADMIN[0], "198.51.100.1", "success"),
        (T0, ADMIN[0], "198.51.100.1", "failure"),
    ]
    assert team.accounts.user_by_email(ADMIN[0]).last_sign_in_at == T0 + timedelta(seconds=1)


def test_no_more_than_two_hashes_are_verified_at_once(team, monkeypatch):
    slow = CountingHasher(users._hasher, hold=0.02)
    monkeypatch.setattr(users, "_hasher", slow)
    results = []

    def one(i):
        results.append(
            sign_in.attempt(team, f"user{i}@example.com", "wrong-password", client=f"c{i}", now=T0)
        )

    threads = [threading.Thread(target=one, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 32 and all(r.user is None for r in results)
    assert slow.calls == sum(r.outcome == "failure" for r in results) and slow.calls >= 1
    assert 1 <= slow.most <= sign_in.MAX_VERIFYING


def test_members_figures(team):
    sign_in.attempt(team, ADMIN[0], ADMIN[1], client="a", now=T0)
    for _ in range(3):
        sign_in.attempt(team, AGENT[0], "wrong-password", client="b", now=T0)
    board = sign_in.overview(team, SYSTEM, now=T0 + timedelta(hours=1))
    assert (board[ADMIN[0]].last_sign_in_at, board[ADMIN[0]].recent_failures) == (T0, 0)
    assert (board[AGENT[0]].last_sign_in_at, board[AGENT[0]].recent_failures) == (None, 3)
    assert board[AGENT[0]].locked_until is None
    assert sign_in.overview(team, SYSTEM, now=T0 + timedelta(days=2))[AGENT[0]].recent_failures == 0


def test_cli_unlock(team, db_path):
    fail_until_locked(team, AGENT[0])
    team.close()
    out = CliRunner().invoke(cli, ["users", "unlock", "Alex@Example.com", "--db", str(db_path)])
    assert out.exit_code == 0 and "Alex@Example.com" in out.output
    from inbox.store import Store

    with Store(db_path) as again:
        assert again.sign_ins.account_failures(AGENT[0], T0 - timedelta(days=1)) == (0, None)
        assert again.sign_ins.recent_sign_ins(1)[0]["outcome"] == "unlocked"


def test_check_validates_the_sign_in_log(team):
    from inbox.check import run_check

    sign_in.attempt(team, "", "x", client="198.51.100.2", now=T0)
    sign_in.attempt(team, ADMIN[0], ADMIN[1], client="198.51.100.2", now=T0)
    assert run_check(team).tables["sign_in_attempts"] == 2 and not run_check(team).problems
    with team.tx() as cur:
        cur.execute("UPDATE sign_in_attempts SET client = '' WHERE email = ''")  # (outcome has a CHECK)
    assert [p.table for p in run_check(team).problems] == ["sign_in_attempts"]


def recorded(store) -> list[tuple]:
    return [(r["at"], r["email"], r["client"], r["outcome"]) for r in store.sign_ins.recent_sign_ins()]


@pytest.fixture
def no_free_slot(monkeypatch):
    """Every hashing slot is taken (other sign-ins being checked) and an attempt waits at most 0.05 s."""
    monkeypatch.setattr(sign_in, "WAIT_FOR_SLOT", 0.05)
    taken = 0
    while users.HASHING_SLOTS.acquire(blocking=False):
        taken += 1
    yield
    for _ in range(taken):
        users.HASHING_SLOTS.release()


def test_with_no_free_hashing_slot_the_attempt_is_refused_as_busy_and_recorded(team, hasher, no_free_slot):
    result = sign_in.attempt(team, " Ada@Example.com ", ADMIN[1], client="198.51.100.9", now=T0)
    assert (result.user, result.outcome, result.message) == (None, "busy", users.BUSY)
    assert hasher.calls == 0  # nothing verified, even the right password
    assert recorded(team) == [(T0, ADMIN[0], "198.51.100.9", "busy")]


def test_a_throttled_attempt_is_refused_at_once_without_waiting_for_a_slot(team, hasher, no_free_slot):
    for i in range(sign_in.ACCOUNT_FREE):
        team.sign_ins.record_sign_in(T0 - timedelta(seconds=i + 1), ADMIN[0], "203.0.113.1", "failure")
    result = sign_in.attempt(team, ADMIN[0], ADMIN[1], client="198.51.100.9", now=T0)
    assert result.outcome == "throttled" and hasher.calls == 0  # the account's throttle, before any slot
    assert recorded(team)[0] == (T0, ADMIN[0], "198.51.100.9", "throttled")


def test_failures_recorded_while_an_attempt_waited_for_its_slot_throttle_it(team, hasher, monkeypatch):
    """Other attempts may fail while this one waits for a hashing slot: the throttle is read again once it
    holds one, so the burst does not get one more free verification each."""
    real = users.HASHING_SLOTS

    class Meanwhile:
        def acquire(self, timeout=None):
            for i in range(sign_in.ACCOUNT_FREE):  # recorded by attempts that held the slots meanwhile
                team.sign_ins.record_sign_in(
                    T0 - timedelta(seconds=i + 1), ADMIN[0], "203.0.113.2", "failure"
                )
            return real.acquire(timeout=timeout)

        def release(self):
            real.release()

    monkeypatch.setattr(sign_in, "HASHING_SLOTS", Meanwhile())
    result = sign_in.attempt(team, ADMIN[0], ADMIN[1], client="198.51.100.9", now=T0)
    assert result.outcome == "throttled" and hasher.calls == 0
    assert recorded(team)[0] == (T0, ADMIN[0], "198.51.100.9", "throttled")


def test_a_successful_sign_in_prunes_attempts_older_than_the_log_keeps(team):
    old = T0 - sign_in.KEEP_LOG - timedelta(minutes=1)
    kept = T0 - sign_in.KEEP_LOG + timedelta(minutes=1)
    team.sign_ins.record_sign_in(old, AGENT[0], "203.0.113.3", "failure")
    team.sign_ins.record_sign_in(kept, AGENT[0], "203.0.113.3", "failure")
    assert sign_in.attempt(team, ADMIN[0], ADMIN[1], client="198.51.100.9", now=T0).outcome == "success"
    assert [r[0] for r in recorded(team)] == [T0, kept]


def test_a_lock_lasts_exactly_lock_time_from_the_last_failure_and_says_until_when(team):
    for i in range(sign_in.LOCK_AFTER):  # the lock's failures, the last one at T0
        team.sign_ins.record_sign_in(T0 - timedelta(seconds=i), AGENT[0], f"203.0.113.{i}", "failure")
    end = T0 + sign_in.LOCK_TIME
    state = sign_in.throttle(team, AGENT[0], "x", end - timedelta(seconds=1))
    assert (state.locked_until, state.wait) == (end, 1.0)
    assert sign_in.overview(team, SYSTEM, now=T0)[AGENT[0]].locked_until == end
    assert sign_in.throttle(team, AGENT[0], "x", end).locked_until is None  # over at that very second


def test_the_library_sign_in_is_throttled_and_recorded_as_the_library_client(team):
    assert sign_in.authenticate(team, ADMIN[0], ADMIN[1]).email == ADMIN[0]
    assert sign_in.authenticate(team, ADMIN[0], "wrong-password") is None
    assert [(r[1], r[2], r[3]) for r in recorded(team)] == [
        (ADMIN[0], "library", "failure"),
        (ADMIN[0], "library", "success"),
    ]


def test_once_the_delay_is_over_the_wait_is_zero_not_negative(team):
    team.sign_ins.record_sign_in(T0, AGENT[0], "203.0.113.9", "failure")
    state = sign_in.throttle(team, AGENT[0], "203.0.113.9", T0 + timedelta(hours=1))
    assert (state.wait, state.locked_until, state.blocked) == (0.0, None, False)
