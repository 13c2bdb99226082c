"""Deep SVDD's networks (Ruff et al., 2018): the bias-free encoder, the distance to a center, the pretraining network.

Keras builders only, as :mod:`labutils.models` holds the autoencoders: :func:`deep_svdd_encoder`,
:func:`deep_svdd` (the encoder followed by :class:`SquaredDistance` to a fixed center ``c``)
and :func:`deep_svdd_autoencoder` (Ruff et al.'s pretraining network). Training them is
:func:`labutils.training.fit_deep_svdd`; scoring and the detector of the course's contract
are in :mod:`labutils.one_class`, which re-exports these names. Used by chapter 2.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from labutils import _checks, settings
from labutils._building import compile_autoencoder, positive_int, positive_ints


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
    :func:`labutils.training.fit_deep_svdd` sets it (a set center has no zero coordinate).
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
    :func:`labutils.training.fit_deep_svdd` to make that distance small on normal images (loss: the mean
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
    training it trains ``encoder`` itself (see :func:`labutils.training.pretrain_deep_svdd`).
    """
    if not isinstance(encoder, keras.Model):
        raise ValueError(f"encoder must be a Deep SVDD encoder from deep_svdd_encoder, got {_checks.shown(encoder)}")
    learning_rate = _checks.real("learning_rate", learning_rate, 0.0, open_low=True)
    convolutions = [inner for inner in encoder.layers if isinstance(inner, layers.Conv2D)]
    flatten = [inner for inner in encoder.layers if isinstance(inner, layers.Flatten)]
    biased = not convolutions or any(inner.use_bias for inner in convolutions)
    if biased or len(flatten) != 1 or len(encoder.output_shape) != 2:
        raise ValueError(f"encoder must be a Deep SVDD encoder from deep_svdd_encoder, got {encoder!r}")
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


def distance_layer(model: keras.Model) -> SquaredDistance:
    """The :class:`SquaredDistance` layer of a :func:`deep_svdd` model; ``ValueError`` for any other model."""
    try:
        layer = model.get_layer("squared_distance")
    except (AttributeError, ValueError):
        layer = None
    if not isinstance(layer, SquaredDistance):
        raise ValueError(f"model must be a Deep SVDD model from deep_svdd, got {model!r}")
    return layer
