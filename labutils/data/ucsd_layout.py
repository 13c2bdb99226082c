"""The UCSD Anomaly Detection data set's layout on disk: folders, videos, numbered frames.

``<root>/UCSD_Anomaly_Dataset.v1p2/UCSDped1/Train/Train001/001.tif`` and so on; the test
split adds ``TestNNN_gt`` mask folders and the ``UCSDped1.m`` ground-truth file. The real
archive and the generated stand-in share this layout, so one set of loaders reads both.
Used by chapters 4 and 6 through :mod:`labutils.data`.
"""

from __future__ import annotations

import itertools
from pathlib import Path

UCSD_FOLDER = "UCSD_Anomaly_Dataset.v1p2"  # the archive's top folder
UCSD_SUBSETS = ("UCSDped1", "UCSDped2")
UCSD_SPLITS = ("Train", "Test")


def holds_ucsd(folder: Path, complete: bool = False) -> bool:
    """Whether ``folder`` is an extracted ``UCSD_Anomaly_Dataset.v1p2`` (it has UCSDped1/ or UCSDped2/).

    With ``complete``, a subset must also hold at least one training and one test video with
    frames: what a download has to deliver before it is trusted and cached.
    """
    if folder.is_symlink() or not folder.is_dir():
        return False
    subsets = [folder / subset for subset in UCSD_SUBSETS if (folder / subset).is_dir()]
    if not complete:
        return bool(subsets)

    def has_frames(split: Path) -> bool:
        videos = (video for video in split.glob(f"{split.name}[0-9]*") if video.is_dir() and not video.is_symlink())
        return any(next(video.glob("*.tif"), None) is not None for video in videos)

    return any(has_frames(subset / "Train") and has_frames(subset / "Test") for subset in subsets)


def ucsd_dataset_folder(root: str | Path) -> Path:
    """Return the ``UCSD_Anomaly_Dataset.v1p2`` folder in ``root`` (or ``root`` itself if it is that folder)."""
    root = Path(root).expanduser()
    for candidate in (root / UCSD_FOLDER, root):
        if holds_ucsd(candidate):
            return candidate
    raise FileNotFoundError(
        f"{root}: no {UCSD_FOLDER} folder with UCSDped1/ or UCSDped2/ here; "
        "download_ucsd(root) fetches it and make_ucsd_standin(root) generates a small stand-in"
    )


def split_folder(root: str | Path, subset: str, split: str) -> Path:
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
    folder = split_folder(root, subset, split)
    videos = sorted(
        child for child in folder.iterdir()
        if child.is_dir() and child.name.startswith(split) and not child.name.endswith("_gt")
    )
    if not videos:
        raise FileNotFoundError(f"{folder}: no {split}NNN video folders")
    return videos


def frame_files(video: Path, suffix: str = ".tif") -> list[Path]:
    """Numbered frame files of one video, checked to run 1, 2, ..., n without a gap."""
    files = [file for file in video.iterdir() if file.suffix.lower() == suffix and not file.name.startswith(".")]
    if not files:
        raise FileNotFoundError(f"{video}: no {suffix} frames")
    try:
        numbered = sorted((int(file.stem), file) for file in files)
    except ValueError:
        bad = next(file for file in files if not file.stem.isdigit())
        raise ValueError(f"{bad}: frame files must be numbered (001{suffix}, 002{suffix}, ...)") from None
    for (number, file), (next_number, next_file) in itertools.pairwise(numbered):
        if number == next_number:
            raise ValueError(f"{video}: {file.name} and {next_file.name} are both frame {number}; keep one of them")
    for expected, (number, file) in enumerate(numbered, start=1):
        if number != expected:
            raise ValueError(f"{video}: frame {expected:03d}{suffix} is missing (the next one is {file.name})")
    return [file for _, file in numbered]
