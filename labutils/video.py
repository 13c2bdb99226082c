"""Score videos frame by frame: per-frame errors, regularity, frame-level metrics, training videos.

Used by chapter 4 (``04_image_anomaly``: a frame autoencoder on UCSD frames), chapter 6
(``06_ucsd_lab``: the spatio-temporal autoencoder on clips) and ``benchmarks/ucsd.py``.
A video is a ``(frames, height, width)`` array, uint8 or float in [0, 1]; a data set is a
dict ``{video name: frames}`` as :func:`labutils.data.ucsd_frames` returns it, and its
labels a dict ``{video name: bool per frame}`` as :func:`labutils.data.ucsd_ground_truth`
returns it. Anomaly is the positive class, as in :mod:`labutils.metrics`. Reconstructing a video is
inference (:func:`labutils.inference.reconstruct_video`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import keras
import numpy as np

from labutils import _checks, settings
from labutils.data.ucsd_kinds import ANOMALY_KINDS
from labutils.frames import as_unit_frames
from labutils.inference import reconstruct_video
from labutils.metrics import checked_labels, checked_scores, detection_metrics, equal_error_rate, roc_auc

# --------------------------------------------------------------------------- errors


def frame_errors(frames, reconstructions) -> np.ndarray:
    """Per-frame reconstruction error e(t): the mean squared error over the frame's pixels."""
    frames, reconstructions = as_unit_frames(frames, "frames"), as_unit_frames(reconstructions, "reconstructions")
    if frames.shape != reconstructions.shape:
        raise ValueError(f"frames {frames.shape} and reconstructions {reconstructions.shape} differ in shape")
    return ((frames - reconstructions) ** 2).mean(axis=(1, 2))


