"""The slides' two other deep detectors: a hybrid model and a one-class neural network (chapter 2).

The course names four types of model (its first chapter); the plain autoencoder (semi-supervised) and the
classical detectors of :mod:`labutils.baselines` (unsupervised) run there and in every
lab. This module holds the other two, which chapter 2's one-class digits experiment and
``benchmarks/mnist.py`` put beside the autoencoder on the same data:

- **hybrid**: a deep model's features fed to a classical detector. :class:`HybridDetector`
  (and :func:`fit_hybrid`) scores an autoencoder's codes with a detector of
  :data:`labutils.baselines.DETECTORS`, a One-Class SVM by default.
- **one-class neural network**: Deep SVDD (Ruff et al., 2018). :func:`deep_svdd_encoder`
  builds a bias-free encoder, :func:`deep_svdd` adds the squared distance to a center
  ``c``, :func:`fit_deep_svdd` fixes ``c`` as the mean code of the normal training images
  before training and then trains the encoder to pull them towards it, and
  :func:`deep_svdd_scores` returns each example's squared distance to ``c``: the anomaly
  score, higher = more anomalous.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from labutils import _checks, baselines, inference, settings, training
from labutils._building import positive_int, positive_ints
from labutils.detectors import Detector, keras_storage

# --------------------------------------------------------------------------- hybrid


def _codes(encoder: keras.Model, x, batch_size: int = 1024) -> np.ndarray:
    """The encoder's outputs for ``x`` (n, ...), one flat row of features per example."""
    codes = inference.predict(encoder, x, batch_size)
    return codes.reshape(len(codes), -1).astype(np.float64)


class HybridDetector(Detector):
    """A hybrid detector: an encoder's codes, standardised, scored by a classical detector (chapter 2).

    ``encoder`` is a trained Keras model (an autoencoder's ``.encoder``); ``detector`` is a
    name in :data:`labutils.baselines.DETECTORS`. :meth:`fit` encodes the normal examples,
    standardises each code number with their mean and standard deviation (codes, unlike
    pixels, have no common unit) and fits the detector on them; :meth:`score` encodes,
    standardises the same way and scores, higher = more anomalous.
    """

    def __init__(self, encoder: keras.Model, detector: str = "One-Class SVM", seed: int = 42):
        if not isinstance(encoder, keras.Model):
            raise ValueError(f"encoder must be a Keras model (an autoencoder's .encoder), got {type(encoder).__name__}")
        if not isinstance(detector, str) or detector not in baselines.DETECTORS:
            raise ValueError(f"detector must be one of {list(baselines.DETECTORS)}, got {detector!r}")
        self.encoder = encoder
        self.detector = detector
        self.seed = _checks.whole("seed", seed, 0)

    def features(self, x) -> np.ndarray:
        """The standardised codes of ``x`` (n, ...) that the detector sees: (n, code size)."""
        x = self._checked(x)
        return (_codes(self.encoder, x) - self.code_mean_) / self.code_std_

    def _fit(self, x: np.ndarray) -> None:
        codes = _codes(self.encoder, x)
        self.code_mean_ = codes.mean(axis=0)
        std = codes.std(axis=0)
        self.code_std_ = np.where(std > 1e-12, std, 1.0)  # a constant code number stays 0
        standardised = (codes - self.code_mean_) / self.code_std_
        self.detector_ = baselines.DETECTORS[self.detector](seed=self.seed).fit(standardised)

    def _score(self, x: np.ndarray) -> np.ndarray:
        return self.detector_.score((_codes(self.encoder, x) - self.code_mean_) / self.code_std_)


def fit_hybrid(encoder: keras.Model, x_normal, detector: str = "One-Class SVM", seed: int = 42) -> HybridDetector:
    """Fit a :class:`HybridDetector` on the codes of the normal examples ``x_normal`` (chapter 2)."""
    return HybridDetector(encoder, detector, seed).fit(x_normal)


# --------------------------------------------------------------------------- Deep SVDD


