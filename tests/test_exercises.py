"""labutils.exercises: each checker passes the reference answer, fails typical wrong ones with their hints.

And it says "not attempted" while the answer is None.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers
from sklearn.metrics import precision_score, recall_score

from labutils import exercises

TOY_LABELS = np.r_[np.zeros(300, bool), np.ones(30, bool)]
RNG = np.random.default_rng(0)
ERRORS = RNG.random(200)
LABELS = ERRORS + RNG.normal(0, 0.3, 200) > 0.8
THRESHOLD = 0.6
FLAGGED = ERRORS > THRESHOLD


def printed(capsys, call, *args) -> str:
    assert call(*args) is None  # printed, not returned: the notebook cell shows it once
    return capsys.readouterr().out


def test_do_nothing(capsys):
    check = exercises.check_do_nothing
    assert "Not attempted" in printed(capsys, check, TOY_LABELS, None, None, None)
    assert printed(capsys, check, TOY_LABELS, 0, 0.0, 0).strip() == "Correct!"
    wrong = printed(capsys, check, TOY_LABELS, round(300 / 330, 3), 1.0, round(600 / 630, 3))
    assert "Not yet: precision, recall, f1 are not right" in wrong and "scores of the normal class" in wrong
    assert "How many points score above 0.5" in printed(capsys, check, TOY_LABELS, 0.5, 0.0, 0.0)
    assert "still None" in printed(capsys, check, TOY_LABELS, 0.0, None, None)
    with pytest.raises(ValueError, match="is_anomaly"):
        check([0, 1, 2], 0, 0, 0)


def test_anomaly_precision_recall(capsys):
    def check(precision, recall):
        return printed(capsys, exercises.check_anomaly_precision_recall, LABELS, ERRORS, THRESHOLD, precision, recall)

    right = precision_score(LABELS, FLAGGED), recall_score(LABELS, FLAGGED)
    assert "Not attempted" in check(None, None)
    assert check(*right).strip() == "Correct!"
    assert check(*(round(value, 3) for value in right)).strip() == "Correct!"
    normal = check(precision_score(~LABELS, ~FLAGGED), recall_score(~LABELS, ~FLAGGED))
    assert "not right" in normal and "how well normal beats are found" in normal
    assert "swapped" in check(right[1], right[0])
    assert "above the threshold" in check(precision_score(LABELS, ERRORS < THRESHOLD),
                                         recall_score(LABELS, ERRORS < THRESHOLD))
    assert "one number" in check("0.9", right[1])
    with pytest.raises(ValueError, match="threshold"):
        exercises.check_anomaly_precision_recall(LABELS, ERRORS, float("nan"), 0.5, 0.5)


def test_clip_memory(capsys):
    check = exercises.check_clip_memory
    assert "Not attempted" in printed(capsys, check, None, None)
    assert printed(capsys, check, 2.80, 0.26).strip() == "Correct!"  # rounded to two decimals
    assert "GiB" in printed(capsys, check, 2.804e9 / 2**30, 0.2557e9 / 2**30)
    assert "bytes does one float64 value take" in printed(capsys, check, 2.804 / 8, 0.2557)
    assert "238x158" in printed(capsys, check, 2.804, 34 * 200 * 227 * 227 / 1e9)
    assert "multiply" in printed(capsys, check, 5.0, 1.0)


def channels_model(lstm: bool = False, filters: int = 32) -> keras.Model:
    clip = keras.Input(exercises.CLIP_SHAPE)
    hidden = layers.Conv2D(128, 11, strides=4, activation="relu")(clip)
    hidden = layers.Conv2D(64, 5, strides=2, activation="relu")(hidden)
    for units in (64, filters, 64):
        hidden = layers.Conv2D(units, 3, padding="same", activation="tanh")(hidden)
    if lstm:
        hidden = layers.ConvLSTM2D(64, 3, padding="same")(layers.Reshape((1, 26, 26, 64))(hidden))
    hidden = layers.Conv2DTranspose(128, 5, strides=2, activation="relu")(hidden)
    return keras.Model(clip, layers.Conv2DTranspose(10, 11, strides=4, activation="sigmoid")(hidden))


def test_channels_model(capsys):
    check = exercises.check_channels_model
    assert "Not attempted" in printed(capsys, check, None)
    assert printed(capsys, check, channels_model()).strip() == "Correct!"
    assert "ConvLSTM2D" in printed(capsys, check, channels_model(lstm=True))
    assert "Almost" in printed(capsys, check, channels_model(filters=16))
    wrong_output = keras.Model(*(lambda x: (x, layers.Conv2D(10, 3)(x)))(keras.Input(exercises.CLIP_SHAPE)))
    assert "the output has shape (225, 225, 10)" in printed(capsys, check, wrong_output)
    assert "channels of one 227x227" in printed(capsys, check, keras.Model(*(
        lambda x: (x, layers.Dense(3)(x)))(keras.Input((10, 227, 227)))))
    assert "should be a Keras model" in printed(capsys, check, "model")


def pooling_model(filters: int = 16, code_filters: int = 8, pools: int = 2, dense: bool = False,
                  output: str = "sigmoid") -> keras.Model:
    image = keras.Input(exercises.DIGIT_SHAPE)
    hidden = image
    for _ in range(pools):
        hidden = layers.MaxPooling2D(2)(layers.Conv2D(filters, 3, padding="same", activation="relu")(hidden))
    hidden = layers.Conv2D(code_filters, 3, padding="same", activation="relu")(hidden)
    if dense:
        hidden = layers.Reshape((7, 7, 8))(layers.Dense(7 * 7 * 8)(layers.Flatten()(hidden)))
    for _ in range(pools):
        hidden = layers.Conv2D(filters, 3, padding="same", activation="relu")(layers.UpSampling2D(2)(hidden))
    return keras.Model(image, layers.Conv2D(1, 3, padding="same", activation=output)(hidden))


def test_pooling_autoencoder(capsys):
    check = exercises.check_pooling_autoencoder
    assert "Not attempted" in printed(capsys, check, None)
    assert printed(capsys, check, pooling_model()).strip() == "Correct!"
    assert exercises.POOLING_MODEL_WEIGHTS == pooling_model().count_params() == 7273
    assert "Almost" in printed(capsys, check, pooling_model(filters=32))
    assert "no layer outputs a 7x7x8" in printed(capsys, check, pooling_model(code_filters=4))
    assert "Dense layer" in printed(capsys, check, pooling_model(dense=True))
    assert "activation is relu" in printed(capsys, check, pooling_model(output="relu"))
    flat = keras.Model(*(lambda x: (x, layers.Dense(3)(x)))(keras.Input((784,))))
    assert "input has shape (784,)" in printed(capsys, check, flat)
    one_pool = pooling_model(pools=1, code_filters=8)
    assert "no layer outputs a 7x7x8" in printed(capsys, check, one_pool)
    image = keras.Input(exercises.DIGIT_SHAPE)
    code = layers.Conv2D(8, 3, padding="same")(layers.MaxPooling2D(4)(image))
    half = keras.Model(image, layers.Conv2D(1, 3, padding="same", activation="sigmoid")(layers.UpSampling2D(2)(code)))
    assert "output has shape (14, 14, 1)" in printed(capsys, check, half)
    assert "should be a Keras model" in printed(capsys, check, [1, 2])
