"""Load, download and generate the course's data sets.

Toy data (chapter 1): :func:`make_toy_2d`, two interleaved half-moons with scattered
outliers, small enough to draw every detector's decision regions.

MNIST (chapter 2): :func:`load_mnist` returns Keras's MNIST in the full profile and
scikit-learn's bundled 8x8 digits, upscaled to 28x28, in the quick profile;
:func:`one_class_split` makes one digit "normal" and the rest anomalies.

ECG5000 (chapter 4, the ECG lab): :func:`load_ecg` reads TensorFlow's ``ecg.csv`` and
the UCR archive's ``ECG5000_TRAIN.txt`` / ``ECG5000_TEST.txt``; :func:`locate_ecg`
decides which file a lab uses in each profile; :func:`make_ecg_standin` writes a
generated stand-in in the ``ecg.csv`` format when no real file is at hand.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from labutils import env

ECG_URL = "http://storage.googleapis.com/download.tensorflow.org/data/ecg.csv"
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"  # as Keras checks it
ECG_LENGTH = 140  # samples per heartbeat
ECG_DEV_FILE = Path("ecg5000") / "ECG5000_DEV.txt"  # the real subset in ../shared/data
_UCR_CLASSES = (1, 2, 3, 4, 5)  # 1 = normal, 2-5 = four kinds of abnormal beat


# --------------------------------------------------------------------------- folders


def data_dir() -> Path:
    """Return the folder where real data files are looked for first and downloads cached.

    ``LABUTILS_DATA_DIR`` when set; on Colab with Google Drive mounted, a folder on
    Drive (so a download survives the session); otherwise ``~/.cache/labutils``.
    """
    configured = os.environ.get("LABUTILS_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    drive = Path("/content/drive/MyDrive")
    if env.on_colab() and drive.is_dir():
        return drive / "labutils-data"
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "labutils"


def shared_data_file(relative: str | Path) -> Path | None:
    """Return ``shared/data/<relative>`` from a folder beside the repository, if present.

    The course repository is cloned with ``shared/`` beside it for tests and the offline
    book build; on a student's machine there is none and this returns ``None``.
    """
    starts = [Path.cwd().resolve(), Path(__file__).resolve().parent]
    for start in starts:
        for folder in (start, *start.parents):
            candidate = folder / "shared" / "data" / relative
            if candidate.is_file():
                return candidate
    return None


# --------------------------------------------------------------------------- ECG: reading


def _read_ecg_file(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one ECG file in either format; see :func:`load_ecg`."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such ECG file")
    raw = path.read_bytes()
    if not raw.strip():
        raise ValueError(f"{path}: the file is empty")
    binary = ValueError(f"{path}: this is a binary file, not ECG text (ecg.csv or UCR .txt)")
    if b"\x00" in raw:
        raise binary
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise binary from None

    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    comma_separated = "," in lines[0][1]

    def split(line: str) -> list[str]:
        return line.split(",") if comma_separated else line.split()

    first_number, first_line = lines[0]
    width = len(split(first_line))
    if width != ECG_LENGTH + 1:
        raise ValueError(
            f"{path}, line {first_number}: {width} columns, expected {ECG_LENGTH + 1} "
            f"({ECG_LENGTH} samples and a label)"
        )
    rows = []
    for number, line in lines:
        fields = split(line)
        if len(fields) != width:
            raise ValueError(
                f"{path}, line {number}: {len(fields)} columns where line {first_number} has "
                f"{width}: the rows are ragged"
            )
        try:
            values = [float(field) for field in fields]
        except ValueError:
            bad = next(field for field in fields if not _is_number(field))
            raise ValueError(f"{path}, line {number}: {bad.strip()!r} is not a number") from None
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{path}, line {number}: missing or infinite value (NaN or inf)")
        rows.append(values)
    table = np.asarray(rows, dtype=np.float64)
    numbers = [number for number, _ in lines]

    last_is_binary = bool(np.isin(table[:, -1], (0.0, 1.0)).all())
    first_is_class = bool(np.isin(table[:, 0], _UCR_CLASSES).all())
    if last_is_binary and (comma_separated or not first_is_class):
        # TensorFlow's ecg.csv: 140 samples, then 1 = normal, 0 = abnormal.
        return table[:, :-1].astype(np.float32), table[:, -1] == 0.0
    if first_is_class:
        # UCR archive: class first (1 = normal, 2-5 = abnormal), then 140 samples.
        return table[:, 1:].astype(np.float32), table[:, 0] != 1.0
    bad_last = numbers[int(np.argmin(np.isin(table[:, -1], (0.0, 1.0))))]
    bad_first = numbers[int(np.argmin(np.isin(table[:, 0], _UCR_CLASSES)))]
    raise ValueError(
        f"{path}: labels outside both formats' sets: ecg.csv ends each line with 0 or 1 "
        f"(line {bad_last} does not), the UCR format starts it with a class 1-5 "
        f"(line {bad_first} does not)"
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _ecg_files_in(folder: Path) -> list[Path]:
    """Real ECG files in ``folder`` or its ``ecg5000`` subfolder.

    ``ecg.csv`` first; else the UCR ``ECG5000_TRAIN.txt`` and ``ECG5000_TEST.txt``; else any
    other ``ECG5000_*.txt`` (such as the shared subset, which is drawn from TRAIN and must
    not be loaded beside it).
    """
    for candidate_folder in (folder, folder / "ecg5000"):
        if (candidate_folder / "ecg.csv").is_file():
            return [candidate_folder / "ecg.csv"]
        ucr_files = [
            candidate_folder / name for name in ("ECG5000_TRAIN.txt", "ECG5000_TEST.txt")
            if (candidate_folder / name).is_file()
        ] or sorted(candidate_folder.glob("ECG5000_*.txt"))
        if ucr_files:
            return ucr_files
    return []


def load_ecg(path: str | Path | list[str | Path] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Load ECG5000 heartbeats: ``X`` float32 of shape (n, 140), ``is_anomaly`` bool of shape (n,).

    ``path`` may be a file in either format, recognised by content: TensorFlow's
    ``ecg.csv`` (comma separated, 140 samples then 1 = normal / 0 = abnormal) or the UCR
    text format (whitespace separated, class first, class 1 = normal). A folder loads the
    real files in it (``ecg.csv``, else the UCR TRAIN and TEST files, else any other
    ``ECG5000_*.txt``); a list of files loads them all. With no path, the files
    :func:`locate_ecg` chooses for the current profile. Used by chapter 4 (the ECG lab).

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming the file and
    the problem for an empty, binary, ragged or malformed one.
    """
    if path is None:
        paths, _ = locate_ecg()
    elif isinstance(path, (list, tuple)):
        paths = [Path(file) for file in path]
    elif Path(path).is_dir():
        paths = _ecg_files_in(Path(path))
        if not paths:
            raise FileNotFoundError(f"{path}: no ecg.csv or ECG5000_*.txt in this folder")
    else:
        paths = [Path(path)]
    if not paths:
        raise ValueError("load_ecg was given an empty list of files")
    parts = [_read_ecg_file(file) for file in paths]
    return np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts])


