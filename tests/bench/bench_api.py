"""Benchmark: the API on loopback — contact search p95 against the same search in-process (ratio, target
≤ 1.5×), then 50 concurrent clients searching and saving (If-Match) for 30 s: no error but 412, no lost
update."""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx  # noqa: E402

from inbox import contacts, open_store, tokens  # noqa: E402
from inbox.models import Actor  # noqa: E402
from tests.bench.common import copy_of, demo_db, emit, p95, timed_ms  # noqa: E402
from tests.support.browser import ROOT, fresh_server  # noqa: E402

ADMIN = Actor("admin@example.com", "admin")  # a demo account
CLIENTS = int(os.environ.get("BENCH_API_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "30"))
HOT = 10  # contacts every client saves: concurrent saves of one contact must meet (412), never overwrite
FIELD = "job_title"
PAGE = 25  # the API's default page size


def prepare(path: Path) -> tuple[list[str], list[float], list[int], str]:
    """Queries, their in-process search times, the hot contacts and an admin token (before the server)."""
    with open_store(path) as store:
        rng = random.Random(11)
        top = store._scalar("SELECT max(id) FROM contacts")
        sample = [store.contacts.contact_row(rng.randint(1, top)) for _ in range(40)]
        sample = [s for s in sample if s]
        queries = [s["last_name"] for s in sample if s["last_name"]][:8] + [
            s["first_name"][:3].lower() for s in sample if s["first_name"]
        ][:8]
        queries += [s["email"] for s in sample if s["email"]][:4]
        contacts.search(store, "warm-up", page_size=PAGE)
        inproc = [
            ms for q in queries for ms in timed_ms(lambda q=q: contacts.search(store, q, page_size=PAGE), 5)
        ]
        hot = [int(i) for i in store._df("SELECT id FROM contacts ORDER BY id LIMIT ?", [HOT])["id"]]
        token = tokens.create_token(store, ADMIN, ADMIN.email, name="bench", expires_days=1)[1]
    return queries, inproc, hot, token


def api_search(url: str, token: str, queries: list[str]) -> list[float]:
    with httpx.Client(base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {token}"}) as http:

        def one(q: str) -> None:
            r = http.get("/contacts", params={"q": q, "limit": PAGE})
            r.raise_for_status()

        for q in queries:  # warm-up: the app's first calls, as the in-process run had its own
            one(q)
        return [ms for q in queries for ms in timed_ms(lambda q=q: one(q), 5)]


async def crowd(url: str, token: str, queries: list[str], hot: list[int]) -> dict[str, object]:
    """``CLIENTS`` clients for ``SECONDS``: each loops search / read-then-save a hot contact (If-Match)."""
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=f"{url}/api/v1", headers=headers, limits=limits, timeout=60
    ) as http:
        for cid in hot:  # each hot contact starts at counter 0
            r = await http.get(f"/contacts/{cid}")
            await http.patch(
                f"/contacts/{cid}",
                json={"values": {FIELD: "bench 0"}},
                headers={"If-Match": r.headers["ETag"]},
            )
        start = {cid: (await http.get(f"/contacts/{cid}")).json() for cid in hot}
        saved = dict.fromkeys(hot, 0)
        stats: dict[str, list[float]] = {"search": [], "save": []}
        seen = {"conflicts": 0, "errors": 0}
        problems: list[str] = []
        deadline = time.monotonic() + SECONDS

        def fail(r: httpx.Response) -> None:
            seen["errors"] += 1
            if len(problems) < 5:
                problems.append(f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text[:200]}")

        async def client(n: int) -> None:
            rng = random.Random(n)
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                if rng.random() < 0.5:
                    r = await http.get("/contacts", params={"q": rng.choice(queries), "limit": PAGE})
                    stats["search"].append((time.perf_counter() - t0) * 1000)
                    if r.status_code != 200:
                        fail(r)
                    continue
                cid = rng.choice(hot)
                got = await http.get(f"/contacts/{cid}")
                if got.status_code != 200:
                    fail(got)
                    continue
                count = int(str(got.json()["values"][FIELD]).split()[-1])
                r = await http.patch(
                    f"/contacts/{cid}",
                    json={"values": {FIELD: f"bench {count + 1}"}},
                    headers={"If-Match": got.headers["ETag"]},
                )
                stats["save"].append((time.perf_counter() - t0) * 1000)
                if r.status_code == 200:
                    saved[cid] += 1
                elif r.status_code == 412:
                    seen["conflicts"] += 1
                else:
                    fail(r)

        await asyncio.gather(*(client(n) for n in range(CLIENTS)))
        lost = 0
        for cid in hot:
            end = (await http.get(f"/contacts/{cid}")).json()
            count = int(str(end["values"][FIELD]).split()[-1])
            lost += (count != saved[cid]) + (end["version"] - start[cid]["version"] != saved[cid])
    return {**stats, **seen, "saved": sum(saved.values()), "lost": lost, "problems": problems}


def main() -> int:
    path = copy_of(demo_db(), "api")
    queries, inproc, hot, token = prepare(path)
    with fresh_server(ROOT, path) as url:
        over_http = api_search(url, token, queries)
        emit("search_inprocess_p95", p95(inproc), "ms", queries=len(inproc))
        emit(
            "search_api_loopback_p95",
            p95(over_http),
            "ms",
            ratio=round(p95(over_http) / p95(inproc), 2),
            target_ratio=1.5,
            queries=len(over_http),
        )
        got = asyncio.run(crowd(url, token, queries, hot))
    searches, saves = got["search"], got["save"]
    assert isinstance(searches, list) and isinstance(saves, list)
    emit(
        "api_concurrent_search_p95",
        p95(searches),
        "ms",
        clients=CLIENTS,
        seconds=SECONDS,
        requests=len(searches),
    )
    emit(
        "api_concurrent_save_p95",
        p95(saves),
        "ms",
        clients=CLIENTS,
        saves=got["saved"],
        conflicts_412=got["conflicts"],
        errors=got["errors"],
        lost_updates=got["lost"],
    )
    for line in got["problems"]:  # type: ignore[attr-defined]
        print(f"# {line}", file=sys.stderr)
    return 1 if got["errors"] or got["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
