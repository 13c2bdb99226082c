"""Keras 3 autoencoders for video: single frames (chapter 4) and clips (chapter 6).

Each builder returns a compiled ``keras.Model`` with ``.encoder`` and ``.decoder``
sub-models and keeps its output layer in float32 under a mixed-precision policy.
With ``frame_size=(height, width)`` a model takes uint8 frames (or clips) at their own
size, as :func:`labutils.data.ucsd_frames` and :func:`labutils.data.ucsd_clips` give
them: its first layers scale them to [0, 1] ("scale") and resize them to
``image_size`` ("resize"), its last one resizes the reconstruction back
("resize_back"), and its loss is :class:`FrameMSE`. So the data pipeline only slices
uint8 arrays, and the GPU does the arithmetic. With ``mean_frame`` (the training frames' mean, at
``frame_size``) a model subtracts that frame from its input and adds it back to its
output (:class:`MeanFrame`), as Hasan et al. (2016) and Chong & Tay (2017) normalise
their frames: the network then rebuilds only what differs from the empty scene, the
walkers. ``image_size`` is an int (a square) or ``(height, width)``, so a model can keep
the frames' proportions. :mod:`labutils.models` re-exports every name here, so
``models.frame_autoencoder`` works too.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from labutils._building import compile_autoencoder, positive_int, positive_ints


@keras.saving.register_keras_serializable(package="labutils")
class FrameMSE(keras.losses.Loss):
    """Mean squared error between reconstructions in [0, 1] and frames, uint8 or in [0, 1].

    Integer targets (uint8 frames, 0-255) are divided by 255 first, so ``model.fit(clips,
    clips)`` on uint8 clips compares like with like, and the loss is in the same units
    as with float frames. The loss of the models built with ``frame_size`` (chapters 4 and 6).
    """

    def __init__(self, name: str = "frame_mse", **kwargs):
        super().__init__(name=name, **kwargs)

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_true = keras.ops.convert_to_tensor(y_true)
        if "int" in keras.backend.standardize_dtype(y_true.dtype):  # before Loss casts it to float
            y_true = keras.ops.cast(y_true, "float32") / 255.0
        return super().__call__(y_true, y_pred, sample_weight)

    def call(self, y_true, y_pred):
        y_true = keras.ops.cast(y_true, y_pred.dtype)
        return keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1)


@keras.saving.register_keras_serializable(package="labutils")
class MeanFrame(layers.Layer):
    """Subtract (``sign=-1``) or add back (``sign=1``) a fixed frame: the training frames' mean.

    The frame, ``(height, width)`` in [0, 1], is a non-trainable weight, so saved weights
    carry it. Under a clip's time axis it is subtracted from every frame. Used by the
    video models built with ``mean_frame`` (chapters 4 and 6).
    """

    def __init__(self, frame_shape, sign: float = -1.0, **kwargs):
        super().__init__(**kwargs)
        self.frame_shape, self.sign = positive_ints("frame_shape", tuple(frame_shape), count=2), float(sign)
        if self.sign not in (-1.0, 1.0):
            raise ValueError(f"sign must be -1 (subtract) or 1 (add), got {sign!r}")
        self.frame = self.add_weight(shape=(*self.frame_shape, 1), initializer="zeros", trainable=False, name="frame")

    def call(self, inputs):
        return inputs + self.sign * keras.ops.cast(self.frame, inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "frame_shape": self.frame_shape, "sign": self.sign}


def _frame_size(frame_size) -> tuple[int, int] | None:
    if frame_size is None:
        return None
    if isinstance(frame_size, (int, np.integer)) and not isinstance(frame_size, bool):
        frame_size = (frame_size, frame_size)
    return positive_ints("frame_size", frame_size, count=2)


def _image_size(image_size) -> tuple[int, int]:
    """``image_size`` as (height, width): an int is a square."""
    if isinstance(image_size, (int, np.integer)) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    return positive_ints("image_size", image_size, count=2)


def _mean_frame(mean_frame, frame_size: tuple[int, int] | None) -> tuple[np.ndarray | None, tuple[int, int] | None]:
    """Check ``mean_frame`` (uint8, or floats in [0, 1]) against ``frame_size``: (frame in [0, 1], frame size)."""
    if mean_frame is None:
        return None, frame_size
    frame = np.asarray(mean_frame)
    if frame.ndim == 3 and frame.shape[-1] == 1:
        frame = frame[..., 0]
    if frame.ndim != 2 or not np.issubdtype(frame.dtype, np.number) or frame.dtype == np.bool_:
        raise ValueError(f"mean_frame must be one grey frame (height, width) of numbers, got shape {frame.shape}")
    if frame_size is not None and frame.shape != frame_size:
        raise ValueError(f"mean_frame has shape {frame.shape}, frame_size is {frame_size}: they must agree")
    unit = frame.astype(np.float32) / (255.0 if frame.dtype == np.uint8 else 1.0)
    if not np.all(np.isfinite(unit)) or unit.min() < 0.0 or unit.max() > 1.0:
        raise ValueError("mean_frame must be uint8 or floats in [0, 1] (e.g. video.mean_frame(frames))")
    return unit, frame.shape


def _with_mean(model: keras.Model, mean: np.ndarray | None) -> keras.Model:
    """Write the mean frame into the model's MeanFrame layers (weights, so that saving keeps it)."""
    if mean is not None:
        for part in (model.encoder, model.decoder):
            for layer in part.layers:
                if isinstance(layer, MeanFrame):
                    layer.frame.assign(mean[..., None])
    return model


