"""Every notebook: committed clean, with a Colab badge and setup cell, and running top to bottom."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import nbformat
import pytest

import labutils
from tools import execute_notebooks

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


@pytest.fixture(scope="module")
def executed(request) -> dict:
    """The selected notebooks, run once, two at a time, into the quick book's execution cache.

    One execution serves the tests and the book: each notebook runs (in a scratch folder,
    importing this checkout's labutils) into the cache where `make book` finds it; a result
    already there for the same code, labutils and lock is reused. See tools/execute_notebooks.py.
    """
    selected = [
        item.callspec.params["path"]
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_runs_top_to_bottom_in_quick_profile"
    ]
    return execute_notebooks.execute_all(selected, profile="quick")


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_runs_top_to_bottom_in_quick_profile(path, executed):
    result = executed[path.resolve()]
    if isinstance(result, Exception):
        pytest.fail(str(result), pytrace=False)
    notebook, how = result
    print(f"{path.name}: {how}")
    text = "\n".join(
        output.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    )
    assert "Profile: quick" in text
    # with an empty data folder the quick profile reads the real subsets shipped with labutils
    if path.name.startswith("02_"):
        assert "real MNIST digits shipped with labutils" in text
    if path.name.startswith("03_ecg"):
        assert "Using: 300 real ECG5000 beats shipped with labutils" in text
    assert not cells_without_their_figure(notebook), f"{path.name}: plots that never show"


def cells_without_their_figure(notebook: nbformat.NotebookNode) -> list[int]:
    """The code cells that call a ``plotting.plot_*`` function but show no image: a figure
    returned inside an ``if`` or a loop is not the cell's value, so it needs ``display``."""
    return [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        and re.search(r"\bplotting\.plot_\w+\(", cell.source)
        and not any("image/png" in output.get("data", {}) for output in cell.outputs)
    ]


def test_a_plot_returned_inside_an_if_is_caught():
    figure = {"output_type": "display_data", "data": {"image/png": "iVBOR"}, "metadata": {}}
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("plotting.plot_history(history)", outputs=[nbformat.from_dict(figure)]),
        nbformat.v4.new_code_cell("if ready:\n    plotting.plot_regularity(scores, truth)"),
        nbformat.v4.new_code_cell("print('no plot here')"),
    ]
    assert cells_without_their_figure(notebook) == [1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_cells_are_tagged_for_slides(path):
    tagger = importlib.import_module("tools.tag_slides")
    notebook = read(path)
    assert not tagger.tag(notebook), f"{path.name}: slide tags are stale; run `python tools/tag_slides.py`"
    assert notebook.cells[0].metadata["slideshow"]["slide_type"] == "slide"


def _tiny_repository(root: Path) -> Path:
    """A stand-in repository for tools/execute_notebooks.py: config, labutils, lock, one notebook."""
    (root / "labutils" / "data").mkdir(parents=True)
    (root / "labutils" / "__init__.py").write_text("")
    (root / "labutils" / "data" / "__init__.py").write_text("X = 1\n")
    (root / "requirements.lock").write_text("numpy==2.0\n")
    (root / "_config.yml").write_text("execute:\n  timeout: 120\n")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A tiny lab"),
        nbformat.v4.new_code_cell(
            "import json, os, pathlib, sys\n"
            "print(json.dumps({'cwd': str(pathlib.Path.cwd()), 'path': sys.path,\n"
            "    **{k: os.environ.get(k) for k in ('LAB_PROFILE', 'TQDM_MININTERVAL', 'LABUTILS_DATA_DIR')}}))"
        ),
    ]
    (root / "notebooks").mkdir()
    path = root / "notebooks" / "tiny.ipynb"
    nbformat.write(notebook, path)
    return path


