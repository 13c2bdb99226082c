"""Keras 3 autoencoders for video: single frames (chapter 4) and clips (chapter 6).

Each builder returns a compiled ``keras.Model`` with ``.encoder`` and ``.decoder``
sub-models and keeps its output layer in float32 under a mixed-precision policy.
:mod:`labutils.models` re-exports every name here, so ``models.frame_autoencoder`` works too.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from labutils._building import compile_autoencoder, positive_int, positive_ints


def frame_autoencoder(
    image_size: int = 100, filters: int = 32, code_size: int | None = 2000, learning_rate: float = 1e-3
) -> keras.Model:
    """The slides' convolutional autoencoder for single video frames (chapter 4).

    Conv2D(32, 5) → max-pool → Conv2D(32, 5) → max-pool → Dense(``code_size``) code, then
    Dense back to the feature map (32·22·22 for 100x100 frames) → upsample →
    Conv2DTranspose(32, 5) → upsample → Conv2DTranspose(1, 5, sigmoid), MSE loss.
    ``code_size=None`` drops the dense bottleneck: the decoder then starts from the
    22x22x32 feature map, more numbers than the image has pixels, which is the slides'
    model "without bottleneck". ``image_size`` must be a multiple of 4, at least 20.
    """
    image_size, filters = positive_int("image_size", image_size), positive_int("filters", filters)
    if image_size % 4 or image_size < 20:
        raise ValueError(f"image_size must be a multiple of 4 and at least 20 (two 5x5 convolutions), got {image_size}")
    if code_size is not None and code_size < 1:
        raise ValueError(f"code_size must be positive or None, got {code_size}")
    small = (image_size - 4) // 2 - 4
    feature_shape = (small // 2, small // 2, filters)

    frame = keras.Input((image_size, image_size, 1), name="frame")
    hidden = layers.Conv2D(filters, 5, activation="relu")(frame)
    hidden = layers.MaxPooling2D(2)(hidden)
    hidden = layers.Conv2D(filters, 5, activation="relu")(hidden)
    features = layers.MaxPooling2D(2, name="features" if code_size is None else None)(hidden)
    code = features if code_size is None else layers.Dense(code_size, name="code")(layers.Flatten()(features))
    encoder = keras.Model(frame, code, name="encoder")

    code_input = keras.Input(encoder.output.shape[1:], name="code")
    hidden = code_input
    if code_size is not None:
        hidden = layers.Dense(int(np.prod(feature_shape)), activation="relu")(hidden)
        hidden = layers.Reshape(feature_shape)(hidden)
    hidden = layers.UpSampling2D(2)(hidden)
    hidden = layers.Conv2DTranspose(filters, 5, activation="relu")(hidden)
    hidden = layers.UpSampling2D(2)(hidden)
    reconstruction = layers.Conv2DTranspose(1, 5, activation="sigmoid", dtype="float32")(hidden)
    decoder = keras.Model(code_input, reconstruction, name="decoder")
    name = "frame_autoencoder" if code_size is not None else "frame_autoencoder_no_bottleneck"
    return compile_autoencoder(encoder, decoder, name, learning_rate, "mse")


def spatiotemporal_sizes(largest: int = 256) -> list[int]:
    """Frame sizes the spatio-temporal autoencoder reconstructs exactly: 27 + 8k (…, 99, 115, …, 227)."""
    return list(range(27, largest + 1, 8))


def spatiotemporal_autoencoder(
    image_size: int = 227,
    clip_length: int = 10,
    filters: tuple[int, int] = (128, 64),
    lstm_filters: tuple[int, int, int] = (64, 32, 64),
    learning_rate: float = 1e-4,
    epsilon: float = 1e-6,
    weight_decay: float = 1e-5,
) -> keras.Model:
    """The spatio-temporal autoencoder of Chong & Tay (2017) for clips of video (chapter 6).

    Per frame, Conv2D(128, 11, stride 4) → Conv2D(64, 5, stride 2) (227 → 55 → 26); over
    time, ConvLSTM2D with 64 → 32 filters (the encoder's output, the code) → 64; then
    per frame Conv2DTranspose(128, 5, stride 2) → Conv2DTranspose(1, 11, stride 4,
    sigmoid) back to 227x227. Input and output: (clip_length, image_size, image_size, 1).
    Adam with the slides' settings (learning rate 1e-4, epsilon 1e-6, weight decay 1e-5;
    Keras applies the decay decoupled, as AdamW does, where the slides' MXNet added it
    to the gradient), MSE loss. Smaller ``filters`` / ``lstm_filters`` and frames make a
    model the CPU trains in minutes; ``image_size`` must be one of
    :func:`spatiotemporal_sizes`. Under a mixed-precision policy the output stays float32.
    """
    image_size, clip_length = positive_int("image_size", image_size), positive_int("clip_length", clip_length)
    filters = positive_ints("filters", filters, count=2)
    lstm_filters = positive_ints("lstm_filters", lstm_filters, count=3)
    if image_size not in spatiotemporal_sizes(max(image_size, 27)):
        valid = [size for size in spatiotemporal_sizes(image_size + 8) if abs(size - image_size) <= 8]
        raise ValueError(
            f"image_size {image_size} does not survive the strides 4 and 2 exactly; "
            f"use 27 + 8k, such as {valid or [99, 115, 227]}"
        )
    if clip_length < 2:
        raise ValueError(f"clip_length must be at least 2 frames, got {clip_length}")
    per_frame = layers.TimeDistributed

    clip = keras.Input((clip_length, image_size, image_size, 1), name="clip")
    hidden = per_frame(layers.Conv2D(filters[0], 11, strides=4, activation="relu"), name="spatial_1")(clip)
    hidden = per_frame(layers.Conv2D(filters[1], 5, strides=2, activation="relu"), name="spatial_2")(hidden)
    hidden = layers.ConvLSTM2D(lstm_filters[0], 3, padding="same", return_sequences=True, name="temporal_1")(hidden)
    code = layers.ConvLSTM2D(lstm_filters[1], 3, padding="same", return_sequences=True, name="temporal_code")(hidden)
    encoder = keras.Model(clip, code, name="encoder")

    code_input = keras.Input(encoder.output.shape[1:], name="code")
    hidden = layers.ConvLSTM2D(lstm_filters[2], 3, padding="same", return_sequences=True, name="temporal_3")(code_input)
    hidden = per_frame(layers.Conv2DTranspose(filters[0], 5, strides=2, activation="relu"), name="spatial_3")(hidden)
    reconstruction = per_frame(
        layers.Conv2DTranspose(1, 11, strides=4, activation="sigmoid", dtype="float32"), name="spatial_4"
    )(hidden)
    decoder = keras.Model(code_input, reconstruction, name="decoder")
    optimizer = keras.optimizers.Adam(learning_rate, epsilon=epsilon, weight_decay=weight_decay)
    return compile_autoencoder(encoder, decoder, "spatiotemporal_autoencoder", learning_rate, "mse", optimizer)
