"""Real-world CSV files: detect encoding, delimiter and header.

Transcode to UTF-8 for DuckDB; rewrite odd layouts.
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from . import text_encoding
from .errors import InvalidInput, WriteFailed
from .spreadsheet import unmark

SAMPLE_BYTES = 1 << 16
CHUNK_BYTES = 8 << 20
PREVIEW_ROWS = 10
MAX_COLUMNS = 1000
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Names offered to users; any codec Python knows is accepted too.
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "windows-1252", "latin-1")
_MAGIC = (
    (b"PK\x03\x04", "a zip archive or an Excel workbook (.xlsx): in Excel use File › Save as › CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls): in Excel use File › Save as › CSV"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive: unpack it first"),
)
_C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DATA_LIKE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}|\+?[\d\s().-]{7,}")


@dataclass(frozen=True)
class CsvFile:
    """A CSV file ready for DuckDB: ``path`` is UTF-8 (the original, or a copy made here)."""

    source: Path
    path: Path
    name: str
    size: int
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    preview: tuple[tuple[str, ...], ...]
    encoding_detected: bool = True
    delimiter_detected: bool = True
    rewritten: bool = False
    sheet: str | None = None  # a spreadsheet's sheet (``sheet_files``): encoding is then its format
    sheets: tuple[str, ...] = ()
    rows: int | None = None

    @property
    def delimiter_name(self) -> str:
        return DELIMITERS.get(self.delimiter, repr(self.delimiter))

    def describe(self) -> str:
        def how(detected: bool) -> str:
            return "detected" if detected else "chosen"

        if self.sheet is not None:
            return (
                f"{self.name}: {self.encoding} sheet “{self.sheet}” ({len(self.sheets)} in the workbook), "
                f"{self.rows or 0:,} rows, {len(self.header)} columns"
            )
        return (
            f"{self.name}: {self.size:,} bytes, {self.encoding} ({how(self.encoding_detected)}), "
            f"{self.delimiter_name} delimiter ({how(self.delimiter_detected)}), {len(self.header)} columns"
        )


def canonical_encoding(name: str) -> str:
    """A user-given encoding name as Python knows it (``cp1252`` → ``windows-1252``).

    ``InvalidInput`` if unknown.
    """
    try:
        codec = codecs.lookup(name.strip())
    except (LookupError, AttributeError):
        raise InvalidInput(f"unknown encoding '{name}': use one of {', '.join(ENCODINGS)}") from None
    return {
        "cp1252": "windows-1252",
        "iso8859-1": "latin-1",
        "utf-8": "utf-8",
        "utf-8-sig": "utf-8-sig",
        "utf-16": "utf-16",
        "utf-16-le": "utf-16-le",
        "utf-16-be": "utf-16-be",
    }.get(codec.name, codec.name)


def canonical_delimiter(text: str) -> str:
    """``,`` ``;`` ``|`` a tab (also ``tab``/``\\t``), or another single character.

    ``InvalidInput`` otherwise.
    """
    value = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(
        text.strip().lower(), text
    )
    if len(value) != 1 or value in "\"\r\n" or value.isalnum():
        raise InvalidInput(f"the delimiter must be one character such as , ; | or tab, not {text!r}")
    return value


def _detect_encoding(source: Path, head: bytes, label: str) -> str:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise InvalidInput(f"this file is {what}, not a CSV text file")
    found = text_encoding.sniff(head)
    if found is None and b"\x00" in head:
        raise InvalidInput("this file holds binary data, not CSV text: export it from your tool as CSV")
    return text_encoding.detect(source, head, label)


def _chosen_encoding(source: Path, head: bytes, size: int, label: str, encoding: str) -> str:
    """The user's encoding, refused when the file plainly is UTF-16 and it is not, or the reverse, and when
    a legacy encoding is chosen for valid UTF-8 text with accents (every accent would be garbled)."""
    if encoding in text_encoding.UTF16:
        return text_encoding.chosen_utf16(label, head, size, encoding)
    found = text_encoding.sniff(head)
    if found in text_encoding.UTF16:
        shown = found if found != "utf-16" else "utf-16 (it starts with a UTF-16 byte-order mark)"
        raise InvalidInput(f"{label} is {shown} text, not {encoding}: choose utf-16, or let it be detected")
    if encoding not in ("utf-8", "utf-8-sig"):
        scan = text_encoding.scan_utf8(source, 3 if found == "utf-8-sig" else 0)
        if scan.multibyte and not scan.bad:
            raise InvalidInput(
                f"{label} is valid UTF-8 text with accented letters: read as {encoding} they would "
                "be garbled (Ã© for é): choose utf-8, or let the encoding be detected"
            )
    return encoding


def _decode_sample(head: bytes, encoding: str, truncated: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(head, final=not truncated).lstrip("\ufeff")
    if truncated:  # drop the last, maybe partial, line
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    controls = len(_C0.findall(text))  # C0 controls other than tab and line ends: a binary file
    if controls > max(2, len(text) // 100):
        raise InvalidInput(
            f"this file does not read as {encoding} text (it looks binary): check the file or "
            "choose its encoding"
        )
    return text


def _rows(text: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return []


def _detect_delimiter(text: str) -> str:
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        rows = [r for r in _rows(text, delimiter) if r]
        if not rows:
            continue
        width = len(rows[0])
        consistent = sum(len(r) == width for r in rows) / len(rows)
        score = (consistent if width > 1 else 0.0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def header_names(cells: list[str]) -> tuple[str, ...]:
    """Column names from the header cells: blanks squeezed, empty ones ``column N``, repeats numbered."""
    names: list[str] = []
    for n, cell in enumerate(cells, start=1):
        name = " ".join(unmark(cell.replace("\ufeff", "")).split()) or f"column {n}"
        base, k = name, 2
        while name in names:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
    return tuple(names)


def inspect(
    source: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    name: str | None = None,
) -> CsvFile:
    """Sniff a CSV file: its encoding (BOMs, UTF-16 without BOM, UTF-8 over the whole file, else
    Windows-1252; see ``text_encoding.detect``), delimiter
    (``,`` ``;`` tab ``|``: the one giving the most consistent rows), header and first rows.

    ``encoding``/``delimiter`` override the detection. Raises ``InvalidInput`` for an empty, binary or
    spreadsheet file, a file without a header line or without rows.
    """
    source = Path(source)
    size = source.stat().st_size
    label = name or source.name
    if size == 0:
        raise InvalidInput(f"{label} is empty")
    with open(source, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    chosen_encoding = canonical_encoding(encoding) if encoding else None
    enc = (
        _chosen_encoding(source, head, size, label, chosen_encoding)
        if chosen_encoding
        else _detect_encoding(source, head, label)
    )
    text = _decode_sample(head, enc, truncated=size > SAMPLE_BYTES)
    delim = canonical_delimiter(delimiter) if delimiter else _detect_delimiter(text)
    rows = _rows(text, delim)
    if rows and not any(c.strip() for c in rows[0]):
        raise InvalidInput(
            f"{label}: the first line is empty; the file needs a header line with column names"
        )
    if not rows:
        raise InvalidInput(f"{label} has no header line")
    if len(rows[0]) > MAX_COLUMNS:
        raise InvalidInput(f"{label} has {len(rows[0]):,} columns; at most {MAX_COLUMNS:,} are supported")
    data_like = [c for c in rows[0] if _DATA_LIKE.fullmatch(c.strip())]
    if data_like:
        raise InvalidInput(
            f"{label} has no header line: the first line holds data ({data_like[0].strip()}); add "
            "a first line with the column names"
        )
    if len(rows) < 2 and size <= SAMPLE_BYTES:
        raise InvalidInput(f"{label} has a header line but no rows to import")
    return CsvFile(
        source=source,
        path=source,
        name=label,
        size=size,
        encoding=enc,
        delimiter=delim,
        header=header_names(rows[0]),
        preview=tuple(tuple(r) for r in rows[1 : 1 + PREVIEW_ROWS]),
        encoding_detected=chosen_encoding is None,
        delimiter_detected=delimiter is None,
    )


def _temp_path(suffix: str) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix="inbox-import-", suffix=suffix)
    except OSError as exc:
        raise temp_failed(exc) from None
    os.close(fd)
    return Path(name)


def temp_failed(exc: OSError) -> WriteFailed:
    """A full or unwritable temporary folder, as one clear error (nothing was imported)."""
    return WriteFailed(
        f"the import needs a temporary copy of the file and the temporary folder "
        f"{tempfile.gettempdir()} refused it ({exc.strerror or exc}): free space there, or set "
        "TMPDIR to a folder with room; nothing was imported"
    )


def transcode(info: CsvFile) -> CsvFile:
    """``info`` readable by DuckDB: UTF-8 files as they are, others copied to a temporary UTF-8 file
    (streamed in chunks, so a 200 MB file never sits in memory)."""
    if info.encoding in ("utf-8", "utf-8-sig"):
        return info
    target = _temp_path(".csv")
    decoder = codecs.getincrementaldecoder(info.encoding)(errors="strict")
    first, lines = True, 1
    try:
        with open(info.source, "rb") as src, open(target, "w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(CHUNK_BYTES):
                text = decoder.decode(chunk)
                dst.write(text.lstrip("\ufeff") if first else text)
                first, lines = first and not text, lines + text.count("\n")
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        target.unlink(missing_ok=True)
        lines += exc.object[: exc.start].decode(info.encoding, "replace").count("\n")
        raise InvalidInput(
            f"{info.name} is not valid {info.encoding} text at line {lines} ({exc.reason}): "
            "choose another encoding"
        ) from None
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise temp_failed(exc) from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return replace(info, path=target)


def has_blank_lines(path: Path) -> bool:
    """Whether a blank line appears before the end of the file (DuckDB skips those but counts their line)."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            end = len(data)
            while end and data[end - 1 : end] in (b"\n", b"\r", b" "):
                end -= 1
            return any(data.find(p, 0, end) >= 0 for p in (b"\n\n", b"\n\r\n", b"\r\r"))


