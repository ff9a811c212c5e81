"""What each covered command does over ``--url`` (``remote.Remote``): the API calls, then the local output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from validation.visible import visible, visible_json

from ..errors import InboxError, WriteFailed
from .common import say_import, say_json
from .remote import Remote, rows_in, save_stream

SHOWN = 20


def search(api: Remote, query: str, limit: int) -> None:
    found = api.json("GET", "/contacts", params={"q": query, "limit": limit})["contacts"]
    keys = [a["key"] for a in api.json("GET", "/layout")["attributes"]]
    out = []
    for row in found:
        contact = api.json("GET", f"/contacts/{row['id']}")
        values = contact["values"]
        out.append(
            {
                "id": contact["id"],
                "platform": contact["platform"],
                "handle": contact["handle"],
                "attributes": {k: values.get(k) for k in keys},
            }
        )
    say_json(out)


def layout_export(api: Remote) -> None:
    items = api.json("GET", "/layout")["attributes"]
    click.echo(visible_json(json.dumps(items, ensure_ascii=False, indent=2)))


def layout_import(api: Remote, items: Any) -> None:
    current = api.call("GET", "/layout")
    etag = current.headers.get("ETag") or f'"{current.json()["version"]}"'
    if not isinstance(items, list):
        raise InboxError("the layout must be a JSON list of objects")
    saved = api.json("PUT", "/layout", json={"attributes": items}, headers={"If-Match": etag})
    click.echo(f"layout version {saved['version']}")


def users_list(api: Remote) -> None:
    for u in sorted(api.json("GET", "/members"), key=lambda m: m["email"]):
        status = "active" if u["active"] else "disabled"
        click.echo(f"{visible(u['email'])}\t{u['role']}\t{status}\t{visible(u['display_name'])}")


def run_import(api: Remote, file: str, body: dict[str, Any], rejects_file: str | None) -> None:
    try:
        fh = open(file, "rb")
    except OSError as exc:
        raise InboxError(f"cannot read {file}: {exc.strerror}") from None
    with fh:
        sent = api.json(
            "POST",
            "/uploads",
            params={"name": Path(file).name},
            content=iter(lambda: fh.read(1 << 20), b""),
            headers={"Content-Type": "text/csv"},
        )
    result = api.json("POST", "/imports", json={**body, "upload_id": sent["upload_id"]})
    rejects_url = result["rejects_url"]
    fetch = (lambda: api.call("GET", rejects_url).content) if result["rejects"] else None
    say_import(result["summary"], rejects_file, fetch)


def undo_import(api: Remote, batch_id: int) -> int:
    try:
        done = api.json("POST", f"/imports/{batch_id}/undo")
    except InboxError as exc:
        changed = getattr(exc, "body", {}).get("contacts")
        if not isinstance(changed, list):
            raise
        click.echo(f"inbox: {exc}", err=True)
        for c in changed[:SHOWN]:
            why = (
                "it has a conversation"
                if c["conversation"] and c["version"] == c["version_after"]
                else f"version {c['version_after']} → {c['version']}, last by {c['updated_by']}"
                f" at {str(c['updated_at'])[:16].replace('T', ' ')}"
            )
            click.echo(f"  contact #{c['contact_id']} ({c['action']} by the import): {why}", err=True)
        if len(changed) > SHOWN:
            click.echo(f"  … and {len(changed) - SHOWN:,} more", err=True)
        return 1
    click.echo(json.dumps(done))
    return 0


def audit_export(api: Remote, fmt: str, out: Path, since: str | None) -> None:
    params = {"format": fmt, **({"since": since.strip()} if since else {})}

    def failed(exc: OSError) -> Exception:
        return WriteFailed(f"cannot write {out}: {exc.strerror or exc}")

    save_stream(api, "/deletion-log/export", out, params, failed)
    click.echo(f"exported {rows_in(out, fmt)} entries to {out}", err=True)


def audit_verify(api: Remote) -> int:
    verdict = api.json("GET", "/deletion-log/verify")
    click.echo(verdict["line"])
    if verdict["ok"]:
        click.echo(f"head {verdict['head']}", err=True)
    return 0 if verdict["ok"] else 1


def audit_lookup(api: Remote, identifier: str) -> int:
    found = api.json("POST", "/deletion-log/lookup", json={"identifier": identifier})["entries"]
    if not found:
        click.echo("not found")
        return 1
    click.echo("deleted " + " ".join(str(e["id"]) for e in found))
    click.echo("matched by " + ", ".join(sorted({k for e in found for k in e["matched"]})), err=True)
    return 0


def users_add(api: Remote, email: str, role: str, password: str, display_name: str | None) -> None:
    body = {"email": email, "role": role, "password": password, "display_name": display_name}
    user = api.json("POST", "/members", json=body)
    click.echo(f"added {user['email']} ({user['role']})")


def users_active(api: Remote, email: str, active: bool) -> None:
    api.json("PATCH", f"/members/{quote(email, safe='')}", json={"active": active})
    click.echo(f"{'enabled' if active else 'disabled'} {email}")


def plan_show(api: Remote) -> None:
    click.echo(api.json("GET", "/plan")["plan"])


def plan_set(api: Remote, name: str) -> None:
    answer = api.json("PUT", "/plan", json={"plan": name})
    click.echo(f"plan {answer['plan']}")
    for effect in answer.get("changes", []):
        click.echo(f"- {effect}", err=True)


def delete(api: Remote, contact_id: int, hint: str, reason: str) -> None:
    say_json(api.json("DELETE", f"/contacts/{contact_id}", json={"hint": hint, "reason": reason}))


def erase(
    api: Remote, identifiers: list[str], hint: str, reason: str, dry_run: bool
) -> tuple[bytes, dict[str, Any]]:
    """Preview (and unless ``dry_run`` confirm) an erasure: the result file's bytes and the JSON summary."""
    from ..erasure import ErasurePlan, ErasureResult, PlanRow

    answer = api.json("POST", "/deletion-log/erasures/preview", json={"identifiers": identifiers})
    if dry_run:
        rows = [PlanRow(**{**r, **{k: tuple(r[k]) for k in ("contact_ids", "matched_by", "entry_ids")}})
                for r in answer["rows"]]  # fmt: skip
        labels = {int(cid): tuple(label) for cid, label in answer["labels"].items()}
        plan = ErasurePlan(rows, answer["contact_ids"], labels)
        return plan.csv(), {"dry_run": True, **plan.counts()}
    body = {"identifiers": identifiers, "plan": answer["plan"], "hint": hint, "reason": reason}
    done = api.json("POST", "/deletion-log/erasures", json=body)
    return ErasureResult(done["rows"], done["summary"]).csv(), done["summary"]
