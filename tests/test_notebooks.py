"""Every notebook: committed clean, with a Colab badge and setup cell, and running top to bottom."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import labutils

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
REPOSITORY = labutils.REPOSITORY_URL.removeprefix("https://github.com/")


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_committed_without_outputs_or_widget_state(path):
    notebook = read(path)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: cell {index} has outputs"
    assert "widgets" not in notebook.metadata, f"{path.name}: widget state committed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_colab_badge_and_setup_cell(path):
    notebook = read(path)
    badge = f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/notebooks/{path.name}"
    assert badge in notebook.cells[0].source, f"{path.name}: the first cell lacks its Colab badge"
    setup = next((cell.source for cell in notebook.cells if "google.colab" in cell.source), "")
    assert labutils.REPOSITORY_URL in setup and "pip" in setup, f"{path.name}: no Colab setup cell"
    assert f'REVISION = "{labutils.REVISION}"' in setup, f"{path.name}: REVISION differs from labutils.REVISION"
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert not re.search(r"(?<![\w.])(input|getpass)\(", code), f"{path.name}: notebooks must never prompt"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_only_keras_3_api(path):
    code = "\n".join(cell.source for cell in read(path).cells if cell.cell_type == "code")
    for forbidden in ("tf_keras", "wandb.keras", "tf.keras", "wandb.login"):
        assert forbidden not in code, f"{path.name} uses {forbidden}"


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_runs_top_to_bottom_in_quick_profile(path, tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_PROFILE", "quick")
    notebook = read(path)
    # Run in a scratch folder so logs and downloads never land in the repository.
    scratch = {"metadata": {"path": str(tmp_path)}}
    client = NotebookClient(notebook, timeout=1200, kernel_name="python3", resources=scratch)
    client.execute()
    text = "\n".join(
        output.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    )
    assert "Profile: quick" in text
    if path.name.startswith("04_ecg"):
        assert re.search(r"Using: (real ECG5000 subset|generated stand-in)", text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_cells_are_tagged_for_slides(path):
    tagger = importlib.import_module("tools.tag_slides")
    notebook = read(path)
    assert not tagger.tag(notebook), f"{path.name}: slide tags are stale; run `python tools/tag_slides.py`"
    assert notebook.cells[0].metadata["slideshow"]["slide_type"] == "slide"
