"""One contract for every detector the course teaches: ``fit`` on normal examples, ``score`` any set.

As in scikit-learn and PyOD, a detector is fitted once on normal examples and then scores
as many sets as needed, one score per example, **larger = more anomalous**:

    detector = AutoencoderDetector(models.dense_ecg_autoencoder()).fit(normal_beats)
    scores = detector.score(test_beats)
    cut = threshold(detector, held_out_normal_beats, "mean+std")

:class:`Detector` is the contract; :class:`AutoencoderDetector` wraps a Keras autoencoder
(trained by :func:`labutils.training.fit_autoencoder`, scored by its reconstruction error);
the classical detectors (:mod:`labutils.baselines`), the hybrid and Deep SVDD
(:mod:`labutils.one_class`) follow it too. :meth:`Detector.storage` says what a fitted
detector keeps, for :mod:`labutils.costs`. :func:`threshold` is the one way a threshold
comes from held-out normal examples. Used by chapters 1, 2 and 3, :mod:`labutils.costs`
and the benchmarks.
"""

from __future__ import annotations

import keras
import numpy as np

from labutils import _checks, inference, metrics, training

#: The rules :func:`threshold` knows: the seed lab's mean + k standard deviations, or a percentile.
THRESHOLD_RULES = ("mean+std", "percentile")

#: How :class:`AutoencoderDetector` measures a bad reconstruction: the mean absolute error
#: (:func:`labutils.inference.reconstruction_errors`) or 1 - SSIM for images
#: (:func:`labutils.inference.structural_errors`, chapter 2).
ERRORS = ("absolute", "structural")


def flat_examples(x, argument: str, at_least: int = 1) -> np.ndarray:
    """``x`` (n, ...) as float64 rows (n, values), checked: at least ``at_least`` examples of finite numbers."""
    if np.ndim(x) < 2 or len(x) < at_least:
        least = "" if at_least == 1 else f", at least {at_least} of them"
        raise ValueError(f"{argument} must be a non-empty array of examples (n, ...){least}, got shape {np.shape(x)}")
    x = _checks.numbers(argument, x, at_least=at_least)
    return x.reshape(len(x), -1)