def _scaled_input(shape: tuple[int, ...], mean_shape: tuple[int, int] | None):
    """A uint8 input, and its frames in [0, 1] ("scale") less the mean frame where there is one ("subtract_mean")."""
    raw = keras.Input(shape, dtype="uint8", name="clip" if len(shape) == 4 else "frame")
    hidden = layers.Rescaling(1 / 255, name="scale")(raw)
    if mean_shape is not None:  # broadcast over the batch (and a clip's time axis)
        hidden = MeanFrame(mean_shape, -1.0, name="subtract_mean")(hidden)
    return raw, hidden


def _scaled_output(hidden, frame_size: tuple[int, int], mean_shape: tuple[int, int] | None, clips: bool):
    """The reconstruction back at ``frame_size``, plus the mean frame, in [0, 1] ("resize_back", "add_mean", "clip")."""
    resize = layers.Resizing(*frame_size, dtype="float32", name=None if clips else "resize_back")
    hidden = layers.TimeDistributed(resize, dtype="float32", name="resize_back")(hidden) if clips else resize(hidden)
    if mean_shape is not None:
        hidden = MeanFrame(mean_shape, 1.0, dtype="float32", name="add_mean")(hidden)
        hidden = layers.ReLU(max_value=1.0, dtype="float32", name="clip")(hidden)
    return hidden


