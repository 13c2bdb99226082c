"""The book's configuration agrees with the repository: one URL, every notebook in the TOC, citations exist."""

from __future__ import annotations

import os
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
    cited = {key.strip() for source in sources
             for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", source.read_text()) for key in group.split(",")}
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


def _references_built_as_the_book_builds_them(tmp_path, pages: dict[str, str]):
    """A small Sphinx build with the book's References page, references.bib and bibtex settings."""
    import subprocess
    import sys

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    bibtex = {key: value for key, value in config["sphinx"]["config"].items() if key.startswith("bibtex_")}
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text(
        "extensions = ['myst_parser', 'sphinxcontrib.bibtex']\n"
        "bibtex_bibfiles = ['references.bib']\nmyst_enable_extensions = ['dollarmath']\n"
        + "".join(f"{key} = {value!r}\n" for key, value in bibtex.items())
    )
    (source / "references.bib").write_text((ROOT / "book" / "references.bib").read_text(encoding="utf-8"))
    (source / "references.md").write_text((ROOT / "book" / "references.md").read_text(encoding="utf-8"))
    for name, text in pages.items():
        (source / f"{name}.md").write_text(text)
    toctree = "\n".join([*pages, "references"])
    (source / "index.md").write_text(f"# Book\n\n```{{toctree}}\n{toctree}\n```\n")
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(source), str(tmp_path / "html")]
    built = subprocess.run(command, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return tmp_path / "html"


def _bib_titles() -> dict[str, str]:
    from pybtex.database import parse_file

    entries = parse_file(str(ROOT / "book" / "references.bib")).entries
    return {key: _words(re.sub(r"[{}]", "", entry.fields["title"])) for key, entry in entries.items()}


def _words(text: str) -> str:
    """Letters and digits only, lower case: a bib title as a style prints it (case, braces, dashes aside)."""
    return re.sub(r"[\W_]+", " ", text).lower().strip()


def _text(html: str) -> str:
    import html as html_module

    return _words(html_module.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_references_page_lists_every_work_and_numbers_citations_in_reading_order(tmp_path):
    """Every entry of references.bib is on the References page, cited or not; the cited ones are
    numbered in the order a reader first meets them (the first citation is [1]), across pages in
    the TOC's order, not in the order of their file names."""
    titles = _bib_titles()
    first, second, third = "mahadevan2010anomaly", "baldi1989neural", "chalapathy2019survey"
    pages = {  # "z_intro" comes first in the TOC, though its name sorts last
        "z_intro": f"# Intro\n\nA survey {{cite}}`{first}`.\n",
        "a_chapter": f"# Chapter\n\nPCA {{cite}}`{second}`, again {{cite}}`{first}`, then {{cite}}`{third}`.\n",
    }
    html = _references_built_as_the_book_builds_them(tmp_path, pages)
    page = (html / "references.html").read_text(encoding="utf-8")
    text = _text(page)
    missing = [key for key, title in titles.items() if title not in text]
    assert not missing, f"on references.bib but not on the References page: {missing}"
    labels = re.findall(r'role="doc-biblioentry">\s*<span class="label"><span class="fn-bracket">\[</span>(\w+)'
                        r'<span class="fn-bracket">]</span></span>\s*<p>(.*?)</p>', page, flags=re.DOTALL)
    numbered = [(label, next(key for key, title in titles.items() if title in _text(entry)))
                for label, entry in labels]
    assert numbered == [("1", first), ("2", second), ("3", third)]
    intro = _text((html / "z_intro.html").read_text(encoding="utf-8"))
    assert "a survey 1 " in intro  # the first citation a reader meets is [1]


def test_the_built_books_references_page_lists_every_work():
    """The same on the book that `make book` built, where there is one (skipped before the build)."""
    page = ROOT / "_build" / "quick" / "_build" / "html" / "book" / "references.html"
    if not page.is_file():
        import pytest

        pytest.skip(f"no built book at {page.relative_to(ROOT)}: `make book` builds it")
    text = _text(page.read_text(encoding="utf-8"))
    missing = [key for key, title in _bib_titles().items() if title not in text]
    assert not missing, f"on references.bib but not on the built References page: {missing}"


def _page_title(path: Path, toc_titles: dict[str, str]) -> str:
    """What the book calls a page: its ``title:`` in _toc.yml, else its first ``#`` heading."""
    name = path.relative_to(ROOT).with_suffix("").as_posix()
    if name in toc_titles:
        return toc_titles[name]
    if path.suffix == ".ipynb":
        import json

        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    return re.search(r"(?m)^# (.+)$", text)[1].strip()


def _toc_titles(entries) -> dict[str, str]:
    titles = {}
    for entry in entries:
        if "file" in entry and "title" in entry:
            titles[entry["file"]] = entry["title"]
        for key in ("parts", "chapters", "sections"):
            titles.update(_toc_titles(entry.get(key, [])))
    return titles


def test_no_two_pages_of_the_book_share_a_title():
    """The sidebar, breadcrumbs and Previous/Next name pages by title: two alike read as one page twice."""
    toc_yml = yaml.safe_load((ROOT / "_toc.yml").read_text())
    titles = _toc_titles(toc_yml.get("parts", []) + toc_yml.get("chapters", []))
    seen: dict[str, str] = {}
    for path in toc.documents(ROOT):
        title = _page_title(path, titles)
        assert title.lower() not in seen, f"{path.name} and {seen[title.lower()]} are both titled {title!r}"
        seen[title.lower()] = path.name


def test_a_toc_title_names_the_page_in_breadcrumbs_and_previous_next(tmp_path):
    """tools/toc_titles.py: two pages with one heading, told apart by the second's TOC title."""
    import subprocess
    import sys

    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text(
        "extensions = ['myst_parser', 'sphinx_external_toc', 'tools.toc_titles']\nexternal_toc_path = '_toc.yml'\n"
    )
    (source / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapter\n    sections:\n"
        "      - file: lab\n        title: 'Lab: on digits'\n"
    )
    (source / "intro.md").write_text("# Intro\n")
    (source / "chapter.md").write_text("# Autoencoders\n\nSee {doc}`lab`.\n")
    (source / "lab.md").write_text("# Autoencoders\n\nThe lab.\n")
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(source), str(tmp_path / "html")]
    built = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert built.returncode == 0, built.stderr
    chapter = (tmp_path / "html" / "chapter.html").read_text(encoding="utf-8")
    lab = (tmp_path / "html" / "lab.html").read_text(encoding="utf-8")
    assert re.search(r'<link rel="next" title="Lab: on digits"', chapter)  # "Next" names the lab by its TOC title
    assert re.search(r'<a class="reference internal" href="lab.html">.*Lab: on digits', chapter)  # {doc} too
    assert re.search(r"<title>Lab: on digits", lab)  # the browser tab
    assert re.search(r"<h1>Autoencoders", lab)  # its own heading is left as written
