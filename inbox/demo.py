"""Vectorised synthetic demo data: contacts, conversations, messages and small attachment files."""

from __future__ import annotations

import hashlib
import numbers
import struct
import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .demo_words import _TAGS, _V
from .errors import InvalidInput
from .files import remove as remove_files
from .models import PLATFORMS, SYSTEM, utcnow
from .users import add_user

if TYPE_CHECKING:
    from .store import Store
    from .store.core import TxCursor

MAX_CONTACTS = 10_000_000
MAX_MESSAGES_PER_CONTACT = 200
MAX_ATTACHMENTS = 10_000
DAY = 86_400

_PLATFORM_WEIGHTS = (0.26, 0.12, 0.13, 0.06, 0.2, 0.09, 0.14)  # in the order of PLATFORMS
_SUBSCRIPTIONS = ("free", "basic", "premium", "enterprise")
_JOBS = tuple(
    "Account Manager|Software Engineer|Marketing Director|Sales Representative|Office Manager|Teacher|"
    "Nurse|Accountant|Project Manager|Product Designer|Data Analyst|Student|Consultant|Operations Lead|"
    "HR Specialist|Customer Success Manager|Founder|Chef|Architect|Pharmacist|Lawyer".split("|")
)
_SUBJECTS = tuple(
    "Order status|Refund request|Problem signing in|Invoice question|Delivery delayed|Change of plan|"
    "Damaged item|Cancel my subscription|Address change".split("|")
)
_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com", "inbox.example.net")
_AGENTS = tuple(
    f"{a}@support.example.com"
    for a in (
        "lena.fischer",
        "marco.rossi",
        "aisha.khan",
        "tom.becker",
        "sofia.lima",
        "kenji.mori",
        "julia.nowak",
        "omar.haddad",
        "emma.dupont",
        "lucas.silva",
    )
)
_FILES = (("receipt", "txt", "text/plain"), ("photo", "png", "image/png"), ("order", "csv", "text/csv"))
_ITEMS = ("USB-C cable", "Phone case", "Wireless earbuds", "Charger 65W", "Screen protector", "Smart plug")
DEMO_USERS = (
    # email, role, password, display name — stated in README.md
    ("admin@example.com", "admin", "demo-admin-password", "Ada Admin"),
    ("agent@example.com", "agent", "demo-agent-password", "Alex Agent"),
)


def _pick(rng: np.random.Generator, group: np.ndarray, span: np.ndarray) -> np.ndarray:
    """For each row, a random index inside the (offset, count) span of its group."""
    picked: np.ndarray = span[group, 0] + (rng.random(len(group)) * span[group, 1]).astype(np.int64)
    return picked


def _take(
    vocabulary: Iterable[str], index: np.ndarray
) -> pd.Series:  # vocabulary[index] as a (pandas' Arrow-backed) str Series
    return pd.Series(pd.Index(list(vocabulary), dtype="str").take(index))


def _num(values: np.ndarray, width: int = 0) -> pd.Series:
    return pd.Series(values).astype("str").str.zfill(width)


def _cat(codes: np.ndarray, categories: Iterable[str]) -> pd.Categorical:
    """Small-vocabulary column (code -1 = NULL); DuckDB reads it as an ENUM and casts on insert."""
    return pd.Categorical.from_codes(codes, pd.Index(list(categories), dtype="str"))


def _starts(sizes: np.ndarray) -> np.ndarray:
    starts: np.ndarray = np.cumsum(sizes) - sizes
    return starts


def _scramble(rng: np.random.Generator, row: np.ndarray, half: int) -> np.ndarray:
    """A seeded bijection of 0 .. 10**(2*half)-1 (3-round Feistel network on two halves of the digits)."""
    mod = 10**half
    left, right = row // mod, row % mod
    for table in rng.integers(0, mod, (3, mod)):
        left, right = right, (left + table[right]) % mod
    scrambled: np.ndarray = left * mod + right
    return scrambled


