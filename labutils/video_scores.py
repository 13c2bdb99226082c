"""Per-frame anomaly scores of video, from frames and their reconstructions (chapters 4 and 6).

Two errors per frame: e(t), how badly the frame is rebuilt (:func:`labutils.video.frame_errors`),
and m(t), how badly its *change* from the previous frame is rebuilt (:func:`motion_errors`); each
raw, or as 1 - regularity per video (:func:`labutils.video.regularity_scores`, Hasan et al.,
2016). :func:`anomaly_scores` computes the four, larger = more anomalous, for the notebooks and
``benchmarks/ucsd.py`` alike.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labutils import _checks
from labutils.frames import as_unit_frames
from labutils.video import frame_errors, regularity_scores

#: The scores :func:`anomaly_scores` returns, in its order.
SCORE_NAMES = ("raw error", "regularity", "motion error", "motion regularity")

#: The per-frame error each score is made of: e(t) ("raw error") or m(t) ("motion error").
ERROR_OF = {"raw error": "raw error", "regularity": "raw error",
            "motion error": "motion error", "motion regularity": "motion error"}


def motion_errors(frames, reconstructions) -> np.ndarray:
    """Per-frame motion error m(t): how far the reconstruction's change from frame t-1 to t is from the video's.

    The mean over the frame's pixels of ((x(t) - x(t-1)) - (r(t) - r(t-1)))², x the frames
    and r their reconstructions. What stands still, or moves as the model expects, cancels
    out however blurred the reconstruction is; what moves in a way the model cannot rebuild
    (too fast, the wrong way) leaves an error. The first frame, which has no predecessor,
    takes the second frame's value. Chapter 6 scores its clip model, and the frame model it
    is compared with, this way beside :func:`frame_errors`.
    """
    frames, reconstructions = as_unit_frames(frames, "frames"), as_unit_frames(reconstructions, "reconstructions")
    if frames.shape != reconstructions.shape:
        raise ValueError(f"frames {frames.shape} and reconstructions {reconstructions.shape} differ in shape")
    if len(frames) < 2:
        raise ValueError(f"motion errors need at least 2 frames, got {len(frames)}")
    change = np.diff(frames, axis=0) - np.diff(reconstructions, axis=0)
    errors = (change**2).mean(axis=(1, 2))
    return np.concatenate([errors[:1], errors])


def anomaly_scores(
    frames_by_video: Mapping[str, np.ndarray], reconstructions: Mapping[str, np.ndarray]
) -> dict[str, dict[str, np.ndarray]]:
    """The four scores of :data:`SCORE_NAMES` per test video: ``{score: {video: one score per frame}}``.

    ``"raw error"`` is e(t) (:func:`labutils.video.frame_errors`), ``"regularity"`` 1 - s(t)
    of e(t) per video, ``"motion error"`` m(t) (:func:`motion_errors`) and ``"motion
    regularity"`` 1 - s(t) of m(t); larger = more anomalous throughout. The two regularity
    scores normalise each video by its own smallest and largest error, so they need the
    whole video: offline scores. ``reconstructions`` as :func:`labutils.video.video_errors`
    returns them, for the same videos.
    """
    if not isinstance(frames_by_video, Mapping) or not isinstance(reconstructions, Mapping):
        raise ValueError("frames_by_video and reconstructions must be dicts {video: frames}")
    if not frames_by_video or set(frames_by_video) != set(reconstructions):
        differ = sorted(set(frames_by_video) ^ set(reconstructions))
        raise ValueError(f"frames_by_video and reconstructions must hold the same videos; they differ in {differ}")
    errors = {"raw error": {}, "motion error": {}}
    for name, frames in frames_by_video.items():
        errors["raw error"][name] = frame_errors(frames, reconstructions[name])
        errors["motion error"][name] = motion_errors(frames, reconstructions[name])
    return {
        kind: {name: score_from_errors(values, kind) for name, values in errors[ERROR_OF[kind]].items()}
        for kind in SCORE_NAMES
    }


def score_from_errors(errors: np.ndarray, kind: str) -> np.ndarray:
    """The score ``kind`` of one video from its per-frame errors of kind ``ERROR_OF[kind]``.

    The raw kinds are the errors as they are; the regularity kinds are 1 - s(t) of them
    (:func:`labutils.video.regularity_scores`), normalised within the video. The one rule
    for :func:`anomaly_scores` and the detectors of :mod:`labutils.video_detectors`.
    """
    if kind not in ERROR_OF:
        raise ValueError(f"kind must be one of {list(ERROR_OF)}, got {kind!r}")
    errors = _checks.numbers("errors", errors, ndim=1)
    return errors if kind == ERROR_OF[kind] else 1.0 - regularity_scores(errors)
