"""The book's configuration agrees with the repository: one URL, every notebook in the TOC, citations exist."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import labutils
from tools import toc

ROOT = Path(__file__).resolve().parents[1]


def test_one_repository_url_everywhere():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == labutils.REPOSITORY_URL
    assert labutils.REPOSITORY_URL in (ROOT / "pyproject.toml").read_text()
    assert labutils.REPOSITORY_URL in (ROOT / "README.md").read_text()


def test_every_notebook_is_in_the_toc_and_every_toc_file_exists():
    listed = toc.documents(ROOT)  # raises FileNotFoundError naming a listed file that is missing
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        assert notebook in listed, f"{notebook.name} is not in _toc.yml"


def test_every_citation_is_in_the_bibliography():
    keys = set(re.findall(r"@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text()))
    sources = [*(ROOT / "book").glob("*.md"), *(ROOT / "notebooks").glob("*.ipynb")]
    cited = {key.strip() for source in sources for group in re.findall(r"\{cite[pt]?\}`([^`]+)`", source.read_text())
             for key in group.split(",")}
    assert cited, "no citations found"
    assert cited <= keys, f"cited but not in references.bib: {cited - keys}"


def test_the_reading_pages_figures_have_alt_text_captions_and_functions():
    from tools import book_figures

    for page in toc.reading_pages(ROOT):
        figures = book_figures.DIRECTIVE.findall(page.read_text(encoding="utf-8"))
        assert figures, f"{page.name}: a reading page without a figure"
        for target, body in figures:
            options, caption = book_figures.parse(body)
            assert len(options.get("alt", "")) > 80, f"{page.name}, {target}: describe the figure in :alt:"
            assert caption, f"{page.name}, {target}: no caption"
            book_figures.resolve(target)  # a ValueError names a function that does not exist
