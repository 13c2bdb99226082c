"""Point every notebook's Colab setup cell (and labutils.REVISION) at a branch or tag.

    python tools/set_revision.py v1.0    # before tagging a release
    python tools/set_revision.py main    # back to the development branch afterwards

Edits the notebooks as JSON, cell by cell, so outputs and ids are untouched; see
CONTRIBUTING.md for the whole release procedure.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r'^REVISION = "[^"]*"', re.MULTILINE)


def main(revision: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", revision):
        raise SystemExit(f"not a branch or tag name: {revision!r}")
    init = ROOT / "labutils" / "__init__.py"
    init.write_text(LINE.sub(f'REVISION = "{revision}"', init.read_text()))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        changed = 0
        for cell in notebook.cells:
            if cell.cell_type == "code" and "google.colab" in cell.source:
                cell.source, count = LINE.subn(f'REVISION = "{revision}"', cell.source)
                changed += count
        if changed != 1:
            raise SystemExit(f"{path.name}: expected one REVISION line in the setup cell, found {changed}")
        nbformat.write(notebook, path)
        print(f"{path.name}: REVISION = {revision!r}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
