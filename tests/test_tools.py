"""tools/: the internal link check of the built book, the release revision switch, the TOC, the slides and
the reading pages' figures (``tools/book_figures.py``, checked by building a one-page Sphinx project)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools import check_links

ROOT = Path(__file__).resolve().parents[1]


def test_link_check_reports_missing_files_and_anchors(tmp_path):
    (tmp_path / "b.html").write_text('<h1 id="x">B</h1><a href="a.html">back</a>')
    (tmp_path / "img.png").write_bytes(b"png")
    (tmp_path / "a.html").write_text(
        '<a href="b.html#x">ok</a> <a href="b.html#y">bad anchor</a> <a href="c.html">missing</a>'
        '<img src="img.png"> <a href="https://example.org/nowhere">external</a> <a href="#top">self</a>'
        '<span id="top"></span>'
    )
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "template.html").write_text('<a href="{{ pathto(x) }}">theme template</a>')
    assert sorted(check_links.broken_links(tmp_path)) == [
        "a.html: b.html#y (no such anchor)",
        "a.html: c.html (no such file)",
    ]
    published = "https://example.org/book/"
    (tmp_path / "c.html").write_text(
        f'<link rel="canonical" href="{published}c.html"><a href="{published}d.html">d</a>'
    )
    assert sorted(check_links.broken_links(tmp_path, published)) == [
        "a.html: b.html#y (no such anchor)",
        "c.html: https://example.org/book/d.html (the published book: no such page here)",
    ]


def test_set_revision_changes_every_setup_cell_and_labutils(tmp_path, monkeypatch):
    import shutil

    import nbformat

    from tools import set_revision

    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("logs", "figures"))
    (tmp_path / "labutils").mkdir()
    shutil.copy(root / "labutils" / "__init__.py", tmp_path / "labutils" / "__init__.py")
    monkeypatch.setattr(set_revision, "ROOT", tmp_path)
    set_revision.main("v1.0")
    assert 'REVISION = "v1.0"' in (tmp_path / "labutils" / "__init__.py").read_text()
    for path in (tmp_path / "notebooks").glob("*.ipynb"):
        setup = next(cell.source for cell in nbformat.read(path, as_version=4).cells if "google.colab" in cell.source)
        assert 'REVISION = "v1.0"' in setup, path.name
    with pytest.raises(SystemExit, match="not a branch or tag"):
        set_revision.main("v1.0; rm -rf /")


def test_the_toc_is_the_one_list_of_notebooks_and_slide_pages(tmp_path):
    from tools import toc

    (tmp_path / "book").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "book" / "intro.md").write_text("# Welcome\n")
    (tmp_path / "book" / "chapter.md").write_text("# A chapter\n\n## A section\n")
    (tmp_path / "book" / "references.md").write_text("# References\n\n```{bibliography}\n```\n")
    (tmp_path / "notebooks" / "01_lab.ipynb").write_text("{}")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n"
        "  - caption: One\n    chapters:\n      - file: book/chapter\n        sections:\n"
        "          - file: notebooks/01_lab\n"
        "  - caption: Reference\n    chapters:\n      - file: book/references\n"
    )
    assert toc.notebooks(tmp_path) == [tmp_path / "notebooks" / "01_lab.ipynb"]
    assert toc.reading_pages(tmp_path) == [tmp_path / "book" / "chapter.md"]
    (tmp_path / "notebooks" / "01_lab.ipynb").unlink()
    with pytest.raises(FileNotFoundError, match="notebooks/01_lab"):
        toc.documents(tmp_path)


def test_slides_leave_out_the_exercises_and_solutions():
    import nbformat

    from tools import tag_slides

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Lab"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("# @title Solution", metadata={"tags": ["hide-cell", "solution"]}),
        nbformat.v4.new_markdown_cell("## Exercises"),
        nbformat.v4.new_markdown_cell("### Exercise 1: try"),
        nbformat.v4.new_code_cell("y = 2"),
    ]
    tag_slides.tag(notebook)
    kinds = [cell.metadata["slideshow"]["slide_type"] for cell in notebook.cells]
    assert kinds == ["slide", "-", "skip", "skip", "skip", "skip"]


FIGURE_PAGE = """# Page

