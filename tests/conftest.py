"""Shared fixtures: an isolated data folder per test, and the shared real ECG subset."""

from __future__ import annotations

from pathlib import Path

import pytest

from labutils import data


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets an empty LABUTILS_DATA_DIR, so no test reads or writes a user's cache."""
    folder = tmp_path_factory.mktemp("labutils-data")
    monkeypatch.setenv("LABUTILS_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def ecg_dev_file() -> Path:
    """The 300 real ECG5000 beats in ../shared/data; tests that need them skip without it."""
    path = data.shared_data_file(data.ECG_DEV_FILE)
    if path is None:
        pytest.skip("../shared/data/ecg5000/ECG5000_DEV.txt is not beside the repository")
    return path
