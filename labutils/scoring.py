"""Train autoencoders on normal data, score examples, choose thresholds, compute metrics.

Anomaly is the **positive** class everywhere: a score is higher for a more anomalous
example, a prediction is True for "anomaly", and precision, recall, F1, ROC-AUC and
PR-AUC are about finding anomalies. Used by chapter 1 (toy detectors), chapter 3 (the
ECG lab) and the benchmarks.
"""

from __future__ import annotations

import keras
import numpy as np
from sklearn import metrics

from labutils import _checks, settings
from labutils.progress import progress_bar
from labutils.models import MinMaxScaling

#: Share of the normal training examples held out for validation (see :mod:`labutils.settings`).
VALIDATION_FRACTION = settings.VALIDATION_FRACTION


def takes_uint8(model: keras.Model) -> bool:
    """Whether ``model`` takes uint8 input: the video models built with ``frame_size`` (chapters 4 and 6).

    Such a model scales its input to [0, 1] itself; every other model takes floats.
    """
    inputs = getattr(model, "inputs", None) or []
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
        numbers = f"{name} must be an array of numbers, got {type(x).__name__}"
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


def split_normal(
    x_normal, validation_fraction: float = VALIDATION_FRACTION, seed: int = 42
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle normal examples and split them into (training, validation) parts."""
    x_normal = np.asarray(x_normal)
    _checks.real("validation_fraction", validation_fraction, 0.0, 1.0, open_low=True, open_high=True)
    seed = _checks.whole("seed", seed, 0)
    if x_normal.ndim == 0:
        raise ValueError(f"x_normal must be an array of examples, got shape {x_normal.shape}")
    n_validation = max(1, round(validation_fraction * len(x_normal)))
    if len(x_normal) - n_validation < 1:
        raise ValueError(f"{len(x_normal)} normal examples are too few to split off a validation set")
    order = np.random.default_rng(seed).permutation(len(x_normal))
    return x_normal[order[n_validation:]], x_normal[order[:n_validation]]


def _scaling_layers(model: keras.Model) -> list[MinMaxScaling]:
    found = []
    for layer in model.layers:
        if isinstance(layer, MinMaxScaling) and layer not in found:
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found.extend(inner for inner in _scaling_layers(layer) if inner not in found)
    return found


def progress_callback(description: str, epochs: int) -> keras.callbacks.Callback:
    """One progress bar over the epochs of ``model.fit`` (pass ``verbose=0`` to ``fit``).

    Used by :func:`fit_autoencoder` and by the chapters that call ``model.fit``
    themselves (denoising in chapter 2, clips in chapter 6).
    """
    import warnings

    from tqdm.std import TqdmWarning

    with warnings.catch_warnings():  # tqdm.keras imports tqdm.auto, which warns where ipywidgets is missing
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.keras import TqdmCallback

    return TqdmCallback(epochs=epochs, verbose=0, tqdm_class=progress_bar, desc=description)


def training_options(defaults: dict, epochs, batch_size, patience) -> tuple[int, int, int]:
    """``epochs``, ``batch_size`` and ``patience``, each checked, or the settings row's where None.

    :func:`fit_autoencoder` and :func:`labutils.one_class.fit_deep_svdd` share it.
    """
    return (
        _checks.whole("epochs", defaults["epochs"] if epochs is None else epochs, 1),
        _checks.whole("batch_size", defaults["batch_size"] if batch_size is None else batch_size, 1),
        _checks.whole("patience", defaults["patience"] if patience is None else patience, 0),
    )


def fit_autoencoder(
    model: keras.Model,
    x_normal,
    profile: str | None = None,
    *,
    lab: str | None = None,
    validation_data=None,
    epochs: int | None = None,
    batch_size: int | None = None,
    patience: int | None = None,
    callbacks: list | None = None,
    seed: int = 42,
    progress: bool = True,
) -> keras.callbacks.History:
    """Train an autoencoder to reconstruct normal examples, with the lab's defaults.

    Fits the model's :class:`~labutils.models.MinMaxScaling` on the training examples
    only, keeps ``validation_data`` (or :data:`VALIDATION_FRACTION` of ``x_normal``) of
    *normal* examples for early stopping, and restores the
    weights of the best validation epoch. The defaults come from row ``lab`` of
    :mod:`labutils.settings` for ``profile``; without ``lab``, the row that trains this
    labutils model (:data:`labutils.settings.MODEL_LABS`, e.g. ``one_class_mnist`` for
    ``conv_autoencoder``; the ECG lab's for any other model). ``epochs``, ``batch_size``
    and ``patience`` override them. Shows one progress bar over the epochs.
    """
    defaults = settings.get(settings.lab_for(model.name) if lab is None else lab, profile)
    epochs, batch_size, patience = training_options(defaults, epochs, batch_size, patience)
    seed, progress = _checks.whole("seed", seed, 0), _checks.flag("progress", progress)
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        raise ValueError(f"callbacks must be a list of Keras callbacks or None, got {_checks.shown(callbacks)}")

    x_normal = as_model_input(model, x_normal, "x_normal")  # checked as the caller passed it
    if validation_data is None:
        x_train, x_validation = split_normal(x_normal, defaults["validation_fraction"], seed=seed)
    else:
        x_train, x_validation = x_normal, as_model_input(model, validation_data, "validation_data")
    for scaling in _scaling_layers(model):
        scaling.adapt(x_train)

    all_callbacks = [keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)] if patience else []
    if progress:
        all_callbacks.append(progress_callback(model.name, epochs))
    all_callbacks.extend(callbacks or [])
    return model.fit(
        x_train,
        x_train,
        validation_data=(x_validation, x_validation),
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        callbacks=all_callbacks,
        verbose=0,
    )


def reconstruct(model: keras.Model, x, batch_size: int = 1024) -> np.ndarray:
    """Return the model's reconstructions of ``x``, shaped like ``x``."""
    batch_size = _checks.whole("batch_size", batch_size, 1)
    x_input = as_model_input(model, x)
    # Calling the model on fixed-size batches avoids predict()'s retracing warnings.
    parts = [
        keras.ops.convert_to_numpy(model(x_input[start : start + batch_size], training=False))
        for start in range(0, len(x_input), batch_size)
    ]
    return np.concatenate(parts).reshape(np.shape(x))


def reconstruction_errors(model: keras.Model, x, batch_size: int = 1024) -> np.ndarray:
    """Return one anomaly score per example: the mean absolute reconstruction error.

    Higher means more anomalous. In the units of ``x`` (the ECG models undo their own
    scaling; for a model that takes uint8 frames, in [0, 1]), averaged over every value
    of an example.
    """
    batch_size = _checks.whole("batch_size", batch_size, 1)
    x_input = as_model_input(model, x)
    targets = x_input / np.float32(255.0) if x_input.dtype == np.uint8 else x_input  # a uint8 model rebuilds [0, 1]
    difference = np.abs(reconstruct(model, x_input, batch_size) - targets)
    return difference.reshape(len(x_input), -1).mean(axis=1)


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
        x = _checks.numbers("x", x, at_least=0).astype(np.float32)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty array of examples, got shape {x.shape}")
    targets = x if targets is None else np.asarray(targets)
    if not (uint8 and targets.dtype == np.uint8):
        targets = _checks.numbers("targets", targets, at_least=0).astype(np.float32)
    targets = targets / np.float32(255.0) if targets.dtype == np.uint8 else targets
    if targets.shape != x.shape:
        raise ValueError(f"targets must be shaped like x {x.shape}, got {targets.shape}")
    if hasattr(model, "reconstruct"):
        rebuilt = np.asarray(model.reconstruct(x), dtype=np.float32).reshape(x.shape)
    else:
        rebuilt = reconstruct(model, x, batch_size)
    return float(np.mean((rebuilt - targets) ** 2))


# --------------------------------------------------------------------------- thresholds


def threshold_mean_std(normal_errors, k: float = 1.0) -> float:
    """Mean plus ``k`` standard deviations of the errors on normal examples (the seed lab's rule)."""
    normal_errors = _scores(normal_errors, "normal_errors")
    return float(normal_errors.mean() + _checks.real("k", k) * normal_errors.std())


def threshold_percentile(normal_errors, percentile: float = 95.0) -> float:
    """The ``percentile``-th percentile of the errors on normal examples.

    Sets the false alarm rate on normal data to about ``100 - percentile`` percent,
    whatever the shape of the error distribution.
    """
    percentile = _checks.real("percentile", percentile, 0.0, 100.0)
    return float(np.percentile(_scores(normal_errors, "normal_errors"), percentile))


def threshold_best_f1(is_anomaly, scores) -> float:
    """The threshold that maximises F1 on a *labelled* set, anomalies included.

    Needs labelled anomalies: tune it on a validation set, never on the test set, or
    the reported F1 is optimistic.
    """
    is_anomaly, scores = _labels_and_scores(is_anomaly, scores)
    _checks.both_classes("threshold_best_f1", is_anomaly)
    precision, recall, thresholds = metrics.precision_recall_curve(is_anomaly, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    # precision_recall_curve predicts "anomaly" for score >= threshold; detection_metrics
    # uses score > threshold, so step just below the chosen score.
    return float(np.nextafter(thresholds[int(np.argmax(f1[:-1]))], -np.inf))


# --------------------------------------------------------------------------- metrics


def predict_anomalies(scores, threshold: float) -> np.ndarray:
    """Return True for every example whose score is above the threshold (a finite number)."""
    return _scores(scores) > _checks.real("threshold", threshold)


def detection_metrics(is_anomaly, scores, threshold: float | None = None) -> dict[str, float]:
    """Metrics with anomaly as the positive class.

    ROC-AUC and PR-AUC (average precision) from the scores alone; with a threshold,
    also accuracy, precision, recall and F1 of the predictions ``score > threshold``
    (precision and F1 are 0 when nothing is flagged, as scikit-learn's ``zero_division=0``).
    """
    is_anomaly, scores = _labels_and_scores(is_anomaly, scores)
    _checks.both_classes("the detection metrics", is_anomaly)
    if threshold is not None:
        threshold = _checks.real("threshold", threshold)
    result = {
        "roc_auc": float(metrics.roc_auc_score(is_anomaly, scores)),
        "pr_auc": float(metrics.average_precision_score(is_anomaly, scores)),
    }
    if threshold is not None:
        # Counted here: scikit-learn's four functions would cost ten times more, which
        # matters where labutils.rates computes these on hundreds of resampled test sets.
        predicted = predict_anomalies(scores, threshold)
        true_positives = int(np.count_nonzero(predicted & is_anomaly))
        flagged, anomalies = int(np.count_nonzero(predicted)), int(np.count_nonzero(is_anomaly))
        result.update(
            accuracy=float(np.mean(predicted == is_anomaly)),
            precision=true_positives / flagged if flagged else 0.0,
            recall=true_positives / anomalies,
            f1=2 * true_positives / (flagged + anomalies),
        )
    return result


def _labels(is_anomaly, name: str = "is_anomaly") -> np.ndarray:
    return _checks.booleans(name, is_anomaly)


def _scores(scores, name: str = "scores") -> np.ndarray:
    return _checks.numbers(name, scores, ndim=1)


def _labels_and_scores(is_anomaly, scores) -> tuple[np.ndarray, np.ndarray]:
    """Labels and scores, checked, one score per label."""
    is_anomaly, scores = _labels(is_anomaly), _scores(scores)
    if len(is_anomaly) != len(scores):
        raise ValueError(f"{len(is_anomaly)} labels but {len(scores)} scores: is_anomaly and scores must match")
    return is_anomaly, scores


#: Video scoring moved to :mod:`labutils.video`; these names keep working here too.
_MOVED_TO_VIDEO = (
    "reconstruct_video", "frame_errors", "regularity_scores", "equal_error_rate", "frame_level_evaluation",
)


def __getattr__(name: str):
    if name in _MOVED_TO_VIDEO:  # imported on first use: labutils.video imports this module
        from labutils import video

        return getattr(video, name)
    raise AttributeError(f"module 'labutils.scoring' has no attribute {name!r}")
