"""The book's table of contents (``_toc.yml``): the one list of its pages and notebooks.

``tools/execute_notebooks.py`` executes the notebooks it lists and ``tools/make_slides.py``
makes decks of its reading pages, so adding a chapter to ``_toc.yml`` is enough.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _files(entries: list[dict]) -> list[str]:
    files = []
    for entry in entries:
        if "file" in entry:
            files.append(entry["file"])
        for key in ("parts", "chapters", "sections"):
            files.extend(_files(entry.get(key, [])))
    return files


def documents(root: Path = ROOT) -> list[Path]:
    """Every file of the TOC in reading order, the landing page (its ``root``) first."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"], *_files(toc.get("parts", []) + toc.get("chapters", []))]
    paths = []
    for name in names:
        candidates = [root / f"{name}{suffix}" for suffix in ("", ".md", ".ipynb")]
        found = next((path for path in candidates if path.suffix in (".md", ".ipynb") and path.is_file()), None)
        if found is None:
            raise FileNotFoundError(f"_toc.yml lists {name!r}, but there is no {name}.md or {name}.ipynb")
        paths.append(found)
    return paths


def notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks of the book, in reading order."""
    return [path for path in documents(root) if path.suffix == ".ipynb"]


def reading_pages(root: Path = ROOT) -> list[Path]:
    """The markdown pages with course content: all but the landing page and the bibliography."""
    _landing, *rest = documents(root)
    return [
        path for path in rest if path.suffix == ".md" and "```{bibliography}" not in path.read_text(encoding="utf-8")
    ]
