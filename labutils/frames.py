"""Small helpers for video frames that data loaders, scoring and plotting all need.

They live apart from the data set modules so that :mod:`labutils.video` and
:mod:`labutils.plotting` can use them without importing a data set's loader. Used by
chapters 4 and 6 (UCSD) through ``labutils.data``, which re-exports both.
"""

from __future__ import annotations

import numpy as np


def as_unit_frames(frames) -> np.ndarray:
    """Frames (..., height, width) as float32 in [0, 1]: uint8 is divided by 255, floats are kept.

    Takes one video (frames, height, width) or more axes in front (clips, batches of clips).
    :func:`labutils.video.stack_frames` turns decoded frames into model inputs with it
    (chapters 4 and 6); :mod:`labutils.video` and :mod:`labutils.plotting` use it too.
    """
    frames = np.asarray(frames)
    if frames.ndim < 3:
        raise ValueError(f"frames must have shape (frames, height, width), got {frames.shape}")
    unit = frames.astype(np.float32)  # a new array, so scaling it in place is safe
    if frames.dtype == np.uint8:
        unit /= 255.0
    return unit


def clip_starts(length: int, clip_length: int, stride: int = 1, step: int | None = None) -> list[int]:
    """First frames of the clips cut from a video of ``length`` frames.

    A clip takes ``clip_length`` frames, ``stride`` apart; clips start every ``step``
    frames (default ``clip_length``: consecutive clips that do not overlap, as the
    slides' lab cut them).
    """
    if clip_length < 1 or stride < 1 or (step is not None and step < 1):
        raise ValueError(
            f"clip_length, stride and step must be positive, got clip_length={clip_length}, "
            f"stride={stride}, step={step}"
        )
    if length < 0:
        raise ValueError(f"length must not be negative, got {length}")
    span = stride * (clip_length - 1) + 1
    return list(range(0, length - span + 1, step or clip_length))
