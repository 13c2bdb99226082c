"""Tag notebook cells for reveal.js slides (``make slides``), the same way every time.

A markdown cell that opens with a level-1 or level-2 heading starts a slide, one with a
level-3 heading a sub-slide; the Colab setup cell, the exercises section and solution cells are skipped (they
belong to the book); everything else continues the current slide. Run it after adding
or reordering cells; ``tests/test_notebooks.py`` checks that the tags are current.

    python tools/tag_slides.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def slide_type(cell, in_exercises: bool = False) -> str:
    text = cell.source.lstrip()
    if in_exercises or "solution" in cell.metadata.get("tags", []):
        return "skip"
    if cell.cell_type == "code" and "google.colab" in cell.source:
        return "skip"
    if cell.cell_type == "markdown":
        if text.startswith(("```{exercise}", "```{solution}")):
            return "skip"
        if text.startswith(("# ", "## ")):
            return "slide"
        if text.startswith("### "):
            return "subslide"
    return "-"


def tag(notebook) -> bool:
    """Set every cell's slide type; return whether anything changed."""
    changed = False
    in_exercises = False  # everything from the "## Exercises" heading on stays out of the slides
    for cell in notebook.cells:
        heading = cell.source.lstrip() if cell.cell_type == "markdown" else ""
        in_exercises = in_exercises or heading.startswith("## Exercises")
        wanted = slide_type(cell, in_exercises)
        if cell.metadata.get("slideshow", {}).get("slide_type") != wanted:
            cell.metadata["slideshow"] = {"slide_type": wanted}
            changed = True
    return changed


def main() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        if tag(notebook):
            nbformat.write(notebook, path)
            print(f"tagged {path.name}")


if __name__ == "__main__":
    main()
