"""The "used by chapter N" notes in labutils' docstrings, held against what the chapters call.

A note cannot go stale unseen: every chapter a public function's docstring names must reach
that function, from its notebook's code cells (or, for chapters 1, 2 and 5, its reading page's
figures) directly or through other labutils functions. Read with ``ast``: nothing is run.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "labutils"
#: The reading pages of the chapters that have one, by chapter number.
PAGES = {1: "anomaly_detection.md", 2: "autoencoders.md", 5: "video_anomalies.md"}
CLAIM = re.compile(r"\b[Cc]hapters?\s+(\d(?:(?:,\s+|\s+and\s+|,\s+and\s+)\d)*)")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))}


def bindings(module: str) -> dict[str, str]:
    """Names bound at the top of ``module`` by imports from labutils: local name -> 'module' or 'module.name'."""
    found = {}
    for node in MODULES[module].body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("labutils") and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found[alias.asname or alias.name] = full
    return found


def resolve(full: str, seen: frozenset = frozenset()) -> str:
    """Follow re-exports: 'labutils.plotting.plot_regularity' -> 'labutils.plotting_video.plot_regularity'."""
    if full in MODULES or full in seen:
        return full
    module, _, name = full.rpartition(".")
    if module in MODULES:
        target = bindings(module).get(name)
        if target and target != full:
            return resolve(target, seen | {full})
    return full


def definitions() -> dict[str, ast.AST]:
    """Every top-level function, class and named value (a registry such as ``DETECTORS``) of labutils."""
    found = {}
    for module, tree in MODULES.items():
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                found[f"{module}.{node.name}"] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        found[f"{module}.{target.id}"] = node
    return found


DEFINITIONS = definitions()


def references(module: str, node: ast.AST, names: dict[str, str]) -> set[str]:
    """The labutils functions and classes ``node`` mentions: ``alias.name``, imported or same-module names."""
    found = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name) and inner.value.id in names:
            found.add(resolve(f"{names[inner.value.id]}.{inner.attr}"))
        elif isinstance(inner, ast.Name):
            if inner.id in names:
                found.add(resolve(names[inner.id]))
            elif f"{module}.{inner.id}" in DEFINITIONS:
                found.add(f"{module}.{inner.id}")
    return {name for name in found if name in DEFINITIONS}


def module_aliases(module: str) -> dict[str, str]:
    """Local names of labutils modules and imported names inside ``module`` (top level and inside functions)."""
    names = {}
    for node in ast.walk(MODULES[module]):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("labutils") and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("labutils."):
                    names[alias.asname or alias.name.split(".")[-1]] = alias.name
    return names


CALLS = {full: references(full.rpartition(".")[0], node, module_aliases(full.rpartition(".")[0]))
         for full, node in DEFINITIONS.items()}


def chapter_roots() -> dict[int, set[str]]:
    """What each chapter calls itself: its notebook's code cells and its reading page's figures."""
    roots: dict[int, set[str]] = {}
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        chapter = int(notebook.name[:2])
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
        code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
        tree = ast.parse(code)
        names = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("labutils"):
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        roots[chapter] = references("__notebook__", tree, names)
    for chapter, page in PAGES.items():
        text = (ROOT / "book" / page).read_text(encoding="utf-8")
        roots.setdefault(chapter, set()).update(
            resolve(name) for name in re.findall(r"labutils\.[\w.]+", text) if resolve(name) in DEFINITIONS
        )
    return roots


def reached(roots: set[str]) -> set[str]:
    found, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(CALLS.get(name, ()))
            # a class reaches its methods' calls: CALLS of a class walks its whole body
    return found


def claimed_chapters(node: ast.AST) -> set[int]:
    docstring = ast.get_docstring(node) or ""
    return {int(digit) for match in CLAIM.finditer(docstring) for digit in re.findall(r"\d", match.group(1))}


def stale_notes() -> list[str]:
    reach = {chapter: reached(roots) for chapter, roots in chapter_roots().items()}
    stale = []
    for full, node in sorted(DEFINITIONS.items()):
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or node.name.startswith("_"):
            continue
        wrong = sorted(chapter for chapter in claimed_chapters(node) if full not in reach.get(chapter, set()))
        if wrong:
            stale.append(f"{full} names chapter(s) {wrong}, which do not call it")
    return stale


def stale_module_notes() -> list[str]:
    """Modules whose docstring names a chapter that reaches none of the module's functions."""
    reach = {chapter: reached(roots) for chapter, roots in chapter_roots().items()}
    stale = []
    for module, tree in MODULES.items():
        # a module's own names, what it re-exports, and for a package everything below it
        own = {resolve(target) for target in bindings(module).values()}
        for chapter in sorted(claimed_chapters(tree)):
            found = reach.get(chapter, set())
            if not any(name.startswith(module + ".") or name in own for name in found):
                stale.append(f"{module} names chapter {chapter}, which calls none of it")
    return stale


def test_every_chapter_a_docstring_names_calls_that_function():
    assert stale_notes() == []


def test_every_chapter_a_module_docstring_names_uses_the_module():
    assert stale_module_notes() == []


def test_the_check_sees_what_a_chapter_calls():
    """Not vacuous: chapter 3 reaches the ECG loader and the threshold rule, chapter 6 the clip training."""
    reach = {chapter: reached(roots) for chapter, roots in chapter_roots().items()}
    assert "labutils.data.ecg.load_ecg" in reach[3] or "labutils.data.ecg.locate_ecg" in reach[3]
    assert "labutils.metrics.threshold_mean_std" in reach[3]
    assert "labutils.training.fit_clip_model" in reach[6]
    assert "labutils.training.fit_clip_model" not in reach[3]
    assert claimed_chapters(ast.parse('def f():\n    """Used by chapters 2, 4 and 6."""').body[0]) == {2, 4, 6}