def rewrite(info: CsvFile) -> CsvFile:
    """A canonical copy of ``info`` (LF line ends, blank lines as empty rows, minimal quoting) for files
    DuckDB's strict reader cannot take as they are (mixed line endings, blank lines)."""
    target = _temp_path(".csv")
    try:
        with (
            open(info.path, encoding="utf-8-sig", newline="", errors="surrogateescape") as src,
            open(target, "w", encoding="utf-8", newline="", errors="surrogateescape") as dst,
        ):
            reader = csv.reader(src, delimiter=info.delimiter)
            writer = csv.writer(dst, delimiter=info.delimiter, lineterminator="\n")
            width = len(info.header)
            writer.writerows(row if row else [""] * width for row in reader)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise temp_failed(exc) from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if info.path != info.source:
        info.path.unlink(missing_ok=True)
    return replace(info, path=target, rewritten=True)


def cleanup(info: CsvFile) -> None:
    """Remove the temporary copy ``transcode``/``rewrite`` made (never the original file)."""
    if info.path != info.source:
        info.path.unlink(missing_ok=True)


UPLOADS = Path(tempfile.gettempdir()) / "inbox-uploads"
KEEP_UPLOADS_SECONDS = 6 * 3600


def stash(stream: bytes | bytearray | BinaryIO, name: str) -> Path:
    """Write an uploaded file (bytes or a binary stream) to a private temporary file, for DuckDB to read.

    Uploads older than a few hours are removed on the way (a page session has no end to hook on).
    """
    import time

    try:
        UPLOADS.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise temp_failed(exc) from None
    for old in UPLOADS.iterdir():
        try:
            if time.time() - old.stat().st_mtime > KEEP_UPLOADS_SECONDS:
                old.unlink()
        except OSError:
            pass
    kept = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
    suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in kept else ".csv"
    path = None
    try:
        fd, path = tempfile.mkstemp(prefix="upload-", suffix=suffix, dir=UPLOADS)
        with os.fdopen(fd, "wb") as fh:
            if isinstance(stream, (bytes, bytearray)):
                fh.write(stream)
            else:
                stream.seek(0)
                while chunk := stream.read(CHUNK_BYTES):
                    fh.write(chunk)
    except OSError as exc:
        if path:
            Path(path).unlink(missing_ok=True)
        raise temp_failed(exc) from None
    return Path(path)


def discard(path: str | os.PathLike[str]) -> None:
    """Remove a stashed upload (only files ``stash`` made)."""
    stashed = Path(path)
    if stashed.parent == UPLOADS and stashed.name.startswith("upload-"):
        stashed.unlink(missing_ok=True)
