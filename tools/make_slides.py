"""Write one reveal.js slide deck per chapter notebook (``make slides``).

Reads the notebooks that ``make book`` executed (so the slides show the book's figures
and tables), drops stderr output (TensorFlow's start-up notices) and writes
``<output>/<notebook>.slides.html``. Cells are tagged by ``tools/tag_slides.py``.

    python tools/make_slides.py _build/quick/_build/jupyter_execute/notebooks _build/quick/slides
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter


def main(source: Path, output: Path) -> None:
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no executed notebooks in {source}: run `make book` first")
    output.mkdir(parents=True, exist_ok=True)
    exporter = SlidesExporter(reveal_scroll=True, exclude_input_prompt=True, exclude_output_prompt=True)
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = [out for out in cell.outputs if out.get("name") != "stderr"]
        body, _ = exporter.from_notebook_node(notebook)
        target = output / f"{path.stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        slides = sum(cell.metadata.get("slideshow", {}).get("slide_type") == "slide" for cell in notebook.cells)
        print(f"{target} ({slides} slides)")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
