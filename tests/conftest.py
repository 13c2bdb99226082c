"""Shared fixtures: an isolated data folder per test, and the real ECG subset shipped with labutils."""

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
    """The 300 real ECG5000 beats shipped with labutils (labutils/data/files/ecg5000_300.txt)."""
    return data.shipped_file(data.ECG_SUBSET)