def _people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Contacts with 0-based ids and every built-in attribute (``_timeline`` adds the timestamps)."""
    culture = rng.choice(len(_V["lang"]), n, p=_V["weight"])
    female = rng.random(n) < 0.5
    fi = _pick(rng, culture * 2 + female, _V["f_span"])
    li = _pick(rng, culture, _V["l_span"]) + female * (len(_V["last"]) // 2)
    first, first_a = _take(_V["first"], fi), _take(_V["first_ascii"], fi)
    last, last_a = _take(_V["last"], li), _take(_V["last_ascii"], li)
    platform = rng.choice(len(PLATFORMS), n, p=_PLATFORM_WEIGHTS)
    platform[: len(PLATFORMS)] = np.arange(min(n, len(PLATFORMS)))  # every channel shows up
    # Distinct rows get distinct random-looking numbers, so (platform, handle), phones, e-mails and
    # external ids are unique by construction.
    row = np.arange(n, dtype=np.int64)
    u, ext = _scramble(rng, row, 4), _scramble(rng, row, 4)
    v = _num(_scramble(rng, row, min(4, max(2, (len(str(n)) + 1) // 2))))
    phone = "+" + _take(_V["prefix"], culture) + _num(u, 8)
    for c, width in enumerate(_V["width"]):  # shorter numbers: a bijection of the rank within the culture
        if width != 8 and (mine := culture == c).any():
            rank = np.arange(int(mine.sum()), dtype=np.int64)
            phone[mine] = ("+" + _V["prefix"][c] + _num((rank * 7919 + 4243) % 10**width, width)).to_numpy()
    local = first_a.where(rng.random(n) < 0.8, first_a.str.slice(0, 1))  # "anna" or "a"
    local += _take([".", "_", ""], rng.choice(3, n, p=[0.6, 0.2, 0.2])) + last_a + v
    email = local + "@" + _take(_DOMAINS, rng.integers(0, len(_DOMAINS), n))
    handles = {
        "whatsapp": phone,
        "sms": phone,
        "email": email,
        "x": "@" + first_a.str.slice(0, 7) + v,
        "instagram": first_a.str.slice(0, 10) + "." + last_a.str.slice(0, 10) + "_" + v,
        "messenger": _num(3 * 10**15 + u * 10**7 + rng.integers(0, 10**7, n)),
        "webchat": pd.Series(
            [f"visitor-{x:012x}" for x in ((u << 16) | rng.integers(0, 1 << 16, n)).tolist()]
        ),
    }
    handle = phone
    for code, name in enumerate(PLATFORMS):
        handle = handle.where(platform != code, handles[name])
    messaging = np.isin(platform, [PLATFORMS.index("whatsapp"), PLATFORMS.index("sms")])
    demo = _cat(np.zeros(n, np.int8), ["demo"])
    return pd.DataFrame(
        {
            "id": row,
            "platform": _cat(platform, PLATFORMS),
            "handle": handle,
            "display_name": (first + " " + last).where(~_V["family_first"][culture], last + first),
            "email": email.mask((rng.random(n) < 0.25) & (platform != PLATFORMS.index("email"))),
            "first_name": first,
            "last_name": last,
            "phone": phone.mask((rng.random(n) < 0.3) & ~messaging),
            "account_id": ("ACC-" + _num(row + 1, max(6, len(str(n))))).mask(rng.random(n) < 0.15),
            "job_title": _cat(np.where(rng.random(n) < 0.2, -1, rng.integers(0, len(_JOBS), n)), _JOBS),
            "language": _cat(culture + len(_TAGS) * (rng.spawn(1)[0].random(n) < 0.3), [*_V["lang"], *_TAGS]),
            "subscription": _cat(rng.choice(4, n, p=[0.5, 0.25, 0.17, 0.08]), _SUBSCRIPTIONS),
            "external_id": ("crm-" + _num(ext, 8)).mask(rng.random(n) < 0.4),
            "created_by": demo,
            "updated_by": demo,
            "version": np.ones(n, np.int32),
        }
    )


def _timeline(
    rng: np.random.Generator, people: pd.DataFrame, per_contact: float, now_s: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Conversations and messages (0-based ids) within the past year; adds the contacts' timestamps."""
    n = len(people)
    # 1-3 conversations per contact (mean 1 + 2p) of 1 + Poisson messages each: per_contact messages
    # on average.
    p = min(0.3, (per_contact - 1) / 2)
    k = 1 + rng.binomial(2, p, n)
    conv_size = 1 + rng.poisson(per_contact / (1 + 2 * p) - 1, int(k.sum()))
    n_conv, n_msg = len(conv_size), int(conv_size.sum())
    conv_contact = np.repeat(np.arange(n), k)
    conv_pos = np.arange(n_conv) - np.repeat(_starts(k), k)
    first_msg = _starts(conv_size)
    msg_conv = np.repeat(np.arange(n_conv), conv_size)
    msg_pos = np.arange(n_msg) - np.repeat(first_msg, conv_size)
    # Seconds between messages of one conversation: minutes typically, at most 12 hours.
    gap = np.minimum(43_200, 5 + rng.lognormal(6.0, 1.3, n_msg)).astype(np.int64) * (msg_pos > 0)
    total = np.cumsum(gap)
    offset = total - np.repeat(total[first_msg], conv_size)
    duration = offset[first_msg + conv_size - 1]
    busy = np.bincount(conv_contact, duration, n).astype(np.int64)
    # Contact age up to 360 days (at least its conversations); the idle rest is spread before, between
    # and after the conversations by sorted fractions. "+ conv_pos" keeps conversations strictly apart.
    age = np.maximum(rng.integers(3 * 3600, 360 * DAY, n), busy + k + 60)
    idle = age - busy - k
    cum = np.cumsum(rng.exponential(size=(n, 4)) * (np.arange(4) <= k[:, None]), axis=1)
    frac = (cum[:, :3] / cum[np.arange(n), k][:, None])[np.arange(3) < k[:, None]]
    before = _starts(duration)
    before -= np.repeat(before[_starts(k)], k)
    created = now_s - age
    start = created[conv_contact] + before + (frac * idle[conv_contact]).astype(np.int64) + conv_pos
    end = start + duration
    people["created_at"] = created.astype("datetime64[s]")
    people["updated_at"] = (created + (rng.random(n) * age).astype(np.int64)).astype("datetime64[s]")
    is_last = conv_pos == k[conv_contact] - 1  # only a contact's last conversation may be open
    is_open = is_last & (rng.random(n_conv) < np.where(end > now_s - 14 * DAY, 0.5, 0.04))
    platform = people["platform"].cat.codes.to_numpy()[conv_contact]
    subject = np.where(platform == PLATFORMS.index("email"), rng.integers(0, len(_SUBJECTS), n_conv), -1)
    conversations = pd.DataFrame(
        {
            "id": np.arange(n_conv),
            "contact_id": conv_contact,
            "platform": _cat(platform, PLATFORMS),
            "status": _cat(is_open.astype(np.int8), ("closed", "open")),
            "subject": _cat(subject, _SUBJECTS),
            "started_at": start.astype("datetime64[s]"),
            "last_message_at": end.astype("datetime64[s]"),
        }
    )
    # Direction: the first message is inbound, then the turn passes with probability 0.8.
    turns = np.cumsum((rng.random(n_msg) < 0.8) & (msg_pos > 0))
    outbound = (turns - np.repeat(turns[first_msg], conv_size)) % 2 == 1
    agent = rng.integers(0, len(_AGENTS), n_conv)[msg_conv]
    culture = people["language"].cat.codes.to_numpy()[conv_contact][msg_conv] % len(_TAGS)
    kind = np.where(outbound, 2, np.where(msg_pos == 0, 0, 1))
    messages = pd.DataFrame(
        {
            "id": np.arange(n_msg),
            "conversation_id": msg_conv,
            "contact_id": conv_contact[msg_conv],
            "direction": _cat(outbound.astype(np.int8), ("inbound", "outbound")),
            "author": _cat(np.where(outbound, agent, -1), _AGENTS),
            "body": _cat(_pick(rng, culture * 3 + kind, _V["b_span"]), _V["bodies"]),
            "sent_at": (start[msg_conv] + offset).astype("datetime64[s]"),
        }
    )
    return conversations, messages


