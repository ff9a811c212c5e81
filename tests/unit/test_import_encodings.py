"""Import encodings: the whole file is checked; mixed or damaged UTF-8 is never imported garbled; UTF-16 w/o
BOM."""

import codecs

import pytest

from inbox import csv_files, text_encoding
from inbox.errors import InvalidInput

from ..support.imports import contacts, fingerprint, run, write

HEADER = "Email,First name,Last name\n"
NAMES = [
    ("Zoë", "Lefèvre"),
    ("王", "小明"),
    ("Renée", "Núñez"),
    ("Jürgen", "Straße"),
    ("Søren", "Kierkegård"),
]


def names_file(tmp_path, rows: int = 1, bad_at: int | None = None, encoding: str = "utf-8"):
    """``rows`` contacts with accented and CJK names; row ``bad_at`` has its é written as the single byte
    0xE9."""
    lines = [HEADER.encode(encoding)]
    for i in range(rows):
        first, last = NAMES[i % len(NAMES)]
        line = f"user{i}@example.com,{first},{last}\n".encode(encoding)
        if i == bad_at:
            line = f"user{i}@example.com,Ren".encode() + b"\xe9" + b"e,Dupont\n"
        lines.append(line)
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"".join(lines))
    return path


def test_one_invalid_byte_past_the_first_megabyte_is_refused_with_its_line(store, tmp_path):
    path = names_file(tmp_path, rows=40_000, bad_at=35_000)
    assert path.read_bytes().index(b"\xe9") > 1_000_000 > 64 * 1024
    before = fingerprint(store)
    with pytest.raises(InvalidInput) as refused:
        run(store, path)
    assert str(refused.value) == (
        "contacts.csv is not valid UTF-8 text at line 35002 (byte 0xE9, which is é in Windows-1252), "
        "and other lines hold UTF-8 accents, so the file mixes encodings or is damaged: correct those "
        "lines, or choose the file's encoding (--encoding, or Encoding on the import page; utf-8 imports "
        "the other rows and rejects these lines)"
    )
    assert fingerprint(store) == before  # nothing written
    with pytest.raises(InvalidInput, match="line 35002"):
        csv_files.inspect(path)  # the page's preview says so too, before any import


def test_choosing_utf8_rejects_the_damaged_line_and_imports_the_rest_intact(store, tmp_path):
    path = names_file(tmp_path, rows=40_000, bad_at=35_000)
    result = run(store, path, encoding="utf-8")
    assert (result.encoding, result.inserted, result.rejected, result.rows) == ("utf-8", 39_999, 1, 40_000)
    assert result.rejects.to_dict("records") == [
        {
            "Email": "user35000@example.com",
            "First name": "Ren�e",
            "Last name": "Dupont",
            "status": "rejected",
            "errors": "line 35002: not valid UTF-8 text (byte 0xE9, which is é in Windows-1252, "
            "shown as �): the file may not be UTF-8: choose its encoding",
        }
    ]
    assert result.notes[-1] == (
        "1 row is not valid UTF-8 text (first: line 35002) and was rejected: if the file "
        "is not UTF-8, choose its encoding"
    )
    stored = {c["email"]: (c["first_name"], c["last_name"]) for c in contacts(store)}
    assert len(stored) == 39_999 and "user35000@example.com" not in stored
    for i in (0, 1, 2, 3, 4, 34_999, 35_001, 39_999):
        assert stored[f"user{i}@example.com"] == NAMES[i % len(NAMES)]  # accents and CJK as in the file


