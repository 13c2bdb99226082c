"""labutils.scoring: errors, thresholds and metrics on hand-made inputs; training on real beats."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from labutils import data, models, scoring


def zero_model(shape=(4,)):
    inputs = keras.Input(shape)
    return keras.Model(inputs, layers.Lambda(lambda tensor: tensor * 0.0)(inputs))


def test_reconstruction_errors_are_mean_absolute_errors():
    x = np.array([[1.0, -1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 4.0]], dtype="float32")
    np.testing.assert_allclose(scoring.reconstruction_errors(zero_model(), x), [1.0, 1.0])
    np.testing.assert_allclose(scoring.reconstruction_errors(zero_model(), x, batch_size=1), [1.0, 1.0])


def test_inputs_are_reshaped_to_the_model_and_bad_sizes_rejected():
    model = zero_model((4, 1))
    assert scoring.as_model_input(model, np.zeros((3, 4))).shape == (3, 4, 1)
    assert scoring.reconstruct(model, np.ones((3, 4))).shape == (3, 4)
    with pytest.raises(ValueError, match=r"shape \(4, 1\)"):
        scoring.as_model_input(model, np.zeros((3, 5)))


def test_thresholds_on_hand_made_errors():
    errors = np.array([1.0, 2.0, 3.0, 4.0])
    assert scoring.threshold_mean_std(errors) == pytest.approx(2.5 + np.sqrt(1.25))
    assert scoring.threshold_mean_std(errors, k=2) == pytest.approx(2.5 + 2 * np.sqrt(1.25))
    assert scoring.threshold_percentile(errors, 50) == pytest.approx(2.5)
    with pytest.raises(ValueError):
        scoring.threshold_percentile(errors, 101)
    with pytest.raises(ValueError):
        scoring.threshold_mean_std([])


def test_best_f1_threshold_separates_separable_scores():
    is_anomaly = np.array([False, False, False, True, True])
    scores = np.array([0.1, 0.2, 0.3, 0.7, 0.9])
    threshold = scoring.threshold_best_f1(is_anomaly, scores)
    assert 0.3 <= threshold < 0.7
    assert scoring.detection_metrics(is_anomaly, scores, threshold)["f1"] == 1.0
    with pytest.raises(ValueError, match="both"):
        scoring.threshold_best_f1(np.zeros(3, bool), scores[:3])


def test_metrics_treat_anomaly_as_positive():
    is_anomaly = np.array([False, False, True, True])
    scores = np.array([0.1, 0.4, 0.35, 0.8])
    result = scoring.detection_metrics(is_anomaly, scores, threshold=0.3)
    # predictions: [F, T, T, T] -> TP 2, FP 1, FN 0, TN 1
    assert result["precision"] == pytest.approx(2 / 3)
    assert result["recall"] == 1.0
    assert result["f1"] == pytest.approx(0.8)
    assert result["accuracy"] == 0.75
    assert result["roc_auc"] == 0.75  # 3 of the 4 (anomaly, normal) pairs are ordered right
    assert result["pr_auc"] == pytest.approx((1 + 2 / 3) / 2)
    assert set(scoring.detection_metrics(is_anomaly, scores)) == {"roc_auc", "pr_auc"}


@pytest.mark.parametrize(
    ("labels", "scores", "message"),
    [
        ([True, False], [0.1], "2 labels but 1 scores"),
        ([True, False], [0.1, np.nan], "NaN"),
        ([False, False], [0.1, 0.2], "both"),
        ([0, 2], [0.1, 0.2], "booleans"),
    ],
)
def test_metrics_reject_bad_input(labels, scores, message):
    with pytest.raises(ValueError, match=message):
        scoring.detection_metrics(np.array(labels), np.array(scores))


def test_split_normal_is_a_seeded_partition():
    x = np.arange(20)[:, None]
    train, validation = scoring.split_normal(x, 0.25, seed=1)
    assert len(train) == 15 and len(validation) == 5
    assert sorted(np.concatenate([train, validation]).ravel()) == list(range(20))
    np.testing.assert_array_equal(validation, scoring.split_normal(x, 0.25, seed=1)[1])
    with pytest.raises(ValueError):
        scoring.split_normal(x, 1.5)


def test_fit_autoencoder_fits_scaling_on_training_beats_only():
    model = models.dense_ecg_autoencoder()
    train = np.linspace(-2.0, 4.0, 140 * 10, dtype="float32").reshape(10, 140)
    validation = np.full((2, 140), 100.0, dtype="float32")  # far outside: must not move the scaling
    history = scoring.fit_autoencoder(model, train, "quick", validation_data=validation, epochs=2, progress=False)
    scaling = model.encoder.get_layer("minmax_scaling")
    assert float(scaling.minimum.numpy()) == -2.0 and float(scaling.maximum.numpy()) == 4.0
    assert len(history.history["val_loss"]) == 2
    with pytest.raises(ValueError):
        scoring.fit_autoencoder(model, train, "quick", epochs=0)


def test_trained_autoencoders_detect_real_anomalies(ecg_dev_file):
    """The quick profile's training already separates real abnormal beats from normal ones."""
    beats, is_anomaly = data.load_ecg(ecg_dev_file)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(beats))
    train, test = order[:200], order[200:]
    normal_train = beats[train][~is_anomaly[train]]
    for builder, minimum_auc in [(models.dense_ecg_autoencoder, 0.9), (models.conv1d_ecg_autoencoder, 0.9)]:
        keras.utils.set_random_seed(0)
        model = builder()
        scoring.fit_autoencoder(model, normal_train, "quick", progress=False)
        errors = scoring.reconstruction_errors(model, beats[test])
        assert errors.shape == (100,)
        assert scoring.detection_metrics(is_anomaly[test], errors)["roc_auc"] >= minimum_auc, builder.__name__