def _blob(rng: np.random.Generator, kind: int, day: str) -> bytes:
    """The bytes of a small receipt (.txt), photo (a valid 16x16 gradient .png) or order export (.csv)."""
    if kind == 1:
        r, g, b = (int(c) for c in rng.integers(0, 256, 3))
        raw = b"".join(b"\x00" + bytes((r, (g + 8 * y) % 256, b)) * 16 for y in range(16))
        png = b"\x89PNG\r\n\x1a\n"
        for tag, data in (
            (b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)),
            (b"IDAT", zlib.compress(raw)),
            (b"IEND", b""),
        ):
            png += struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
        return png
    order = int(rng.integers(100_000, 1_000_000))
    lines = [
        (_ITEMS[int(rng.integers(len(_ITEMS)))], int(rng.integers(1, 4)), int(rng.integers(199, 9999)) / 100)
        for _ in range(int(rng.integers(1, 4)))
    ]
    if kind == 2:
        return (
            "order,item,quantity,unit_price_eur\n"
            + "".join(f"{order},{i},{q},{p:.2f}\n" for i, q, p in lines)
        ).encode()
    text = "".join(f"{q} x {item}  {price:.2f} EUR\n" for item, q, price in lines)
    total = sum(q * price for _, q, price in lines)
    return (
        f"Receipt #{order}\nDate: {day}\n{text}Total: {total:.2f} EUR\nThank you for your purchase!\n"
    ).encode()