```{labutils-figure} labutils.diagrams.anomaly_types
:alt: Three panels of generated data.
:name: fig-kinds

The three kinds of anomaly.
```
"""


def test_labutils_figure_draws_an_image_with_alt_text_and_caption_and_refuses_one_without(tmp_path):
    """One Sphinx build, as the book's (MyST, warnings as errors): a good figure and three bad ones."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nextensions = ['myst_parser', 'tools.book_figures']\n"
    )
    bad = {
        "no-alt": (FIGURE_PAGE.replace(":alt: Three panels of generated data.\n", ""), "give the figure its alt text"),
        "no-caption": (FIGURE_PAGE.replace("The three kinds of anomaly.\n", ""), "give the figure a caption"),
        "no-function": (FIGURE_PAGE.replace("anomaly_types", "no_such_figure"),
                        "labutils.diagrams has no function 'no_such_figure'"),
    }
    (source / "index.md").write_text(FIGURE_PAGE + "\n```{toctree}\n" + "\n".join(bad) + "\n```\n")
    for name, (page, _) in bad.items():
        (source / f"{name}.md").write_text(page)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
               "-d", str(tmp_path / "doctrees"), str(source), str(tmp_path / "html")]
    built = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})

    for name, (_, message) in bad.items():  # each bad page fails the build, named with its line
        assert re.search(rf"{name}\.md:\d+: ERROR: .*{re.escape(message)}", built.stderr), (name, built.stderr)
    assert built.returncode != 0
    assert len(re.findall("ERROR", built.stderr)) == len(bad), built.stderr  # and nothing else went wrong
    html = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    image = re.search(r'<img alt="Three panels of generated data." src="(_images/[^"]+\.svg)"', html)
    assert image, "no <img> with the alt text"
    assert (tmp_path / "html" / image[1]).read_bytes().startswith(b"<?xml")
    assert re.search(r"<figcaption>\s*<p>.*The three kinds of anomaly\.", html, flags=re.DOTALL)
    assert 'id="fig-kinds"' in html
    drawn = tmp_path / "labutils_figures" / "labutils.diagrams.anomaly_types.svg"  # beside the doctrees
    assert drawn.read_bytes() == (tmp_path / "html" / image[1]).read_bytes()


def test_book_figures_resolve_only_labutils_functions_and_make_slide_images():
    import base64

    from tools import book_figures

    with pytest.raises(ValueError, match="name a function of labutils"):
        book_figures.resolve("os.getcwd")
    with pytest.raises(ValueError, match=r"cannot import labutils\.nothing"):
        book_figures.resolve("labutils.nothing.figure")
    with pytest.raises(TypeError, match=r"labutils\.env\.profile returned str, not a matplotlib Figure"):
        book_figures.render("labutils.env.profile")
    slide = book_figures.DIRECTIVE.sub(book_figures.slide_markdown, FIGURE_PAGE)
    image = re.search(r"!\[Three panels of generated data\.\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", slide)
    assert image and base64.b64decode(image[1]).startswith(b"<?xml")
    assert slide.rstrip().endswith("The three kinds of anomaly.") and "labutils-figure" not in slide


def test_every_reading_page_figure_is_on_the_slides_too(monkeypatch):
    import matplotlib.pyplot as plt

    from tools import book_figures, make_slides, toc

    def render(target):  # the figures themselves are tested in tests/test_diagrams.py
        book_figures.resolve(target)
        figure = plt.figure(figsize=(1, 1))
        plt.close(figure)
        return figure

    monkeypatch.setattr(book_figures, "render", render)
    for page in toc.reading_pages():
        expected = len(book_figures.DIRECTIVE.findall(page.read_text(encoding="utf-8")))
        deck = make_slides.page_notebook(page)
        shown = sum(cell.source.count("](data:image/svg+xml;base64,") for cell in deck.cells)
        assert shown == expected, page.name


def test_notebooks_start_slowest_first_and_every_notebook_has_a_measured_time():
    from tools import execute_notebooks

    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert {path.name for path in notebooks} == set(execute_notebooks.QUICK_SECONDS)
    ordered = execute_notebooks.slowest_first([*notebooks, Path("new_chapter.ipynb")])
    assert ordered[0].name == "new_chapter.ipynb"  # unknown: counted as the slowest
    seconds = [execute_notebooks.QUICK_SECONDS[path.name] for path in ordered[1:]]
    assert seconds == sorted(seconds, reverse=True)
    assert ordered[1].name == "06_ucsd_lab.ipynb"
