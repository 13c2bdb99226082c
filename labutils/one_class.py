"""The slides' two other deep detectors: a hybrid model and a one-class neural network (chapter 2).

The course names four types of model (its first chapter); the plain autoencoder (semi-supervised) and the
classical detectors of :mod:`labutils.baselines` (unsupervised) run there and in every
lab. This module holds the other two, which chapter 2's one-class digits experiment and
``benchmarks/mnist.py`` put beside the autoencoder on the same data:

- **hybrid**: a deep model's features fed to a classical detector. :class:`HybridDetector`
  (and :func:`fit_hybrid`) scores an autoencoder's codes with a detector of
  :data:`labutils.baselines.DETECTORS`, a One-Class SVM by default.
- **one-class neural network**: Deep SVDD (Ruff et al., 2018). Its networks are built in
  :mod:`labutils.deep_svdd` (:func:`deep_svdd_encoder`, a bias-free encoder;
  :func:`deep_svdd`, which adds the squared distance to a center ``c``) and trained by
  :func:`labutils.training.fit_deep_svdd` (which fixes ``c`` as the mean code of the normal
  training images, then trains the encoder to pull them towards it); this module re-exports
  those names, and holds :func:`deep_svdd_scores` (each example's squared distance to
  ``c``, higher = more anomalous) and :class:`DeepSVDDDetector`, the detector of the
  course's contract.
"""

from __future__ import annotations

import keras
import numpy as np

from labutils import _checks, baselines, inference
# chapter 2 calls Deep SVDD's builders and its training as one_class.<name>
from labutils.deep_svdd import (  # noqa: F401
    SquaredDistance,
    deep_svdd,
    deep_svdd_autoencoder,
    deep_svdd_encoder,
    distance_layer,
    mean_squared_distance,
)
from labutils.detectors import Detector, keras_storage
from labutils.training import fit_deep_svdd, initial_center, pretrain_deep_svdd  # noqa: F401

# --------------------------------------------------------------------------- hybrid


class HybridDetector(Detector):
    """A hybrid detector: an encoder's features scored by a classical detector (chapter 2).

    ``encoder`` is a trained Keras model (an autoencoder's ``.encoder``); ``detector`` is a
    name in :data:`labutils.baselines.DETECTORS`. The features are the encoder's output,
    its code, or with ``layer`` the output of the encoder's layer of that name (chapter 2
    uses the convolutional feature map that the code is computed from: the code keeps what
    rebuilds a normal digit and places anomalies among the normal codes, the map keeps them
    apart). With ``standardise`` each feature is standardised with the normal examples'
    mean and standard deviation (a code's numbers have no common unit); without it the
    features are used as they are, as pixels are. :meth:`fit` fits the detector on the
    normal examples' features; :meth:`score` scores new ones, higher = more anomalous.
    """

    def __init__(self, encoder: keras.Model, detector: str = "One-Class SVM", seed: int = 42,
                 layer: str | None = None, standardise: bool = True):
        if not isinstance(encoder, keras.Model):
            raise ValueError(f"encoder must be a Keras model (an autoencoder's .encoder), got {type(encoder).__name__}")
        if not isinstance(detector, str) or detector not in baselines.DETECTORS:
            raise ValueError(f"detector must be one of {list(baselines.DETECTORS)}, got {detector!r}")
        names = [inner.name for inner in encoder.layers]
        if layer is not None and layer not in names:
            raise ValueError(f"layer must be None (the code) or one of the encoder's layers {names}, got {layer!r}")
        self.encoder = encoder if layer is None else keras.Model(encoder.input, encoder.get_layer(layer).output)
        self.detector, self.layer = detector, layer
        self.seed = _checks.whole("seed", seed, 0)
        self.standardise = _checks.flag("standardise", standardise)

    def features(self, x) -> np.ndarray:
        """The features of ``x`` (n, ...) that the detector sees, standardised or not: (n, features)."""
        return self._standardised(self._checked(x))

    def _standardised(self, x: np.ndarray) -> np.ndarray:
        return (inference.features(self.encoder, x) - self.code_mean_) / self.code_std_

    def _fit(self, x: np.ndarray) -> None:
        codes = inference.features(self.encoder, x)
        self.code_mean_, self.code_std_ = np.zeros(codes.shape[1]), np.ones(codes.shape[1])
        if self.standardise:
            self.code_mean_ = codes.mean(axis=0)
            std = codes.std(axis=0)
            self.code_std_ = np.where(std > 1e-12, std, 1.0)  # a constant feature stays 0
        standardised = (codes - self.code_mean_) / self.code_std_
        self.detector_ = baselines.DETECTORS[self.detector](seed=self.seed).fit(standardised)

    def _score(self, x: np.ndarray) -> np.ndarray:
        return self.detector_.score(self._standardised(x))


def fit_hybrid(encoder: keras.Model, x_normal, detector: str = "One-Class SVM", seed: int = 42,
               layer: str | None = None, standardise: bool = True) -> HybridDetector:
    """Fit a :class:`HybridDetector` on the features of the normal examples ``x_normal`` (chapter 2)."""
    return HybridDetector(encoder, detector, seed, layer, standardise).fit(x_normal)


# --------------------------------------------------------------------------- Deep SVDD: scores and the detector


def deep_svdd_scores(model: keras.Model, x, batch_size: int = 1024) -> np.ndarray:
    """One anomaly score per example of ``x``: its squared distance to the center (chapter 2)."""
    layer = distance_layer(model)
    if not np.any(keras.ops.convert_to_numpy(layer.center)):
        raise ValueError("the Deep SVDD model's center is not set yet: train it with fit_deep_svdd first")
    return inference.predict(model, x, batch_size).astype(np.float64)


class DeepSVDDDetector(Detector):
    """A :func:`deep_svdd` model as a detector of the course's contract (chapter 2).

    :meth:`fit` trains it on normal examples with :func:`fit_deep_svdd` (``fit_options``:
    its keyword arguments, such as ``profile``, ``epochs`` or ``progress``); :meth:`score` is
    :func:`deep_svdd_scores`, the squared distance to the center, larger = more anomalous.
    The Keras model stays ``detector.model``.
    """

    def __init__(self, model: keras.Model, **fit_options):
        distance_layer(model)  # refuses anything that is not a Deep SVDD model
        self.model = model
        self.fit_options = fit_options
        self.history = None

    def fit(self, x_normal) -> DeepSVDDDetector:
        """Fix the center and train the encoder on normal examples; return self."""
        self.history = fit_deep_svdd(self.model, x_normal, **self.fit_options)
        return self

    def score(self, x) -> np.ndarray:
        """The squared distance of each example's code to the center."""
        return deep_svdd_scores(self.model, x)

    def storage(self) -> dict[str, object]:
        """The encoder's weights and the center."""
        return keras_storage(self.model)