# --------------------------------------------------------------------------- ECG: finding


def locate_ecg(profile: str | None = None) -> tuple[list[Path], str]:
    """Choose the ECG files for a profile and say where they come from.

    In order: real files in :func:`data_dir` (any profile); in the full profile, a
    cached download of TensorFlow's ``ecg.csv``; in the quick profile, the real
    300-beat subset in ``../shared/data`` when present, else a generated stand-in. The
    quick profile never touches the network. Returns the files and a one-line
    description for the notebook to print.
    """
    profile = env.resolve_profile(profile)
    folder = data_dir()
    found = _ecg_files_in(folder)
    if found:
        names = ", ".join(file.name for file in found)
        return found, f"real ECG5000 data from the data folder ({names} in {found[0].parent})"
    if profile == "full":
        downloaded = download_ecg(folder / "ecg5000")
        return [downloaded], f"real ECG5000 data, TensorFlow's ecg.csv (cached in {downloaded.parent})"
    shared = shared_data_file(ECG_DEV_FILE)
    if shared is not None:
        return [shared], f"real ECG5000 subset, 300 beats ({shared})"
    standin = make_ecg_standin(Path(tempfile.gettempdir()) / "labutils-standin" / "ecg.csv")
    return [standin], f"generated stand-in in the ecg.csv format, not real heartbeats ({standin})"


