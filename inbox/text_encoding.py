"""A CSV file's text encoding: BOMs, UTF-16 byte order, and a streamed UTF-8 check of the whole file."""

from __future__ import annotations

import codecs
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidInput

SCAN_BYTES = 4 << 20
SHOWN_BAD = 5
UTF16 = ("utf-16", "utf-16-le", "utf-16-be")
_UNDEFINED_1252 = b"\x81\x8d\x8f\x90\x9d"  # bytes Windows-1252 leaves undefined (Latin-1 reads them)


@dataclass(frozen=True)
class Utf8Scan:
    """What a whole-file UTF-8 check found: the first invalid bytes ``(offset, byte)`` (at most SHOWN_BAD),
    whether valid multi-byte UTF-8 characters appear, whether bytes undefined in Windows-1252 appear."""

    bad: tuple[tuple[int, int], ...]
    multibyte: bool
    undefined_1252: bool


def scan_utf8(path: Path, start: int = 0) -> Utf8Scan:
    """Check the file from byte ``start`` as UTF-8, in SCAN_BYTES chunks (never the whole file in memory):
    ASCII chunks at memory speed, others validated by Arrow (no Python text built), and only a chunk that
    fails decoded again to find its invalid bytes. Stops early once the file is known to mix valid
    multi-byte UTF-8 and invalid bytes."""
    bad: list[tuple[int, int]] = []
    multibyte = undefined = False
    offset, rest = start, b""
    with open(path, "rb") as fh:
        fh.seek(start)
        while True:
            chunk = fh.read(SCAN_BYTES)
            final = not chunk
            data = rest + chunk if rest else chunk
            cut = len(data) if final else _boundary(data)
            if data.isascii():
                cut = len(data)
            elif _valid(data, cut):  # non-ASCII bytes, maybe only in the cut-off tail
                multibyte = multibyte or cut == len(data) or not data[:cut].isascii()
            else:
                text, cut = codecs.utf_8_decode(data, "surrogateescape", final)
                multibyte = multibyte or cut != len(
                    text
                )  # an invalid byte is one character, a valid sequence too
                undefined = undefined or any(b in data for b in _UNDEFINED_1252)
                _collect(memoryview(data)[:cut], offset, bad)
            if final or (bad and multibyte):
                break
            rest, offset = data[cut:], offset + cut
    return Utf8Scan(tuple(bad), multibyte, undefined)


def _boundary(data: bytes) -> int:
    """Where the last whole character of ``data`` ends (a multi-byte character may be cut by the chunk)."""
    n = len(data)
    for back in range(1, min(4, n) + 1):
        byte = data[n - back]
        if byte < 0x80:
            return n
        if byte >= 0xC0:  # a lead byte: is its sequence complete?
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return n - back if need > back else n
    return n


def _valid(data: bytes, length: int) -> bool:
    """Whether ``data[:length]`` is valid UTF-8 (Arrow's validation, on the bytes as they are)."""
    import pyarrow as pa

    offsets = pa.py_buffer(array("i", [0, length]).tobytes())
    try:
        pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _collect(view: memoryview, offset: int, bad: list[tuple[int, int]]) -> None:
    position = 0
    while len(bad) < SHOWN_BAD:
        try:
            codecs.utf_8_decode(view[position:], "strict", True)
            return
        except UnicodeDecodeError as exc:
            bad.append((offset + position + exc.start, view[position + exc.start]))
            position += exc.end


def line_numbers(path: Path, offsets: list[int]) -> list[int]:
    """The 1-based line (as a text editor counts them) of each byte offset (ascending)."""
    out: list[int] = []
    with open(path, "rb") as fh:
        head = fh.read(SCAN_BYTES)
        newline = b"\n" if b"\n" in head or b"\r" not in head else b"\r"
        fh.seek(0)
        lines, base = 1, 0
        for offset in offsets:
            while base < offset:
                chunk = fh.read(min(SCAN_BYTES, offset - base))
                if not chunk:
                    break
                lines += chunk.count(newline)
                base += len(chunk)
            out.append(lines)
    return out


def describe_bytes(values: list[int]) -> str:
    """``byte 0xE9, which is é in Windows-1252`` (a hint to the file's real encoding); at most three bytes."""
    shown, more = values[:3], " …" if len(values) > 3 else ""
    text = bytes(shown).decode("windows-1252", "replace")
    hint = (
        ""
        if "\ufffd" in text or not text.isprintable()
        else f", which {'is' if len(shown) == 1 else 'are'} {' '.join(text)}{more} in Windows-1252"
    )
    return f"byte{'s' if len(values) > 1 else ''} {' '.join(f'0x{b:02X}' for b in shown)}{more}{hint}"


