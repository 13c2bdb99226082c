"""Run trained models: model input, batched prediction, reconstructions and reconstruction errors.

The one owner of the input rule: a model built with ``frame_size`` (the video models of
chapters 4 and 6) takes uint8 frames and scales them itself; every other model takes
float32. :func:`as_model_input` turns what a caller passes into what the model takes
(uint8 stays uint8, [0, 1] floats become 0-255 for a uint8 model), and every function
here goes through it. Used by chapters 2, 3, 4 and 6, :mod:`labutils.detectors`,
:mod:`labutils.one_class`, :mod:`labutils.video` and the benchmarks.
"""

from __future__ import annotations

import keras
import numpy as np

from labutils import _checks
from labutils.frames import as_unit_frames, clip_starts


def takes_uint8(model: keras.Model) -> bool:
    """Whether ``model`` takes uint8 input: the video models built with ``frame_size`` (chapters 4 and 6).

    Such a model scales its input to [0, 1] itself; every other model takes floats.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, got a {type(model).__name__}")
    inputs = model.inputs or []
    return len(inputs) == 1 and keras.backend.standardize_dtype(inputs[0].dtype) == "uint8"


def as_model_input(model: keras.Model, x, name: str = "x") -> np.ndarray:
    """Return ``x`` as float32 reshaped to the model's input, e.g. (n, 140) → (n, 140, 1).

    For a model that takes uint8 (:func:`takes_uint8`), uint8 ``x`` stays uint8 and float
    ``x`` in [0, 1] is converted to 0-255 (rounded), so either kind of frames can be passed.
    Raises ``ValueError`` naming ``name`` (the caller's argument) and the caller's shape for
    anything that is not a non-empty array of finite numbers, one example per row.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, got a {type(model).__name__}")
    shape = tuple(model.input_shape[1:])
    uint8 = takes_uint8(model)
    try:
        x = np.asarray(x)
        if huge := _checks.beyond_float32(x):  # checked before the cast turns them into inf
            raise ValueError(f"{name} (shape {x.shape}) holds {huge} values beyond float32's range")
        if not (uint8 and x.dtype == np.uint8):
            x = x.astype(np.float32, copy=False)
    except (TypeError, ValueError) as error:
        got = f"{x.dtype} values" if isinstance(x, np.ndarray) else f"a ragged {type(x).__name__}"
        numbers = f"{name} must be an array of numbers, got {got}"
        raise ValueError(str(error) if "float32" in str(error) else numbers) from None
    if x.ndim == 0 or not _same_example_shape(x.shape[1:], shape):
        hint = f" (one example? pass {name}[None])" if _same_example_shape(x.shape, shape) else ""
        raise ValueError(f"{model.name} takes examples of shape {shape}; {name} has shape {x.shape}{hint}")
    if len(x) == 0:
        raise ValueError(f"{name} is empty (shape {x.shape}): nothing to score or train on")
    if not np.all(np.isfinite(x)):
        bad = int(np.size(x) - np.count_nonzero(np.isfinite(x)))
        raise ValueError(f"{name} (shape {x.shape}) holds {bad} NaN or infinite values")
    if uint8 and x.dtype != np.uint8:
        low, high = float(x.min()), float(x.max())
        if low < 0.0 or high > 1.0:
            raise ValueError(f"{model.name} takes uint8 frames, or floats in [0, 1]; {name} holds floats from "
                             f"{low:g} to {high:g}")
        x = np.round(x * 255.0).astype(np.uint8)
    return x.reshape((len(x), *shape))


def _same_example_shape(given: tuple, expected: tuple) -> bool:
    """Whether examples of shape ``given`` fit the model's ``expected`` ones without scrambling them.

    Axes of length 1 may be missing or extra ((140,) fits (140, 1), (28, 28) fits (28, 28, 1)), and
    flat examples may be unflattened ((784,) fits (28, 28, 1), the inverse of ``x.reshape(n, -1)``).
    Examples with several axes of another shape are refused although they hold as many numbers:
    (70, 2) into (140, 1) would silently interleave two columns into one signal.
    """
    given, expected = tuple(size for size in given if size != 1), tuple(size for size in expected if size != 1)
    return given == expected or (len(given) == 1 and given[0] == int(np.prod(expected)))


def predict(model: keras.Model, x, batch_size: int = 1024, name: str = "x") -> np.ndarray:
    """The model's outputs for ``x`` (checked by :func:`as_model_input`, naming ``name``), batch by batch, as numpy.

    Calling the model on fixed-size batches avoids ``predict()``'s retracing warnings. The
    one batched loop of the package: reconstructions, an encoder's codes and Deep SVDD's
    distances all come from here.
    """
    batch_size = _checks.whole("batch_size", batch_size, 1)
    x_input = as_model_input(model, x, name)
    parts = [
        keras.ops.convert_to_numpy(model(x_input[start : start + batch_size], training=False))
        for start in range(0, len(x_input), batch_size)
    ]
    return np.concatenate(parts)


def features(model: keras.Model, x, batch_size: int = 1024, name: str = "x") -> np.ndarray:
    """The model's outputs for ``x`` as one flat float64 row per example: an encoder's codes or feature maps.

    Chapter 2's hybrid detectors score them, and Deep SVDD's center is their mean.
    """
    outputs = predict(model, x, batch_size, name)
    return outputs.reshape(len(outputs), -1).astype(np.float64)


def reconstruct(model: keras.Model, x, batch_size: int = 1024) -> np.ndarray:
    """Return the model's reconstructions of ``x``, shaped like ``x``."""
    return predict(model, x, batch_size).reshape(np.shape(x))


def reconstruction_errors(model: keras.Model, x, batch_size: int = 1024) -> np.ndarray:
    """Return one anomaly score per example: the mean absolute reconstruction error.

    Higher means more anomalous. In the units of ``x`` (the ECG models undo their own
    scaling; for a model that takes uint8 frames, in [0, 1]), averaged over every value
    of an example.
    """
    x_input = as_model_input(model, x)
    targets = x_input / np.float32(255.0) if x_input.dtype == np.uint8 else x_input  # a uint8 model rebuilds [0, 1]
    difference = np.abs(reconstruct(model, x_input, batch_size) - targets)
    return difference.reshape(len(x_input), -1).mean(axis=1)


def structural_errors(model: keras.Model, x, batch_size: int = 1024, window: int = 7) -> np.ndarray:
    """One anomaly score per image: 1 - the structural similarity (SSIM) of its reconstruction (chapter 2).

    ``x`` holds images (n, height, width[, channels]) in [0, 1] (uint8 for a model that takes
    uint8). SSIM (Wang et al., 2004) compares local means, contrasts and correlations in a
    Gaussian ``window`` (sigma 1.5, the usual constants for a data range of 1) over every
    position where the window fits, averaged per image, as ``tf.image.ssim`` does. Unlike a
    mean pixel error, it asks whether the strokes are where the image has them: a rebuilt
    digit that is a little blurred scores near 0, a digit rebuilt as another shape near 1.
    Higher = more anomalous.
    """
    from scipy import ndimage

    window = _checks.whole("window", window, 3)
    x_input = as_model_input(model, x)
    targets = x_input / np.float32(255.0) if x_input.dtype == np.uint8 else x_input
    if targets.ndim == 3:
        targets = targets[..., None]
    if targets.ndim != 4 or min(targets.shape[1:3]) < window:
        raise ValueError(f"x must hold images of at least {window}x{window} pixels, got shape {np.shape(x)}")
    rebuilt = reconstruct(model, x_input, batch_size).reshape(targets.shape).astype(np.float64)
    targets = targets.astype(np.float64)
    offsets = np.arange(window) - (window - 1) / 2
    weights = np.exp(-(offsets**2) / (2 * 1.5**2))
    weights /= weights.sum()
    edge = window // 2

    def local_mean(values):
        for axis in (1, 2):
            values = ndimage.correlate1d(values, weights, axis=axis, mode="constant")
        return values[:, edge : values.shape[1] - edge, edge : values.shape[2] - edge]

    mean_x, mean_y = local_mean(targets), local_mean(rebuilt)
    var_x = local_mean(targets**2) - mean_x**2
    var_y = local_mean(rebuilt**2) - mean_y**2
    covariance = local_mean(targets * rebuilt) - mean_x * mean_y
    c1, c2 = 0.01**2, 0.03**2
    similarity = ((2 * mean_x * mean_y + c1) * (2 * covariance + c2)) / (
        (mean_x**2 + mean_y**2 + c1) * (var_x + var_y + c2)
    )
    return 1.0 - similarity.reshape(len(similarity), -1).mean(axis=1)


def reconstruction_mse(model, x, targets=None, batch_size: int = 1024) -> float:
    """Mean squared error between the reconstructions of ``x`` and ``targets`` (default: ``x``).

    Averaged over every value of every example: chapter 2's "test reconstruction MSE".
    ``model`` is a Keras autoencoder or anything with a ``reconstruct(x)`` method, such
    as :class:`labutils.baselines.PCAReconstruction`, so that chapter 2 compares both
    with one number. Pass clean ``targets`` for noisy ``x`` to score a denoiser. A model
    that takes uint8 frames (:func:`takes_uint8`) gets uint8 ``x`` as it is, and uint8
    targets are divided by 255, as its reconstructions are in [0, 1].
    """
    uint8 = not hasattr(model, "reconstruct") and takes_uint8(model)
    batch_size = _checks.whole("batch_size", batch_size, 1)
    x = np.asarray(x)
    if not (uint8 and x.dtype == np.uint8):
        x = _checks.numbers("x", x, at_least=0, float32=True).astype(np.float32)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty array of examples, got shape {x.shape}")
    targets = x if targets is None else np.asarray(targets)
    if not (uint8 and targets.dtype == np.uint8):
        targets = _checks.numbers("targets", targets, at_least=0, float32=True).astype(np.float32)
    targets = targets / np.float32(255.0) if targets.dtype == np.uint8 else targets
    if targets.shape != x.shape:
        raise ValueError(f"targets must be shaped like x {x.shape}, got {targets.shape}")
    if hasattr(model, "reconstruct"):
        rebuilt = np.asarray(model.reconstruct(x), dtype=np.float32).reshape(x.shape)
    else:
        rebuilt = reconstruct(model, x, batch_size)
    return float(np.mean((rebuilt - targets) ** 2))


# --------------------------------------------------------------------------- video


def reconstruct_video(model: keras.Model, frames, batch_size: int = 8) -> np.ndarray:
    """Reconstruct every frame of one video: float32 (frames, height, width) in [0, 1].

    ``frames`` is uint8 or [0, 1] float, shaped (frames, height, width); a model that takes
    uint8 (built with ``frame_size``, :func:`takes_uint8`) gets uint8 frames, any other
    model [0, 1] floats. A frame model (input (height, width, 1), chapter 4) sees each
    frame alone. A clip model (input (clip_length, height, width, 1), chapter 6) sees
    consecutive clips; when the length is not a multiple of the clip length, one more clip
    ends at the last frame and the frames two clips share get the mean of both
    reconstructions.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, got a {type(model).__name__}")
    frames = as_unit_frames(frames)  # checks uint8 or [0, 1] floats; as_model_input converts for the model
    shape = tuple(model.input_shape[1:])
    if shape[-3:-1] != frames.shape[1:]:
        raise ValueError(f"{model.name} takes frames of {shape[-3:-1]}, the video's are {frames.shape[1:]}")
    if len(shape) == 3:
        return reconstruct(model, frames[..., None], batch_size)[..., 0]
    clip_length = shape[0]
    if len(frames) < clip_length:
        raise ValueError(f"the video has {len(frames)} frames, fewer than one clip of {clip_length}")
    starts = clip_starts(len(frames), clip_length)
    if starts[-1] + clip_length < len(frames):
        starts.append(len(frames) - clip_length)
    clips = np.stack([frames[start : start + clip_length] for start in starts])[..., None]
    reconstructed = reconstruct(model, clips, batch_size)[..., 0]
    total = np.zeros(frames.shape, dtype=np.float32)
    count = np.zeros(len(frames), dtype=np.float32)
    for start, clip in zip(starts, reconstructed):
        total[start : start + clip_length] += clip
        count[start : start + clip_length] += 1
    return total / count[:, None, None]