def _attachments(
    rng: np.random.Generator, messages: pd.DataFrame, count: int
) -> tuple[pd.DataFrame, list[bytes]]:
    """Rows for ``count`` random messages (0-based ids; ``_insert`` names the files) and each file's bytes."""
    rows = np.sort(rng.choice(len(messages), size=count, replace=False))
    kinds = rng.integers(0, len(_FILES), count)
    picked = messages.iloc[rows]
    blobs = [_blob(rng, int(kind), str(at)[:10]) for kind, at in zip(kinds, picked["sent_at"], strict=True)]
    return pd.DataFrame(
        {
            "id": np.arange(count),
            "message_id": rows,
            "conversation_id": picked["conversation_id"].to_numpy(),
            "contact_id": picked["contact_id"].to_numpy(),
            "kind": kinds,
            "content_type": _cat(kinds, [f[2] for f in _FILES]),
            "size_bytes": np.array([len(b) for b in blobs]),
            "sha256": pd.Series([hashlib.sha256(b).hexdigest() for b in blobs], dtype="str"),
            "created_at": picked["sent_at"].to_numpy(),
        }
    ), blobs


def _insert(
    store: Store, cur: TxCursor, frames: dict[str, pd.DataFrame], say: Callable[[str], None]
) -> dict[str, int]:
    """Move the 0-based ids onto ranges reserved from the sequences, name the files, insert every frame."""
    base = {
        name: store.demo.demo_reserve_ids(cur, name, len(frame)) if len(frame) else 0
        for name, frame in frames.items()
    }
    links = {"contact_id": "contacts", "conversation_id": "conversations", "message_id": "messages"}
    for name, frame in frames.items():
        for col in frame.columns.intersection(["id", *links]):
            frame[col] += base[links.get(col, name)]
    files = frames["attachments"]
    names = [
        f"{_FILES[k][0]}-{i}.{_FILES[k][1]}" for k, i in zip(files.pop("kind"), files["id"], strict=True)
    ]
    files["filename"] = pd.Series(names, dtype="str")
    files["storage_path"] = files["contact_id"].astype("str") + "/" + files["filename"]
    counts: dict[str, int] = {}
    for name, frame in frames.items():
        say(f"writing {len(frame):,} {name}")
        counts[name] = store.demo.demo_insert(cur, name, frame)
    return counts | {"attribute_values": 0}  # custom attributes get no demo values; built-ins are columns


