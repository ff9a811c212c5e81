"""Import direction: app.py (the st.App) → router.py → app_pages → ui → inbox → validation; only router.py
imports app_pages/, nothing imports app.py or router.py; pages run nothing on import (render functions)."""

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
    assert not imports_of(path) & {"streamlit", "ui", "app_pages", "app", "router", "api"}


@pytest.mark.parametrize("path", py_files("api"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_api_is_a_presentation_layer_over_inbox(path):
    """api/ (like the CLI) calls inbox use cases: no Streamlit, no UI helpers, no pages, no SQL driver."""
    assert not imports_of(path) & {"streamlit", "ui", "app_pages", "app", "router", "duckdb"}


@pytest.mark.parametrize("path", py_files("validation"), ids=lambda p: str(p.relative_to(ROOT)))
def test_validation_imports_nothing_of_ours(path):
    assert not imports_of(path) & {"inbox", "ui", "app_pages", "app", "router", "api"}


@pytest.mark.parametrize(
    "path",
    py_files("inbox", "validation", "ui", "app_pages", "api", "tests")
    + [ROOT / "app.py", ROOT / "router.py"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_nothing_imports_app_and_only_the_router_imports_pages(path):
    assert not imports_of(path) & {"app", "router"}
    if (
        path != ROOT / "router.py"
    ):  # (tests call a page's render function by module name: tests/support/navigation.py)
        assert "app_pages" not in imports_of(path)


def test_app_py_is_the_st_app_serving_the_router_and_imports_no_page():
    """`streamlit run app.py` finds ``app = st.App("router.py", …)`` (Streamlit's AST discovery) and serves it
    with our routes and middleware."""
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "app.py")
    assert found.is_asgi_app and found.app_name == "app"
    assert 'st.App(\n    "router.py"' in (ROOT / "app.py").read_text(encoding="utf-8")
    assert imports_of(ROOT / "app.py") == {"streamlit", "starlette", "ui", "api"}


def test_the_web_routes_import_no_page_and_no_streamlit_script():
    assert not imports_of(ROOT / "ui" / "web.py") & {"app_pages", "app", "router"}


@pytest.mark.parametrize(
    "path",
    py_files("app_pages", "ui") + [ROOT / "app.py", ROOT / "router.py"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_ui_never_touches_duckdb_or_the_store_directly(path):
    assert not imports_of(path) & {"duckdb"}
    assert "inbox.store" not in path.read_text(encoding="utf-8")


SQL_WORDS = ("SELECT ", "INSERT INTO", "DELETE FROM", "UPDATE ", "CREATE TABLE")


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in py_files("inbox", "validation", "ui", "app_pages", "api")
        + [ROOT / "app.py", ROOT / "router.py"]
        if "store" not in p.parts
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_sql_lives_only_in_the_store(path):
    text = path.read_text(encoding="utf-8")
    assert not [w for w in SQL_WORDS if w in text]


@pytest.mark.parametrize(
    "path",
    py_files("inbox", "validation", "ui", "app_pages", "api") + [ROOT / "app.py", ROOT / "router.py"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_module_opens_with_a_docstring_and_stays_small(path):
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    assert ast.get_docstring(tree), "one-line docstring at the top of every module"
    assert len(text.splitlines()) <= 400


def top_level_code(path: Path) -> list[str]:
    """Statements of a module that do something on import: anything but its docstring, imports, function and
    class definitions, and names bound to values computed without a call (constants, aliases)."""
    found = []
    for i, node in enumerate(ast.parse(path.read_text(encoding="utf-8")).body):
        if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
            continue
        if (
            isinstance(node, (ast.Assign, ast.AnnAssign))
            and node.value is not None
            and not any(isinstance(n, ast.Call) for n in ast.walk(node.value))
        ):
            continue
        found.append(f"line {node.lineno}: {ast.unparse(node).splitlines()[0]}")
    return found


@pytest.mark.parametrize("path", py_files("app_pages"), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_run_nothing_on_import(path):
    """A page is a ``render()`` function router.py registers with st.Page: importing it draws nothing."""
    assert top_level_code(path) == []


def test_a_module_with_top_level_code_is_caught(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        '"""Doc."""\nimport streamlit as st\nS = st.session_state\nX = {"a": 1}\n\n\n'
        'def render():\n    st.title("x")\n\n\nst.title("Overview")\nme = require_user()\n'
    )
    assert top_level_code(page) == ['line 11: st.title(\'Overview\')', "line 12: me = require_user()"]


def test_no_legacy_pages_folder():
    """Streamlit serves the files of a ``pages/`` folder next to router.py (legacy multipage mode: its module
    names listed in the sidebar, the file run instead of router.py) until st.navigation has run once in the
    process, and AppTest on every run (tests/browser/test_pages_folder_browser.py: on a fresh server)."""
    assert not (ROOT / "pages").exists()


def imported_test_modules(path: Path) -> set[str]:
    """Modules of the ``tests`` package that ``path`` imports (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT).parent.parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found |= {f"{module}.{a.name}" for a in node.names} if node.module is None else {module}
    return {name for name in found if name == "tests" or name.startswith("tests.")}


TEST_MODULES = [p for p in py_files("tests") if not {"support", "bench", "mutation"} & set(p.parts)]


@pytest.mark.parametrize("path", TEST_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_test_modules_import_only_the_shared_helpers(path):
    """Test modules and conftest files share code through tests/support/ (and fixtures), never by importing
    another test module or a conftest: each test module stays runnable and movable on its own."""
    assert {name for name in imported_test_modules(path) if not name.startswith("tests.support")} == set()


# --- Import cycles ----------------------------------------------------------------------------------------
# Every import statement counts, at module level or inside a function (a late import that closes a loop is
# still a loop: it only moves the partly-initialised-module error to the first call). Relative imports are
# resolved; ``from pkg import module`` is an arrow to the module, ``import a.b`` an arrow to ``a.b``.

CYCLE_PACKAGES = ("inbox", "validation", "ui", "app_pages", "api")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    return {module_name(p): p for p in py_files(*CYCLE_PACKAGES)}


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """``module -> modules of ours it imports`` from every import statement in its file."""

    def ours(name: str) -> str | None:  # the module itself, else the nearest package of ours holding it
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {ours(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets |= {
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else ours(base)
                    for alias in node.names
                }
        graph[name] = {t for t in targets if t and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop as ``[a, b, …, a]``, or None (iterative depth-first search, sorted: stable output)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def test_the_import_graph_sees_relative_late_and_submodule_imports():
    graph = import_graph(our_modules())
    assert "inbox.errors" in graph["inbox.store.core"]  # relative, two levels up
    assert "validation.checks" in graph["validation.columns"]  # ``from . import checks as _checks``
    assert "inbox.store" in graph["inbox"]  # function-level ``from .store import Store``
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles_inside_our_packages():
    graph = import_graph(our_modules())
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle)
