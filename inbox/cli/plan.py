"""CLI commands on the workspace plan: plan set|show."""

from __future__ import annotations

import click

from .. import open_store
from ..models import PLANS, SYSTEM
from .common import db_option
from .remote import connect, remote_option


@click.group()
def plan() -> None:
    """The workspace plan (team or enterprise)."""


@plan.command("set")
@click.argument("name", type=click.Choice(PLANS))
@db_option
@remote_option
def plan_set(name: str, db: str | None) -> None:
    """Set the workspace plan; what the switch changes is printed on stderr."""
    if api := connect(db):
        from .remote_commands import plan_set as over_http

        return over_http(api, name)
    from ..workspace import plan_change, set_plan

    with open_store(db) as store:
        effects = plan_change(store, name)
        click.echo(f"plan {set_plan(store, SYSTEM, name)}")
        for effect in effects:
            click.echo(f"- {effect}", err=True)


@plan.command("show")
@db_option
@remote_option
def plan_show(db: str | None) -> None:
    """Print the workspace plan."""
    if api := connect(db):
        from .remote_commands import plan_show as over_http

        return over_http(api)
    from ..workspace import get_plan

    with open_store(db) as store:
        click.echo(get_plan(store))
