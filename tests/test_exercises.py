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
