"""The real data subsets shipped in labutils/data/files: checksums and contents as their README says."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

from labutils import data

README = data.SHIPPED_FOLDER / "README.md"


def readme_table() -> dict[str, tuple[str, int]]:
    """``{file name: (SHA-256, size in bytes)}`` from the README's table of files."""
    rows = re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \| (\d+) \|$", README.read_text(encoding="utf-8"), re.M)
    return {name: (sha256, int(size)) for name, sha256, size in rows}


def test_every_shipped_file_is_in_the_readme_with_its_checksum():
    table = readme_table()
    shipped = sorted(path.name for path in data.SHIPPED_FOLDER.iterdir() if path.name != "README.md")
    assert sorted(table) == shipped == sorted([data.ECG_SUBSET, data.MNIST_SUBSET])
    for name, (sha256, size) in table.items():
        content = (data.SHIPPED_FOLDER / name).read_bytes()
        assert len(content) == size, f"{name}: {len(content)} bytes, the README says {size}"
        assert hashlib.sha256(content).hexdigest() == sha256, f"{name} differs from the README's SHA-256"


def test_the_readme_names_source_and_licence():
    text = README.read_text(encoding="utf-8")
    for fact in ("UCR", "BIDMC", "PhysioNet", "LeCun", "Cortes", "Burges", "CC BY-SA 3.0"):
        assert fact in text, f"the README of the shipped data does not mention {fact}"


def test_the_ecg_subset_holds_300_real_beats_175_normal():
    path = data.shipped_file(data.ECG_SUBSET)
    beats, is_anomaly = data.load_ecg(path)
    assert beats.shape == (300, 140) and beats.dtype == np.float32
    assert (~is_anomaly).sum() == 175 and is_anomaly.sum() == 125
    classes = np.loadtxt(path, usecols=0).astype(int)  # the UCR format: the class first
    assert np.bincount(classes, minlength=6)[1:].tolist() == [175, 109, 6, 10, 0]  # the README's counts
    np.testing.assert_allclose(beats.mean(axis=1), 0, atol=1e-3)  # z-normalised per beat, as the archive's
    np.testing.assert_allclose(beats.std(axis=1), 1, atol=1e-2)


def test_the_mnist_subset_holds_2000_stratified_uint8_digits():
    with np.load(data.shipped_file(data.MNIST_SUBSET), allow_pickle=False) as archive:
        assert sorted(archive.files) == ["x_test", "x_train", "y_test", "y_train"]
        x_train, y_train, x_test, y_test = (archive[key] for key in ("x_train", "y_train", "x_test", "y_test"))
    assert x_train.shape == (1500, 28, 28) and x_test.shape == (500, 28, 28)
    assert x_train.dtype == x_test.dtype == np.uint8 and x_train.max() == 255
    assert y_train.shape == (1500,) and y_test.shape == (500,)
    train_counts, test_counts = np.bincount(y_train, minlength=10), np.bincount(y_test, minlength=10)
    assert len(train_counts) == len(test_counts) == 10 and train_counts.min() > 0 and test_counts.min() > 0
    quarter = (train_counts + test_counts) / 4  # a stratified 1,500 / 500 split: a quarter of each digit in test
    assert np.all(np.abs(test_counts - quarter) <= 1), test_counts


def test_a_file_name_with_a_folder_is_refused():
    with pytest.raises(ValueError, match="plain file name"):
        data.shipped_file("../settings.py")
