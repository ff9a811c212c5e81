"""Readable API docs at /api/v1/docs: one HTML page rendered on the server from the OpenAPI document,
nothing fetched from anywhere (no script, no CDN), under a strict Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")
STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1c1c1c}
h2{border-bottom:1px solid #ddd;margin-top:2.5rem}h3{margin:2rem 0 .3rem}
code,pre{font:13px ui-monospace,monospace}
pre{background:#f4f4f4;padding:.6rem;overflow-x:auto;white-space:pre-wrap}
.m{font-weight:700;text-transform:uppercase}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}
nav li{list-style:none}
"""
CSP = (
    "default-src 'none'; style-src 'sha256-{h}'; img-src 'none'; script-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
).replace("{h}", base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode())


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if "enum" in schema:
        return " | ".join(json.dumps(v) for v in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"])
    return str(schema.get("format") or schema.get("type") or "any")


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = components.get(name, {})
    props = schema.get("properties") or {}
    if not props:
        return f"<p><code>{escape(_type(schema))}</code></p>"
    required = set(schema.get("required") or [])
    rows = "".join(
        f"<tr><td><code>{escape(k)}</code>{' (required)' if k in required else ''}</td>"
        f"<td><code>{escape(_type(v))}</code></td><td>{escape(v.get('description', ''))}</td></tr>"
        for k, v in props.items()
    )
    return f"<table><tr><th>Field</th><th>Type</th><th>About</th></tr>{rows}</table>"


def _curl(method: str, path: str, op: dict[str, Any], base: str) -> str:
    parts = [f"curl -X {method.upper()} '{base}{path}'", '-H "Authorization: Bearer $INBOX_TOKEN"']
    if any(p.get("name") == "if-match" for p in op.get("parameters", [])):
        parts.append("-H 'If-Match: \"1\"'")
    if "requestBody" in op:
        parts += ["-H 'Content-Type: application/json'", "-d '{…}'"]
    return " \\\n  ".join(parts)


def _operation(method: str, path: str, op: dict[str, Any], components: dict[str, Any], base: str) -> str:
    anchor = f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "")
    out = [f'<h3 id="{escape(anchor)}"><span class="m">{method}</span> <code>{escape(path)}</code></h3>']
    out.append(f"<p>{escape(op.get('description') or op.get('summary') or '')}</p>")
    params = op.get("parameters") or []
    if params:
        rows = "".join(
            f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
            f"<td>{'yes' if p.get('required') else 'no'}</td><td><code>{escape(_type(p.get('schema', {})))}"
            f"</code></td><td>{escape(p.get('description', ''))}</td></tr>"
            for p in params
        )
        out.append(
            "<h4>Parameters</h4><table><tr><th>Name</th><th>In</th><th>Required</th><th>Type</th>"
            f"<th>About</th></tr>{rows}</table>"
        )
    body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
    if body:
        out.append("<h4>Body (JSON)</h4>" + _fields(body.get("schema", {}), components))
    rows = "".join(
        f"<tr><td>{escape(code)}</td><td>{escape(r.get('description', ''))}</td>"
        f"<td><code>{escape(', '.join(r.get('content', {})))}</code></td></tr>"
        for code, r in op.get("responses", {}).items()
    )
    out.append(
        f"<h4>Responses</h4><table><tr><th>Status</th><th>Meaning</th><th>Type</th></tr>{rows}</table>"
    )
    ok: dict[str, Any] = next((r for c, r in op.get("responses", {}).items() if c.startswith("2")), {})
    ok_schema = ok.get("content", {}).get("application/json", {}).get("schema")
    if ok_schema:
        out.append("<h4>Success body</h4>" + _fields(ok_schema, components))
    out.append(f"<h4>Example</h4><pre>{escape(_curl(method, path, op, base))}</pre>")
    return "\n".join(out)


def render(doc: dict[str, Any], base: str) -> str:
    """The docs page of OpenAPI document ``doc`` (every text escaped); ``base`` prefixes curl examples."""
    info, components = doc.get("info", {}), doc.get("components", {}).get("schemas", {})
    ops = [
        (m, p, op)
        for p, item in doc.get("paths", {}).items()
        for m in METHODS
        if (op := item.get(m)) is not None
    ]
    toc = "".join(
        f'<li><a href="#{escape(f"{m}-{p}".replace("/", "-").replace("{", "").replace("}", ""))}">'
        f'<span class="m">{m}</span> <code>{escape(p)}</code></a></li>'
        for m, p, _ in ops
    )
    schemas = "".join(f"<h3>{escape(n)}</h3>{_fields(s, components)}" for n, s in components.items())
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(info.get('title', 'API'))}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(info.get('title', 'API'))} <small>{escape(info.get('version', ''))}</small></h1>"
        f"<p>{escape(info.get('summary', ''))}</p><p>{escape(info.get('description', ''))}</p>"
        '<p>The machine-readable document: <a href="openapi.json">openapi.json</a> (OpenAPI '
        f"{escape(doc.get('openapi', ''))}).</p><h2>Endpoints</h2><nav><ul>{toc}</ul></nav>"
        + "".join(_operation(m, p, op, components, base) for m, p, op in ops)
        + f"<h2>Schemas</h2>{schemas}</body></html>"
    )


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """The readable docs, self-contained."""
    base = str(request.base_url).rstrip("/")
    html = render(request.app.openapi(), base)
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"})
