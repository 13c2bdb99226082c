"""Keras 3 autoencoders, built with the functional API.

Every builder returns a compiled ``keras.Model`` with ``.encoder`` and ``.decoder``
sub-models. The ECG models (chapter 3) and the toy model (chapter 1) scale raw heartbeats to [0, 1] inside the
encoder and back inside the decoder with one shared :class:`MinMaxScaling` layer, which
:func:`labutils.training.fit_autoencoder` fits on the training beats: a model takes raw
beats and returns raw beats, and test data can never be scaled with the wrong numbers.
The video models (chapters 4 and 6) live in :mod:`labutils.video_models`; this module
re-exports them.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from labutils._building import compile_autoencoder, positive_int, positive_ints
from labutils.video_models import (  # noqa: F401  re-exported: models.frame_autoencoder keeps working
    FrameMSE,
    MeanFrame,
    comparison_size,
    frame_autoencoder,
    spatiotemporal_autoencoder,
    spatiotemporal_autoencoder_from,
    spatiotemporal_sizes,
)


@keras.saving.register_keras_serializable(package="labutils")
class MinMaxScaling(layers.Layer):
    """Map values to [0, 1] with a minimum and maximum fitted by :meth:`adapt`.

    Called with ``inverse=True`` it maps [0, 1] back to the original range. One scalar
    minimum and maximum over all the training data, as in the original ECG lab (not one per
    time step, which would erase the shape of a beat).
    """

    def build(self, input_shape):
        self.minimum = self.add_weight(shape=(), initializer="zeros", trainable=False, name="minimum")
        self.maximum = self.add_weight(shape=(), initializer="ones", trainable=False, name="maximum")

    def adapt(self, data) -> None:
        """Fit the minimum and maximum on ``data`` (the training set only)."""
        data = np.asarray(data)
        if data.size == 0:
            raise ValueError("cannot fit the scaling on empty data")
        low, high = float(np.min(data)), float(np.max(data))
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError(f"data must be finite to fit the scaling, got minimum {low} and maximum {high}")
        if not high > low:
            raise ValueError(f"cannot scale constant data (minimum = maximum = {low})")
        if not self.built:
            self.build(data.shape)
        self.minimum.assign(low)
        self.maximum.assign(high)

    def call(self, inputs, inverse=False):
        span = self.maximum - self.minimum
        if inverse:
            return inputs * span + self.minimum
        return (inputs - self.minimum) / span


def dense_autoencoder(
    input_shape: int | tuple[int, ...],
    hidden_units: tuple[int, ...] = (32, 16),
    latent_dim: int = 8,
    output_activation: str = "sigmoid",
    code_activation: str | None = "relu",
    scale_inputs: bool = True,
    learning_rate: float = 1e-3,
    loss: str = "mae",
    name: str = "dense_autoencoder",
) -> keras.Model:
    """A dense autoencoder: input → ``hidden_units`` → ``latent_dim`` → mirror → input.

    ``input_shape`` is a number of features or a shape such as (28, 28), flattened on
    the way in and restored on the way out.

    ReLU hidden layers; ``code_activation`` for the code (``None`` for a linear code,
    safer for a code of one or two numbers, where one ReLU unit stuck at zero silences
    the whole code). With ``scale_inputs`` the model maps its inputs to [0, 1]
    with a :class:`MinMaxScaling` fitted by :func:`labutils.training.fit_autoencoder` and
    undoes it at the output, so it takes and returns raw values; pair it with a sigmoid
    output, which covers [0, 1]. Used by chapters 1, 2 and 3.
    """
    input_shape = (input_shape,) if np.ndim(input_shape) == 0 else tuple(input_shape)
    input_shape = positive_ints("input_shape", input_shape, count=len(input_shape) or 1)
    hidden_units = positive_ints("hidden_units", hidden_units)
    latent_dim = positive_int("latent_dim", latent_dim)
    input_dim = int(np.prod(input_shape))
    scaling = MinMaxScaling(name="minmax_scaling") if scale_inputs else None

    inputs = keras.Input(input_shape, name="inputs")
    hidden = scaling(inputs) if scaling else inputs
    if len(input_shape) > 1:
        hidden = layers.Flatten()(hidden)
    for units in hidden_units:
        hidden = layers.Dense(units, activation="relu")(hidden)
    code = layers.Dense(latent_dim, activation=code_activation, name="code")(hidden)
    encoder = keras.Model(inputs, code, name="encoder")

    code_input = keras.Input((latent_dim,), name="code")
    hidden = code_input
    for units in reversed(hidden_units):
        hidden = layers.Dense(units, activation="relu")(hidden)
    outputs = layers.Dense(input_dim, activation=output_activation)(hidden)
    if len(input_shape) > 1:
        outputs = layers.Reshape(input_shape)(outputs)
    decoder = keras.Model(code_input, scaling(outputs, inverse=True) if scaling else outputs, name="decoder")
    return compile_autoencoder(encoder, decoder, name, learning_rate, loss)


def vanilla_autoencoder(image_shape: tuple[int, int] = (28, 28), code_size: int = 128) -> keras.Model:
    """The slides' vanilla autoencoder: 784 → 128 → 784 for 28x28 images in [0, 1] (chapter 2).

    One ReLU layer of ``code_size`` units and a sigmoid output: pixels lie in [0, 1], which a
    sigmoid covers exactly (the slides' tanh spans [-1, 1], half of it never used).
    Mean squared error.
    """
    positive_int("code_size", code_size)
    return dense_autoencoder(
        image_shape, (), code_size, "sigmoid", code_activation="relu", scale_inputs=False,
        loss="mse", name="vanilla_autoencoder",
    )


def deep_autoencoder(image_shape: tuple[int, int] = (28, 28), code_size: int = 3) -> keras.Model:
    """The slides' deep autoencoder: 784 → 128 → 64 → 12 → 3 and back (chapter 2).

    A linear code of ``code_size`` numbers (3 can be plotted), ReLU hidden layers,
    a sigmoid output, mean squared error.
    """
    positive_int("code_size", code_size)
    return dense_autoencoder(
        image_shape, (128, 64, 12), code_size, "sigmoid", code_activation=None, scale_inputs=False,
        loss="mse", name="deep_autoencoder",
    )


def conv_autoencoder(
    image_shape: tuple[int, int, int] = (28, 28, 1), filters: tuple[int, int] = (16, 32), code_size: int = 32
) -> keras.Model:
    """A convolutional autoencoder for small images (chapter 2).

    Two stride-2 Conv2D layers (28 → 14 → 7), a dense code of ``code_size`` numbers, then
    the mirror image with Conv2DTranspose back to the input size and a sigmoid output.
    Height and width must be multiples of 4. The second convolution's output, the map the
    code is computed from, is the encoder's layer ``"feature_map"`` (chapter 2's hybrid).
    """
    image_shape = height, width, channels = positive_ints("image_shape", image_shape, count=3)
    filters = positive_ints("filters", filters, count=2)
    code_size = positive_int("code_size", code_size)
    if height % 4 or width % 4:
        raise ValueError(f"image_shape: height and width must be multiples of 4, got {image_shape}")
    small_shape = (height // 4, width // 4, filters[1])

    image = keras.Input(image_shape, name="image")
    hidden = layers.Conv2D(filters[0], 3, strides=2, padding="same", activation="relu")(image)
    hidden = layers.Conv2D(filters[1], 3, strides=2, padding="same", activation="relu", name="feature_map")(hidden)
    code = layers.Dense(code_size, name="code")(layers.Flatten()(hidden))
    encoder = keras.Model(image, code, name="encoder")

    code_input = keras.Input((code_size,), name="code")
    hidden = layers.Dense(int(np.prod(small_shape)), activation="relu")(code_input)
    hidden = layers.Reshape(small_shape)(hidden)
    hidden = layers.Conv2DTranspose(filters[1], 3, strides=2, padding="same", activation="relu")(hidden)
    hidden = layers.Conv2DTranspose(filters[0], 3, strides=2, padding="same", activation="relu")(hidden)
    reconstruction = layers.Conv2D(channels, 3, padding="same", activation="sigmoid")(hidden)
    decoder = keras.Model(code_input, reconstruction, name="decoder")
    return compile_autoencoder(encoder, decoder, "conv_autoencoder", 1e-3, "mse")


def dense_ecg_autoencoder(
    input_length: int = 140, latent_dim: int = 8, learning_rate: float = 3e-3
) -> keras.Model:
    """The ECG lab's dense autoencoder: 140 → 32 → 16 → 8 → 16 → 32 → 140 (chapter 3).

    Takes (batch, 140) raw beats. ReLU hidden layers; a sigmoid output, because the
    scaled beats lie in [0, 1]; mean absolute error, as in the original lab. Adam's learning
    rate is 3e-3 rather than Keras's 1e-3: on a few hundred beats, training otherwise
    lingers for many epochs on a plateau where every output is the average beat.
    """
    input_length = positive_int("input_length", input_length)
    return dense_autoencoder(
        input_length, (32, 16), latent_dim, "sigmoid", scale_inputs=True,
        learning_rate=learning_rate, loss="mae", name="dense_ecg_autoencoder",
    )


def conv1d_ecg_autoencoder(
    input_length: int = 140, latent_dim: int = 8, learning_rate: float = 1e-3
) -> keras.Model:
    """The ECG lab's convolutional autoencoder, designed to beat the dense one (chapter 3).

    Takes (batch, 140, 1) raw beats. Two Conv1D(kernel 7) + max-pool stages (140 → 70 →
    35 steps), a dense bottleneck of ``latent_dim`` numbers, and the mirror image with
    up-sampling back to 140, ending in a sigmoid. The narrow bottleneck is what keeps
    the model from learning to copy anomalous beats as well as normal ones. Adam keeps
    Keras's learning rate of 1e-3: in the benchmark's tuning runs it beat 3e-3 here
    (benchmarks/README.md), while the dense model does better with 3e-3.
    """
    input_length, latent_dim = positive_int("input_length", input_length), positive_int("latent_dim", latent_dim)
    if input_length % 4:
        raise ValueError(f"input_length must be a positive multiple of 4 (two 2x poolings), got {input_length}")
    scaling = MinMaxScaling(name="minmax_scaling")
    pooled_length, pooled_channels = input_length // 4, 16

    beat = keras.Input((input_length, 1), name="beat")
    hidden = scaling(beat)
    hidden = layers.Conv1D(32, 7, padding="same", activation="relu")(hidden)
    hidden = layers.MaxPooling1D(2)(hidden)
    hidden = layers.Conv1D(pooled_channels, 7, padding="same", activation="relu")(hidden)
    hidden = layers.MaxPooling1D(2)(hidden)
    hidden = layers.Flatten()(hidden)
    code = layers.Dense(latent_dim, activation="relu", name="code")(hidden)
    encoder = keras.Model(beat, code, name="encoder")

    code_input = keras.Input((latent_dim,), name="code")
    hidden = layers.Dense(pooled_length * pooled_channels, activation="relu")(code_input)
    hidden = layers.Reshape((pooled_length, pooled_channels))(hidden)
    hidden = layers.UpSampling1D(2)(hidden)
    hidden = layers.Conv1D(pooled_channels, 7, padding="same", activation="relu")(hidden)
    hidden = layers.UpSampling1D(2)(hidden)
    hidden = layers.Conv1D(32, 7, padding="same", activation="relu")(hidden)
    scaled = layers.Conv1D(1, 7, padding="same", activation="sigmoid")(hidden)
    decoder = keras.Model(code_input, scaling(scaled, inverse=True), name="decoder")
    return compile_autoencoder(encoder, decoder, "conv1d_ecg_autoencoder", learning_rate)


def original_lab_conv1d_ecg_autoencoder(input_length: int = 140, learning_rate: float = 1e-3) -> keras.Model:
    """The original lab's Conv1D autoencoder, kept as a lesson (chapter 3).

    Its layers as the original lab wrote them: kernels of 64 and 32 steps, pooling 140 → 70 →
    10, no dense bottleneck (10 × 16 = 160 numbers for a 140-sample beat: no
    compression at all), and a ReLU output. Scaling as in the other ECG models, so
    that only the architecture differs. Train it as the original lab did (20 epochs, batch 512)
    to see what went wrong.
    """
    input_length = positive_int("input_length", input_length)
    if input_length % 14:
        raise ValueError(f"input_length must be a multiple of 14 (pooling by 2 then 7), got {input_length}")
    scaling = MinMaxScaling(name="minmax_scaling")

    beat = keras.Input((input_length, 1), name="beat")
    hidden = scaling(beat)
    hidden = layers.Conv1D(40, 64, padding="same", activation="relu")(hidden)
    hidden = layers.Conv1D(16, 32, padding="same", activation="relu")(hidden)
    hidden = layers.MaxPooling1D(2)(hidden)
    hidden = layers.Conv1D(16, 8, padding="same", activation="relu")(hidden)
    code = layers.MaxPooling1D(7, padding="same", name="code")(hidden)
    encoder = keras.Model(beat, code, name="encoder")

    code_input = keras.Input(encoder.output.shape[1:], name="code")
    hidden = layers.Conv1D(16, 8, padding="same", activation="relu")(code_input)
    hidden = layers.UpSampling1D(7)(hidden)
    hidden = layers.Conv1D(16, 32, padding="same", activation="relu")(hidden)
    hidden = layers.UpSampling1D(2)(hidden)
    hidden = layers.Conv1D(16, 32, padding="same", activation="relu")(hidden)
    scaled = layers.Conv1D(1, 64, padding="same", activation="relu")(hidden)
    decoder = keras.Model(code_input, scaling(scaled, inverse=True), name="decoder")
    return compile_autoencoder(encoder, decoder, "original_lab_conv1d_ecg_autoencoder", learning_rate)
