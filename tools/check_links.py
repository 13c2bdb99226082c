"""Check the internal links of a built book: every relative href/src must exist.

Sphinx already fails the build on a broken cross-reference (``--warningiserror
--nitpick``); this also catches raw links and images written in markdown or HTML, and
``#anchors`` into pages. External links (http, https, mailto) are not fetched: the build
machine may be offline. A link (``<a href>``) to the published book (``html.baseurl`` of
``_config.yml``) is reported too: ``tools/book_links.py`` should have made it a link inside
the build, so it names a page the book does not have.

    python tools/check_links.py _build/quick/_build/html
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.anchor_links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
                if tag == "a":
                    self.anchor_links.append(value)
            elif name in ("id", "name") and value:
                self.ids.add(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def _pages(root: Path) -> list[Path]:
    """The book's pages: HTML files outside ``_static`` (which holds theme templates)."""
    return [path for path in root.rglob("*.html") if "_static" not in path.relative_to(root).parts]


def broken_links(root: Path, published: str | None = None) -> list[str]:
    """Return 'page: link' for every internal link whose file or anchor is missing.

    With ``published`` (the published book's address), every ``<a href>`` under it too.
    """
    pages = {path.resolve(): _parse(path) for path in _pages(root)}
    problems = []
    for page, parsed in pages.items():
        if published:
            problems += [f"{page.relative_to(root.resolve())}: {link} (the published book: no such page here)"
                         for link in parsed.anchor_links if link.startswith(published)]
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "data:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{page.relative_to(root.resolve())}: {link} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page.relative_to(root.resolve())}: {link} (no such anchor)")
    return problems


def main(root: Path) -> None:
    if not root.is_dir():
        raise SystemExit(f"{root}: no built book here; run `make book` first")
    import yaml

    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "_config.yml").read_text(encoding="utf-8"))
    problems = broken_links(root, (config.get("html") or {}).get("baseurl"))
    for problem in problems:
        print(problem)
    pages = len(_pages(root))
    if problems:
        raise SystemExit(f"{len(problems)} broken internal links in {pages} pages")
    print(f"internal links: all resolve ({pages} pages)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
