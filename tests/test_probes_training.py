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
    ("text", "abc", "must be an array of numbers, got <U3 values"),
    ("ragged", [[1.0, 2.0], [3.0]], "must be an array of numbers, got a ragged list"),
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


# ----------------------------------------------------------------------------- round 3: no silent wrong results

@pytest.fixture(scope="module")
def beat_model():
    return models.conv1d_ecg_autoencoder()


def test_same_count_but_another_shape_is_refused_not_reshaped(beat_model):
    with pytest.raises(ValueError, match=r"takes examples of shape \(140, 1\); x has shape \(20, 70, 2\)"):
        scoring.reconstruction_errors(beat_model, np.zeros((20, 70, 2), np.float32))
    with pytest.raises(ValueError, match=r"x_normal has shape \(20, 2, 70\)"):
        scoring.fit_autoencoder(beat_model, np.zeros((20, 2, 70)), "quick", epochs=1, progress=False)
    assert scoring.as_model_input(beat_model, np.zeros((3, 140))).shape == (3, 140, 1)  # a missing axis of 1 is fine
    assert scoring.as_model_input(beat_model, np.zeros((3, 1, 140))).shape == (3, 140, 1)


def test_values_beyond_float32_are_refused_not_made_infinite(model):
    with pytest.raises(ValueError, match=r"holds 2 values beyond float32.s range"):
        scoring.reconstruction_errors(model, np.where(np.eye(3, 6) == 1, [[1e39], [1e300], [0.0]], GOOD[:3]))


THRESHOLD_CASES = [
    ("predict-nan", lambda: scoring.predict_anomalies([0.1, 0.2], np.nan), "threshold must be a finite number"),
    ("predict-inf", lambda: scoring.predict_anomalies([0.1, 0.2], np.inf), "threshold must be a finite number"),
    ("predict-none", lambda: scoring.predict_anomalies([0.1, 0.2], None), "threshold must be a finite number"),
    ("predict-text", lambda: scoring.predict_anomalies([0.1, 0.2], "0.5"), "threshold must be a finite number"),
    ("predict-array", lambda: scoring.predict_anomalies([0.1, 0.2], [0.1, 0.2]), "threshold must be a finite"),
    ("metrics-nan", lambda: scoring.detection_metrics([True, False], [0.9, 0.1], np.nan), "threshold must be"),
    ("metrics-text", lambda: scoring.detection_metrics([True, False], [0.9, 0.1], "high"), "threshold must be"),
    ("mean-std-k-nan", lambda: scoring.threshold_mean_std([0.1, 0.2], np.nan), "k must be a finite number"),
    ("percentile-text", lambda: scoring.threshold_percentile([0.1, 0.2], "95"), "percentile must be"),
    ("best-f1-lengths", lambda: scoring.threshold_best_f1([True, False, True], [0.1, 0.2]), "3 labels but 2 scores"),
    ("scores-text", lambda: scoring.detection_metrics([True, False], ["a", "b"]), "scores must be an array of num"),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in THRESHOLD_CASES], ids=[c[0] for c in THRESHOLD_CASES])
def test_thresholds_must_be_finite_numbers(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "8", None, True], ids=["0", "-1", "2.5", "text", "none", "bool"])
def test_a_bad_batch_size_is_named(model, batch_size):
    pattern = "batch_size must be a whole number of at least 1"
    for call in (lambda: scoring.reconstruction_errors(model, GOOD, batch_size=batch_size),
                 lambda: scoring.reconstruct(model, GOOD, batch_size=batch_size),
                 lambda: scoring.reconstruction_mse(model, GOOD, batch_size=batch_size)):
        with pytest.raises(ValueError, match=pattern):
            call()
    if batch_size is not None:  # None means "the lab's default" in fit_autoencoder
        with pytest.raises(ValueError, match=pattern):
            scoring.fit_autoencoder(model, GOOD, "quick", epochs=1, batch_size=batch_size, progress=False)


@pytest.mark.parametrize(
    "options, message",
    [({"epochs": 2.5}, "epochs must be a whole number"), ({"patience": -1}, "patience must be a whole number of at"),
     ({"seed": "1"}, "seed must be"), ({"progress": "no"}, "progress must be True or False"),
     ({"callbacks": "tensorboard"}, "callbacks must be a list")],
    ids=["epochs-float", "patience-negative", "seed-text", "progress-text", "callbacks-text"],
)
def test_fit_autoencoder_names_each_bad_option(model, options, message):
    with pytest.raises(ValueError, match=message):
        scoring.fit_autoencoder(model, GOOD, "quick", **{"epochs": 1, "progress": False, **options})


def test_frames_on_two_scales_are_refused_not_scored():
    frames = np.random.default_rng(0).integers(0, 256, (3, 4, 5)).astype(np.float64)  # floats in 0-255
    with pytest.raises(ValueError, match=r"frames must be uint8 or floats in \[0, 1\], got float64 from .* to 2"):
        video.frame_errors(frames, frames / 255.0)
    with pytest.raises(ValueError, match="reconstructions must be uint8 or floats"):
        video.frame_errors(frames / 255.0, frames)
    with pytest.raises(ValueError, match=r"frames must be uint8 or floats in .* int16"):
        video.frame_errors(frames.astype(np.int16), frames / 255.0)
    with pytest.raises(ValueError, match=r"from nan"):
        video.frame_errors(np.full((1, 2, 2), np.nan), np.zeros((1, 2, 2)))
    np.testing.assert_allclose(video.frame_errors(frames.astype(np.uint8), frames / 255.0), 0.0, atol=1e-12)