def test_one_execution_serves_the_tests_and_the_book(tmp_path, monkeypatch):
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.execute import create_client

    monkeypatch.delenv("LAB_PROFILE", raising=False)
    root = tmp_path / "repo"
    path = _tiny_repository(root)
    broken = root / "notebooks" / "broken.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("raise ValueError('boom')"))
    nbformat.write(notebook, broken)
    results = execute_notebooks.execute_all([path, broken], "quick", root, jobs=2)
    assert isinstance(results[broken], execute_notebooks.NotebookFailed) and "boom" in str(results[broken])
    notebook, how = results[path]
    assert how == "executed"
    assert len(execute_notebooks.prepare("quick", root).list_cache_records()) == 1, "a failed run was cached"
    seen = json.loads(notebook.cells[1].outputs[0]["text"])
    assert seen["LAB_PROFILE"] == "quick" and seen["TQDM_MININTERVAL"] == "3600"
    assert not Path(seen["cwd"]).is_relative_to(root), "the notebook ran inside the repository"
    assert not Path(seen["LABUTILS_DATA_DIR"]).is_relative_to(root)
    assert str(root) in seen["path"][:3], "the kernel does not import this checkout's labutils first"
    written = sorted(p.name for p in root.iterdir())  # nothing but the build
    assert written == ["_build", "_config.yml", "labutils", "notebooks", "requirements.lock"], written

    assert execute_notebooks.execute(path, "quick", root)[1] == "cached"
    # What `make book` does: myst-nb reads the notebook and looks it up in the same cache.
    messages = []

    class Logger:
        def __getattr__(self, level):
            return lambda message, **kwargs: messages.append(message)

    cache = execute_notebooks.cache_dir("quick", root)
    config = NbParserConfig(execution_mode="cache", execution_cache_path=str(cache))
    source = nbformat.reads(path.read_text(), as_version=4)
    with create_client(source, str(path), config, Logger()) as client:
        assert client.notebook.cells[1].outputs == notebook.cells[1].outputs
    assert any(message.startswith("Using cached notebook") for message in messages), messages
    assert not any("Executing" in message for message in messages), messages


def test_the_cache_is_cleared_when_labutils_or_the_lock_change(tmp_path):
    root = tmp_path / "repo"
    _tiny_repository(root)
    marker = execute_notebooks.cache_dir("quick", root) / "marker"

    def fill_and_change(path: Path | None) -> bool:
        execute_notebooks.prepare("quick", root)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        if path is not None:
            path.write_text(path.read_text() + "# changed\n")
        execute_notebooks.prepare("quick", root)
        return marker.exists()

    assert fill_and_change(None), "an unchanged repository lost its cache"
    assert not fill_and_change(root / "labutils" / "data" / "__init__.py"), "a change in a labutils subpackage"
    assert not fill_and_change(root / "requirements.lock"), "a change in the lock"
    assert fill_and_change(root / "notebooks" / "tiny.ipynb"), "a notebook is keyed by jupyter-cache itself"
    assert not execute_notebooks.prepare("full", root).path.joinpath("marker").exists(), "profiles share a cache"


def test_a_kernel_that_dies_at_start_is_started_again_but_a_failing_cell_is_not(tmp_path, monkeypatch):
    path = _tiny_repository(tmp_path / "repo")
    calls = []

    def flaky_execute(self, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        self.nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="ok\n")]
        return self.nb

    monkeypatch.setattr("nbclient.NotebookClient.execute", flaky_execute)
    monkeypatch.setattr(execute_notebooks.time, "sleep", lambda seconds: None)
    executed, error, _ = execute_notebooks._run(path.read_text(), path.name, "quick", str(tmp_path / "repo"))
    assert error is None and len(calls) == 2 and "ok" in executed

    def failing_cell(self, **kwargs):
        calls.append(kwargs)
        raise RuntimeError("ValueError: boom")

    calls.clear()
    monkeypatch.setattr("nbclient.NotebookClient.execute", failing_cell)
    executed, error, _ = execute_notebooks._run(path.read_text(), path.name, "quick", str(tmp_path / "repo"))
    assert executed is None and "boom" in error and len(calls) == 1
