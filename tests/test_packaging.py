"""The package Colab installs, and one list of dependencies.

The wheel built from this repository holds every module under ``labutils/`` (subpackages
included) and the real data subsets the quick profile reads, and imports and finds those
subsets where pip puts it, outside the repository; the version lives in
``labutils.__version__`` only; ``requirements.lock`` pins everything ``pyproject.toml``
asks for, so the two cannot drift.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import labutils

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "labutils").rglob("*.py"))
SHIPPED = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "labutils" / "data" / "files").iterdir())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built offline from a copy of the repository's package files."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"  # a copy, so the build writes nothing (build/, *.egg-info) into the repository
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "labutils", source / "labutils", ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run([*command, "--wheel-dir", str(tmp / "dist"), str(source)], check=True, cwd=tmp)
    (built,) = (tmp / "dist").glob("labutils-*.whl")
    return built


def test_the_wheel_holds_every_module_and_the_one_version(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [path for path in SOURCES if path not in names]
    assert not missing, f"not in the wheel (a subfolder without __init__.py?): {missing}"
    assert wheel.name.startswith(f"labutils-{labutils.__version__}-"), wheel.name
    assert "version" in PYPROJECT["project"]["dynamic"] and "version" not in PYPROJECT["project"]


def test_the_wheel_ships_the_real_data_subsets(wheel):
    assert {"labutils/data/files/ecg5000_300.txt", "labutils/data/files/mnist_2000.npz"} <= set(SHIPPED)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        missing = [path for path in SHIPPED if path not in names]
        assert not missing, f"not in the wheel (pyproject's package-data?): {missing}"
        for path in SHIPPED:
            assert archive.read(path) == (ROOT / path).read_bytes(), f"{path} differs in the wheel"


def test_the_wheel_declares_the_data_licence_beside_the_code_licence(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        lines = archive.read(metadata).decode().splitlines()
        licences = [name for name in archive.namelist() if "/licenses/" in name]
    assert "License-Expression: MIT AND CC-BY-SA-3.0" in lines  # MNIST digits: CC BY-SA 3.0
    assert any(name.endswith("licenses/LICENSE") for name in licences), licences
    assert any(name.endswith("licenses/labutils/data/files/README.md") for name in licences), licences


def test_the_installed_wheel_imports_outside_the_repository(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        cwd=tmp_path,
    )
    modules = [path.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for path in SOURCES]
    script = f"""
import importlib, json, sys
sys.path.insert(0, {str(target)!r})
report = {{}}
for name in {modules!r}:
    module = importlib.import_module(name)
    report[name] = module.__file__
data = importlib.import_module("labutils.data")
report["unresolved"] = [name for name in getattr(data, "__all__", []) if not hasattr(data, name)]
ecg_files, ecg_source = data.locate_ecg("quick")
(x_train, _), (x_test, _), mnist_source = data.load_mnist("quick")
report["shipped"] = [str(ecg_files[0]), str(data.shipped_file(data.MNIST_SUBSET))]
report["quick"] = [len(data.load_ecg(ecg_files)[0]), len(x_train), len(x_test), ecg_source, mnist_source]
print(json.dumps(report))
"""
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,  # outside the repository, so `import labutils` cannot find the checkout
        env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        | {"LABUTILS_DATA_DIR": str(tmp_path / "empty-data-dir")},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report.pop("unresolved") == [], "names in labutils.data.__all__ that do not exist"
    ecg_beats, train_digits, test_digits, ecg_source, mnist_source = report.pop("quick")
    assert (ecg_beats, train_digits, test_digits) == (300, 1500, 500)  # the shipped real subsets
    assert "real ECG5000 beats shipped with labutils" in ecg_source and "real MNIST" in mnist_source
    for file in report.pop("shipped"):
        assert Path(file).is_relative_to(target), f"{file} was read from outside the installed wheel"
    for name, file in report.items():
        assert Path(file).is_relative_to(target), f"{name} was imported from {file}, not from the wheel"


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{path.name}: {line} is not pinned"
            pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def test_the_lock_pins_every_dependency_that_pyproject_names():
    pins = _pins(ROOT / "requirements.lock")
    project = PYPROJECT["project"]
    declared = [*project["dependencies"], *(req for reqs in project["optional-dependencies"].values() for req in reqs)]
    for line in declared:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name == "labutils":  # an extra that names other extras
            continue
        assert name in pins, f"{requirement} is in pyproject.toml but not in requirements.lock: regenerate the lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside pyproject.toml's {requirement}: regenerate the lock"
        )


def test_the_lock_covers_what_make_installs():
    header = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()[:3]
    assert any("uv pip compile pyproject.toml --extra dev" in line for line in header), header
    extras = PYPROJECT["project"]["optional-dependencies"]
    covered, pending = set(), ["dev"]
    while pending:  # the extras that `dev` names, directly or through other extras
        extra = pending.pop()
        covered.add(extra)
        for line in extras[extra]:
            requirement = Requirement(line)
            if requirement.name == "labutils":
                pending.extend(requirement.extras - covered)
    assert covered == set(extras), f"extras that make does not install: {set(extras) - covered}"
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "-e .[dev]" in lines, "requirements.txt should install the project with its dev extra"


def test_pre_commit_runs_the_locked_ruff():
    pins = _pins(ROOT / "requirements.lock")
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    revision = re.search(r"ruff-pre-commit.*\n\s+rev:\s*v?([\w.]+)", config)
    assert revision and revision.group(1) == pins["ruff"], "pre-commit's ruff differs from requirements.lock's"