def utf16_order(head: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` from where the zero bytes of ASCII characters sit.

    None if they do not say.
    """
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2 or 1
    if odd > 0.05 * half and even <= 0.05 * odd:
        return "utf-16-le"
    if even > 0.05 * half and odd <= 0.05 * even:
        return "utf-16-be"
    return None


def sniff(head: bytes) -> str | None:
    """The encoding a BOM or a UTF-16 zero-byte pattern shows; None when the sample has neither."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return utf16_order(head) if b"\x00" in head else None


def chosen_utf16(label: str, head: bytes, size: int, encoding: str) -> str:
    """A UTF-16 encoding the user chose, checked against the file: its byte order when the file has no BOM,
    an odd size or a contrary byte order refused."""
    bom = head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    order = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}.get(head[:2]) or utf16_order(
        head
    )
    if order is None:
        raise InvalidInput(
            f"{label} does not look like UTF-16 text (no byte-order mark, and no zero bytes "
            "beside its letters): choose another encoding, or let it be detected"
        )
    if (size - (2 if bom else 0)) % 2:
        raise InvalidInput(
            f"{label} has an odd number of bytes ({size:,}), so it is not complete UTF-16 text: "
            "the file may be cut short, or not UTF-16: choose another encoding"
        )
    if encoding != "utf-16" and encoding != order:
        raise InvalidInput(
            f"{label} is {order.upper()} text, not {encoding.upper()}: choose {order} or utf-16"
        )
    return "utf-16" if bom else order


def refuse_mixed(label: str, path: Path, scan: Utf8Scan, bom: bool) -> InvalidInput:
    """The error for a UTF-8 file with invalid bytes that cannot be another single encoding."""
    offsets = [o for o, _ in scan.bad]
    lines = line_numbers(path, offsets)
    where = "; ".join(f"line {n} ({describe_bytes([b])})" for n, (_, b) in zip(lines, scan.bad, strict=True))
    why = (
        "it starts with a UTF-8 byte-order mark"
        if bom
        else "other lines hold UTF-8 accents, so the file mixes encodings or is damaged"
    )
    return InvalidInput(
        f"{label} is not valid UTF-8 text at {where}, and {why}: correct those lines, or choose "
        "the file's encoding (--encoding, or Encoding on the import page; utf-8 imports the other "
        "rows and rejects these lines)"
    )


def detect(path: Path, head: bytes, label: str) -> str:
    """The file's encoding: a BOM or UTF-16 pattern in ``head``, else UTF-8 when the whole file is
    valid UTF-8, else Windows-1252 (Latin-1 with bytes 1252 leaves undefined) when the file holds no
    valid multi-byte UTF-8 character at all. A file mixing both is refused (``InvalidInput`` naming
    the lines): never guessed."""
    found = sniff(head)
    if found in UTF16:
        return chosen_utf16(label, head, path.stat().st_size, found)
    bom = found == "utf-8-sig"
    scan = scan_utf8(path, 3 if bom else 0)
    if not scan.bad:
        return found or "utf-8"
    if bom or scan.multibyte:
        raise refuse_mixed(label, path, scan, bom)
    return "latin-1" if scan.undefined_1252 else "windows-1252"


def record_at(path: Path, near: int | None, raw: str, delimiter: str) -> tuple[list[str], str] | None:
    """The fields of the record the reader refused as invalid text, read again from the file's bytes near
    byte ``near`` (the reader's own copy of the line loses bytes), invalid bytes shown as U+FFFD; and which
    bytes those were. None when the record cannot be found there."""
    import csv

    if near is None:
        return None
    raw = raw.lstrip("\r\n")  # CRLF files: the reader's copy starts with the previous line's LF
    cut = next((i for i, c in enumerate(raw) if c == "?" or not c.isascii()), len(raw))
    with open(path, "rb") as fh:
        base = max(0, near - 5)
        fh.seek(base)
        window = fh.read(11)
        for start in sorted(range(base, base + len(window)), key=lambda p: abs(p - near)):
            if start and (start == base or window[start - base - 1] not in b"\r\n"):
                continue
            fh.seek(start)
            lines = (line.decode("utf-8", "surrogateescape") for line in iter(fh.readline, b""))
            first = next(lines, "")
            if not first.startswith(raw[:cut]):
                continue
            fields = next(csv.reader(_chain(first, lines), delimiter=delimiter), [])
            bad = dict.fromkeys(ord(c) - 0xDC00 for f in fields for c in f if "\udc80" <= c <= "\udcff")
            clean = [f.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for f in fields]
            return clean, f"{describe_bytes(list(bad))}, shown as \ufffd"
    return None


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest
