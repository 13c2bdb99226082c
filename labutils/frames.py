"""Small helpers for video frames that data loaders, scoring and plotting all need.

They live apart from the data set modules so that :mod:`labutils.video` and
:mod:`labutils.plotting` can use them without importing a data set's loader. Used by
chapters 4 and 6 (UCSD) through ``labutils.data``, which re-exports both.
"""

from __future__ import annotations

import numpy as np

from labutils import _checks

#: How far float frames may stray outside [0, 1] (rounding in a model's last layers) before they are refused.
UNIT_TOLERANCE = 1e-3


def as_unit_frames(frames, name: str = "frames", at_least: int = 0) -> np.ndarray:
    """Frames (..., height, width) as float32 in [0, 1]: uint8 is divided by 255, floats are kept.

    Takes one video (frames, height, width) or more axes in front (clips, batches of clips).
    Frames of any other type, or floats outside [0, 1] (say 0-255 as floats), raise
    ``ValueError`` naming ``name``: they cannot be told apart from frames on the [0, 1]
    scale, and an error between the two would be off by 255 squared without a word. With
    ``at_least``, fewer frames than that raise ``ValueError`` too (the mean of no frames is NaN).
    :func:`labutils.video.stack_frames` turns decoded frames into model inputs with it
    (chapters 4 and 6); :mod:`labutils.video` and :mod:`labutils.plotting` use it too.
    """
    try:
        frames = np.asarray(frames)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of frames, got a ragged {type(frames).__name__}") from None
    if frames.ndim < 3:
        raise ValueError(f"{name} must have shape (frames, height, width), got {frames.shape}")
    if len(frames) < _checks.whole("at_least", at_least, 0):
        raise ValueError(f"{name} must hold at least {at_least} frame{'s' if at_least > 1 else ''}, "
                         f"got shape {frames.shape}")
    if frames.dtype != np.uint8 and frames.dtype.kind not in "bf":
        raise ValueError(f"{name} must be uint8 or floats in [0, 1], got {frames.dtype}")
    unit = frames.astype(np.float32)  # a new array, so scaling it in place is safe
    if frames.dtype == np.uint8:
        unit /= 255.0
    elif unit.size:
        low, high = float(unit.min()), float(unit.max())  # NaN makes both NaN
        if not (-UNIT_TOLERANCE <= low and high <= 1.0 + UNIT_TOLERANCE):
            raise ValueError(
                f"{name} must be uint8 or floats in [0, 1], got {frames.dtype} from {low:g} to {high:g}"
                + (" (divide by 255, or pass uint8)" if high > 1.0 else "")
            )
    return unit


def grey_images(images, name: str = "images") -> np.ndarray:
    """``images`` (n, height, width) or (n, height, width, 1), checked to be drawn as they are on a grey scale.

    uint8 (0-255) or floats in [0, 1], as :func:`as_unit_frames` takes them; anything else
    would be drawn clipped or as one colour. Returns the array unchanged. For
    :mod:`labutils.plotting`.
    """
    images = np.asarray(images)
    grey = images[..., 0] if images.ndim == 4 and images.shape[-1] == 1 else images
    as_unit_frames(grey, name)
    if grey.ndim != 3:
        raise ValueError(f"{name} must be grey images (n, height, width) or (n, height, width, 1), got {images.shape}")
    return images


def clip_starts(length: int, clip_length: int, stride: int = 1, step: int | None = None) -> list[int]:
    """First frames of the clips cut from a video of ``length`` frames.

    A clip takes ``clip_length`` frames, ``stride`` apart; clips start every ``step``
    frames (default ``clip_length``: consecutive clips that do not overlap, as the
    slides' lab cut them).
    """
    length = _checks.whole("length", length, 0)
    clip_length = _checks.whole("clip_length", clip_length, 1)
    stride = _checks.whole("stride", stride, 1)
    step = clip_length if step is None else _checks.whole("step", step, 1)
    span = stride * (clip_length - 1) + 1
    return list(range(0, length - span + 1, step))