def deep_svdd_encoder(
    image_shape: tuple[int, int, int] = (28, 28, 1), filters: tuple[int, ...] = (8, 4), code_size: int = 32
) -> keras.Model:
    """The bias-free convolutional encoder of Deep SVDD, after Ruff et al.'s MNIST network (chapter 2).

    Per entry of ``filters``: a 5x5 ``Conv2D`` without bias, a leaky ReLU and 2x2 max
    pooling (28 → 14 → 7); then a ``Dense`` code of ``code_size`` numbers without bias.
    No layer has a bias: with one, the network could map every image to the center by
    setting its weights to zero and the bias to ``c`` (Ruff et al.'s "hypersphere
    collapse"), and the distance would score nothing. (Ruff et al. also use batch
    normalisation without its shift; this smaller model leaves it out.)
    """
    image_shape = height, width, _ = positive_ints("image_shape", image_shape, count=3)
    filters = positive_ints("filters", filters)
    code_size = positive_int("code_size", code_size)
    if height % 2 ** len(filters) or width % 2 ** len(filters):
        raise ValueError(
            f"image_shape: height and width must be multiples of {2 ** len(filters)} "
            f"for {len(filters)} poolings, got {image_shape}"
        )
    image = keras.Input(image_shape, name="image")
    hidden = image
    for count in filters:
        hidden = layers.Conv2D(count, 5, padding="same", use_bias=False)(hidden)
        hidden = layers.LeakyReLU(negative_slope=0.01)(hidden)
        hidden = layers.MaxPooling2D(2)(hidden)
    code = layers.Dense(code_size, use_bias=False, name="code")(layers.Flatten()(hidden))
    return keras.Model(image, code, name="deep_svdd_encoder")


class SquaredDistance(layers.Layer):
    """The squared Euclidean distance of each code to a fixed center ``c``, which is never trained.

    ``c`` is a non-trainable weight of ``code_size`` numbers, all zero until
    :func:`fit_deep_svdd` sets it (a set center has no zero coordinate).
    """

    def __init__(self, code_size: int, **kwargs):
        super().__init__(**kwargs)
        self.code_size = positive_int("code_size", code_size)
        self.center = self.add_weight(shape=(self.code_size,), initializer="zeros", trainable=False, name="center")

    def call(self, codes):
        return ops.sum(ops.square(codes - self.center), axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "code_size": self.code_size}


def mean_squared_distance(targets, distances):
    """Deep SVDD's loss: Keras averages these per-example squared distances over the batch.

    ``targets`` are unused (zeros): Deep SVDD has no labels, only normal images.
    """
    return distances


def deep_svdd(encoder: keras.Model, learning_rate: float | None = None, profile: str | None = None) -> keras.Model:
    """Deep SVDD (Ruff et al., 2018): ``encoder`` followed by the squared distance to a center (chapter 2).

    Returns a compiled model whose output is one squared distance per image, trained by
    :func:`fit_deep_svdd` to make that distance small on normal images (loss: the mean
    squared distance, :func:`mean_squared_distance`). The encoder is kept as
    ``.encoder``; the center is the weight ``model.get_layer("squared_distance").center``.
    ``learning_rate`` defaults to the row ``deep_svdd_mnist`` of :mod:`labutils.settings`.
    """
    if not isinstance(encoder, keras.Model) or len(encoder.output_shape) != 2:
        raise ValueError(f"encoder must be a Keras model with a flat code (batch, size), got {encoder!r}")
    if learning_rate is None:
        learning_rate = settings.get("deep_svdd_mnist", profile)["learning_rate"]
    learning_rate = _checks.real("learning_rate", learning_rate, 0.0, open_low=True)
    inputs = keras.Input(encoder.input_shape[1:], name="inputs")
    distance = SquaredDistance(encoder.output_shape[-1], name="squared_distance")(encoder(inputs))
    model = keras.Model(inputs, distance, name="deep_svdd")
    model.encoder = encoder
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=mean_squared_distance)
    return model


