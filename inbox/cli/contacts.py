"""CLI commands on contacts and messages: receive (an inbound message), search."""

from __future__ import annotations

import click

from .. import open_store
from .common import db_option, say_json
from .remote import connect, remote_option


@click.command()
@click.option("--platform", required=True, help="whatsapp, messenger, instagram, x, email, sms or webchat.")
@click.option("--handle", required=True, help="The person's id on that platform.")
@click.option("--text", default="", help="The message text.")
@click.option("--attach", "attach", multiple=True, metavar="FILE", help="A file to attach (repeatable).")
@db_option
def receive(platform: str, handle: str, text: str, attach: tuple[str, ...], db: str | None) -> None:
    """Deliver an inbound message; prints {"contact_id", "conversation_id", "new_contact"}."""
    from ..inbound import receive as receive_message

    with open_store(db) as store:
        result = receive_message(store, platform, handle, text, attachments=attach)
    say_json({k: result[k] for k in ("contact_id", "conversation_id", "new_contact")})


@click.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@db_option
@remote_option
def search(query: str, limit: int, db: str | None) -> None:
    """Print matching contacts as JSON: id, platform, handle and attributes by key."""
    if api := connect(db):
        from .remote_commands import search as over_http

        return over_http(api, query, limit)
    from ..attributes import all_attributes
    from ..contacts import get_contact
    from ..contacts import search as search_contacts

    with open_store(db) as store:
        definitions = all_attributes(store)
        found = search_contacts(store, query, page_size=limit).rows
        out = []
        for row in found:
            contact = get_contact(store, row["id"], definitions)
            out.append(
                {
                    "id": contact.id,
                    "platform": contact.platform,
                    "handle": contact.handle,
                    "attributes": {a.key: contact.values.get(a.key) for a in definitions},
                }
            )
    say_json(out)
