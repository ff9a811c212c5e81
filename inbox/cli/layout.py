"""CLI commands on the contact attribute layout as JSON (layout as code): layout export|import."""

from __future__ import annotations

import json
from typing import BinaryIO

import click

from validation.visible import visible_json

from .. import open_store
from ..errors import InvalidInput
from .common import actor_option, db_option
from .remote import connect, remote_option


@click.group()
def layout() -> None:
    """The contact attribute layout as JSON (layout as code)."""


@layout.command("export")
@db_option
@remote_option
def layout_export(db: str | None) -> None:
    """Print the layout: a JSON list of
    {key, label, type, enabled, order, options, regex, required_on_import}."""
    if api := connect(db):
        from .remote_commands import layout_export as over_http

        return over_http(api)
    from ..attributes import export_layout

    with open_store(db) as store:
        click.echo(visible_json(json.dumps(export_layout(store), ensure_ascii=False, indent=2)))


@layout.command("import")
@click.argument("file", type=click.File("rb"))
@actor_option("The admin applying the layout (recorded; not with --url).")
@db_option
@remote_option
def layout_import(file: BinaryIO, actor: str | None, db: str | None) -> None:
    """Apply a layout file (UTF-8 JSON) with the same validation as the page
    (nothing changes when invalid)."""
    from ..attributes import import_layout
    from ..users import admin_actor

    raw = file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            f"{file.name} is not UTF-8 text (byte 0x{raw[exc.start]:02X} on line {line}): "
            "save it as UTF-8 (the format `layout export` writes)"
        ) from None
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{file.name} is not valid JSON: {exc}") from None
    if api := connect(db, actor):
        from .remote_commands import layout_import as over_http

        return over_http(api, items)
    if not actor:
        raise click.UsageError("Missing option '--actor'.")
    with open_store(db) as store:
        version = import_layout(store, admin_actor(store, actor), items)
    click.echo(f"layout version {version}")
