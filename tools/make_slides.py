"""Write reveal.js slide decks for every chapter (``make slides``).

Reads the notebooks that ``make book`` executed (so the slides show the book's figures
and tables), drops stderr output (TensorFlow's start-up notices) and writes
``<output>/<notebook>.slides.html``; cells are tagged by ``tools/tag_slides.py``. The
reading pages that ``_toc.yml`` lists (chapters 1, 2 and 5 today; not the landing page
or the bibliography, see ``tools/toc.py``) become decks too, one slide per section,
without their exercises, with their figures.

    python tools/make_slides.py _build/quick/_build/jupyter_execute/notebooks _build/quick/slides
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

ROOT = Path(__file__).resolve().parents[1]


def page_notebook(path: Path) -> nbformat.NotebookNode:
    """A markdown page as a notebook: one slide per section, exercises left out, MyST roles as text.

    The page's ``labutils-figure`` figures are drawn as the book draws them
    (``tools/book_figures.py``) and shown as images with their captions.
    """
    from tools import book_figures

    text = re.sub(r"```\{(exercise|solution)\}.*?\n```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    text = book_figures.DIRECTIVE.sub(book_figures.slide_markdown, text)
    text = re.sub(r"\{cite\}`([^`]+)`", r"[\1]", text)
    text = re.sub(r"\{doc\}`(?:[^`]*/)?([^`/]+)`", r"*\1*", text)
    text = re.sub(r"```\{(warning|note)\}\n(.*?)\n```", r"> **\1:** \2", text, flags=re.DOTALL)
    sections = [part.strip() for part in re.split(r"\n(?=#{1,2} )", text) if part.strip()]
    sections = [re.sub(r"^## Exercises\s*", "", section) for section in sections]  # exercises stay in the book
    sections = [section for section in sections if section]
    notebook = nbformat.v4.new_notebook()
    for section in sections:
        cell = nbformat.v4.new_markdown_cell(section)
        cell.metadata["slideshow"] = {"slide_type": "slide"}
        notebook.cells.append(cell)
    return notebook


def main(source: Path, output: Path) -> None:
    from tools import toc

    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no executed notebooks in {source}: run `make book` first")
    output.mkdir(parents=True, exist_ok=True)
    exporter = SlidesExporter(reveal_scroll=True, exclude_input_prompt=True, exclude_output_prompt=True)
    decks = [(path.stem, nbformat.read(path, as_version=4)) for path in notebooks]
    decks += [(page.stem, page_notebook(page)) for page in toc.reading_pages()]
    for name, notebook in decks:
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = [out for out in cell.outputs if out.get("name") != "stderr"]
        body, _ = exporter.from_notebook_node(notebook)
        target = output / f"{name}.slides.html"
        target.write_text(body, encoding="utf-8")
        slides = sum(cell.metadata.get("slideshow", {}).get("slide_type") == "slide" for cell in notebook.cells)
        print(f"{target} ({slides} slides)")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # run as a script: make `tools` importable
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
