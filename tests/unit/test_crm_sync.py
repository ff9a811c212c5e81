"""``python -m inbox crm sync|lookup|status`` against a real HTTP CRM: progress, retries, concurrency,
plans."""

import json
from datetime import datetime, timedelta

import pytest

from inbox import contacts, crm, inbound, workspace
from inbox.models import SYSTEM
from inbox.store import Store

from ..support.cli import invoke as run
from ..support.crm_server import SECRET, FakeCrm

HANDLES = [f"+3361000000{n}" for n in range(8)]


@pytest.fixture
def fake():
    with FakeCrm() as server:
        yield server


@pytest.fixture
def workspace_db(db_path, fake):
    """Eight contacts (made before the CRM was configured), Enterprise, job_title managed; the file is
    closed."""
    with Store(db_path) as store:
        for handle in HANDLES:
            inbound.receive(store, "whatsapp", handle, "hello")
        workspace.set_plan(store, SYSTEM, "enterprise")
        crm.save_settings(
            store,
            SYSTEM,
            lookup_url=fake.url,
            timeout_seconds=2,
            lookup_key="phone",
            aliases={"title": "job_title"},
            secret=SECRET,
        )
        crm.set_managed(store, SYSTEM, ["job_title"])
    for n, handle in enumerate(HANDLES):
        fake.records[handle] = {"title": f"Title {n}"}
    return str(db_path)


def job_titles(db):
    with Store(db) as store:
        return [contacts.get_contact(store, n).values["job_title"] for n in range(1, len(HANDLES) + 1)]


def test_sync_all_looks_every_contact_up_with_progress_and_a_json_summary(workspace_db, fake):
    done = run("crm", "sync", "--all", "--db", workspace_db)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert {
        k: summary[k] for k in ("selected", "looked_up", "validated", "updated", "failed", "retried")
    } == {"selected": 8, "looked_up": 8, "validated": 8, "updated": 8, "failed": 0, "retried": 0}
    assert "crm sync: 8/8 contacts · 8 validated · 0 failed" in done.stderr
    assert job_titles(workspace_db) == [f"Title {n}" for n in range(8)]
    assert fake.count == 8 and all(r["signature_ok"] for r in fake.requests)
    status = json.loads(run("crm", "status", "--db", workspace_db).stdout)
    assert status["contacts"] == {"validated": 8, "failed": 0, "never": 0} and status["managed"] == [
        "job_title"
    ]
    assert status["secret_set"] is True and SECRET not in json.dumps(status)


def test_429_and_500_are_retried_with_backoff(workspace_db, fake):
    fake.then({"status": 429, "retry_after": "0"}, {"status": 500})
    done = run("crm", "sync", "--all", "--concurrency", "1", "--backoff", "0.01", "--db", workspace_db)
    summary = json.loads(done.stdout)
    assert done.returncode == 0 and summary["validated"] == 8 and summary["retried"] == 2
    assert fake.count == 10


def test_failures_after_the_retries_are_counted_and_exit_1(workspace_db, fake):
    fake.then(*[{"status": 503}] * 3, {"raw": b"oops"})
    done = run(
        "crm", "sync", "--all", "--concurrency", "1", "--retries", "2", "--backoff", "0", "--db", workspace_db
    )
    summary = json.loads(done.stdout)
    assert done.returncode == 1
    assert (
        summary["failed"] == 2
        and summary["validated"] == 6
        and summary["errors"] == {"http": 1, "invalid_json": 1}
    )
    assert fake.count == 8 + 2  # the 503 contact: three attempts; invalid JSON is not retried
    assert job_titles(workspace_db).count(None) == 2


def test_concurrency_is_limited(workspace_db, fake):
    fake.then(*[{"slow": 0.3, "json": {"title": "Slow"}}] * 8)
    done = run("crm", "sync", "--all", "--concurrency", "3", "--db", workspace_db)
    assert done.returncode == 0
    assert 1 < fake.max_in_flight <= 3


def test_since_selects_contacts_created_or_changed_since(workspace_db, fake):
    with Store(workspace_db) as store:
        c = contacts.get_contact(store, 3)
        contacts.update_values(store, SYSTEM, c.id, c.version, {"first_name": "Recent"})
        with store.tx() as cur:  # everyone else was created and last changed long ago
            cur.execute(
                "UPDATE contacts SET created_at = ?, updated_at = ? WHERE id <> 3",
                [datetime(2020, 1, 1), datetime(2020, 1, 1)],
            )
    since = (datetime.now() - timedelta(days=2)).strftime("%Y-%m-%d")
    summary = json.loads(run("crm", "sync", "--since", since, "--db", workspace_db).stdout)
    assert summary["selected"] == 1 and summary["validated"] == 1
    assert [r["payload"]["contact_id"] for r in fake.requests] == [3]


@pytest.mark.parametrize(
    "args,message",
    [
        ((), "choose what to sync: --all, or --since DATE"),
        (("--all", "--since", "2024-01-01"), "choose what to sync"),
        (("--since", "last week"), "--since: not a date"),
        (("--all", "--concurrency", "0"), "--concurrency"),
    ],
)
def test_bad_options_are_one_line(workspace_db, fake, args, message):
    done = run("crm", "sync", *args, "--db", workspace_db)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert fake.count == 0


def test_team_plan_refuses_and_calls_nothing(workspace_db, fake):
    assert run("plan", "set", "team", "--db", workspace_db).returncode == 0
    for args in (("crm", "sync", "--all"), ("crm", "lookup", "1")):
        done = run(*args, "--db", workspace_db)
        assert done.returncode == 2 and "needs the Enterprise plan" in done.stderr
    assert fake.count == 0


def test_lookup_one_contact(workspace_db, fake):
    done = run("crm", "lookup", "2", "--db", workspace_db)
    out = json.loads(done.stdout)
    assert done.returncode == 0 and out["ok"] and out["written"] == ["job_title"]
    fake.then({"status": 500})
    failed = run("crm", "lookup", "2", "--db", workspace_db)
    assert failed.returncode == 1 and "HTTP 500" in json.loads(failed.stdout)["error"]
    missing = run("crm", "lookup", "99", "--db", workspace_db)
    assert missing.returncode == 2 and "contact 99 no longer exists" in missing.stderr
