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
import re
import shutil
import tarfile
import tempfile
import warnings
import zlib
from pathlib import Path

import numpy as np

from labutils import env
from labutils.frames import as_unit_frames, clip_starts  # noqa: F401 (public here too)

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


# --------------------------------------------------------------------------- UCSD: folders and download

UCSD_URL = "http://www.svcl.ucsd.edu/projects/anomaly/UCSD_Anomaly_Dataset.tar.gz"
UCSD_FOLDER = "UCSD_Anomaly_Dataset.v1p2"  # the archive's top folder
UCSD_SUBSETS = ("UCSDped1", "UCSDped2")
UCSD_SPLITS = ("Train", "Test")
UCSD_STANDIN_VERSION = 1  # raise when make_ucsd_standin's output changes


def _holds_ucsd(folder: Path) -> bool:
    """Whether ``folder`` is an extracted ``UCSD_Anomaly_Dataset.v1p2`` (it has UCSDped1/ or UCSDped2/)."""
    return any((folder / subset).is_dir() for subset in UCSD_SUBSETS)


def ucsd_dataset_folder(root: str | Path) -> Path:
    """Return the ``UCSD_Anomaly_Dataset.v1p2`` folder in ``root`` (or ``root`` itself if it is that folder)."""
    root = Path(root).expanduser()
    for candidate in (root / UCSD_FOLDER, root):
        if _holds_ucsd(candidate):
            return candidate
    raise FileNotFoundError(
        f"{root}: no {UCSD_FOLDER} folder with UCSDped1/ or UCSDped2/ here; "
        "download_ucsd(root) fetches it and make_ucsd_standin(root) generates a small stand-in"
    )


def _fetch_resumable(url: str, part: Path, chunk_bytes: int = 1 << 20) -> None:
    """Download ``url`` into ``part``, continuing where an earlier attempt stopped.

    Sends an HTTP ``Range`` request when ``part`` already holds bytes; a server (or a
    ``file://`` URL) that ignores it answers in full and the file is started again.
    Raises ``OSError`` when the transfer ends short of the announced length.
    """
    import urllib.error
    import urllib.request

    from tqdm.auto import tqdm

    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=60)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:  # nothing left to fetch: the part file is complete
            return
        raise
    with response:
        resumed = have > 0 and getattr(response, "status", None) == 206
        if not resumed:
            have = 0
        remaining = response.headers.get("Content-Length")
        total = have + int(remaining) if remaining is not None else None
        with open(part, "ab" if resumed else "wb") as file, tqdm(
            total=total, initial=have, unit="B", unit_scale=True, unit_divisor=1024, desc=part.name[:-5]
        ) as bar:
            while chunk := response.read(chunk_bytes):
                file.write(chunk)
                bar.update(len(chunk))
    size = part.stat().st_size
    if total is not None and size != total:
        raise OSError(f"{url}: the transfer stopped at {size} of {total} bytes; run again to resume")