def test_one_class_digits_autoencoder_flags_other_digits():
    """Chapter 2's protocol on the quick stand-in: trained on zeros, other digits score higher."""
    (x_train, y_train), (x_test, y_test), _ = data.load_mnist("quick")
    zeros, test_images, is_anomaly = data.one_class_split(x_train, y_train, x_test, y_test, normal_class=0)
    keras.utils.set_random_seed(0)
    model = models.vanilla_autoencoder()
    scoring.fit_autoencoder(model, zeros, "quick", epochs=30, progress=False)
    errors = scoring.reconstruction_errors(model, test_images)
    assert errors.shape == (360,)
    assert scoring.detection_metrics(is_anomaly, errors)["roc_auc"] >= 0.9


# --------------------------------------------------------------------------- video


def test_regularity_scores_follow_hasan_and_the_range_variant():
    errors = np.array([2.0, 4.0, 10.0])
    np.testing.assert_allclose(scoring.regularity_scores(errors), [1.0, 0.8, 0.2])  # 1 - (e - 2) / 10
    np.testing.assert_allclose(scoring.regularity_scores(errors, "range"), [1.0, 0.75, 0.0])
    np.testing.assert_allclose(scoring.regularity_scores([3.0, 3.0]), [1.0, 1.0])
    for bad in ([], [1.0, -1.0], [np.nan]):
        with pytest.raises(ValueError):
            scoring.regularity_scores(bad)
    with pytest.raises(ValueError, match="normalisation"):
        scoring.regularity_scores(errors, "mean")


def test_equal_error_rate_on_hand_made_scores():
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=bool)
    assert scoring.equal_error_rate(labels, [0, 1, 2, 3, 4, 5, 6, 7]) == 0.0
    assert scoring.equal_error_rate(labels, [7, 6, 5, 4, 3, 2, 1, 0]) == 1.0
    # one normal frame above one anomalous frame: the miss and false-alarm rates meet at 1/4
    assert scoring.equal_error_rate(labels, [0, 1, 2, 5, 4, 6, 7, 8]) == pytest.approx(0.25)


def test_frame_level_evaluation_pools_videos():
    truth = {"Test001": np.array([0, 0, 1, 1], bool), "Test002": np.array([0, 1, 1], bool)}
    scores = {"Test001": [0.1, 0.2, 0.8, 0.9], "Test002": [0.3, 0.7, 0.6]}
    result = scoring.frame_level_evaluation(truth, scores)
    assert result["roc_auc"] == 1.0 and result["eer"] == 0.0
    assert result["frames"] == 7 and result["anomalous_frames"] == 4
    with pytest.raises(ValueError, match="Test002"):
        scoring.frame_level_evaluation(truth, {"Test001": scores["Test001"], "Test002": [0.1]})
    with pytest.raises(ValueError, match="videos differ"):
        scoring.frame_level_evaluation(truth, {"Test001": scores["Test001"]})


def identity_model(input_shape) -> keras.Model:
    inputs = keras.Input(input_shape)
    return keras.Model(inputs, layers.Activation("linear")(inputs))


def test_reconstruct_video_covers_every_frame_with_clips_or_frames():
    frames = np.random.default_rng(0).integers(0, 256, (7, 5, 6), dtype=np.uint8)
    for model in (identity_model((3, 5, 6, 1)), identity_model((5, 6, 1))):
        reconstructed = scoring.reconstruct_video(model, frames)  # 7 frames, clips of 3: starts 0, 3 and 4
        np.testing.assert_allclose(reconstructed, frames / 255.0, atol=1e-6)
        np.testing.assert_allclose(scoring.frame_errors(frames, reconstructed), 0.0, atol=1e-10)
    with pytest.raises(ValueError, match="frames of"):
        scoring.reconstruct_video(identity_model((3, 4, 4, 1)), frames)
    with pytest.raises(ValueError, match="fewer than one clip"):
        scoring.reconstruct_video(identity_model((9, 5, 6, 1)), frames)


def test_frame_errors_are_mean_squared_errors_per_frame():
    frames = np.zeros((2, 2, 2), dtype=np.uint8)
    reconstructions = np.array([np.full((2, 2), 0.5), [[1.0, 0.0], [0.0, 0.0]]], dtype=np.float32)
    np.testing.assert_allclose(scoring.frame_errors(frames, reconstructions), [0.25, 0.25])