def _download(url: str, target: Path, validate, file_hash: str | None = None) -> Path:
    """Fetch ``url`` to ``target`` once: staged, hash-checked, validated, then moved into place.

    ``keras.utils.get_file`` downloads into a staging folder beside ``target`` (with a
    progress bar); ``validate(path)`` must raise ``ValueError`` for bad content. Only a
    file that passed every check is renamed to ``target``, so an interrupted, corrupt or
    wrong download never leaves a file that a later run would trust.
    """
    import keras

    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".download-", dir=target.parent))
    try:
        try:
            fetched = Path(
                keras.utils.get_file(
                    fname=target.name, origin=url, file_hash=file_hash, cache_dir=str(staging), cache_subdir="."
                )
            )
        except Exception as error:
            raise OSError(
                f"could not download {url} ({error}); put {target.name} in {data_dir()} "
                "(LABUTILS_DATA_DIR), or run with LAB_PROFILE=quick"
            ) from error
        validate(fetched)
        os.replace(fetched, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def download_ecg(folder: str | Path, url: str | None = None) -> Path:
    """Download TensorFlow's ``ecg.csv`` into ``folder`` once, and return its path.

    Checked by the ECG reader before it is kept (see :func:`_download`). ``url``
    (default :data:`ECG_URL`) may be any URL urllib understands, ``file://`` included.
    """
    return _download(url or ECG_URL, Path(folder) / "ecg.csv", _read_ecg_file)


# --------------------------------------------------------------------------- ECG: stand-in


def _bump(time: np.ndarray, centre: float, width: float) -> np.ndarray:
    return np.exp(-0.5 * ((time - centre) / width) ** 2)


def make_ecg_standin(
    path: str | Path, n_normal: int = 175, n_anomalous: int = 125, seed: int = 0
) -> Path:
    """Write generated heartbeats in TensorFlow's ``ecg.csv`` format and return the path.

    Normal beats: a deep early dip, a T wave and the next beat's rise, with jitter in
    timing and amplitude. Anomalous beats: one of three deformations (inverted T wave,
    a premature extra bump, a widened and shifted dip). Each beat is z-normalised as in
    the UCR archive. The same class balance as the shared real subset by default.
    """
    if n_normal < 1 or n_anomalous < 0:
        raise ValueError(f"need at least one normal beat and no negative counts, got {n_normal}, {n_anomalous}")
    rng = np.random.default_rng(seed)
    time = np.linspace(0.0, 1.0, ECG_LENGTH)
    beats, labels = [], []
    for index in range(n_normal + n_anomalous):
        anomalous = index >= n_normal
        shift = rng.normal(0.0, 0.01)
        dip = -3.5 * rng.uniform(0.85, 1.15) * _bump(time, 0.04 + shift, 0.018)
        t_wave = rng.uniform(0.8, 1.2) * _bump(time, 0.62 + shift, 0.08)
        next_beat = 1.5 * _bump(time, 0.98 + shift, 0.025)
        if anomalous:
            kind = rng.integers(3)
            if kind == 0:
                t_wave = -t_wave
            elif kind == 1:
                t_wave = t_wave + 1.6 * _bump(time, rng.uniform(0.3, 0.45), 0.03)
            else:
                dip = -2.5 * _bump(time, 0.12 + shift, 0.05)
        beat = dip + t_wave + next_beat + rng.normal(0.0, 0.08, ECG_LENGTH)
        beats.append((beat - beat.mean()) / beat.std())
        labels.append(0.0 if anomalous else 1.0)
    table = np.column_stack([np.asarray(beats), labels])
    order = rng.permutation(len(table))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(path, table[order], delimiter=",", fmt="%.6e")
    return path


# --------------------------------------------------------------------------- toy data


def make_toy_2d(
    n_normal: int = 300, n_anomalies: int = 30, noise: float = 0.08, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Return 2-D points and ``is_anomaly``: two half-moons (normal) and uniform outliers.

    Outliers are drawn uniformly over a box around the moons, keeping only those at
    least 0.3 away from every normal point, so a label "anomaly" is never a point that
    sits on the normal data. Shuffled. Used by chapter 1.
    """
    from sklearn.datasets import make_moons
    from sklearn.metrics import pairwise_distances

    if n_normal < 1 or n_anomalies < 0:
        raise ValueError(f"need at least one normal point and no negative counts, got {n_normal}, {n_anomalies}")
    rng = np.random.default_rng(seed)
    normal, _ = make_moons(n_samples=n_normal, noise=noise, random_state=seed)
    outliers = np.empty((0, 2))
    while len(outliers) < n_anomalies:
        candidates = rng.uniform((-1.5, -1.0), (2.5, 1.5), size=(4 * n_anomalies, 2))
        far = pairwise_distances(candidates, normal).min(axis=1) >= 0.3
        outliers = np.vstack([outliers, candidates[far]])
    points = np.vstack([normal, outliers[:n_anomalies]]).astype(np.float32)
    is_anomaly = np.r_[np.zeros(n_normal, bool), np.ones(n_anomalies, bool)]
    order = rng.permutation(len(points))
    return points[order], is_anomaly[order]


# --------------------------------------------------------------------------- MNIST

MnistSplits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _read_mnist_npz(path: Path) -> MnistSplits:
    """Read Keras's ``mnist.npz``, checking its arrays; pixels become float32 in [0, 1]."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    except KeyError as error:
        raise ValueError(f"{path}: not Keras's mnist.npz, missing array {error}") from None
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: not a readable .npz archive ({error})") from None
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) != len(labels):
            raise ValueError(f"{path}: x_{split} has shape {images.shape}, expected (n, 28, 28) with n labels")
    scale = lambda images: (images / 255.0).astype(np.float32)  # noqa: E731
    return (
        (scale(arrays["x_train"]), arrays["y_train"].astype(np.int64)),
        (scale(arrays["x_test"]), arrays["y_test"].astype(np.int64)),
    )


def digits_standin(test_fraction: float = 0.2, seed: int = 0) -> MnistSplits:
    """scikit-learn's 1797 bundled 8x8 digits as MNIST-like 28x28 images in [0, 1].

    Each digit is resized to 20x20 and centred in 28x28, as MNIST's digits are; a
    stratified split keeps every class in both parts. Real data, no download.
    """
    from PIL import Image
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = np.zeros((len(digits.images), 28, 28), dtype=np.float32)
    for index, image in enumerate(digits.images):
        resized = Image.fromarray((image / 16.0).astype(np.float32)).resize((20, 20), Image.Resampling.BILINEAR)
        images[index, 4:24, 4:24] = np.clip(np.asarray(resized), 0.0, 1.0)
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target.astype(np.int64), test_size=test_fraction, stratify=digits.target, random_state=seed
    )
    return (x_train, y_train), (x_test, y_test)


def load_mnist(profile: str | None = None) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], str]:
    """Return ``(x_train, y_train), (x_test, y_test), source`` with 28x28 images in [0, 1].

    A ``mnist.npz`` in :func:`data_dir` is used in any profile; otherwise the full profile
    downloads Keras's MNIST once into the data folder (checked against its SHA-256), and
    the quick profile uses
    :func:`digits_standin` without the network. ``source`` says which. Used by chapter 2.
    """
    profile = env.resolve_profile(profile)
    folder = data_dir()
    for candidate in (folder / "mnist.npz", folder / "mnist" / "mnist.npz"):
        if candidate.is_file():
            train, test = _read_mnist_npz(candidate)
            return train, test, f"real MNIST from the data folder ({candidate})"
    if profile == "full":
        target = _download(MNIST_URL, folder / "mnist" / "mnist.npz", _read_mnist_npz, file_hash=MNIST_SHA256)
        train, test = _read_mnist_npz(target)
        return train, test, f"real MNIST, downloaded once (cached in {target.parent})"
    train, test = digits_standin()
    return train, test, "scikit-learn's 8x8 digits upscaled to 28x28 (quick profile stand-in for MNIST)"


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