def frame_autoencoder(
    image_size: int | tuple[int, int] = 100,
    filters: int = 32,
    code_size: int | None = 2000,
    learning_rate: float = 1e-3,
    frame_size: int | tuple[int, int] | None = None,
    mean_frame=None,
) -> keras.Model:
    """The slides' convolutional autoencoder for single video frames (chapter 4).

    Conv2D(32, 5) → max-pool → Conv2D(32, 5) → max-pool → Dense(``code_size``) code, then
    Dense back to the feature map (32·22·22 for 100x100 frames) → upsample →
    Conv2DTranspose(32, 5) → upsample → Conv2DTranspose(1, 5, sigmoid), MSE loss.
    ``code_size=None`` drops the dense bottleneck: the decoder then starts from the
    22x22x32 feature map, more numbers than the image has pixels, which is the slides'
    model "without bottleneck". ``image_size``, an int or (height, width), must be a
    multiple of 4 and at least 20 each way.

    Without ``frame_size`` the model takes float frames in [0, 1] of ``image_size``.
    With ``frame_size=(height, width)`` it takes uint8 frames of that size (e.g. Ped1's
    (158, 238)): layers "scale" (Rescaling 1/255) and "resize" (to ``image_size``) come
    first, "resize_back" last, so reconstructions come at the frame's own size in [0, 1],
    and the loss is :class:`FrameMSE` (uint8 targets are scaled to [0, 1]). With
    ``mean_frame`` (the training frames' mean at the frame size; it implies
    ``frame_size``) the model subtracts it after scaling ("subtract_mean"), its last
    convolution is linear, and it adds the mean back ("add_mean", clipped to [0, 1]).
    """
    (height, width), filters = _image_size(image_size), positive_int("filters", filters)
    if height % 4 or width % 4 or min(height, width) < 20:
        raise ValueError(
            f"image_size must be a multiple of 4 and at least 20 (two 5x5 convolutions), got {image_size}"
        )
    if code_size is not None and code_size < 1:
        raise ValueError(f"code_size must be positive or None, got {code_size}")
    mean, frame_size = _mean_frame(mean_frame, _frame_size(frame_size))
    feature_shape = (((height - 4) // 2 - 4) // 2, ((width - 4) // 2 - 4) // 2, filters)

    if frame_size is None:
        frame = hidden = keras.Input((height, width, 1), name="frame")
    else:
        frame, hidden = _scaled_input((*frame_size, 1), None if mean is None else frame_size)
        hidden = layers.Resizing(height, width, name="resize")(hidden)
    hidden = layers.Conv2D(filters, 5, activation="relu")(hidden)
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
    last = None if mean is not None else "sigmoid"  # with the mean frame: a difference, any sign
    reconstruction = layers.Conv2DTranspose(1, 5, activation=last, dtype="float32")(hidden)
    if frame_size is not None:
        reconstruction = _scaled_output(reconstruction, frame_size, None if mean is None else frame_size, clips=False)
    decoder = keras.Model(code_input, reconstruction, name="decoder")
    name = "frame_autoencoder" if code_size is not None else "frame_autoencoder_no_bottleneck"
    loss = "mse" if frame_size is None else FrameMSE()
    return _with_mean(compile_autoencoder(encoder, decoder, name, learning_rate, loss), mean)


def comparison_size(image_size: int | tuple[int, int]) -> tuple[int, int]:
    """The frame model's size for a clip model of ``image_size``: each side rounded up to a multiple of 4.

    Chapter 6 compares its clip model with a frame model at this size (99x147 → 100x148).
    """
    return tuple(-(-side // 4) * 4 for side in _image_size(image_size))


def spatiotemporal_sizes(largest: int = 256) -> list[int]:
    """Frame sizes the spatio-temporal autoencoder reconstructs without padding: 27 + 8k (…, 99, 115, …, 227).

    Other sizes (at least 27) are padded with zeros up to the next of these and cropped back.
    """
    return list(range(27, largest + 1, 8))


def spatiotemporal_autoencoder(
    image_size: int | tuple[int, int] = 227,
    clip_length: int = 10,
    filters: tuple[int, int] = (128, 64),
    lstm_filters: tuple[int, int, int] = (64, 32, 64),
    learning_rate: float = 1e-4,
    epsilon: float = 1e-6,
    weight_decay: float = 1e-5,
    frame_size: int | tuple[int, int] | None = None,
    mean_frame=None,
) -> keras.Model:
    """The spatio-temporal autoencoder of Chong & Tay (2017) for clips of video (chapter 6).

    Per frame, Conv2D(128, 11, stride 4) → Conv2D(64, 5, stride 2) (227 → 55 → 26); over
    time, ConvLSTM2D with 64 → 32 filters (the encoder's output, the code) → 64; then
    per frame Conv2DTranspose(128, 5, stride 2) → Conv2DTranspose(1, 11, stride 4,
    sigmoid) back to 227x227. Input and output: (clip_length, height, width, 1).
    Adam with the slides' settings (learning rate 1e-4, epsilon 1e-6, weight decay 1e-5;
    Keras applies the decay decoupled, as AdamW does, where the slides' MXNet added it
    to the gradient), MSE loss. Smaller ``filters`` / ``lstm_filters`` and frames make a
    model the CPU trains in minutes. ``image_size`` (an int, or (height, width) to keep
    the frames' proportions) is at least 27 each way; a size outside
    :func:`spatiotemporal_sizes` is padded with zeros to the next one ("pad") and the
    reconstruction cropped back ("crop"). Under a mixed-precision policy the output stays float32.

    With ``frame_size=(height, width)`` the model takes uint8 clips of that size, as
    :func:`labutils.data.ucsd_clips` yields them (e.g. Ped1's (158, 238)): "scale"
    (Rescaling 1/255) and "resize" (to ``image_size``, per frame) come first,
    "resize_back" last, and the loss is :class:`FrameMSE`, so ``model.fit`` takes the
    uint8 ``(clip, clip)`` pairs and reconstructions come at the frame's own size in [0, 1].
    With ``mean_frame`` (the training frames' mean at the frame size, as Chong & Tay
    normalise; it implies ``frame_size``) every frame has it subtracted ("subtract_mean"),
    the last convolution is linear, and the mean is added back ("add_mean", clipped to [0, 1]).
    """
    (height, width), clip_length = _image_size(image_size), positive_int("clip_length", clip_length)
    filters = positive_ints("filters", filters, count=2)
    lstm_filters = positive_ints("lstm_filters", lstm_filters, count=3)
    if min(height, width) < 27:
        raise ValueError(
            f"image_size must be at least 27 (an 11x11 convolution with stride 4, then 5x5 with stride 2), "
            f"got {image_size}"
        )
    if clip_length < 2:
        raise ValueError(f"clip_length must be at least 2 frames, got {clip_length}")
    mean, frame_size = _mean_frame(mean_frame, _frame_size(frame_size))
    padded = [next(size for size in spatiotemporal_sizes(side + 8) if size >= side) for side in (height, width)]
    margins = tuple(((pad - side) // 2, pad - side - (pad - side) // 2) for pad, side in zip(padded, (height, width)))
    per_frame = layers.TimeDistributed

    if frame_size is None:
        clip = hidden = keras.Input((clip_length, height, width, 1), name="clip")
    else:
        clip, hidden = _scaled_input((clip_length, *frame_size, 1), None if mean is None else frame_size)
        hidden = per_frame(layers.Resizing(height, width), name="resize")(hidden)
    if padded != [height, width]:
        hidden = per_frame(layers.ZeroPadding2D(margins), name="pad")(hidden)
    hidden = per_frame(layers.Conv2D(filters[0], 11, strides=4, activation="relu"), name="spatial_1")(hidden)
    hidden = per_frame(layers.Conv2D(filters[1], 5, strides=2, activation="relu"), name="spatial_2")(hidden)
    hidden = layers.ConvLSTM2D(lstm_filters[0], 3, padding="same", return_sequences=True, name="temporal_1")(hidden)
    code = layers.ConvLSTM2D(lstm_filters[1], 3, padding="same", return_sequences=True, name="temporal_code")(hidden)
    encoder = keras.Model(clip, code, name="encoder")

    code_input = keras.Input(encoder.output.shape[1:], name="code")
    hidden = layers.ConvLSTM2D(lstm_filters[2], 3, padding="same", return_sequences=True, name="temporal_3")(code_input)
    hidden = per_frame(layers.Conv2DTranspose(filters[0], 5, strides=2, activation="relu"), name="spatial_3")(hidden)
    last = None if mean is not None else "sigmoid"  # with the mean frame: a difference, any sign
    reconstruction = per_frame(
        layers.Conv2DTranspose(1, 11, strides=4, activation=last, dtype="float32"), name="spatial_4"
    )(hidden)
    if padded != [height, width]:
        reconstruction = per_frame(layers.Cropping2D(margins, dtype="float32"), name="crop")(reconstruction)
    if frame_size is not None:
        reconstruction = _scaled_output(reconstruction, frame_size, None if mean is None else frame_size, clips=True)
    decoder = keras.Model(code_input, reconstruction, name="decoder")
    optimizer = keras.optimizers.Adam(learning_rate, epsilon=epsilon, weight_decay=weight_decay)
    loss = "mse" if frame_size is None else FrameMSE()
    model = compile_autoencoder(encoder, decoder, "spatiotemporal_autoencoder", learning_rate, loss, optimizer)
    return _with_mean(model, mean)


def spatiotemporal_autoencoder_from(lab_settings: dict, frame_size=None, mean_frame=None) -> keras.Model:
    """:func:`spatiotemporal_autoencoder` built from a settings row such as ``ucsd_video``.

    The row gives ``image_size``, ``clip_length``, ``filters``, ``lstm_filters`` and
    ``learning_rate``; ``frame_size`` and ``mean_frame`` as for the builder. Chapter 5's
    layer figure and the video benchmarks build their clip models with it, so that a row
    means the same model there as in the UCSD lab, whose notebook writes the call out.
    """
    keys = ("image_size", "clip_length", "filters", "lstm_filters", "learning_rate")
    missing = [key for key in keys if key not in lab_settings] if isinstance(lab_settings, dict) else list(keys)
    if missing:
        raise ValueError(f"lab_settings lacks {missing}: pass a row of labutils.settings such as ucsd_video")
    return spatiotemporal_autoencoder(*(lab_settings[key] for key in keys), frame_size=frame_size,
                                      mean_frame=mean_frame)
