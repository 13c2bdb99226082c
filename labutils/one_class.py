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
from labutils._building import compile_autoencoder, positive_int, positive_ints
from labutils.detectors import Detector, keras_storage

# --------------------------------------------------------------------------- hybrid


def _codes(encoder: keras.Model, x, batch_size: int = 1024) -> np.ndarray:
    """The encoder's outputs for ``x`` (n, ...), one flat row of features per example."""
    codes = inference.predict(encoder, x, batch_size)
    return codes.reshape(len(codes), -1).astype(np.float64)


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
        x = self._checked(x)
        return (_codes(self.encoder, x) - self.code_mean_) / self.code_std_

    def _fit(self, x: np.ndarray) -> None:
        codes = _codes(self.encoder, x)
        self.code_mean_, self.code_std_ = np.zeros(codes.shape[1]), np.ones(codes.shape[1])
        if self.standardise:
            self.code_mean_ = codes.mean(axis=0)
            std = codes.std(axis=0)
            self.code_std_ = np.where(std > 1e-12, std, 1.0)  # a constant feature stays 0
        standardised = (codes - self.code_mean_) / self.code_std_
        self.detector_ = baselines.DETECTORS[self.detector](seed=self.seed).fit(standardised)

    def _score(self, x: np.ndarray) -> np.ndarray:
        return self.detector_.score((_codes(self.encoder, x) - self.code_mean_) / self.code_std_)


def fit_hybrid(encoder: keras.Model, x_normal, detector: str = "One-Class SVM", seed: int = 42,
               layer: str | None = None, standardise: bool = True) -> HybridDetector:
    """Fit a :class:`HybridDetector` on the features of the normal examples ``x_normal`` (chapter 2)."""
    return HybridDetector(encoder, detector, seed, layer, standardise).fit(x_normal)


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


def deep_svdd(
    encoder: keras.Model, learning_rate: float | None = None, profile: str | None = None, lab: str = "deep_svdd_mnist"
) -> keras.Model:
    """Deep SVDD (Ruff et al., 2018): ``encoder`` followed by the squared distance to a center (chapter 2).

    Returns a compiled model whose output is one squared distance per image, trained by
    :func:`fit_deep_svdd` to make that distance small on normal images (loss: the mean
    squared distance, :func:`mean_squared_distance`). The encoder is kept as
    ``.encoder``; the center is the weight ``model.get_layer("squared_distance").center``.
    ``learning_rate`` defaults to row ``lab`` of :mod:`labutils.settings` for ``profile``.
    """
    if not isinstance(encoder, keras.Model) or len(encoder.output_shape) != 2:
        raise ValueError(f"encoder must be a Keras model with a flat code (batch, size), got {encoder!r}")
    if learning_rate is None:
        learning_rate = settings.get(lab, profile)["learning_rate"]
    learning_rate = _checks.real("learning_rate", learning_rate, 0.0, open_low=True)
    inputs = keras.Input(encoder.input_shape[1:], name="inputs")
    distance = SquaredDistance(encoder.output_shape[-1], name="squared_distance")(encoder(inputs))
    model = keras.Model(inputs, distance, name="deep_svdd")
    model.encoder = encoder
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=mean_squared_distance)
    return model


def deep_svdd_autoencoder(encoder: keras.Model, learning_rate: float = 1e-4) -> keras.Model:
    """Ruff et al.'s pretraining network: ``encoder`` and a bias-free mirror of it as decoder (chapter 2).

    ``encoder`` is a :func:`deep_svdd_encoder`; the decoder turns its code back into the
    feature map (a bias-free ``Dense``), then per convolution of the encoder, in reverse,
    2x up-sampling and a bias-free 5x5 ``Conv2D`` (leaky ReLU; a sigmoid on the last, which
    gives the image). Compiled with Adam at ``learning_rate`` and the mean squared error;
    training it trains ``encoder`` itself (see :func:`pretrain_deep_svdd`).
    """
    convolutions = [inner for inner in encoder.layers if isinstance(inner, layers.Conv2D)]
    flatten = [inner for inner in encoder.layers if isinstance(inner, layers.Flatten)]
    biased = not convolutions or any(inner.use_bias for inner in convolutions)
    if biased or len(flatten) != 1 or len(encoder.output_shape) != 2:
        raise ValueError(f"encoder must be a Deep SVDD encoder from one_class.deep_svdd_encoder, got {encoder!r}")
    mapped = tuple(flatten[0].input.shape[1:])
    code = keras.Input(encoder.output_shape[1:], name="code")
    hidden = layers.Dense(int(np.prod(mapped)), use_bias=False)(code)
    hidden = layers.LeakyReLU(negative_slope=0.01)(layers.Reshape(mapped)(hidden))
    counts = [inner.filters for inner in convolutions[-2::-1]] + [encoder.input_shape[-1]]
    for index, count in enumerate(counts):
        hidden = layers.UpSampling2D(2)(hidden)
        last = index == len(counts) - 1
        hidden = layers.Conv2D(count, 5, padding="same", use_bias=False, activation="sigmoid" if last else None)(hidden)
        hidden = hidden if last else layers.LeakyReLU(negative_slope=0.01)(hidden)
    decoder = keras.Model(code, hidden, name="deep_svdd_decoder")
    return compile_autoencoder(encoder, decoder, "deep_svdd_autoencoder", learning_rate, "mse")