class Detector:
    """A detector of anomalies: ``fit(x_normal)`` once, then ``score(x)`` for any ``x``.

    The base class flattens examples of any shape to vectors and checks them; a subclass
    implements ``_fit`` and ``_score`` on 2-D arrays (the classical detectors, the hybrid),
    or overrides :meth:`fit` and :meth:`score` where a Keras model checks its own input
    (:class:`AutoencoderDetector`, Deep SVDD).
    """

    def fit(self, x_normal) -> Detector:
        """Learn what normal looks like from ``x_normal`` (n, ...; at least 2 examples) and return the detector."""
        x_normal = flat_examples(x_normal, "x_normal", at_least=2)  # one example has no spread: every score would tie
        self._fit(x_normal)
        self.n_features_ = x_normal.shape[1]
        return self

    def score(self, x) -> np.ndarray:
        """One anomaly score per example of ``x`` (n, ...): larger = more anomalous."""
        return np.asarray(self._score(self._checked(x)), dtype=np.float64)

    def storage(self) -> dict[str, object]:
        """What the fitted detector keeps to score new examples: ``{"stored", "numbers", "bytes"}``."""
        raise ValueError(f"{type(self).__name__} does not say what it stores")

    def _checked_fitted(self) -> None:
        if not hasattr(self, "n_features_"):
            raise ValueError(f"{type(self).__name__} is not fitted yet: call fit(x_normal) first")

    def _checked(self, x) -> np.ndarray:
        self._checked_fitted()
        x = flat_examples(x, "x")
        if x.shape[1] != self.n_features_:
            raise ValueError(f"x has {x.shape[1]} values per example, the detector was fitted on {self.n_features_}")
        return x

    def _fit(self, x: np.ndarray) -> None:
        raise NotImplementedError

    def _score(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError


def arrays_stored(what: str, arrays) -> dict[str, object]:
    """``{"stored": what, "numbers", "bytes"}`` for the arrays a fitted detector keeps."""
    what = _checks.text("what", what)
    arrays = [np.asarray(array) for array in _checks.sequence("arrays", arrays)]
    return {"stored": what, "numbers": sum(a.size for a in arrays), "bytes": sum(a.nbytes for a in arrays)}


def keras_storage(model: keras.Model) -> dict[str, object]:
    """What a Keras model keeps: its weights (float32 as they are held)."""
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, got {type(model).__name__}")
    weights = [keras.ops.convert_to_numpy(weight) for weight in model.weights]
    return arrays_stored(f"{model.count_params()} weights", weights)


class AutoencoderDetector(Detector):
    """A Keras autoencoder as a detector: trained to rebuild normal examples, scored by how badly it rebuilds.

    ``model`` stays the reader's own Keras model (``detector.model``); :meth:`fit` trains it
    with :func:`labutils.training.fit_autoencoder` and the lab's settings (``fit_options``:
    ``profile``, ``lab``, ``epochs``, ``batch_size``, ``patience``, ``seed``, ``progress``,
    ``callbacks``, ``validation_data``) and keeps the Keras history as ``history``; :meth:`score` is
    :func:`labutils.inference.reconstruction_errors`, the mean absolute error per example
    (``error="absolute"``), or for images 1 - their structural similarity
    (``error="structural"``, :func:`labutils.inference.structural_errors`). A model trained
    elsewhere (loaded from disk, or by another detector) is wrapped with ``trained=True``.
    """

    def __init__(self, model: keras.Model, *, error: str = "absolute", trained: bool = False, **fit_options):
        if not isinstance(model, keras.Model):
            raise ValueError(f"model must be a Keras autoencoder, got {type(model).__name__}")
        self.model = model
        self.error = _checks.text("error", error, ERRORS)
        self.trained = _checks.flag("trained", trained)
        self.fit_options = fit_options
        self.history = None

    def fit(self, x_normal, validation_data=None) -> AutoencoderDetector:
        """Train the autoencoder on normal examples and return self.

        ``validation_data`` (held-out normal examples, for early stopping) may also be given
        once to the constructor, so that a loop calls ``fit(x_normal)`` on every detector alike.
        """
        options = dict(self.fit_options)
        if validation_data is not None:
            options["validation_data"] = validation_data
        self.history = training.fit_autoencoder(self.model, x_normal, **options)
        self.trained = True
        return self

    def score(self, x) -> np.ndarray:
        """How badly each example of ``x`` is rebuilt (``error``): larger = more anomalous."""
        if not self.trained:
            raise ValueError(f"{self.model.name} is not trained yet: call fit(x_normal) first")
        if self.error == "structural":
            return inference.structural_errors(self.model, x)
        return inference.reconstruction_errors(self.model, x)

    def storage(self) -> dict[str, object]:
        """The autoencoder's weights."""
        return keras_storage(self.model)


def threshold(detector: Detector, x_normal, rule: str = "mean+std", value: float | None = None) -> float:
    """A threshold from the scores of held-out **normal** examples ``x_normal``; flag ``score > threshold``.

    ``rule="mean+std"``: mean plus ``value`` (default 1) standard deviations, the seed lab's
    rule (:func:`labutils.metrics.threshold_mean_std`); ``rule="percentile"``: the ``value``-th
    percentile (default 95), a false alarm rate of about ``100 - value`` percent on normal data
    (:func:`labutils.metrics.threshold_percentile`). Never pass test examples. ``x_normal`` must
    hold at least 2 examples: one score has no spread, and the threshold would be that score.
    """
    if not hasattr(detector, "score"):
        raise ValueError(f"detector must follow labutils.detectors.Detector (fit, score), "
                         f"got {type(detector).__name__}")
    rule = _checks.text("rule", rule, THRESHOLD_RULES)
    if value is not None:
        value = _checks.real("value", value) if rule == "mean+std" else _checks.real(
            "value", value, 0.0, 100.0, what="a percentile")
    try:
        count = len(x_normal)
    except TypeError:
        count = 0
    if count < 2:
        raise ValueError(f"x_normal must hold at least 2 held-out normal examples, got {_checks.shown(x_normal)}")
    try:
        scores = detector.score(x_normal)
    except ValueError as error:  # the detector names its own argument, x; "not fitted yet" is about the detector
        if "not fitted" in str(error):
            raise
        raise ValueError(f"x_normal: {error}") from None
    if rule == "mean+std":
        return metrics.threshold_mean_std(scores, 1.0 if value is None else value)
    return metrics.threshold_percentile(scores, 95.0 if value is None else value)
