"""ECG5000 heartbeats for the ECG lab: read both file formats, find the files, download.

:func:`load_ecg` reads TensorFlow's ``ecg.csv`` and the UCR archive's ``ECG5000_TRAIN.txt`` /
``ECG5000_TEST.txt`` (recognised by content); :func:`locate_ecg` decides which files a lab
uses in each profile (the quick profile: :data:`ECG_SUBSET`, 300 real beats shipped with
labutils); :func:`download_ecg` fetches ``ecg.csv`` through :mod:`.remote`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from labutils import _checks, env
from labutils.data import remote
from labutils.data.ecg_standin import ECG_LENGTH
from labutils.data.folders import data_dir, describe, shipped_file

#: 300 real ECG5000 beats (175 normal, 125 abnormal) shipped with labutils: data/files/README.md
ECG_SUBSET = "ecg5000_300.txt"
ECG_CSV_BEATS = 4998  # beats in TensorFlow's ecg.csv
_UCR_CLASSES = (1, 2, 3, 4, 5)  # 1 = normal, 2-5 = four kinds of abnormal beat
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _read_ecg_file(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one ECG file in either format; see :func:`load_ecg`."""
    if path.is_dir():
        raise ValueError(f"{path}: a folder, where a file was expected (pass the folder alone to load it)")
    if path.exists() and not path.is_file():  # never opened: reading a FIFO would wait forever
        raise ValueError(f"{path}: not a regular file (a FIFO, socket or device); ECG data must be a text file")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such ECG file")
    text = _ecg_text(path, path.read_bytes())
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise ValueError(f"{path}: the file is empty")
    comma_separated = "," in lines[0][1]
    table, numbers = _numeric_table(path, lines, comma_separated)
    last_is_binary = bool(np.isin(table[:, -1], (0.0, 1.0)).all())
    first_is_class = bool(np.isin(table[:, 0], _UCR_CLASSES).all())
    if last_is_binary and first_is_class and not comma_separated:
        raise ValueError(
            f"{path}: fits both layouts, and they label the beats differently: every line starts with a "
            "class 1-5 (the UCR layout) and ends with 0 or 1 (ecg.csv's layout). Separate ecg.csv's "
            "values with commas, as TensorFlow's file does, to have it read as ecg.csv"
        )
    if last_is_binary:
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


def _numeric_table(path: Path, lines: list[tuple[int, str]], comma_separated: bool) -> tuple[np.ndarray, list[int]]:
    """The lines of an ECG file as one float64 table (141 columns), and each row's line number."""

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
    if _checks.beyond_float32(table):
        row = int(np.flatnonzero(np.abs(table).max(axis=1) > _checks.FLOAT32_MAX)[0])
        raise ValueError(f"{path}, line {numbers[row]}: a value beyond float32's range (±3.4e38), where beats are read")
    return table, numbers


def _ecg_text(path: Path, raw: bytes) -> str:
    """The text of an ECG file: UTF-8, UTF-16 or UTF-32 with a byte-order mark, or a one-byte code page."""
    if not raw.strip():
        raise ValueError(f"{path}: the file is empty")
    for mark, encoding in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                           (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(mark):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise ValueError(f"{path}: starts like {encoding.upper()} text but does not decode as it") from None
    if b"\x00" in raw:
        half = raw[1::2] if raw[0::2].count(0) < raw[1::2].count(0) else raw[0::2]
        if half.count(0) > len(half) // 2:
            raise ValueError(f"{path}: UTF-16 text without a byte-order mark; save it as UTF-8")
        raise ValueError(f"{path}: this is a binary file, not ECG text (ecg.csv or UCR .txt)")
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark from a spreadsheet is fine
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # numbers are ASCII in every code page; a stray letter is named below
    if len(_CONTROLS.findall(text)) > len(text) // 20:  # text has few control characters; binary many
        raise ValueError(f"{path}: this is a binary file, not ECG text (ecg.csv or UCR .txt)")
    if _checks.looks_like_html(raw):
        raise ValueError(f"{path}: an HTML page (a web server's error page?), not ECG text")
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _ecg_files_in(folder: Path) -> list[Path]:
    """Real ECG files in ``folder`` or its ``ecg5000`` subfolder.

    ``ecg.csv`` first; else the UCR ``ECG5000_TRAIN.txt`` and ``ECG5000_TEST.txt``; else any
    other ``ECG5000_*.txt`` (such as a copy of :data:`ECG_SUBSET` renamed, which is drawn
    from TRAIN and must not be loaded beside it).
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
    :func:`locate_ecg` chooses for the current profile. Used by the ECG lab.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming the file and
    the problem for an empty, binary, ragged or malformed one.
    """
    if path is None:
        paths, _ = locate_ecg()
    elif isinstance(path, (list, tuple)):
        paths = [_checks.path(f"path[{index}]", file) for index, file in enumerate(path)]
    elif _checks.path("path", path).is_dir():  # "" would be the current folder: refused
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
    cached download of TensorFlow's ``ecg.csv``; in the quick profile, the 300 real
    beats shipped with labutils (:data:`ECG_SUBSET`). The quick profile never touches
    the network. Returns the files and a one-line description for the notebook to print.
    """
    profile = env.resolve_profile(profile)
    folder = data_dir()
    found = _ecg_files_in(folder)
    if found:
        names = ", ".join(describe(file) for file in found)
        return found, f"real ECG5000 data from the data folder ({names})"
    if profile == "full":
        downloaded = download_ecg(folder / "ecg5000")
        return [downloaded], f"real ECG5000 data, TensorFlow's ecg.csv (cached as {describe(downloaded)})"
    subset = shipped_file(ECG_SUBSET)
    return [subset], (
        f"300 real ECG5000 beats shipped with labutils ({subset.name}: 175 normal, 125 abnormal, "
        "drawn from the UCR archive's training split)"
    )


def download_ecg(folder: str | Path, url: str | None = None) -> Path:
    """Download TensorFlow's ``ecg.csv`` into ``folder`` once, and return its path.

    Fetched by :func:`labutils.data.remote.fetch` and read by the ECG reader before it is
    kept; from any URL it must hold all :data:`ECG_CSV_BEATS` beats (TensorFlow publishes no
    hash, and a server that sends no length can cut a transfer at a line boundary). ``url``
    may be any URL urllib understands, ``file://`` included.
    """

    def validate(path: Path) -> None:  # from any URL: a mirror of ecg.csv holds every beat too
        beats, _ = _read_ecg_file(path)
        if len(beats) != ECG_CSV_BEATS:
            raise ValueError(
                f"{path.name}: {len(beats)} beats where TensorFlow's ecg.csv has {ECG_CSV_BEATS}: "
                "the download was cut short, or is not ecg.csv"
            )

    return remote.fetch("ecg", Path(folder) / "ecg.csv", url=url, validate=validate)