def video_errors(
    model: keras.Model, frames_by_video: Mapping[str, np.ndarray], batch_size: int = 8
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Reconstruct every video of a data set and score its frames: ``(reconstructions, errors)``.

    Both are dicts keyed like ``frames_by_video``: float32 (frames, height, width) in
    [0, 1] from :func:`reconstruct_video`, and e(t) per frame from :func:`frame_errors`,
    in [0, 1] units at the frames' own size (uint8 frames are divided by 255). The
    chapters score their test videos through the detector contract instead
    (:class:`labutils.video_detectors.VideoAutoencoderDetector`, one video at a time).
    """
    _check_videos(frames_by_video, "frames_by_video")
    reconstructions = {name: reconstruct_video(model, frames, batch_size) for name, frames in frames_by_video.items()}
    errors = {name: frame_errors(frames_by_video[name], rebuilt) for name, rebuilt in reconstructions.items()}
    return reconstructions, errors


# --------------------------------------------------------------------------- training videos


def split_videos(
    frames_by_video: Mapping[str, np.ndarray], validation_fraction: float = settings.VALIDATION_FRACTION
) -> tuple[list[str], list[str]]:
    """Hold out whole videos for validation: ``(fit names, validation names)``.

    Consecutive frames are near-copies, so a random split of frames would validate on
    frames the model has practically seen. The last ``validation_fraction`` of the
    videos, in the dict's order, is held out (at least one, and at least one is kept for
    fitting). Chapters 4 and 6 split the training videos of their frame model with it.
    """
    _check_videos(frames_by_video, "frames_by_video")
    _checks.real("validation_fraction", validation_fraction, 0.0, 1.0, open_low=True, open_high=True)
    names = list(frames_by_video)
    if len(names) < 2:
        raise ValueError(f"frames_by_video holds one video ({names[0]}); a split needs at least 2")
    count = min(max(1, round(validation_fraction * len(names))), len(names) - 1)
    return names[:-count], names[-count:]


def stack_frames(
    frames_by_video: Mapping[str, np.ndarray], names: Sequence[str] | None = None, unit: bool = True
) -> np.ndarray:
    """The frames of the ``names`` videos (default: all) as one model input: float32 (n, h, w, 1) in [0, 1].

    What a frame autoencoder trains on (chapters 4 and 6), e.g. with the names that
    :func:`split_videos` returns. ``unit=False`` keeps the frames as they are (uint8 as
    decoded: a quarter of the memory), what a frame model built with ``frame_size`` takes.
    """
    _check_videos(frames_by_video, "frames_by_video")
    names = list(frames_by_video) if names is None else _checks.strings("names", names)
    unit = _checks.flag("unit", unit)
    unknown = [name for name in names if name not in frames_by_video]
    if unknown:
        raise ValueError(f"names holds videos that frames_by_video lacks: {unknown}")
    videos = [as_unit_frames(frames_by_video[name]) if unit else np.asarray(frames_by_video[name]) for name in names]
    sizes = {video.shape[1:] for video in videos}
    if len(sizes) > 1:
        raise ValueError(f"the videos' frames differ in size: {sorted(sizes)}")
    dtypes = {video.dtype for video in videos}
    if len(dtypes) > 1:
        raise ValueError(f"the videos' frames differ in dtype: {sorted(map(str, dtypes))}; pass unit=True")
    return np.concatenate(videos)[..., None]


def mean_frame(frames_by_video: Mapping[str, np.ndarray], names: Sequence[str] | None = None) -> np.ndarray:
    """The mean of the ``names`` videos' frames (default: all): float32 (height, width) in [0, 1].

    The "mean image" that Hasan et al. (2016) and Chong & Tay (2017) subtract from every
    frame; the video models take it as ``mean_frame`` (chapters 4 and 6 pass the mean of
    the videos they fit on, never of test videos).
    """
    _check_videos(frames_by_video, "frames_by_video")
    names = list(frames_by_video) if names is None else _checks.strings("names", names)
    unknown = [name for name in names if name not in frames_by_video]
    if not names or unknown:
        raise ValueError(f"names must choose videos of frames_by_video, got {names} (unknown: {unknown})")
    sizes = {np.asarray(frames_by_video[name]).shape[1:] for name in names}
    if len(sizes) > 1:
        raise ValueError(f"the videos' frames differ in size: {sorted(sizes)}")
    total, count = np.zeros(next(iter(sizes)), dtype=np.float64), 0
    for name in names:
        unit = as_unit_frames(frames_by_video[name], f"frames_by_video[{name!r}]")
        total += unit.sum(axis=0, dtype=np.float64)
        count += len(unit)
    if count == 0:
        raise ValueError(f"the videos {names} hold no frames")
    return (total / count).astype(np.float32)


# --------------------------------------------------------------------------- an example to show


def example_frames(
    ground_truth: Mapping[str, np.ndarray],
    masks: Mapping | None = None,
    offsets: Sequence[int] = (-2, 0, 2),
    normal_offsets: Sequence[int] = (0,),
) -> tuple[str, list[int]]:
    """Pick a test video to show and the frames to show of it: ``(video name, frame indices)``.

    The video is the first with both normal and anomalous frames, preferring one that
    has pixel ``masks``. The indices are its first normal frame plus each of
    ``normal_offsets``, then the middle frame of its anomaly plus each of ``offsets``,
    all kept inside the video. Chapters 4 and 6 draw frames, heatmaps and GIFs with them.
    """
    if not isinstance(ground_truth, Mapping):
        kind, shape = type(ground_truth).__name__, getattr(ground_truth, "shape", None)
        raise ValueError(f"ground_truth must be a dict {{video: bool per frame}}, got a {kind} (shape {shape})")
    if not ground_truth:
        raise ValueError("ground_truth is an empty dict: it holds no video")
    offsets, normal_offsets = _offsets(offsets, "offsets"), _offsets(normal_offsets, "normal_offsets")
    if masks is not None and not isinstance(masks, Mapping):
        raise ValueError(f"masks must be a dict {{video: pixel masks}} or None, got a {type(masks).__name__}")
    labels_by_video = {name: checked_labels(labels, f"ground_truth[{name!r}]") for name, labels in ground_truth.items()}
    mixed = [name for name, labels in labels_by_video.items() if labels.any() and not labels.all()]
    if not mixed:
        raise ValueError(f"no video in ground_truth has both normal and anomalous frames: {sorted(ground_truth)}")
    name = next((name for name in mixed if masks is not None and name in masks), mixed[0])
    labels = labels_by_video[name]
    normal, anomalous = int(np.flatnonzero(~labels)[0]), int(np.flatnonzero(labels)[labels.sum() // 2])
    last = len(labels) - 1
    return name, [
        *(min(max(normal + offset, 0), last) for offset in normal_offsets),
        *(min(max(anomalous + offset, 0), last) for offset in offsets),
    ]


def anomaly_window(
    ground_truth: Mapping[str, np.ndarray], masks: Mapping | None = None, frames: int = 40
) -> tuple[str, slice]:
    """The video of :func:`example_frames` and a window of ``frames`` frames around the middle of its anomaly.

    ``(video name, slice)``, the window kept inside the video (shorter where the video is).
    Chapters 4 and 6 animate it (:func:`labutils.plotting.save_inference_gif`).
    """
    frames = _checks.whole("frames", frames, 1)
    before = frames // 2
    name, (first, last) = example_frames(ground_truth, masks, offsets=(-before, frames - before - 1),
                                         normal_offsets=())
    return name, slice(first, last + 1)


def _offsets(values, argument: str) -> list[int]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ValueError(f"{argument} must be a list of whole numbers of frames, got {values!r}")
    values = list(values)
    if not all(isinstance(value, (int, np.integer)) and not isinstance(value, bool) for value in values):
        raise ValueError(f"{argument} must be whole numbers of frames, got {values}")
    return [int(value) for value in values]


def _check_videos(frames_by_video, argument: str) -> None:
    if not isinstance(frames_by_video, Mapping):
        kind, shape = type(frames_by_video).__name__, getattr(frames_by_video, "shape", None)
        raise ValueError(f"{argument} must be a dict {{video: frames}}, got a {kind} (shape {shape})")
    if not frames_by_video:
        raise ValueError(f"{argument} is an empty dict: it holds no video")


# --------------------------------------------------------------------------- scores and metrics


def regularity_scores(errors, normalisation: str = "max") -> np.ndarray:
    """Regularity s(t) of one video's frames from their errors e(t): 1 = most regular.

    ``"max"`` is Hasan et al. (2016)'s formula, s(t) = 1 - (e(t) - min e) / max e, which
    keeps s in [min e / max e, 1]. ``"range"`` divides by max e - min e instead, as many
    implementations do, stretching every video to [0, 1]. Chapter 6 uses ``"max"``;
    anomaly scores are 1 - s(t). The ranking within one video is the same for both.
    """
    errors = _checks.numbers("errors", errors, ndim=1)
    if (errors < 0).any():
        raise ValueError("errors must be a non-empty 1-D array of finite, non-negative numbers")
    normalisation = _checks.text("normalisation", normalisation, ("max", "range"))
    low, high = errors.min(), errors.max()
    denominator = high if normalisation == "max" else high - low
    if denominator == 0:
        return np.ones_like(errors)
    return 1.0 - (errors - low) / denominator


def frame_level_evaluation(ground_truth: dict, anomaly_scores: dict) -> dict[str, float]:
    """Frame-level ROC-AUC, PR-AUC and equal error rate pooled over all test videos.

    ``ground_truth`` maps each video to its bool array of anomalous frames (as
    :func:`labutils.data.ucsd_ground_truth` returns it), ``anomaly_scores`` maps the same
    videos to one score per frame (higher = more anomalous, e.g. 1 - regularity).
    """
    _check_videos(ground_truth, "ground_truth")
    _check_videos(anomaly_scores, "anomaly_scores")
    if set(ground_truth) != set(anomaly_scores):
        raise ValueError(f"the videos differ: {sorted(set(ground_truth) ^ set(anomaly_scores), key=str)}")
    videos = sorted(ground_truth, key=str)
    labels = {video: checked_labels(ground_truth[video], f"ground_truth[{video!r}]") for video in videos}
    scores_by_video = {video: checked_scores(anomaly_scores[video], f"anomaly_scores[{video!r}]") for video in videos}
    for video in videos:
        if len(labels[video]) != len(scores_by_video[video]):
            raise ValueError(f"{video}: {len(labels[video])} labels but {len(scores_by_video[video])} scores")
    is_anomaly = np.concatenate([labels[video] for video in videos])
    scores = np.concatenate([scores_by_video[video] for video in videos])
    result = detection_metrics(is_anomaly, scores)
    result["eer"] = equal_error_rate(is_anomaly, scores)
    result["frames"] = len(is_anomaly)
    result["anomalous_frames"] = int(is_anomaly.sum())
    return result


def roc_auc_by_kind(ground_truth: Mapping, kinds: Mapping, scores: Mapping) -> dict[str, float]:
    """Frame-level ROC-AUC per kind of anomaly: ``{"object": ..., "speed": ..., "direction": ..., "all": ...}``.

    For each kind, the scores of the normal frames and the frames of that kind, pooled over
    the test videos as in :func:`frame_level_evaluation`; ``"all"`` pools every frame. The
    three dicts map the same videos to one entry per frame: ``ground_truth`` bool (as
    :func:`labutils.data.ucsd_ground_truth` returns it), ``kinds`` strings, ``"normal"`` or a
    kind (as :func:`labutils.data.ucsd_anomaly_kinds` returns it), ``scores`` higher = more
    anomalous. Kinds with no frame are left out. Chapter 6 prints its table per kind with it.
    """
    for argument, value in (("ground_truth", ground_truth), ("kinds", kinds), ("scores", scores)):
        _check_videos(value, argument)
    if set(ground_truth) != set(kinds) or set(ground_truth) != set(scores):
        differ = (set(ground_truth) ^ set(kinds)) | (set(ground_truth) ^ set(scores))
        raise ValueError(f"ground_truth, kinds and scores must hold the same videos; they differ in {sorted(differ)}")
    videos = sorted(ground_truth, key=str)
    labels_by_video = {video: checked_labels(ground_truth[video], f"ground_truth[{video!r}]") for video in videos}
    kinds_by_video = {video: np.atleast_1d(np.asarray(kinds[video])).astype(str) for video in videos}
    scores_by_video = {video: checked_scores(scores[video], f"scores[{video!r}]") for video in videos}
    for video in videos:
        lengths = len(labels_by_video[video]), len(kinds_by_video[video]), len(scores_by_video[video])
        if len(set(lengths)) > 1:
            raise ValueError(f"{video}: {lengths[0]} labels, {lengths[1]} kinds and {lengths[2]} scores; one per frame")
        anomalous, normal = labels_by_video[video], kinds_by_video[video] == "normal"
        if (anomalous == normal).any():
            frame = int(np.flatnonzero(anomalous == normal)[0]) + 1
            raise ValueError(f"{video}, frame {frame}: ground_truth and kinds disagree on whether it is anomalous")
    is_anomaly = np.concatenate([labels_by_video[video] for video in videos])
    labels = np.concatenate([kinds_by_video[video] for video in videos])
    pooled = np.concatenate([scores_by_video[video] for video in videos])
    if is_anomaly.all() or not is_anomaly.any():
        raise ValueError("roc_auc_by_kind needs both normal and anomalous frames")
    found = set(labels[is_anomaly])
    order = [kind for kind in ANOMALY_KINDS if kind in found] + sorted(found - set(ANOMALY_KINDS))
    result = {}
    for kind in order:
        chosen = ~is_anomaly | (labels == kind)
        result[kind] = roc_auc(is_anomaly[chosen], pooled[chosen])
    result["all"] = roc_auc(is_anomaly, pooled)
    return result
