"""labutils.detectors: the one detector contract, on hand-made data."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from labutils import baselines, detectors, env, inference, metrics, models

RNG = np.random.default_rng(0)
NORMAL = RNG.normal(0.0, 1.0, size=(80, 8)).astype(np.float32)


def small_autoencoder() -> keras.Model:
    env.setup(seed=0, verbose=False)
    return models.dense_autoencoder(8, hidden_units=(6,), latent_dim=2, name="small")


def test_an_autoencoder_detector_trains_its_own_model_and_scores_by_reconstruction_error():
    model = small_autoencoder()
    detector = detectors.AutoencoderDetector(model, lab="toy", epochs=3, progress=False)
    assert detector.fit(NORMAL) is detector  # fit returns the detector, as in scikit-learn
    assert detector.model is model and len(detector.history.history["loss"]) == 3
    far = NORMAL[:5] + 8.0
    scores = detector.score(np.concatenate([NORMAL[:5], far]))
    assert scores.shape == (10,)
    np.testing.assert_allclose(scores, inference.reconstruction_errors(model, np.concatenate([NORMAL[:5], far])))
    assert scores[5:].min() > scores[:5].max()  # far from the normal data: rebuilt worse
    assert detector.storage()["numbers"] == model.count_params()


def test_validation_data_given_once_to_the_constructor_is_used_by_fit():
    held_out = NORMAL[:10] + 100.0  # a validation set the model cannot rebuild: its loss is far above the training loss
    detector = detectors.AutoencoderDetector(small_autoencoder(), lab="toy", epochs=2, progress=False,
                                             validation_data=held_out)
    history = detector.fit(NORMAL[10:]).history.history
    assert min(history["val_loss"]) > 10 * max(history["loss"])


def test_an_untrained_or_wrong_model_is_refused():
    with pytest.raises(ValueError, match="small is not trained yet: call fit"):
        detectors.AutoencoderDetector(small_autoencoder()).score(NORMAL)
    with pytest.raises(ValueError, match="model must be a Keras autoencoder, got KNNDistance"):
        detectors.AutoencoderDetector(baselines.k_nearest_neighbours())
    with pytest.raises(ValueError, match="KNNDistance is not fitted yet"):
        baselines.k_nearest_neighbours().score(NORMAL)


def test_a_classical_detector_follows_the_same_contract():
    detector = baselines.k_nearest_neighbours()
    assert isinstance(detector, detectors.Detector)
    assert detector.fit(NORMAL) is detector
    assert detector.score(NORMAL[:3] + 50).min() > detector.score(NORMAL[:3]).max()


def test_threshold_applies_the_rule_to_the_held_out_normal_scores():
    detector = baselines.k_nearest_neighbours().fit(NORMAL[:60])
    held_out = NORMAL[60:]
    scores = detector.score(held_out)
    assert detectors.threshold(detector, held_out) == pytest.approx(scores.mean() + scores.std())
    assert detectors.threshold(detector, held_out, "mean+std", 2) == pytest.approx(scores.mean() + 2 * scores.std())
    assert detectors.threshold(detector, held_out, "percentile", 90) == pytest.approx(np.percentile(scores, 90))
    assert detectors.threshold(detector, held_out, "percentile") == metrics.threshold_percentile(scores, 95)
    with pytest.raises(ValueError, match="rule must be one of"):
        detectors.threshold(detector, held_out, "best f1")
    with pytest.raises(ValueError, match=r"detector must follow labutils\.detectors\.Detector"):
        detectors.threshold(lambda x: x, held_out)


def test_the_structural_error_scores_images_by_their_ssim():
    inputs = keras.Input((8, 8, 1))
    model = keras.Model(inputs, keras.layers.Lambda(lambda tensor: tensor * 0.5 + 0.25)(inputs), name="blur")
    images = np.random.default_rng(0).random((4, 8, 8)).astype(np.float32)
    detector = detectors.AutoencoderDetector(model, error="structural", trained=True)
    np.testing.assert_allclose(detector.score(images), inference.structural_errors(model, images))
    with pytest.raises(ValueError, match="error must be one of"):
        detectors.AutoencoderDetector(model, error="ssim")


def test_prediction_counts_count_with_anomaly_positive_and_zero_where_nothing_divides():
    is_anomaly = np.array([True, True, False, False, False])
    counts = metrics.prediction_counts(is_anomaly, [True, False, True, False, False])
    assert counts == {"true positives": 1, "false positives": 1, "false negatives": 1, "true negatives": 2,
                      "precision": 0.5, "recall": 0.5, "f1": 0.5}
    nothing = metrics.prediction_counts(is_anomaly & False, np.zeros(5, bool))
    assert (nothing["precision"], nothing["recall"], nothing["f1"], nothing["true negatives"]) == (0.0, 0.0, 0.0, 5)
    # the same numbers as detection_metrics at a threshold
    scores = np.array([0.9, 0.1, 0.8, 0.2, 0.3])
    expected = metrics.detection_metrics(is_anomaly, scores, 0.5)
    counted = metrics.prediction_counts(is_anomaly, scores > 0.5)
    assert {name: counted[name] for name in ("precision", "recall", "f1")} == {
        name: expected[name] for name in ("precision", "recall", "f1")}
    with pytest.raises(ValueError, match=r"predicted must hold one boolean per example \(5\), got 3"):
        metrics.prediction_counts(is_anomaly, [True, False, True])
