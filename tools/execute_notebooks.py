"""Execute each notebook once, into the execution cache that the book reads.

``make test`` (``tests/test_notebooks.py``) and ``make book`` share one execution of each
notebook. Both call :func:`execute`, which looks the notebook up in the jupyter-cache that
myst-nb reads when ``make book`` runs ``jupyter-book build . --path-output _build/<profile>``
(``_build/<profile>/_build/.jupyter_cache``) and runs it only when the cache holds no
result for its code. The book build then finds every notebook there and executes nothing;
``make book`` fails if it did execute one, since that would mean the two disagree.

jupyter-cache keys a result by the notebook's code cells alone. Whatever else shapes the
outputs is fingerprinted here: the contents of every file under ``labutils/``, of
``requirements.lock`` and of this file. When the fingerprint differs from the one the
cache was filled with, the profile's whole Sphinx build (cache, doctrees, pages) is
removed first, so neither a cached notebook nor a built page can outlive the code that
made it.

Every execution runs the same way, whoever asks for it:

- in an empty temporary folder, so files the labs write (``figures/``, ``logs/``) never
  land in the repository;
- with ``LAB_PROFILE`` set to the profile, and the kernel importing this checkout's
  ``labutils`` (``PYTHONPATH``);
- in the quick profile, with an empty ``LABUTILS_DATA_DIR``, so the quick book shows what
  a fresh machine shows and never reads (or writes) a user's data cache;
- with ``TQDM_MININTERVAL=3600``: a page cannot redraw a progress bar in place, so tqdm
  prints only its first and last state (Colab and terminals keep live bars).

    python tools/execute_notebooks.py [--profile quick|full] [NOTEBOOK ...]

executes the given notebooks (default: every notebook in ``_toc.yml``) that the cache
lacks, two at a time in the quick profile (see :func:`default_jobs`), and says which ones
it took from the cache.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
FINGERPRINT_FILE = ".execution-fingerprint"


def build_dir(profile: str, root: Path = ROOT) -> Path:
    """The Sphinx build folder of ``jupyter-book build . --path-output _build/<profile>``."""
    return root / "_build" / profile / "_build"


def cache_dir(profile: str, root: Path = ROOT) -> Path:
    """Where myst-nb keeps its jupyter-cache: ``.jupyter_cache`` beside the HTML folder."""
    return build_dir(profile, root) / ".jupyter_cache"


def fingerprint_files(root: Path = ROOT) -> list[Path]:
    """The files besides a notebook's code that decide its outputs."""
    package = root / "labutils"
    files = sorted(path for path in package.rglob("*") if path.is_file() and "__pycache__" not in path.parts)
    folder = root / "benchmarks" / "results"
    results = sorted([*folder.glob("*.md"), *folder.glob("*.csv")])  # notebooks show them (labutils.results)
    return [*files, *results, root / "requirements.lock", root / "tools" / "execute_notebooks.py"]


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for path in fingerprint_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
        digest.update(b"\0")
    return digest.hexdigest()


def prepare(profile: str, root: Path = ROOT):
    """Return the profile's jupyter-cache, after removing the build if its inputs changed."""
    folder = build_dir(profile, root)
    stamp = folder / FINGERPRINT_FILE
    current = fingerprint(root)
    if not stamp.is_file() or stamp.read_text().strip() != current:
        if folder.exists():
            print(f"labutils or the lock changed: removing {folder.relative_to(root)} (cache and pages)")
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        stamp.write_text(current + "\n")
    return get_cache(str(cache_dir(profile, root)))


def execution_timeout(root: Path = ROOT) -> int | None:
    """Seconds per cell, as ``_config.yml`` tells the book (``execute: timeout``)."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return (config.get("execute") or {}).get("timeout")


def kernel_environment(profile: str, scratch: Path, root: Path = ROOT) -> dict[str, str]:
    env = dict(os.environ)
    env["LAB_PROFILE"] = profile
    env["TQDM_MININTERVAL"] = "3600"
    env["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])])
    if profile == "quick":
        (scratch / "labutils-data").mkdir()
        env["LABUTILS_DATA_DIR"] = str(scratch / "labutils-data")
    return env


class NotebookFailed(RuntimeError):
    """A notebook did not run to the end; the message holds the failing cell's traceback."""


def default_jobs(profile: str) -> int:
    """Notebooks run at once: two in the quick profile, one in the full profile.

    In the quick profile much of a notebook's time is single-threaded (kernel start,
    imports, data generation, figures), so two at a time finish sooner even on two cores;
    ``LAB_NOTEBOOK_JOBS`` overrides. Full-profile notebooks each want the whole GPU.
    """
    configured = os.environ.get("LAB_NOTEBOOK_JOBS")
    if configured:
        return max(1, int(configured))
    return min(2, os.cpu_count() or 1) if profile == "quick" else 1


