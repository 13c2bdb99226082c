"""Notebooks as students meet them: markdown that Colab renders right, hidden solutions, one structure.

Colab renders notebook markdown as CommonMark (with GitHub tables, ``$`` math and plain HTML);
it knows nothing of MyST. So no MyST role or directive may appear in a notebook, every
solution must stay hidden until opened (in a ``<details>`` block, or in a code cell that Colab
folds as a form and the book hides), and every lab has the same sections in the same order.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: The sections of every lab, in order: each ``##`` heading starts with one of these words.
SECTIONS = ("Introduction", "Setup", "Load", "Look", "Prepare", "Build", "Train", "Detect", "Evaluate", "Summary",
            "Exercises")

MYST = [
    (re.compile(r"\{[a-z][\w:-]*\}`"), "a MyST role such as {cite}`...`"),
    (re.compile(r"^\s*(```+|~~~+|:::+)\s*\{", re.M), "a MyST directive fence such as ```{note}"),
    (re.compile(r"^\s*:::+", re.M), "a MyST colon fence"),
    (re.compile(r"^\s*\([\w-]+\)=\s*$", re.M), "a MyST target such as (label)="),
    (re.compile(r"\{\{[^}]+\}\}"), "a MyST substitution such as {{ name }}"),
]


def markdown_renderer() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def read(path: Path):
    return nbformat.read(path, as_version=4)


def markdown_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "markdown"]


def is_solution_cell(cell) -> bool:
    return cell.cell_type == "code" and "solution" in cell.metadata.get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_no_myst_in_notebook_markdown(path):
    renderer = markdown_renderer()
    for index, cell in enumerate(markdown_cells(read(path))):
        html = renderer.render(cell.source)
        for pattern, what in MYST:
            found = pattern.search(cell.source)
            assert not found, f"{path.name}, cell {index}: {what} ({found.group(0)!r}); Colab shows it raw"
        assert "{cite}" not in html and "{ref}" not in html, f"{path.name}, cell {index}: MyST left in the page"


def details_blocks(html: str) -> list[str]:
    return re.findall(r"<details>(.*?)</details>", html, flags=re.S)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_solutions_stay_hidden_until_opened(path):
    renderer = markdown_renderer()
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type == "markdown":
            html = renderer.render(cell.source)
            outside = re.sub(r"<details>.*?</details>", "", html, flags=re.S)
            assert not re.search(r"\bSolution\b", outside), (
                f"{path.name}, cell {index}: a solution outside a <details> block is visible in Colab"
            )
            for block in details_blocks(html):
                assert "<summary>" in block, f"{path.name}, cell {index}: <details> without a <summary>"
        elif is_solution_cell(cell):
            assert cell.source.startswith("# @title"), f"{path.name}, cell {index}: solution cells start with # @title"
            assert cell.metadata.get("cellView") == "form", f"{path.name}, cell {index}: Colab folds only form cells"
            assert "hide-cell" in cell.metadata.get("tags", []), f"{path.name}, cell {index}: the book must hide it"


def exercises(notebook) -> list[tuple[int, str]]:
    return [(index, line) for index, cell in enumerate(notebook.cells) if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("### Exercise")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_exercise_has_a_hidden_solution(path):
    notebook = read(path)
    found = exercises(notebook)
    assert found, f"{path.name}: no '### Exercise' headings"
    bounds = [index for index, _ in found] + [len(notebook.cells)]
    for (start, title), end in zip(found, bounds[1:]):
        cells = notebook.cells[start:end]
        has_details = any(cell.cell_type == "markdown" and "<details>" in cell.source for cell in cells)
        assert has_details or any(is_solution_cell(cell) for cell in cells), f"{path.name}: {title} has no solution"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_lab_has_the_same_sections_in_order(path):
    headings = [line[3:].strip() for cell in markdown_cells(read(path)) for line in cell.source.splitlines()
                if line.startswith("## ")]
    words = [heading.split()[0] if heading else "" for heading in headings]
    assert words == list(SECTIONS), f"{path.name}: sections {headings}, expected headings starting {SECTIONS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_one_title(path):
    titles = [line for cell in markdown_cells(read(path)) for line in cell.source.splitlines() if line.startswith("# ")]
    assert len(titles) == 1, f"{path.name}: {len(titles)} level-1 headings"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_no_decimal_results_typed_into_prose(path):
    """Results are printed by cells; prose may quote published numbers only beside their citation."""
    for index, cell in enumerate(markdown_cells(read(path))):
        for line in cell.source.splitlines():
            for number in re.findall(r"(?<![\w.])0\.\d{2,}", line):
                assert re.search(r"\(\d{4}\)|et al\.|published|paper", line), (
                    f"{path.name}, cell {index}: {number} typed into prose without a citation: {line.strip()[:90]}"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_lab_has_a_checked_exercise(path):
    """A cell where the student writes an answer and calls a checker, which the solution also calls."""
    from labutils import exercises as checkers

    notebook = read(path)
    called = r"exercises\.(check_\w+)\("
    answers = [re.search(called, cell.source).group(1) for cell in notebook.cells
               if cell.cell_type == "code" and not is_solution_cell(cell) and re.search(called, cell.source)]
    assert answers, f"{path.name}: no exercise with a check (a visible cell calling labutils.exercises.check_...)"
    for name in answers:
        assert callable(getattr(checkers, name, None)), f"{path.name}: labutils.exercises has no {name}"
        assert any(is_solution_cell(cell) and f"exercises.{name}(" in cell.source for cell in notebook.cells), (
            f"{path.name}: no solution calls exercises.{name}, so the reference answer is never checked"
        )


DRAWS = re.compile(r"plotting\.(plot_\w+|save_inference_gif)\(|explorer\.plot_\w+\(|plt\.show\(\)|Image\(filename")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_figure_has_a_caption_and_alt_text(path):
    """myst-nb turns a cell's ``mystnb.figure.caption`` into the book's caption and ``mystnb.image.alt`` into alt text.

    The book check (tools/check_rendering.py) finds a figure that still lacks them; this finds it before the build.
    """
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code" or not DRAWS.search(cell.source):
            continue
        options = cell.metadata.get("mystnb", {})
        caption = options.get("figure", {}).get("caption", "")
        alt = options.get("image", {}).get("alt", "")
        assert len(caption) > 20 and caption.endswith("."), f"{path.name}, cell {index}: no caption in its metadata"
        assert len(alt) > 40, f"{path.name}, cell {index}: no alt text in its metadata"
        assert "labutils" not in alt + caption, f"{path.name}, cell {index}: the reader's words, not module names"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_what_a_cell_shows_is_its_last_line(path):
    """A source listing or a figure returned by a call that is not a cell's last statement is never shown."""
    import ast

    shown = re.compile(r"^(show_source|plotting\.plot_\w+|explorer\.(plot_\w+|threshold_\w+))$")
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        body = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.startswith(("!", "%")))).body
        for statement in body[:-1]:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                name = ast.unparse(statement.value.func)
                assert not shown.match(name), f"{path.name}, cell {index}: {name}(...) is not the last line: not shown"
