"""Import, reading real-world files: encodings, delimiters, quotes, line ends, ragged rows, unusable files."""

import pytest

from inbox import csv_files, imports, workspace
from inbox.errors import InvalidInput
from inbox.models import SYSTEM

from ..support.imports import SAMPLES, contacts, csv_text, run, write

HEADER = ["Email", "First name", "Last name", "Notes"]
ROWS = [
    ["zoe@example.fr", "Zoë", "Lefèvre", "œuvre ’quote’ 5 €"],
    ["ana@example.es", "Ana", "Núñez", "señora"],
]


@pytest.mark.parametrize(
    "encoding,bom,expected",
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16-le", b"\xff\xfe", "utf-16"),
        ("utf-16-be", b"\xfe\xff", "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),
        ("windows-1252", b"", "windows-1252"),
    ],
)
def test_each_encoding_is_detected_and_read(store, tmp_path, encoding, bom, expected):
    path = write(tmp_path, csv_text(HEADER, ROWS), encoding=encoding, bom=bom)
    result = run(store, path)
    assert result.encoding == expected and (result.inserted, result.rejected) == (2, 0)
    got = {c["email"]: (c["first_name"], c["last_name"]) for c in contacts(store)}
    assert got == {"zoe@example.fr": ("Zoë", "Lefèvre"), "ana@example.es": ("Ana", "Núñez")}


def test_latin1_and_cp1252_differ_and_the_user_may_choose(tmp_path):
    path = write(tmp_path, csv_text(HEADER, ROWS), encoding="windows-1252")
    assert csv_files.inspect(path).encoding == "windows-1252"
    chosen = csv_files.inspect(path, encoding="latin1")
    assert chosen.encoding == "latin-1" and not chosen.encoding_detected
    copy = csv_files.transcode(chosen)
    try:
        assert "œuvre" not in copy.path.read_text(encoding="utf-8")  # 0x9c is not œ in Latin-1
    finally:
        csv_files.cleanup(copy)
    with pytest.raises(InvalidInput, match="unknown encoding 'klingon'"):
        csv_files.inspect(path, encoding="klingon")


def test_non_utf8_after_the_sample_is_detected_as_windows_1252(store, tmp_path):
    rows = [[f"user{i}@example.com", "Anna", "Smith", "x" * 40] for i in range(2000)] + [ROWS[0]]
    path = write(tmp_path, csv_text(HEADER, rows), encoding="windows-1252")
    assert path.stat().st_size > csv_files.SAMPLE_BYTES
    result = run(store, path)
    assert result.encoding == "windows-1252" and result.inserted == 2001 and result.rejected == 0
    assert contacts(store)[-1]["last_name"] == "Lefèvre"