#: Seconds each notebook took in the quick profile in a CI run on 2 cores (2026-12-06, two at a
#: time): used only to start the slowest first, so that the last notebook to finish is not a
#: long one running alone (measured: 789 s in TOC order, where 06 ran alone for 6 minutes).
#: A notebook not listed counts as the slowest. Update after a chapter's training changes a lot.
QUICK_SECONDS = {
    "06_ucsd_lab.ipynb": 390,
    "02_autoencoders.ipynb": 276,
    "03_ecg_lab.ipynb": 240,
    "04_image_anomaly.ipynb": 165,
    "01_toy_detectors.ipynb": 161,
}


def slowest_first(paths: list[Path]) -> list[Path]:
    """``paths`` ordered by :data:`QUICK_SECONDS`, slowest first (unknown notebooks first, in their order)."""
    return sorted(paths, key=lambda path: -QUICK_SECONDS.get(Path(path).name, float("inf")))


#: How often a notebook is started again when its kernel dies before running any cell (two
#: kernels starting at once can lose a race for their ports); a failing cell is never retried.
KERNEL_START_ATTEMPTS = 3


def _run(source: str, name: str, profile: str, root: str) -> tuple[str | None, str | None, float]:
    """In a worker process: execute one notebook; return (executed notebook, error, seconds)."""
    start = time.perf_counter()
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        notebook = nbformat.reads(source, as_version=4)
        with tempfile.TemporaryDirectory(prefix=f"{Path(name).stem}-") as folder:
            scratch = Path(folder)
            client = NotebookClient(
                notebook,
                timeout=execution_timeout(Path(root)),
                startup_timeout=180,  # a loaded two-core machine starts kernels slowly
                allow_errors=False,
                record_timing=False,  # timings in cell metadata would change the cache key
                resources={"metadata": {"path": str(scratch)}},
            )
            try:
                client.execute(env=kernel_environment(profile, scratch, Path(root)))
            except Exception as error:  # the cell's traceback is in the message; nothing is cached
                started = any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
                if "before replying to kernel_info" in str(error) and not started and attempt < KERNEL_START_ATTEMPTS:
                    time.sleep(attempt)
                    continue
                return None, f"{name} failed: {type(error).__name__}: {error}", time.perf_counter() - start
        return nbformat.writes(notebook), None, time.perf_counter() - start
    raise AssertionError("unreachable")  # the loop always returns


def execute_all(
    paths: list[Path], profile: str = "quick", root: Path = ROOT, jobs: int | None = None, report=None
) -> dict[Path, tuple[nbformat.NotebookNode, str] | NotebookFailed]:
    """Return, for each notebook, its outputs and ``"cached"`` or ``"executed"``, or its failure.

    Looks each notebook up in the book's cache and executes those it lacks, ``jobs`` at a
    time, each in its own process; successful runs are stored for ``make book``.
    ``report(path, how, seconds)`` is called as each one finishes.
    """
    cache = prepare(profile, root)
    results: dict[Path, tuple[nbformat.NotebookNode, str] | NotebookFailed] = {}
    missing = {}
    for path in (Path(path).resolve() for path in paths):
        # Read exactly as myst-nb does (nbformat, version 4), so both compute the same key.
        source = path.read_text(encoding="utf-8")
        try:
            _, merged = cache.merge_match_into_notebook(nbformat.reads(source, as_version=4))
        except KeyError:
            missing[path] = source
        else:
            results[path] = (merged, "cached")
            if report:
                report(path, "cached", 0.0)
    if not missing:
        return results
    # Workers only execute; this process alone reads and writes the cache's database.
    context = multiprocessing.get_context("spawn")  # never fork a process that may hold TensorFlow
    workers = min(jobs or default_jobs(profile), len(missing))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {
            pool.submit(_run, missing[path], path.name, profile, str(root)): path for path in slowest_first(missing)
        }
        for future in as_completed(futures):
            path = futures[future]
            executed, error, seconds = future.result()
            if error is not None:
                results[path] = NotebookFailed(error)
            else:
                notebook = nbformat.reads(executed, as_version=4)
                cache.cache_notebook_bundle(
                    CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds}),
                    check_validity=False,
                    overwrite=True,
                )
                results[path] = (notebook, "executed")
            if report:
                report(path, "failed" if error else "executed", seconds)
    return results


def execute(path: Path, profile: str = "quick", root: Path = ROOT) -> tuple[nbformat.NotebookNode, str]:
    """One notebook: its outputs and ``"cached"`` or ``"executed"``; raises :class:`NotebookFailed`."""
    (result,) = execute_all([path], profile, root).values()
    if isinstance(result, NotebookFailed):
        raise result
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default=os.environ.get("LAB_PROFILE", "quick"), choices=("quick", "full"))
    parser.add_argument("--jobs", type=int, help="notebooks at once (default: 2 in quick, 1 in full)")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in _toc.yml")
    args = parser.parse_args(argv)
    from tools import toc

    def report(path: Path, how: str, seconds: float) -> None:
        print(f"{path.name}: {how} ({seconds:.0f} s, {args.profile} profile)", flush=True)

    results = execute_all(args.notebooks or toc.notebooks(), args.profile, jobs=args.jobs, report=report)
    failures = [result for result in results.values() if isinstance(result, NotebookFailed)]
    for failure in failures:
        print(failure, file=sys.stderr)
    if failures:
        raise SystemExit(f"{len(failures)} notebook(s) failed")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
