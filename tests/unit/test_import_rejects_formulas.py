"""Import rejects file: cells a spreadsheet would run as formulas are neutralised, and import back as they
were."""

import io

import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from inbox import spreadsheet

from ..support.imports import contacts, run, write

HEADER = "Email,First name,Last name,Phone,Notes\n"
ROWS = [  # every row has a bad e-mail address, so all land in the rejects file
    ["bad-1", "@SUM(A1)", "-5", "+1 650 253 0000", '"=HYPERLINK(""http://x"")"'],
    ["bad-2", "Zoë", "Lefèvre", "+33 6 12 34 56 78", "\tTab first"],
    ["bad-3", "王", "小明", "", "'=already quoted"],
]


def rejects_of(store, tmp_path):
    path = write(tmp_path, HEADER + "".join(",".join(r) + "\n" for r in ROWS))
    result = run(store, path)
    assert (result.inserted, result.rejected) == (0, 3)
    return result.rejects_csv()


def test_the_rejects_file_neutralises_formulas_in_its_bytes(store, tmp_path):
    data = rejects_of(store, tmp_path)
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1].startswith("bad-1,'@SUM(A1),'-5,'+1 650 253 0000,\"'=HYPERLINK(\"\"http://x\"\")\",")
    assert lines[2].startswith("bad-2,Zoë,Lefèvre,'+33 6 12 34 56 78,'\tTab first,")
    assert lines[3].startswith(
        "bad-3,王,小明,,'=already quoted,"
    )  # read as =already quoted, as a spreadsheet does
    cells = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    starts = {c[0] for c in cells.drop(columns="errors").to_numpy().ravel() if c}
    assert not starts & set(spreadsheet.FORMULA_START)  # no cell a spreadsheet would run


def test_the_fixed_rejects_file_imports_the_values_of_the_original(store, tmp_path):
    data = rejects_of(store, tmp_path)
    fixed = data.decode("utf-8-sig").replace("bad-1", "ann@example.com").replace("bad-3", "wang@example.cn")
    path = tmp_path / "fixed.csv"
    path.write_text(fixed, encoding="utf-8")
    result = run(store, path, mapping={"errors": None})
    assert (result.inserted, result.rejected) == (2, 1)
    got = {c["email"]: (c["first_name"], c["last_name"], c["phone"]) for c in contacts(store)}
    assert got == {
        "ann@example.com": ("@SUM(A1)", "-5", "+16502530000"),
        "wang@example.cn": ("王", "小明", None),
    }


def test_a_spreadsheet_text_mark_in_an_original_file_is_taken_off(store, tmp_path):
    path = write(
        tmp_path,
        "Email,Phone,Last name\n'=1+2,'+33 6 12 34 56 78,'-Dupont\na@example.com,+33 6 12 34 56 79,'O'Neil\n",
    )
    result = run(store, path)
    assert (result.inserted, result.rejected) == (1, 1)
    assert result.rejects[["Email", "Phone", "Last name"]].values.tolist() == [
        ["=1+2", "+33 6 12 34 56 78", "-Dupont"]
    ]  # the values it saw
    assert (
        result.rejects_csv()
        .decode("utf-8-sig")
        .splitlines()[1]
        .startswith("'=1+2,'+33 6 12 34 56 78,'-Dupont,")
    )
    assert [(c["phone"], c["last_name"]) for c in contacts(store)] == [("+33612345679", "'O'Neil")]


@given(st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "a", "é", " "]), max_size=6))
def test_unmark_gives_back_every_neutralised_value(value):
    assert spreadsheet.unmark(spreadsheet.neutralise(value)) == value
    table = pa.table({"c": pa.array([spreadsheet.neutralise(value), None])})
    assert spreadsheet.unmark_table(table).column("c").to_pylist() == [value, None]