def _write(root: Path, files: pd.DataFrame, blobs: list[bytes], written: list[Path]) -> None:
    """Write each file at ``root/storage_path``, never overwriting; ``written`` lists what was made."""
    for path, blob in zip(files["storage_path"], blobs, strict=True):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(root / path, "xb") as fh:
                written.append(root / path)
                fh.write(blob)
        except FileExistsError:
            raise InvalidInput(
                f"attachment file {root / path} already exists: remove the files an earlier "
                f"workspace left in {root} before building demo data"
            ) from None


def _check(store: Store, contacts: Any, seed: Any, messages_per_contact: Any, attachments: Any) -> None:
    for name, value, low, high, kind in (
        ("contacts", contacts, 1, MAX_CONTACTS, numbers.Integral),
        ("seed", seed, 0, 2**63, numbers.Integral),
        ("messages_per_contact", messages_per_contact, 1, MAX_MESSAGES_PER_CONTACT, numbers.Real),
        ("attachments", 0 if attachments is None else attachments, 0, MAX_ATTACHMENTS, numbers.Integral),
    ):
        number: Any = value  # compared as is (typeshed's numbers.Real declares no ordering)
        if not isinstance(value, kind) or isinstance(value, bool) or not low <= number <= high:
            raise InvalidInput(
                f"{name} must be a {'whole ' * (kind is numbers.Integral)}number from {low:,} to "
                f"{high:,}, got {value!r}"
            )
    if found := store.demo.demo_contact_count():
        raise InvalidInput(
            f"the workspace already holds {found:,} contacts: demo data goes only into an empty "
            "workspace (use a new database file)"
        )


def build_demo(
    store: Store,
    *,
    contacts: int,
    seed: int = 42,
    messages_per_contact: float = 5.0,
    attachments: int | None = None,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Fill an empty workspace with synthetic contacts, conversations, messages and attachment files.

    One transaction; the files (under ``store.attachments_dir``; default count ``min(50, max(3,
    contacts // 100))``, at most one per message) are removed again if it fails. Creates no users.
    The same seed, ``now`` and an empty database give the same data. Returns rows written per table.
    Raises ``InvalidInput`` for out-of-range parameters or when the workspace already has contacts.
    """
    _check(store, contacts, seed, messages_per_contact, attachments)
    say = progress or (lambda _line: None)
    now = now.astimezone(UTC).replace(tzinfo=None) if now and now.tzinfo else now or utcnow()
    now_s = int(np.datetime64(now, "s").astype(np.int64))
    rng = np.random.default_rng(int(seed))
    say(f"generating {contacts:,} contacts")
    people = _people(rng, int(contacts))
    conversations, messages = _timeline(rng, people, float(messages_per_contact), now_s)
    say(f"generated {len(conversations):,} conversations and {len(messages):,} messages")
    wanted = min(50, max(3, contacts // 100)) if attachments is None else int(attachments)
    files, blobs = _attachments(rng, messages, min(wanted, len(messages)))
    frames = {"contacts": people, "conversations": conversations, "messages": messages, "attachments": files}
    root = Path(store.attachments_dir)
    written: list[Path] = []
    try:
        with store.tx() as cur:
            if store.demo.demo_contact_count(cur):
                raise InvalidInput(
                    "contacts were added while the demo data was generated; nothing was written"
                )
            counts = _insert(store, cur, frames, say)
            say(f"writing {len(blobs)} attachment files under {root}")
            _write(root, files, blobs, written)
            say("committing")
    except BaseException:
        remove_files(written)
        raise
    return counts


def add_demo_users(store: Store) -> None:
    """Add the demo admin and agent of ``DEMO_USERS`` (README.md states their passwords) unless they exist."""
    for email, role, password, name in DEMO_USERS:
        if store.accounts.user_by_email(email) is None:
            add_user(store, SYSTEM, email, role=role, password=password, display_name=name)
