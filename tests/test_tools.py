"""tools/: the internal link check of the built book, and the release revision switch."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import check_links


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
