"""Probes of the training and scoring surface: bad arrays and arguments a student could pass.

Each case must fail with a ``ValueError`` whose message names the argument (and, for arrays,
the caller's shape), never a raw error from deep inside NumPy or Keras, nor a silent NaN.
Counted in benchmarks/README.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from labutils import baselines, models, scoring, video

RNG = np.random.default_rng(0)
GOOD = RNG.normal(size=(20, 6)).astype(np.float32)


@pytest.fixture(scope="module")
def model():
    return models.dense_autoencoder(6, hidden_units=(4,), latent_dim=2, name="probe")


BAD_ARRAYS = [
    ("empty", np.zeros((0, 6)), "x is empty"),
    ("nan", np.where(np.eye(20, 6, dtype=bool), np.nan, GOOD), "holds 6 NaN or infinite"),
    ("inf", np.full((3, 6), np.inf), "holds 18 NaN or infinite"),
    ("too-wide", np.zeros((3, 7)), r"shape \(3, 7\)"),
    ("one-example", np.zeros(6), r"one example\? pass x\[None\]"),
    ("scalar", np.float32(1.0), r"shape \(\)"),
    ("text", "abc", "must be an array of numbers"),
    ("ragged", [[1.0, 2.0], [3.0]], "must be an array of numbers"),
    ("none", None, "must be an array of numbers|shape"),
]


@pytest.mark.parametrize("x, message", [case[1:] for case in BAD_ARRAYS], ids=[case[0] for case in BAD_ARRAYS])
def test_reconstruction_errors_rejects(model, x, message):
    with pytest.raises(ValueError, match=message):
        scoring.reconstruction_errors(model, x)


@pytest.mark.parametrize("x, message", [case[1:] for case in BAD_ARRAYS], ids=[case[0] for case in BAD_ARRAYS])
def test_fit_autoencoder_rejects_bad_normal_data(model, x, message):
    message = message.replace("x is", "x_normal is").replace(r"pass x\[", r"pass x_normal\[")
    with pytest.raises(ValueError, match=message):
        scoring.fit_autoencoder(model, x, "quick", epochs=1, progress=False)


def test_fit_autoencoder_names_bad_validation_data(model):
    with pytest.raises(ValueError, match=r"validation_data \(shape \(2, 6\)\) holds 1 NaN"):
        scoring.fit_autoencoder(model, GOOD, "quick", validation_data=np.array([[np.nan, 0, 0, 0, 0, 0],
                                                                                [0, 0, 0, 0, 0, 0]]),
                                epochs=1, progress=False)


@pytest.mark.parametrize(
    "options, message",
    [({"epochs": 0}, "epochs"), ({"batch_size": 0}, "batch_size"), ({"lab": "cifar"}, "lab must be one of")],
    ids=["epochs-0", "batch-0", "unknown-lab"],
)
def test_fit_autoencoder_rejects_bad_options(model, options, message):
    with pytest.raises(ValueError, match=message):
        scoring.fit_autoencoder(model, GOOD, "quick", progress=False, **options)


def test_an_unknown_profile_is_named(model):
    with pytest.raises(ValueError, match="profile"):
        scoring.fit_autoencoder(model, GOOD, "fast", progress=False)


SCORE_CASES = [
    ("metrics-length", lambda: scoring.detection_metrics([True, False], [0.1]), "2 labels but 1 scores"),
    ("metrics-one-class", lambda: scoring.detection_metrics([True, True], [0.1, 0.2]), "both normal and anomalous"),
    ("metrics-nan", lambda: scoring.detection_metrics([True, False], [np.nan, 0.2]), "NaN or infinite"),
    ("metrics-labels-3", lambda: scoring.detection_metrics([0, 3], [0.1, 0.2]), "booleans"),
    ("metrics-2d-scores", lambda: scoring.detection_metrics([True, False], [[0.1], [0.2]]), "1-D"),
    ("threshold-empty", lambda: scoring.threshold_mean_std([]), "non-empty"),
    ("percentile-101", lambda: scoring.threshold_percentile([0.1, 0.2], 101), "percentile"),
    ("best-f1-one-class", lambda: scoring.threshold_best_f1([False, False], [0.1, 0.2]), "both normal"),
    ("regularity-negative", lambda: video.regularity_scores([0.1, -0.2]), "non-negative"),
    ("regularity-kind", lambda: video.regularity_scores([0.1, 0.2], "mean"), "normalisation"),
    ("eer-one-class", lambda: video.equal_error_rate([True, True], [0.1, 0.2]), "both normal"),
    ("frame-eval-videos", lambda: video.frame_level_evaluation({"a": np.array([True, False])}, {"b": [0.1, 0.2]}),
     "videos differ"),
    ("frame-eval-length", lambda: video.frame_level_evaluation({"a": np.array([True, False])}, {"a": [0.1]}),
     "2 labels but 1 scores"),
    ("frame-errors-shape", lambda: video.frame_errors(np.zeros((2, 4, 4)), np.zeros((2, 4, 5))), "differ in shape"),
    ("split-normal-fraction", lambda: scoring.split_normal(GOOD, 1.5), "validation_fraction"),
    ("split-normal-too-few", lambda: scoring.split_normal(GOOD[:1]), "too few"),
]


@pytest.mark.parametrize("call, message", [case[1:] for case in SCORE_CASES], ids=[case[0] for case in SCORE_CASES])
def test_scoring_rejects(call, message):
    with pytest.raises(ValueError, match=message):
        call()


BASELINE_CASES = [
    ("empty-train", lambda: baselines.fit_detectors(np.zeros((0, 3))), "empty|non-empty"),
    ("1d-train", lambda: baselines.fit_detectors(np.zeros(5)), "shape"),
    ("unknown-name", lambda: baselines.fit_detectors(GOOD, names=["Magic Forest"]), "Magic Forest"),
    ("nan-train", lambda: baselines.fit_detectors(np.full((4, 2), np.nan)), "NaN|finite"),
    ("width-mismatch", lambda: baselines.score_detectors(baselines.fit_detectors(GOOD, names=["Isolation Forest"]),
                                                         np.zeros((2, 5))), "6|5"),
]


@pytest.mark.parametrize("call, message", [case[1:] for case in BASELINE_CASES],
                         ids=[case[0] for case in BASELINE_CASES])
def test_baselines_reject(call, message):
    with pytest.raises(ValueError, match=message):
        call()
