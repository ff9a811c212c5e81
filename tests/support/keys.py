"""Fixed key material and a fixed deletion-log entry: the inputs of the known-answer tests of the key
recipes."""

from datetime import datetime

from inbox.keys import Keys

MASTER = bytes(range(32))
KEYS = Keys(MASTER, (bytes([7]) * 32,))
ENTRY = {
    "id": 7,
    "deleted_at": datetime(2026, 11, 2, 9, 30, 15),
    "deleted_by": "ada@example.com",
    "contact_id": 41,
    "platform": "whatsapp",
    "display_name": "Zoé Quill",
    "identity_hint": "customer #1234",
    "reason": "gdpr_request",
    "conversations": 1,
    "messages": 3,
    "attachments": 2,
    "bytes": 2048,
    "email_hmac": "a" * 64,
    "phone_hmac": None,
    "handle_hmac": "b" * 64,
    "external_id_hmac": None,
    "snapshot": '{"contact": {"email": "zoe@example.org"}}',
    "prev_hash": "c" * 64,
    "entry_hash": "ignored",
}
