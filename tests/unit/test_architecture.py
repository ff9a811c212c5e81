"""Import direction: app.py/app_pages → ui → inbox → validation; nothing imports app_pages/ or app.py."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {n.split(".")[0] for n in names}


def py_files(*folders):
    return [p for f in folders for p in (ROOT / f).rglob("*.py")]


@pytest.mark.parametrize("path", py_files("inbox", "validation"), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_and_validation_never_import_the_ui(path):
    assert not imports_of(path) & {"streamlit", "ui", "app_pages", "app"}


@pytest.mark.parametrize("path", py_files("validation"), ids=lambda p: str(p.relative_to(ROOT)))
def test_validation_imports_nothing_of_ours(path):
    assert not imports_of(path) & {"inbox", "ui", "app_pages", "app"}


@pytest.mark.parametrize("path", py_files("inbox", "validation", "ui", "app_pages", "tests") + [ROOT / "app.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_imports_pages_or_app(path):
    assert not imports_of(path) & {"app_pages", "app"}


@pytest.mark.parametrize("path", py_files("app_pages", "ui") + [ROOT / "app.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_ui_never_touches_duckdb_or_the_store_directly(path):
    assert not imports_of(path) & {"duckdb"}
    assert "inbox.store" not in path.read_text(encoding="utf-8")


SQL_WORDS = ("SELECT ", "INSERT INTO", "DELETE FROM", "UPDATE ", "CREATE TABLE")


@pytest.mark.parametrize("path", [p for p in py_files("inbox", "validation", "ui", "app_pages") + [ROOT / "app.py"]
                                  if "store" not in p.parts], ids=lambda p: str(p.relative_to(ROOT)))
def test_sql_lives_only_in_the_store(path):
    text = path.read_text(encoding="utf-8")
    assert not [w for w in SQL_WORDS if w in text]


@pytest.mark.parametrize("path", py_files("inbox", "validation", "ui", "app_pages") + [ROOT / "app.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_opens_with_a_docstring_and_stays_small(path):
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    assert ast.get_docstring(tree), "one-line docstring at the top of every module"
    assert len(text.splitlines()) <= 400


def test_no_legacy_pages_folder():
    """Streamlit runs any file in a ``pages/`` folder next to app.py directly (legacy multipage
    mode, bypassing sign-in) until st.navigation has run once; AppTest does so on every run."""
    assert not (ROOT / "pages").exists()
