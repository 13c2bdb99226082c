"""The package's shape (issue: one shape for the code): imports one way, small modules, no private names across modules.

Read from the source with ``ast``: nothing is imported or run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "labutils"
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def resolve(name: str, current: str, level: int) -> str:
    """The absolute module name of ``from <level dots><name> import ...`` inside ``current``."""
    if not level:
        return name
    package = current if MODULES[current].name == "__init__.py" else current.rsplit(".", 1)[0]
    base = package.rsplit(".", level - 1)[0] if level > 1 else package
    return f"{base}.{name}" if name else base


def imported_modules(current: str) -> set[str]:
    """The labutils modules ``current`` imports anywhere (at the top or inside a function)."""
    found = set()
    for node in ast.walk(TREES[current]):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node.module or "", current, node.level)
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    found.add(f"{base}.{alias.name}")
                elif base in MODULES:
                    found.add(base)
    found.discard(current)
    # importing labutils.a.b runs labutils.a's __init__ first; the package root only sets the environment
    return {name for name in found if name != "labutils"}


GRAPH = {name: imported_modules(name) for name in MODULES}


def test_the_import_graph_has_no_circle():
    done, path, circles = set(), [], []

    def visit(name):
        if name in path:
            circles.append([*path[path.index(name) :], name])
            return
        if name in done:
            return
        path.append(name)
        for imported in sorted(GRAPH[name]):
            # a package's __init__ re-exports its modules: importing a sibling through the package is not a circle
            if imported == name.rsplit(".", 1)[0] and imported in MODULES and MODULES[imported].name == "__init__.py":
                continue
            visit(imported)
        path.pop()
        done.add(name)

    for name in MODULES:
        visit(name)
    assert not circles, "import circles: " + "; ".join(" -> ".join(circle) for circle in circles)


def test_the_circle_check_finds_a_circle(monkeypatch):
    """The check above fails when two modules import each other (it is not vacuous)."""
    assert "labutils.training" in GRAPH["labutils.detectors"]
    monkeypatch.setitem(GRAPH, "labutils.training", GRAPH["labutils.training"] | {"labutils.detectors"})
    with pytest.raises(AssertionError, match="import circles"):
        test_the_import_graph_has_no_circle()


def test_nothing_inside_labutils_imports_the_scoring_index():
    importers = sorted(name for name, imported in GRAPH.items() if "labutils.scoring" in imported)
    assert importers == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_small(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{MODULES[name].name} has {lines} lines (at most {MAX_MODULE_LINES})"


def long_functions() -> list[str]:
    """Functions with more than :data:`MAX_FUNCTION_LINES` lines of code (the docstring not counted)."""
    found = []
    for name, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                first = node.body[0]
                if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant):
                    length -= first.end_lineno - first.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{name}.{node.name} ({length} lines)")
    return found


def test_no_function_is_longer_than_a_screen():
    assert long_functions() == []


def private_names_across_modules() -> list[str]:
    """``module._name`` or ``from module import _name`` where ``module`` is another labutils module.

    Private *modules* (``_checks``, ``_building``) are shared helpers by design: their public
    names may be used anywhere; their private names may not.
    """
    found = []
    for current, tree in TREES.items():
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = resolve(node.module or "", current, node.level)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in MODULES:
                        aliases[alias.asname or alias.name] = full
                    elif base in MODULES and base != current and alias.name.startswith("_"):
                        found.append(f"{current} imports {base}.{alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in MODULES and alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_") and not node.attr.startswith("__")
                    and aliases[node.value.id] != current):
                found.append(f"{current} uses {aliases[node.value.id]}.{node.attr}")
    return sorted(set(found))


def test_no_private_name_crosses_a_module_boundary():
    assert private_names_across_modules() == []
