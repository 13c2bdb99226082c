"""labutils.scoring: errors, thresholds and metrics on hand-made inputs; training on real beats."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from labutils import baselines, data, models, scoring, settings


def zero_model(shape=(4,)):
    inputs = keras.Input(shape)
    return keras.Model(inputs, layers.Lambda(lambda tensor: tensor * 0.0)(inputs))


def test_reconstruction_errors_are_mean_absolute_errors():
    x = np.array([[1.0, -1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 4.0]], dtype="float32")
    np.testing.assert_allclose(scoring.reconstruction_errors(zero_model(), x), [1.0, 1.0])
    np.testing.assert_allclose(scoring.reconstruction_errors(zero_model(), x, batch_size=1), [1.0, 1.0])


def test_reconstruction_mse_of_a_model_a_denoiser_and_pca():
    x = np.array([[1.0, -1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 4.0]], dtype="float32")
    assert scoring.reconstruction_mse(zero_model(), x) == pytest.approx(22 / 8)  # mean of x squared
    assert scoring.reconstruction_mse(zero_model(), x, targets=np.ones_like(x)) == 1.0  # a denoiser's clean targets
    line = np.column_stack([np.arange(10.0), 2 * np.arange(10.0)])
    pca = baselines.PCAReconstruction(1).fit(line)  # anything with reconstruct(): rebuilds the line exactly
    assert scoring.reconstruction_mse(pca, [[20.0, 40.0]]) == pytest.approx(0.0, abs=1e-9)
    assert scoring.reconstruction_mse(pca, [[2.0, -1.0]]) == pytest.approx(2.5)  # half of |(2, -1)|^2 is lost
    with pytest.raises(ValueError, match=r"targets must be shaped like x \(2, 4\), got \(2, 3\)"):
        scoring.reconstruction_mse(zero_model(), x, targets=x[:, :3])
    with pytest.raises(ValueError, match=r"x must be a non-empty array of examples, got shape \(0, 4\)"):
        scoring.reconstruction_mse(zero_model(), np.zeros((0, 4)))


def test_fit_autoencoder_takes_its_defaults_from_the_settings_row():
    keras.utils.set_random_seed(0)
    model = models.dense_autoencoder(4, hidden_units=(3,), latent_dim=2)
    x = np.random.default_rng(0).random((20, 4)).astype("float32")
    history = scoring.fit_autoencoder(model, x, "quick", lab="ecg_original", progress=False)
    assert len(history.history["loss"]) == settings.get("ecg_original", "quick")["epochs"]  # no early stopping
    with pytest.raises(ValueError, match="lab must be one of"):
        scoring.fit_autoencoder(model, x, "quick", lab="nonsense", progress=False)


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


def test_threshold_metrics_agree_with_scikit_learn():
    from sklearn import metrics

    rng = np.random.default_rng(0)
    for trial in range(30):
        is_anomaly = rng.random(40) < 0.3
        is_anomaly[:2] = [False, True]
        scores = rng.integers(0, 5, 40).astype(float)  # ties, and thresholds that flag nothing
        threshold = float(rng.integers(-1, 6))
        predicted = scores > threshold
        result = scoring.detection_metrics(is_anomaly, scores, threshold)
        assert result["accuracy"] == pytest.approx(metrics.accuracy_score(is_anomaly, predicted))
        for name, function in [("precision", metrics.precision_score), ("recall", metrics.recall_score),
                               ("f1", metrics.f1_score)]:
            assert result[name] == pytest.approx(function(is_anomaly, predicted, zero_division=0)), (trial, name)
    assert scoring.detection_metrics([False, True], [0.1, 0.2], threshold=1.0)["precision"] == 0.0  # none flagged


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
    """Chapter 2's protocol on the shipped real digits: trained on zeros, other digits score higher."""
    (x_train, y_train), (x_test, y_test), _ = data.load_mnist("quick")
    zeros, test_images, is_anomaly = data.one_class_split(x_train, y_train, x_test, y_test, normal_class=0)
    keras.utils.set_random_seed(0)
    model = models.vanilla_autoencoder()
    scoring.fit_autoencoder(model, zeros, "quick", epochs=30, progress=False)
    errors = scoring.reconstruction_errors(model, test_images)
    assert errors.shape == (500,)  # every shipped test digit
    assert scoring.detection_metrics(is_anomaly, errors)["roc_auc"] >= 0.9


# --------------------------------------------------------------------------- structural error (chapter 2)


def test_structural_errors_are_one_minus_tensorflows_ssim():
    import tensorflow as tf

    from labutils import env, inference, models

    env.setup(seed=1, verbose=False)
    model = models.conv_autoencoder()
    images = np.random.default_rng(0).random((6, 28, 28)).astype(np.float32)
    rebuilt = inference.reconstruct(model, images)
    expected = 1.0 - tf.image.ssim(images[..., None], rebuilt[..., None], 1.0, filter_size=7).numpy()
    np.testing.assert_allclose(inference.structural_errors(model, images), expected, atol=1e-5)
    # a perfect reconstruction scores 0
    identity = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Identity()], name="identity")
    np.testing.assert_allclose(inference.structural_errors(identity, images), 0.0, atol=1e-9)
    with pytest.raises(ValueError, match="window"):
        inference.structural_errors(identity, images, window=2)
    small = keras.Sequential([keras.Input((5, 5, 1)), keras.layers.Identity()], name="small")
    with pytest.raises(ValueError, match="at least 7x7"):
        inference.structural_errors(small, np.zeros((2, 5, 5)))