def test_damaged_utf8_with_blank_lines_keeps_its_invalid_bytes_for_the_reader(store, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(
        HEADER.encode() + "a@example.com,Zoë,Lefèvre\n\n".encode() + b"b@example.com,Ren\xe9e,X\n"
    )
    result = run(store, path, encoding="utf-8")  # blank lines: read through a rewritten copy
    assert (result.inserted, result.rejected) == (1, 1)
    assert result.rejects[["First name", "errors"]].values.tolist() == [
        [
            "Ren�e",
            "line 4: not valid UTF-8 text (byte 0xE9, which is é in Windows-1252, shown as �): the file may "
            "not be UTF-8: choose its encoding",
        ]
    ]
    assert [(c["first_name"], c["last_name"]) for c in contacts(store)] == [("Zoë", "Lefèvre")]


def test_a_utf8_bom_with_an_invalid_byte_is_refused(store, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + HEADER.encode() + b"a@example.com,Ren\xe9e,Dupont\n")
    with pytest.raises(InvalidInput, match=r"at line 2 \(byte 0xE9.*it starts with a UTF-8 byte-order mark"):
        run(store, path)


def test_a_true_windows_1252_file_is_detected_over_the_whole_file(store, tmp_path):
    plain = "".join(f"user{i}@example.com,Anna,Smith\n" for i in range(40_000))
    path = write(
        tmp_path,
        HEADER + plain + "zoe@example.fr,Zoë,Lefèvre\nrenee@example.fr,Renée,Œuvre\n",
        encoding="windows-1252",
    )
    assert path.read_bytes().index(b"\xeb") > 1_000_000
    result = run(store, path)
    assert (result.encoding, result.inserted, result.rejected) == ("windows-1252", 40_002, 0)
    assert [(c["first_name"], c["last_name"]) for c in contacts(store)[-2:]] == [
        ("Zoë", "Lefèvre"),
        ("Renée", "Œuvre"),
    ]
    assert csv_files.inspect(path).describe().startswith("contacts.csv: 1,")
    assert "windows-1252 (detected)" in csv_files.inspect(path).describe()


@pytest.mark.parametrize("encoding", ["windows-1252", "latin-1", "cp850"])
def test_a_legacy_encoding_chosen_for_utf8_text_with_accents_is_refused(store, tmp_path, encoding):
    path = names_file(tmp_path, rows=5)
    with pytest.raises(
        InvalidInput,
        match=f"^contacts.csv is valid UTF-8 text with accented letters: read as "
        f"{encoding} they would be garbled",
    ):
        run(store, path, encoding=encoding)
    assert contacts(store) == []
    ascii_only = write(tmp_path, HEADER + "a@example.com,Ann,Lee\n", name="plain.csv")
    assert run(store, ascii_only, encoding=encoding).inserted == 1  # nothing to garble: as chosen


def test_bytes_windows_1252_leaves_undefined_mean_latin_1(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + b"a@example.com,Ren\xe9e,X\x81\n")
    assert csv_files.inspect(path).encoding == "latin-1"


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_in_its_byte_order_when_the_user_says_utf16(store, tmp_path, order):
    path = names_file(tmp_path, rows=5, encoding=order)
    assert not path.read_bytes().startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    result = run(store, path, encoding="utf-16")
    assert (result.encoding, result.inserted, result.rejected) == (order, 5, 0)
    assert [(c["first_name"], c["last_name"]) for c in contacts(store)] == NAMES


@pytest.mark.parametrize(
    "content,encoding,message",
    [
        ("utf-16-le+x", None, "has an odd number of bytes (151), so it is not complete UTF-16 text"),
        ("utf-16-le+x", "utf-16", "has an odd number of bytes (151)"),
        ("bom-le+x", "utf-16", "has an odd number of bytes (153)"),
        ("utf-16-be", "utf-16-le", "is UTF-16-BE text, not UTF-16-LE: choose utf-16-be or utf-16"),
        ("utf-16-le", "utf-8", "is utf-16-le text, not utf-8: choose utf-16, or let it be detected"),
        (
            "bom-le",
            "windows-1252",
            "is utf-16 (it starts with a UTF-16 byte-order mark) text, not windows-1252",
        ),
        (
            "utf-8",
            "utf-16",
            "does not look like UTF-16 text (no byte-order mark, and no zero bytes beside its letters)",
        ),
    ],
)
def test_utf16_mismatches_are_refused_clearly(store, tmp_path, content, encoding, message):
    text = HEADER + "zoe@example.fr,Zoë,Lefèvre\nwang@example.cn,王,小明\n"
    kind, _, tail = content.partition("+")
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le") if kind == "bom-le" else text.encode(kind)
    path = tmp_path / "contacts.csv"
    path.write_bytes(data + tail.encode())
    before = fingerprint(store)
    with pytest.raises(InvalidInput) as refused:
        run(store, path, encoding=encoding)
    assert str(refused.value).startswith("contacts.csv ") and message in str(refused.value)
    assert fingerprint(store) == before


def test_the_scan_reads_in_chunks_and_finds_every_line(tmp_path, monkeypatch):
    monkeypatch.setattr(text_encoding, "SCAN_BYTES", 7)  # characters cut by every chunk boundary
    path = names_file(tmp_path, rows=25)
    assert text_encoding.scan_utf8(path) == text_encoding.Utf8Scan((), True, False)
    path = tmp_path / "cp.csv"
    path.write_bytes("Email,Name\na@x.fr,Zoë\nb@x.fr,Renée\n".encode("windows-1252"))
    scan = text_encoding.scan_utf8(path)
    assert scan.bad == ((20, 0xEB), (32, 0xE9)) and not scan.multibyte
    assert text_encoding.line_numbers(path, [o for o, _ in scan.bad]) == [2, 3]
    mixed = names_file(tmp_path, rows=25, bad_at=20)
    scan = text_encoding.scan_utf8(mixed)
    assert (
        scan.multibyte and len(scan.bad) == 1 and text_encoding.line_numbers(mixed, [scan.bad[0][0]]) == [22]
    )


def test_utf16_with_an_unpaired_surrogate_names_its_line(store, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(
        codecs.BOM_UTF16_LE
        + (HEADER + "a@example.com,Zoë,X\nb@example.com,").encode("utf-16-le")
        + b"\x3d\xd8"
        + "Y,Z\n".encode("utf-16-le")
    )  # half of an emoji's surrogate pair
    with pytest.raises(
        InvalidInput,
        match=r"^contacts.csv is not valid utf-16 text at line 3 \(illegal UTF-16 "
        r"surrogate\): choose another encoding$",
    ):
        run(store, path)