@pytest.mark.parametrize("delimiter,name", [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_each_delimiter_is_detected(store, tmp_path, delimiter, name):
    rows = [["a@example.com", "Jean, Paul", "O'Neil", "semi;colon|pipe"]]
    quoted = [[f'"{v}"' if any(d in v for d in ",;|") else v for v in r] for r in rows]
    path = write(tmp_path, csv_text(HEADER, quoted, delimiter))
    result = run(store, path)
    assert result.delimiter == delimiter and result.inserted == 1
    assert csv_files.inspect(path).delimiter_name == name
    assert contacts(store)[0]["first_name"] == "Jean, Paul"


def test_the_user_can_override_the_delimiter(store, tmp_path):
    path = write(tmp_path, "Email;Name\na@example.com;Ann\n")
    with pytest.raises(InvalidInput, match="no column maps to an identifier"):
        run(store, path, delimiter=",", dry_run=True)  # one column "Email;Name"
    info = csv_files.inspect(path, delimiter="semicolon")
    assert info.delimiter == ";" and not info.delimiter_detected
    assert run(store, path, delimiter="tab", mapping={"Email;Name": "email"}, dry_run=True).rejected == 1
    with pytest.raises(InvalidInput, match="one character"):
        csv_files.inspect(path, delimiter=";;")


def test_quotes_embedded_delimiters_newlines_and_crlf(store, tmp_path):
    text = (
        'Email,Job title,Notes\n'
        '"q@example.com","Director ""R&D"", Europe","line one\nline two"\n'
        'r@example.com,Buyer,"a,b"\n'
    )
    result = run(store, write(tmp_path, text, newline="\r\n"))
    assert (result.inserted, result.rejected, result.rows) == (2, 0, 2)
    assert [c["job_title"] for c in contacts(store)] == ['Director "R&D", Europe', "Buyer"]


def test_a_newline_inside_a_mapped_value_is_rejected_with_its_reason(store, tmp_path):
    text = 'Email,First name\n"s@example.com","Multi\nLine"\nt@example.com,Tom\n'
    result = run(store, write(tmp_path, text), options=imports.ImportOptions(invalid_values="reject-row"))
    assert (result.inserted, result.rejected) == (1, 1)
    assert result.rejects["errors"].tolist() == [
        "line 2: First name: contains control characters (Multi\nLine)"
    ]
    assert result.rejects["First name"].tolist() == ["Multi\nLine"]  # the original value, to fix


def test_by_default_a_bad_optional_value_is_left_empty_and_its_row_imported(store, tmp_path):
    text = 'Email,First name\n"s@example.com","Multi\nLine"\nt@example.com,Tom\n'
    result = run(store, write(tmp_path, text))
    assert (result.inserted, result.rejected, result.skipped_values) == (2, 0, 1)
    assert result.summary()["skipped_values"] == 1
    assert result.rejects["status"].tolist() == ["imported without the invalid value"]
    assert result.rejects["errors"].tolist() == [
        "line 2: First name: left empty: contains control characters (Multi\nLine)"
    ]
    assert sorted((c["email"], c["first_name"]) for c in contacts(store)) == [
        ("s@example.com", None),
        ("t@example.com", "Tom"),
    ]


def test_ragged_rows_are_rejected_with_a_reason_never_dropped(store, tmp_path):
    text = (
        "Email,First name,Last name\na@example.com,Ann,Lee\nb@example.com,Bob\n"
        "c@example.com,Cy,Do,extra\nd@example.com,Di,Ek\n"
    )
    result = run(store, write(tmp_path, text))
    assert (result.rows, result.inserted, result.rejected) == (4, 2, 2)
    rejects = result.rejects
    assert rejects["errors"].tolist() == [
        "line 3: 2 fields instead of 3",
        "line 4: 4 fields instead of 3: the extra fields are kept in the last column",
    ]
    assert rejects[["Email", "Last name"]].values.tolist() == [
        ["b@example.com", ""],
        ["c@example.com", "Do,extra"],
    ]
    assert sorted(c["email"] for c in contacts(store)) == ["a@example.com", "d@example.com"]


def test_line_numbers_count_quoted_newlines_as_one_row_and_blank_lines_as_rows(store, tmp_path):
    text = 'Email,Notes\n"a@example.com","two\nlines"\n\nbad-email,x\n'
    result = run(store, write(tmp_path, text))
    assert result.empty == 1 and result.inserted == 1
    assert result.rejects["errors"].tolist() == [
        "line 4: Email: not a valid email address: it must have an @ (bad-email)"
    ]


def test_mixed_line_endings_are_read(store, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"Email,Name\na@example.com,Ann\r\nb@example.com,Bob\nc@example.com,Cy\r\n")
    result = run(store, path)
    assert (result.inserted, result.rejected) == (3, 0)


def test_empty_rows_are_counted_not_rejected(store, tmp_path):
    result = run(store, write(tmp_path, "Email,Name\na@example.com,Ann\n,\n,\n"))
    assert (result.rows, result.inserted, result.empty, result.rejected) == (3, 1, 2, 0)


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "is empty"),
        (b"\x00\x01\x02\x03binary\x00\xff\xfe\x00\x00\x10" * 50, "binary data"),
        (b"PK\x03\x04\x14\x00\x06\x00workbook", "Excel workbook"),
        (b"a@example.com,Ann\nb@example.com,Bob\n", "no header line"),
        (b"+33612345678;Ann\n", "no header line"),
        (b"\n\nEmail\n", "the first line is empty"),
        (b"Email,Name\n", "no rows to import"),
    ],
)
def test_unusable_files_raise_invalid_input(store, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        run(store, path)


def test_a_file_without_an_identifier_column_is_refused(store, tmp_path):
    with pytest.raises(InvalidInput, match="no column maps to an identifier"):
        run(store, write(tmp_path, "Name,City\nAnn,Paris\n"))


def test_detection_report(tmp_path):
    info = csv_files.inspect(
        write(tmp_path, "E-mail;Prénom\na@example.com;Zoë\n", encoding="utf-16-le", bom=b"\xff\xfe")
    )
    assert (info.encoding, info.delimiter, info.header) == ("utf-16", ";", ("E-mail", "Prénom"))
    assert info.preview == (("a@example.com", "Zoë"),)
    assert "utf-16 (detected), semicolon delimiter (detected), 2 columns" in info.describe()


def test_duplicate_and_blank_header_names_are_made_unique(tmp_path):
    info = csv_files.inspect(write(tmp_path, "Email,,Email\na@example.com,x,y\n"))
    assert info.header == ("Email", "column 2", "Email (2)")


@pytest.mark.parametrize(
    "sample,encoding,delimiter,inserted",
    [
        ("hubspot_contacts.csv", "utf-8", ",", 8),
        ("excel_fr_contacts.csv", "windows-1252", ";", 5),
        ("unicode_text_contacts.txt", "utf-16", "\t", 5),
        ("contacts_with_errors.csv", "utf-8", ",", 5),
    ],
)
def test_the_sample_files(store, sample, encoding, delimiter, inserted):
    workspace.set_default_region(store, SYSTEM, "FR")
    result = run(store, SAMPLES / sample)
    assert (result.encoding, result.delimiter, result.inserted) == (encoding, delimiter, inserted)
    # a bad language, subscription, and a name with a line break are left empty; their rows are imported
    assert (result.rejected, result.skipped_values) == (
        (7, 3) if sample == "contacts_with_errors.csv" else (0, 0)
    )


def test_identifiers_still_reject_their_row_and_reject_row_rejects_any_bad_value(store):
    result = run(
        store,
        SAMPLES / "contacts_with_errors.csv",
        options=imports.ImportOptions(invalid_values="reject-row"),
    )
    assert (result.inserted, result.rejected, result.skipped_values) == (2, 10, 0)
    assert set(result.rejects["status"]) == {"rejected"}


def test_a_wrong_encoding_chosen_by_the_user_rejects_the_rows_it_cannot_read(store, tmp_path):
    path = write(tmp_path, csv_text(HEADER, ROWS), encoding="windows-1252")
    result = run(store, path, encoding="utf-8")
    assert (result.encoding, result.inserted, result.rejected) == ("utf-8", 0, 2)
    assert result.rejects["errors"].tolist() == [
        "line 2: not valid UTF-8 text (bytes 0xEB 0xE8 0x9C …, which are ë è œ … in Windows-1252, "
        "shown as �): the file may not be UTF-8: choose its encoding",
        "line 3: not valid UTF-8 text (bytes 0xFA 0xF1, which are ú ñ in Windows-1252, shown as �): "
        "the file may not be UTF-8: choose its encoding",
    ]
    # the cells are the file's bytes, read again (the reader's own copy of the line loses some): only the
    # invalid bytes are shown as �
    assert result.rejects[HEADER].values.tolist() == [
        ["zoe@example.fr", "Zo�", "Lef�vre", "�uvre �quote� 5 �"],
        ["ana@example.es", "Ana", "N��ez", "se�ora"],
    ]
    assert result.notes[-1] == (
        "2 rows are not valid UTF-8 text (first: line 2) and were rejected: if the file is "
        "not UTF-8, choose its encoding"
    )
