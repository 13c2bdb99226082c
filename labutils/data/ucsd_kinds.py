"""The kind of each anomalous frame of the generated UCSD stand-in: object, speed or direction.

The real UCSD data set labels frames only as normal or anomalous. The stand-in
(:func:`labutils.data.make_ucsd_standin`) also writes, beside ``Test/UCSDped1.m``, the file
``Test/UCSDped1_kinds.csv`` that says which kind of anomaly each anomalous frame holds, so
chapter 6 can score its detectors per kind (:func:`labutils.video.roc_auc_by_kind`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from labutils.data.ucsd_frames import ucsd_ground_truth
from labutils.data.ucsd_layout import ucsd_videos

#: The stand-in's kinds of anomaly: something that looks different (a bright cart), a walker
#: who runs six times as fast for a dozen frames, one who turns back (visible only across frames).
ANOMALY_KINDS = ("object", "speed", "direction")
NORMAL = "normal"
KINDS_HEADER = ("video", "frame", "kind")


def kinds_file_name(subset: str) -> str:
    """The kinds file's name for a subset: ``UCSDped1_kinds.csv``, beside ``UCSDped1.m``."""
    return f"{subset}_kinds.csv"


def ucsd_anomaly_kinds(root: str | Path, subset: str = "UCSDped1") -> dict[str, np.ndarray]:
    """Per test video, the kind of every frame: an array of strings, ``"normal"`` or one of :data:`ANOMALY_KINDS`.

    Read from ``Test/UCSDped1_kinds.csv`` (or beside ``Test/``), which only the generated
    stand-in has: a header ``video,frame,kind``, then one row per anomalous frame, frames
    1-indexed as in ``UCSDped1.m``. Frames without a row are normal. Chapter 6 scores its
    detectors per kind with it. The kinds must agree with :func:`ucsd_ground_truth`: a
    frame has a kind exactly where the ``.m`` file marks it anomalous.

    Raises ``FileNotFoundError`` when there is no kinds file (the real data set has none),
    and ``ValueError`` naming the file and line for a bad header, an unknown video or kind,
    a frame outside its video, a repeated frame, or a disagreement with the ``.m`` file.
    """
    videos = ucsd_videos(root, subset, "Test")
    folder = videos[0].parent
    name = kinds_file_name(subset)
    path = next((candidate for candidate in (folder / name, folder.parent / name) if candidate.is_file()), None)
    if path is None:
        raise FileNotFoundError(
            f"no anomaly-kinds file {name} in {folder} or {folder.parent}: only the generated stand-in "
            "(make_ucsd_standin) has one; the real UCSD data labels frames as normal or anomalous, not by kind"
        )
    truth = ucsd_ground_truth(root, subset)
    kinds = {video: np.full(len(labels), NORMAL, dtype=object) for video, labels in truth.items()}
    with open(path, newline="", encoding="utf-8-sig") as file:
        rows = csv.reader(file)
        header = next(rows, None)
        if header is None or tuple(cell.strip() for cell in header) != KINDS_HEADER:
            raise ValueError(f"{path}, line 1: the header must be {','.join(KINDS_HEADER)}, got {header}")
        for number, row in enumerate(rows, start=2):
            if not row or not "".join(row).strip():
                continue
            where = f"{path}, line {number}"
            if len(row) != 3:
                raise ValueError(f"{where}: {len(row)} fields, expected video,frame,kind")
            video, frame, kind = (cell.strip() for cell in row)
            if video not in kinds:
                raise ValueError(f"{where}: no test video {video!r} in {folder}")
            if not frame.isdigit() or not 1 <= int(frame) <= len(kinds[video]):
                raise ValueError(f"{where}: frame {frame!r} is not a frame of {video} (1..{len(kinds[video])})")
            if kind not in ANOMALY_KINDS:
                raise ValueError(f"{where}: unknown kind {kind!r}; the kinds are {ANOMALY_KINDS}")
            index = int(frame) - 1
            if kinds[video][index] != NORMAL:
                raise ValueError(f"{where}: frame {frame} of {video} already has a kind")
            if not truth[video][index]:
                raise ValueError(f"{where}: frame {frame} of {video} is normal in {subset}.m but has kind {kind!r}")
            kinds[video][index] = kind
    for video, labels in truth.items():
        missing = np.flatnonzero(labels & (kinds[video] == NORMAL))
        if missing.size:
            raise ValueError(
                f"{path}: frames {(missing[:5] + 1).tolist()} of {video} are anomalous in {subset}.m but have no kind"
            )
    return {video: kind.astype(str) for video, kind in kinds.items()}