def _distance_layer(model: keras.Model) -> SquaredDistance:
    try:
        layer = model.get_layer("squared_distance")
    except (AttributeError, ValueError):
        layer = None
    if not isinstance(layer, SquaredDistance):
        raise ValueError(f"model must be a Deep SVDD model from one_class.deep_svdd, got {model!r}")
    return layer


def initial_center(encoder: keras.Model, x_normal, eps: float = 0.1) -> np.ndarray:
    """The center ``c`` of Deep SVDD: the mean code of the normal examples ``x_normal``.

    Call it before training, as :func:`fit_deep_svdd` does. A coordinate closer to zero
    than ``eps`` is moved to ``±eps`` (Ruff et al.): a bias-free network maps everything
    to zero when its weights are zero, so a center at zero could be reached without
    learning anything.
    """
    eps = _checks.real("eps", eps, 0.0, open_low=True)
    center = _codes(encoder, inference.as_model_input(encoder, x_normal, "x_normal")).mean(axis=0)
    near_zero = np.abs(center) < eps
    return np.where(near_zero, np.where(center < 0, -eps, eps), center).astype(np.float32)


def fit_deep_svdd(
    model: keras.Model,
    x_normal,
    profile: str | None = None,
    *,
    lab: str = "deep_svdd_mnist",
    epochs: int | None = None,
    batch_size: int | None = None,
    patience: int | None = None,
    seed: int = 42,
    progress: bool = True,
) -> keras.callbacks.History:
    """Train a :func:`deep_svdd` model on normal examples only (chapter 2).

    Holds out the settings' validation share of ``x_normal``; on the first call, fixes
    the center as :func:`initial_center` of the untrained encoder on the rest (a later
    call keeps it); then trains the encoder to bring those images close to the center,
    which itself never moves. With ``patience``, stops when the held-out normal images'
    mean squared distance stops falling and keeps the best epoch's weights. Defaults
    come from row ``lab`` of :mod:`labutils.settings` for ``profile``.
    """
    layer = _distance_layer(model)
    defaults = settings.get(lab, profile)
    epochs, batch_size, patience = training.training_options(defaults, epochs, batch_size, patience)
    seed, progress = _checks.whole("seed", seed, 0), _checks.flag("progress", progress)
    x_normal = inference.as_model_input(model, x_normal, "x_normal")
    x_train, x_validation = training.split_normal(x_normal, defaults["validation_fraction"], seed=seed)
    if not np.any(keras.ops.convert_to_numpy(layer.center)):  # not set yet: fix it before any training
        layer.center.assign(initial_center(model.encoder, x_train))
    callbacks = [keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)] if patience else []
    if progress:
        callbacks.append(training.progress_callback(model.name, epochs))
    no_targets = np.zeros(len(x_train), dtype=np.float32)  # the loss ignores them
    return model.fit(
        x_train, no_targets,
        validation_data=(x_validation, np.zeros(len(x_validation), dtype=np.float32)),
        epochs=epochs, batch_size=batch_size, shuffle=True, callbacks=callbacks, verbose=0,
    )


def deep_svdd_scores(model: keras.Model, x, batch_size: int = 1024) -> np.ndarray:
    """One anomaly score per example of ``x``: its squared distance to the center (chapter 2)."""
    layer = _distance_layer(model)
    if not np.any(keras.ops.convert_to_numpy(layer.center)):
        raise ValueError("the Deep SVDD model's center is not set yet: train it with fit_deep_svdd first")
    return inference.predict(model, x, batch_size).astype(np.float64)


class DeepSVDDDetector(Detector):
    """A :func:`deep_svdd` model as a detector of the course's contract.

    :meth:`fit` trains it on normal examples with :func:`fit_deep_svdd` (``fit_options``:
    its keyword arguments, such as ``profile``, ``epochs`` or ``progress``); :meth:`score` is
    :func:`deep_svdd_scores`, the squared distance to the center, larger = more anomalous.
    The Keras model stays ``detector.model``.
    """

    def __init__(self, model: keras.Model, **fit_options):
        _distance_layer(model)  # refuses anything that is not a Deep SVDD model
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
