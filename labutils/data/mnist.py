"""MNIST for chapter 2: Keras's ``mnist.npz`` (downloaded once in the full profile), a real subset.

:func:`load_mnist` returns Keras's MNIST in the full profile and the 2,000 real MNIST digits
shipped with labutils (:data:`MNIST_SUBSET`) in the quick profile; :func:`one_class_split`
makes one digit "normal" and the rest anomalies.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from labutils import _checks, env
from labutils.data import remote
from labutils.data.folders import data_dir, describe, shipped_file

#: 2,000 real MNIST digits (1,500 training, 500 test) shipped with labutils: data/files/README.md
MNIST_SUBSET = "mnist_2000.npz"

MnistSplits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def read_mnist_npz(path: Path) -> MnistSplits:
    """Read Keras's ``mnist.npz``, checking its arrays; pixels become float32 in [0, 1]."""
    _check_npz_start(path)
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path}: not a readable .npz archive ({error})") from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise ValueError(f"{path}: a single array, not an .npz archive of x_train, y_train, x_test, y_test")
    try:
        with loaded as archive:
            arrays = {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    except KeyError as error:
        raise ValueError(f"{path}: not Keras's mnist.npz, missing array {error}") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path}: not a readable .npz archive ({error})") from None
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) != len(labels) or labels.ndim != 1:
            raise ValueError(
                f"{path}: x_{split} has shape {images.shape} and y_{split} {labels.shape}, "
                "expected (n, 28, 28) and (n,)"
            )
        if len(images) == 0:
            raise ValueError(f"{path}: x_{split} holds no images; mnist.npz has 60,000 training and 10,000 test digits")
        if images.dtype != np.uint8:
            raise ValueError(f"{path}: x_{split} holds {images.dtype}, expected uint8 pixels 0-255 as in mnist.npz")
        if not np.issubdtype(labels.dtype, np.integer) or labels.min(initial=0) < 0 or labels.max(initial=0) > 9:
            raise ValueError(f"{path}: y_{split} must hold the integer digits 0-9")
    scale = lambda images: (images / 255.0).astype(np.float32)  # noqa: E731
    return (
        (scale(arrays["x_train"]), arrays["y_train"].astype(np.int64)),
        (scale(arrays["x_test"]), arrays["y_test"].astype(np.int64)),
    )


def _check_npz_start(path: Path) -> None:
    """Name what ``path`` is when it cannot be an .npz archive: an HTML page, an empty file, a lone array."""
    try:
        with open(path, "rb") as file:
            head = file.read(2048)
    except OSError as error:
        raise ValueError(f"{path}: cannot be read ({error.strerror or error})") from None
    if head.startswith(b"\x93NUMPY"):
        raise ValueError(f"{path}: a single array, not an .npz archive of x_train, y_train, x_test, y_test")
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        what = "an HTML page (a web server's error page?)" if _checks.looks_like_html(head) else (
            "an empty file" if not head else "not a zip file")
        raise ValueError(f"{path}: {what}, not an .npz archive of x_train, y_train, x_test, y_test")


def load_mnist(profile: str | None = None) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], str]:
    """Return ``(x_train, y_train), (x_test, y_test), source`` with 28x28 images in [0, 1].

    A ``mnist.npz`` in :func:`data_dir` is used in any profile; otherwise the full profile
    downloads Keras's MNIST once into the data folder (checked against its SHA-256), and
    the quick profile reads the 2,000 real digits shipped with labutils
    (:data:`MNIST_SUBSET`) without the network. ``source`` says which. Used by chapter 2.
    """
    profile = env.resolve_profile(profile)
    folder = data_dir()
    for candidate in (folder / "mnist.npz", folder / "mnist" / "mnist.npz"):
        if candidate.is_file():
            train, test = read_mnist_npz(candidate)
            return train, test, f"real MNIST from the data folder ({describe(candidate)})"
    if profile == "full":
        target = remote.fetch("mnist", folder / "mnist" / "mnist.npz", validate=read_mnist_npz)
        train, test = read_mnist_npz(target)
        return train, test, f"real MNIST, downloaded once (cached as {describe(target)})"
    subset = shipped_file(MNIST_SUBSET)
    train, test = read_mnist_npz(subset)
    return train, test, (
        f"{len(train[0]) + len(test[0]):,} real MNIST digits shipped with labutils ({subset.name}: "
        f"{len(train[0]):,} training and {len(test[0]):,} test digits drawn from MNIST's test set)"
    )


def one_class_split(
    x_train, y_train, x_test, y_test, normal_class: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-class anomaly detection: train on one class, test on all (chapter 2).

    Returns the training images of ``normal_class``, all test images, and ``is_anomaly``
    (True for every test image of another class), the protocol of Ruff et al. (2018).
    """
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    if normal_class not in set(y_train.tolist()) or normal_class not in set(y_test.tolist()):
        raise ValueError(f"class {normal_class!r} is not in both the training and the test labels")
    if len(x_train) != len(y_train) or len(x_test) != len(y_test):
        raise ValueError("images and labels differ in length")
    return np.asarray(x_train)[y_train == normal_class], np.asarray(x_test), y_test != normal_class