def pretrain_deep_svdd(
    encoder: keras.Model, x_normal, profile: str | None = None, *, lab: str = "deep_svdd_mnist",
    epochs: int | None = None, seed: int = 42, progress: bool = True,
) -> keras.callbacks.History:
    """Pretrain a Deep SVDD ``encoder`` as part of :func:`deep_svdd_autoencoder`, as Ruff et al. do (chapter 2).

    Trains the autoencoder on the normal examples with :func:`labutils.training.fit_autoencoder`
    (row ``lab``: its batch size, patience and validation share; ``pretrain_epochs`` epochs,
    or ``epochs`` where that is 0, at ``pretrain_learning_rate``, unless ``epochs`` says otherwise). Call it before
    :func:`fit_deep_svdd`, which then fixes the center with the pretrained encoder;
    ``fit_deep_svdd(..., pretrain=True)`` does both.
    """
    defaults = settings.get(lab, profile)
    epochs = defaults["pretrain_epochs"] or defaults["epochs"] if epochs is None else epochs
    epochs = _checks.whole("epochs", epochs, 1)
    autoencoder = deep_svdd_autoencoder(encoder, defaults["pretrain_learning_rate"])
    return training.fit_autoencoder(autoencoder, x_normal, profile, lab=lab, epochs=epochs, seed=seed,
                                    progress=progress)


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
    pretrain: bool | None = None,
) -> keras.callbacks.History:
    """Train a :func:`deep_svdd` model on normal examples only (chapter 2).

    Holds out the settings' validation share of ``x_normal``; on the first call, fixes
    the center as :func:`initial_center` of the untrained encoder on the rest (a later
    call keeps it); then trains the encoder to bring those images close to the center,
    which itself never moves. With ``patience``, stops when the held-out normal images'
    mean squared distance stops falling and keeps the best epoch's weights. Defaults
    come from row ``lab`` of :mod:`labutils.settings` for ``profile``; with the row's
    ``lr_milestone`` the learning rate is divided by 10 after that many epochs (Ruff et al.'s
    schedule). With ``pretrain`` (default: whether the row's ``pretrain_epochs`` is above 0),
    the encoder is first trained as an autoencoder (:func:`pretrain_deep_svdd`), so that the
    center is the mean code of the pretrained encoder, as in Ruff et al.
    """
    layer = _distance_layer(model)
    defaults = settings.get(lab, profile)
    epochs, batch_size, patience = training.training_options(defaults, epochs, batch_size, patience)
    seed, progress = _checks.whole("seed", seed, 0), _checks.flag("progress", progress)
    x_normal = inference.as_model_input(model, x_normal, "x_normal")
    x_train, x_validation = training.split_normal(x_normal, defaults["validation_fraction"], seed=seed)
    batch_size = settings.batch_size_for(len(x_train), batch_size, defaults["min_steps_per_epoch"])  # warns if changed
    if not np.any(keras.ops.convert_to_numpy(layer.center)):  # not set yet: fix it before any training
        if defaults["pretrain_epochs"] > 0 if pretrain is None else _checks.flag("pretrain", pretrain):
            pretrain_deep_svdd(model.encoder, x_normal, profile, lab=lab, seed=seed, progress=progress)
        layer.center.assign(initial_center(model.encoder, x_train))
    callbacks = [keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)] if patience else []
    if milestone := defaults["lr_milestone"]:
        callbacks.append(keras.callbacks.LearningRateScheduler(lambda epoch, rate: rate / 10 if epoch == milestone
                                                               else rate))
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
    """A :func:`deep_svdd` model as a detector of the course's contract (chapter 2).

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
