"""Links and images in notebook markdown work where a notebook is opened: Colab, Jupyter, the book.

Colab renders markdown as CommonMark with no neighbouring files, so a relative link goes
nowhere there: every link and image must be absolute. Links to the other chapters point at
the published book (``html.baseurl`` of ``_config.yml``, the one place that address is
written) and name a page the book has; ``tools/book_links.py`` turns them into links
inside the build, where ``tools/check_links.py`` checks them and their anchors.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from tools.book_links import page_of

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BASE = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"]["baseurl"]
ABSOLUTE = re.compile(r"^(https?://|mailto:)")
HTML_TARGET = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")


def targets(markdown: str) -> list[str]:
    """Every link and image target of ``markdown`` as CommonMark reads it (raw HTML included)."""
    found = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type in ("html_block", "html_inline"):
            found += HTML_TARGET.findall(token.content)
        for child in token.children or []:
            if child.type == "link_open":
                found.append(child.attrs.get("href", ""))
            elif child.type == "image":
                found.append(child.attrs.get("src", ""))
            elif child.type == "html_inline":
                found += HTML_TARGET.findall(child.content)
    return found


def notebook_targets(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [target for cell in cells if cell["cell_type"] == "markdown" for target in targets("".join(cell["source"]))]


def source_of(docname: str) -> Path | None:
    """The file a page of the book is built from, or None."""
    for suffix in (".ipynb", ".md"):
        if (ROOT / f"{docname}{suffix}").is_file():
            return ROOT / f"{docname}{suffix}"
    return None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_link_and_image_is_absolute(path):
    relative = [target for target in notebook_targets(path)
                if not ABSOLUTE.match(target) and not target.startswith("#")]
    assert relative == [], f"{path.name}: relative links go nowhere in Colab; use {BASE}..."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_links_to_the_book_name_its_pages(path):
    book_links = [target for target in notebook_targets(path) if target.startswith(BASE)]
    missing = [target for target in book_links if source_of(page_of(target, BASE)[0]) is None]
    assert missing == []


def test_the_checks_see_relative_links_and_book_pages():
    found = sorted(targets("[a](03_ecg_lab.ipynb) ![b](figures/x.png) <img src='y.png'>"))
    assert found == ["03_ecg_lab.ipynb", "figures/x.png", "y.png"]
    assert page_of(f"{BASE}notebooks/03_ecg_lab.html#thresholds", BASE) == ("notebooks/03_ecg_lab", "#thresholds")
    assert page_of(f"{BASE}book/video_anomalies.html", BASE) == ("book/video_anomalies", "")
    assert page_of("https://keras.io/examples/", BASE) is None
    assert source_of("notebooks/03_ecg_lab") == ROOT / "notebooks" / "03_ecg_lab.ipynb"
    assert source_of("notebooks/05_missing") is None
