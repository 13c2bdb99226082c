"""What every model builder shares: argument checks, and joining an encoder and a decoder.

Private: :mod:`labutils.models` and :mod:`labutils.video_models` both use it, so it lives
apart from either.
"""

from __future__ import annotations

import numbers
import operator

import keras


def positive_int(name: str, value) -> int:
    """Return ``value`` as an ``int``; raise a ValueError naming ``name`` unless it is a whole number >= 1.

    NumPy integers are accepted (Keras layers are not).
    """
    try:
        number = operator.index(value)  # int and NumPy integers, but not floats or strings
    except TypeError:
        number = 0
    if isinstance(value, bool) or number < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return number


def positive_ints(name: str, values, count: int | None = None) -> tuple[int, ...]:
    """Return ``values`` as a tuple of ints; raise a ValueError naming ``name`` unless each is >= 1.

    With ``count``, there must be exactly that many.
    """
    what = "a tuple of positive integers" if count is None else f"{count} positive integer{'' if count == 1 else 's'}"
    if not isinstance(values, (tuple, list)) or (count is not None and len(values) != count):
        raise ValueError(f"{name} must be {what}, got {values!r}")
    try:
        return tuple(positive_int(name, value) for value in values)
    except ValueError:
        raise ValueError(f"{name} must be {what}, got {values!r}") from None


def compile_autoencoder(
    encoder: keras.Model, decoder: keras.Model, name: str, learning_rate: float, loss="mae", optimizer=None
) -> keras.Model:
    """Chain ``encoder`` and ``decoder`` into a model compiled with ``loss`` and Adam (or ``optimizer``).

    The model takes what the encoder takes (its shape and dtype, e.g. uint8 frames) and
    exposes the halves as ``.encoder`` and ``.decoder``.
    """
    if isinstance(learning_rate, numbers.Real) and not learning_rate > 0:  # a schedule passes as it is
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    inputs = keras.Input(encoder.input_shape[1:], dtype=encoder.inputs[0].dtype, name="inputs")
    model = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    model.encoder = encoder
    model.decoder = decoder
    model.compile(optimizer=optimizer or keras.optimizers.Adam(learning_rate), loss=loss)
    return model