def download_ucsd(root: str | Path | None = None, url: str | None = None, keep_archive: bool = False) -> Path:
    """Download and safely extract the UCSD Anomaly Detection data set under ``root``; return its folder.

    Used by chapters 3 and 6. ``root`` defaults to ``data_dir() / "ucsd"`` (on Colab with
    Drive mounted, a folder on Drive, so students download it once). Nothing is fetched
    when ``root`` already holds the extracted ``UCSD_Anomaly_Dataset.v1p2``. The archive
    (``url``, default :data:`UCSD_URL`; any URL urllib understands, ``file://`` included)
    is fetched into ``UCSD_Anomaly_Dataset.tar.gz.part`` with a progress bar, and an
    interrupted download resumes from there. It is then read through once (a truncated
    archive fails here), extracted with the standard library's ``data`` filter (no
    absolute paths, links out of the folder or device files) into a staging folder, and
    only then renamed into place; the archive is deleted unless ``keep_archive``.
    """
    root = Path(root).expanduser() if root is not None else data_dir() / "ucsd"
    target = root / UCSD_FOLDER
    if _holds_ucsd(target):
        return target
    if not hasattr(tarfile, "data_filter"):
        raise RuntimeError("safe extraction needs Python 3.10.12, 3.11.4, 3.12 or newer (tarfile's 'data' filter)")
    root.mkdir(parents=True, exist_ok=True)
    archive = root / "UCSD_Anomaly_Dataset.tar.gz"
    url = url or UCSD_URL
    if not archive.is_file():
        part = archive.with_name(archive.name + ".part")
        try:
            _fetch_resumable(url, part)
        except OSError as error:
            kept = f"; {part} is kept and the next call resumes from it" if part.exists() else ""
            raise OSError(
                f"could not download {url} ({error}){kept}. Or put the extracted {UCSD_FOLDER} "
                f"folder in {root}, or run with LAB_PROFILE=quick"
            ) from error
        os.replace(part, archive)

    staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=root))
    try:
        try:
            with tarfile.open(archive, "r:*") as tar:
                tar.extractall(staging, filter="data")
        except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
            archive.unlink(missing_ok=True)  # a broken archive must not be trusted next time
            raise ValueError(f"{archive}: not a complete, safe UCSD archive ({error}); deleted, run again") from None
        extracted = staging / UCSD_FOLDER
        if not _holds_ucsd(extracted):
            archive.unlink(missing_ok=True)
            raise ValueError(f"{archive}: the archive has no {UCSD_FOLDER}/UCSDped1 or UCSDped2 folder; it was deleted")
        os.replace(extracted, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not keep_archive:
        archive.unlink(missing_ok=True)
    return target


# --------------------------------------------------------------------------- UCSD: frames and ground truth

_GT_LINE = re.compile(r"^TestVideoFile\{(?:end\+1|\d+)\}\.gt_frame\s*=\s*\[([^\]]*)\]\s*;?$")
_GT_IGNORED = re.compile(r"^(%.*|TestVideoFile\s*=\s*\{\s*\}\s*;?|clear.*)?$")


def _split_folder(root: str | Path, subset: str, split: str) -> Path:
    if subset not in UCSD_SUBSETS:
        raise ValueError(f"subset must be one of {UCSD_SUBSETS}, got {subset!r}")
    if split not in UCSD_SPLITS:
        raise ValueError(f"split must be one of {UCSD_SPLITS}, got {split!r}")
    folder = ucsd_dataset_folder(root) / subset / split
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder in the UCSD data set")
    return folder


def ucsd_videos(root: str | Path, subset: str = "UCSDped1", split: str = "Train") -> list[Path]:
    """The video folders (``Train001``, ``Test001``, ...) of a subset and split, in order.

    Pixel-mask folders (``Test001_gt``), hidden files and macOS leftovers are skipped.
    """
    folder = _split_folder(root, subset, split)
    videos = sorted(
        child for child in folder.iterdir()
        if child.is_dir() and child.name.startswith(split) and not child.name.endswith("_gt")
    )
    if not videos:
        raise FileNotFoundError(f"{folder}: no {split}NNN video folders")
    return videos


def _frame_files(video: Path, suffix: str = ".tif") -> list[Path]:
    """Numbered frame files of one video, checked to run 1, 2, ..., n without a gap."""
    files = [file for file in video.iterdir() if file.suffix.lower() == suffix and not file.name.startswith(".")]
    if not files:
        raise FileNotFoundError(f"{video}: no {suffix} frames")
    try:
        numbered = sorted((int(file.stem), file) for file in files)
    except ValueError:
        bad = next(file for file in files if not file.stem.isdigit())
        raise ValueError(f"{bad}: frame files must be numbered (001{suffix}, 002{suffix}, ...)") from None
    for expected, (number, file) in enumerate(numbered, start=1):
        if number != expected:
            raise ValueError(f"{video}: frame {expected:03d}{suffix} is missing (the next one is {file.name})")
    return [file for _, file in numbered]


def _read_frame(file: Path, size: tuple[int, int] | None):
    """Decode one grey frame as uint8 (resized to ``size`` = (height, width)); None if unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            image.load()
            original = image.size
            grey = image.convert("L")
    except (OSError, UnidentifiedImageError, SyntaxError):
        return None, None
    if size is not None and (grey.height, grey.width) != tuple(size):
        grey = grey.resize((size[1], size[0]), Image.Resampling.BILINEAR)
    return np.asarray(grey, dtype=np.uint8), original


def read_ucsd_video(
    video: str | Path, image_size: int | tuple[int, int] | None = None, suffix: str = ".tif"
) -> np.ndarray:
    """Decode one video folder's frames into a uint8 array of shape (frames, height, width).

    ``image_size`` (an int for a square, or (height, width)) resizes each frame once, as
    it is decoded. A frame that cannot be decoded is replaced by its predecessor with a
    warning (frame numbers, and so the ground truth, stay aligned); a gap in the
    numbering or frames of different sizes raise ``ValueError`` naming the file.
    """
    video = Path(video)
    size = (image_size, image_size) if isinstance(image_size, int) else image_size
    frames, first_size, unreadable = [], None, []
    for file in _frame_files(video, suffix):
        pixels, original = _read_frame(file, size)
        if pixels is None:
            unreadable.append(file)
            frames.append(None)
            continue
        if first_size is None:
            first_size = original
        elif original != first_size:
            raise ValueError(f"{file}: frame size {original} differs from the video's first frame {first_size}")
        frames.append(pixels)
    if first_size is None:
        raise ValueError(f"{video}: none of its frames can be decoded")
    for index, pixels in enumerate(frames):
        if pixels is None:
            frames[index] = next(p for p in (*frames[index::-1], *frames[index:]) if p is not None)
    if unreadable:
        names = ", ".join(file.name for file in unreadable)
        warnings.warn(
            f"{video}: could not decode {names}; each was replaced by the nearest readable frame before it "
            "(after it, for a first frame)",
            stacklevel=2,
        )
    return np.stack(frames)


def ucsd_frames(
    root: str | Path,
    subset: str = "UCSDped1",
    split: str = "Train",
    image_size: int | tuple[int, int] | None = None,
    videos: int | list[str] | None = None,
    progress: bool = True,
) -> dict[str, np.ndarray]:
    """Decode a split's videos once: ``{"Train001": uint8 array (frames, height, width), ...}``.

    ``videos`` keeps the first n videos, or the named ones. Chapter 3 trains on these
    frames one by one; :func:`ucsd_clips` cuts them into clips for chapter 6.
    """
    from tqdm.auto import tqdm

    folders = ucsd_videos(root, subset, split)
    if isinstance(videos, int):
        folders = folders[:videos]
    elif videos is not None:
        by_name = {folder.name: folder for folder in folders}
        missing = [name for name in videos if name not in by_name]
        if missing:
            raise ValueError(f"no video folder named {missing} in {folders[0].parent}")
        folders = [by_name[name] for name in videos]
    return {
        folder.name: read_ucsd_video(folder, image_size)
        for folder in tqdm(folders, desc=f"{subset}/{split} frames", unit="video", disable=not progress)
    }


def _parse_gt_ranges(text: str, where: str) -> list[tuple[int, int]]:
    ranges = []
    for part in filter(None, re.split(r"[,\s]+", text.strip())):
        bounds = part.split(":")
        if len(bounds) > 2 or not all(bound.isdigit() for bound in bounds):
            raise ValueError(f"{where}: {part!r} is not a frame range like 60:152")
        start, end = int(bounds[0]), int(bounds[-1])
        if start < 1 or end < start:
            raise ValueError(f"{where}: range {part!r} is empty or starts before frame 1")
        ranges.append((start, end))
    return ranges


def ucsd_ground_truth(root: str | Path, subset: str = "UCSDped1") -> dict[str, np.ndarray]:
    """Per test video, a bool array with one entry per frame, True where the frame is anomalous.

    Parsed from the data set's ``UCSDped1.m`` / ``UCSDped2.m`` (in ``Test/`` or beside it),
    whose lines read ``TestVideoFile{end+1}.gt_frame = [60:152];`` or ``[5:90, 140:200]``:
    1-indexed, inclusive frame ranges, one line per test video in order. Keys are the
    video folder names (``"Test001"``, ...); the arrays are as long as the videos. Used by
    chapters 3 and 6. Pixel masks: :func:`ucsd_pixel_masks`.

    Raises ``ValueError`` naming the file and line for a line it does not understand, a
    range past the end of its video, or a count of lines that differs from the videos.
    """
    videos = ucsd_videos(root, subset, "Test")
    folder = videos[0].parent
    candidates = [folder / f"{subset}.m", folder.parent / f"{subset}.m"]
    path = next((candidate for candidate in candidates if candidate.is_file()), None)
    if path is None:
        raise FileNotFoundError(f"no ground-truth file {subset}.m in {folder} or {folder.parent}")
    specifications = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        line = line.strip()
        match = _GT_LINE.match(line)
        if match:
            specifications.append((number, match.group(1)))
        elif not _GT_IGNORED.match(line):
            raise ValueError(f"{path}, line {number}: unexpected line {line[:80]!r}")
    if len(specifications) != len(videos):
        raise ValueError(f"{path}: {len(specifications)} gt_frame lines for {len(videos)} test videos in {folder}")
    labels = {}
    for video, (number, text) in zip(videos, specifications):
        length = len(_frame_files(video))
        anomalous = np.zeros(length, dtype=bool)
        for start, end in _parse_gt_ranges(text, f"{path}, line {number}"):
            if end > length:
                raise ValueError(f"{path}, line {number}: frame {end} is past the end of {video.name} ({length})")
            anomalous[start - 1 : end] = True
        labels[video.name] = anomalous
    return labels


def ucsd_pixel_masks(
    root: str | Path, subset: str = "UCSDped1", image_size: int | tuple[int, int] | None = None
) -> dict[str, np.ndarray]:
    """Per test video that has a ``TestNNN_gt`` folder, its pixel masks: bool (frames, height, width).

    Ped2 has masks for every test video, Ped1 for some; videos without one are left out.
    """
    masks = {}
    for video in ucsd_videos(root, subset, "Test"):
        folder = video.with_name(video.name + "_gt")
        if folder.is_dir():
            masks[video.name] = read_ucsd_video(folder, image_size, suffix=".bmp") > 127
    return masks


# --------------------------------------------------------------------------- UCSD: clips for tf.data


def ucsd_clips(
    root: str | Path,
    subset: str = "UCSDped1",
    split: str = "Train",
    *,
    clip_length: int = 10,
    image_size: int | tuple[int, int] | None = 227,
    strides: int | tuple[int, ...] = 1,
    step: int | None = None,
    batch_size: int | None = None,
    shuffle: bool | None = None,
    pairs: bool = False,
    videos: int | list[str] | None = None,
    seed: int = 0,
    progress: bool = True,
):
    """A ``tf.data.Dataset`` of clips: float32 tensors (clip_length, height, width, 1) in [0, 1].

    Used by chapter 6. Each frame is decoded once and kept as uint8, at the model's size
    or its own where that is smaller (Ped1's training set takes 256 MB that way, against
    2.8 GB for the float64 array the slides' lab built); clips are cut from those frames
    as they are needed, resized and converted to float32 one batch at a time.
    ``strides`` may be a tuple such as ``(1, 2, 3)``: clips at every temporal stride,
    the augmentation of Chong & Tay (2017). ``shuffle`` (default: on for Train) draws a
    new order every epoch from ``seed``. ``pairs=True`` yields ``(clip, clip)`` for
    ``model.fit``. The dataset knows its length, so Keras shows a full progress bar.
    """
    import tensorflow as tf
    from PIL import Image

    stride_list = (strides,) if isinstance(strides, int) else tuple(strides)
    size = (image_size, image_size) if isinstance(image_size, int) else image_size
    # Keep each frame at the smaller of its own size and the model's: Ped1's 238x158 frames
    # take 256 MB where 227x227 copies would take 350 MB; those are enlarged per batch,
    # with the same PIL resampling as ucsd_frames, so training and test frames match.
    first_frame = _frame_files(ucsd_videos(root, subset, split)[0])[0]
    with Image.open(first_frame) as image:
        native = (image.height, image.width)
    enlarge = size is not None and size[0] * size[1] > native[0] * native[1]
    frames = list(ucsd_frames(root, subset, split, None if enlarge else size, videos, progress).values())
    shapes = {tuple(size)} if size is not None else {array.shape[1:] for array in frames}
    if len(shapes) > 1:
        raise ValueError(f"{subset}/{split}: videos have different frame sizes {sorted(shapes)}; pass image_size")
    (height, width), = shapes

    def cut(video: int, start: int, stride: int) -> np.ndarray:
        clip = frames[video][start : start + stride * clip_length : stride]
        if clip.shape[1:] != (height, width):
            resized = [Image.fromarray(frame).resize((width, height), Image.Resampling.BILINEAR) for frame in clip]
            clip = np.stack([np.asarray(frame) for frame in resized])
        return clip[..., None]

    index = [
        (video, start, stride)
        for video, array in enumerate(frames)
        for stride in stride_list
        for start in clip_starts(len(array), clip_length, stride, step)
    ]
    if not index:
        raise ValueError(f"{subset}/{split}: the videos are shorter than one clip of {clip_length} frames")
    shuffle = split == "Train" if shuffle is None else shuffle
    generator = np.random.default_rng(seed)

    def clips():
        order = generator.permutation(len(index)) if shuffle else np.arange(len(index))
        for first in range(0, len(order), batch_size or 1):
            batch = [cut(*index[position]) for position in order[first : first + (batch_size or 1)]]
            batch = np.stack(batch).astype(np.float32) if batch_size else batch[0].astype(np.float32)
            batch *= 1 / 255
            yield batch

    # Clips are cut, batched and converted in NumPy, one batch at a time: batching and
    # casting inside tf.data held up to 250 MB more at 227x227, batch 16 (allocator caches).
    shape = (clip_length, height, width, 1)
    dataset = tf.data.Dataset.from_generator(
        clips, output_signature=tf.TensorSpec((None, *shape) if batch_size else shape, tf.float32)
    )
    batches = -(-len(index) // batch_size) if batch_size else len(index)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(batches))
    if pairs:
        dataset = dataset.map(lambda clip: (clip, clip))
    return dataset.prefetch(1)


# --------------------------------------------------------------------------- UCSD: stand-in and finding


def _blob(height: int, width: int, centre: tuple[float, float], half_size: tuple[float, float]) -> np.ndarray:
    rows, columns = np.ogrid[:height, :width]
    return ((rows - centre[0]) / half_size[0]) ** 2 + ((columns - centre[1]) / half_size[1]) ** 2 <= 1.0


def make_ucsd_standin(
    root: str | Path,
    subset: str = "UCSDped1",
    train_videos: int = 6,
    test_videos: int = 4,
    frames: int = 60,
    frame_size: tuple[int, int] = (158, 238),
    seed: int = 0,
) -> Path:
    """Write a small generated data set in the UCSD layout under ``root``; return its folder.

    The quick profile's stand-in for chapters 3 and 6, and the tests' fixture: grey
    frames (``frame_size`` = (height, width), Ped1's 158x238 by default) of a textured
    walkway where small dark "pedestrians" walk up and down at about one pixel per frame.
    Every test video has an anomaly: a large bright "cart" at walking speed, or a
    pedestrian-sized "cyclist" moving five times as fast (visible only across frames).
    Written as the real data set is: ``Train/Train001/001.tif``, ``Test/Test001/...``,
    pixel masks in ``Test/Test001_gt/001.bmp``, and the frame ranges in
    ``Test/UCSDped1.m``, so the real loaders read it. Existing files are overwritten.
    """
    from PIL import Image

    if subset not in UCSD_SUBSETS:
        raise ValueError(f"subset must be one of {UCSD_SUBSETS}, got {subset!r}")
    height, width = frame_size
    if frames < 20 or height < 48 or width < 48:
        raise ValueError("the stand-in needs at least 20 frames of 48x48 pixels")
    generator = np.random.default_rng(seed)
    folder = Path(root) / UCSD_FOLDER / subset
    rows, columns = np.mgrid[:height, :width]
    texture = generator.normal(0, 1, (height // 4 + 1, width // 4 + 1)).repeat(4, 0).repeat(4, 1)[:height, :width]
    background = 150 - 40 * rows / height + 6 * texture
    walkway = np.abs(columns - width * 0.55) < width * 0.3
    background[walkway] += 25
    person = (height / 16, width / 40)  # half sizes of a walker's ellipse

    def render(walkers, extra=None):
        image = background + generator.normal(0, 2.0, background.shape)
        mask = np.zeros((height, width), dtype=bool)
        for centre in walkers:
            image[_blob(height, width, centre, person)] = 55
        if extra is not None:
            kind, centre = extra
            shape = _blob(height, width, centre, person) if kind == "cyclist" else (
                (np.abs(rows - centre[0]) < height / 7) & (np.abs(columns - centre[1]) < width / 9)
            )
            image[shape] = 55 if kind == "cyclist" else 235
            mask = shape
        return np.clip(image, 0, 255).astype(np.uint8), mask

    def walkers_for(count):
        lanes = generator.uniform(width * 0.3, width * 0.8, count)
        starts = generator.uniform(0, height, count)
        directions = generator.choice([-1.0, 1.0], count) * generator.uniform(0.7, 1.3, count)
        walkers = list(zip(lanes, starts, directions))
        return lambda t: [((start + direction * t) % height, lane) for lane, start, direction in walkers]

    def write_video(path: Path, images, masks=None):
        path.mkdir(parents=True, exist_ok=True)
        for number, image in enumerate(images, start=1):
            Image.fromarray(image).save(path / f"{number:03d}.tif")
        if masks is not None:
            mask_folder = path.with_name(path.name + "_gt")
            mask_folder.mkdir(exist_ok=True)
            for number, mask in enumerate(masks, start=1):
                Image.fromarray(np.where(mask, 255, 0).astype(np.uint8)).save(mask_folder / f"{number:03d}.bmp")

    for video in range(1, train_videos + 1):
        walk = walkers_for(int(generator.integers(3, 7)))
        write_video(folder / "Train" / f"Train{video:03d}", [render(walk(t))[0] for t in range(frames)])

    lines = ["TestVideoFile = {};"]
    for video in range(1, test_videos + 1):
        walk = walkers_for(int(generator.integers(3, 7)))
        kind = "cart" if video % 2 else "cyclist"
        speed = 1.0 if kind == "cart" else 5.0
        crossing = int(min(frames - 1, (height * 1.1) / speed))
        first = int(generator.integers(frames // 6, frames // 3))
        visits = [(first, min(frames, first + crossing))]
        if video == test_videos and visits[0][1] + 8 < frames:  # one video with two intervals, as in [5:90, 140:200]
            visits.append((visits[0][1] + 4, frames))
        lane = generator.uniform(width * 0.35, width * 0.75)
        images, masks, anomalous = [], [], []
        for t in range(frames):
            inside = [start for start, end in visits if start <= t < end]
            extra = (kind, (-height * 0.05 + speed * (t - inside[0]), lane)) if inside else None
            image, mask = render(walk(t), extra)
            images.append(image)
            masks.append(mask)
            anomalous.append(bool(mask.any()))
        write_video(folder / "Test" / f"Test{video:03d}", images, masks)
        flags = np.asarray(anomalous)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], flags.astype(int), [0]])))
        ranges = [f"{start + 1}:{end}" for start, end in zip(edges[::2], edges[1::2])]
        lines.append(f"TestVideoFile{{end+1}}.gt_frame = [{', '.join(ranges)}];")
    (folder / "Test" / f"{subset}.m").write_text("\n".join(lines) + "\n")
    return folder.parent


def locate_ucsd(profile: str | None = None, subset: str = "UCSDped1") -> tuple[Path, str]:
    """Choose the UCSD folder for a profile and say where it comes from (chapters 3 and 6).

    In order: an extracted data set in ``data_dir() / "ucsd"`` or ``data_dir()`` (any
    profile); in the full profile, :func:`download_ucsd`; in the quick profile, a
    generated stand-in (:func:`make_ucsd_standin`), without the network. Returns the
    root to pass to the loaders and a one-line description for the notebook to print.
    """
    profile = env.resolve_profile(profile)
    for candidate in (data_dir() / "ucsd", data_dir()):
        if (candidate / UCSD_FOLDER / subset).is_dir():
            return candidate, f"real UCSD {subset} data from the data folder ({candidate / UCSD_FOLDER})"
    if profile == "full":
        folder = download_ucsd(data_dir() / "ucsd")
        return folder.parent, f"real UCSD {subset} data, downloaded once (cached in {folder})"
    # Named after the generator's version, so a changed generator never reuses old frames.
    root = Path(tempfile.gettempdir()) / "labutils-standin" / f"ucsd-{UCSD_STANDIN_VERSION}"
    if not (root / UCSD_FOLDER / subset / "Test" / f"{subset}.m").is_file():
        make_ucsd_standin(root, subset)
    return root, f"generated stand-in in the UCSD layout, not real video ({root / UCSD_FOLDER})"
