"""labutils.baselines: fitted once, each detector ranks obvious outliers highest; kNN on real beats."""

from __future__ import annotations

import numpy as np
import pytest

from labutils import baselines, data, scoring


@pytest.fixture
def cluster_and_outliers():
    rng = np.random.default_rng(0)
    normal = rng.normal(0.0, 1.0, size=(200, 5))
    test = np.vstack([rng.normal(0.0, 1.0, size=(20, 5)), np.full((3, 5), 8.0)])
    return normal, test


def test_every_registered_detector_scores_outliers_highest(cluster_and_outliers):
    normal, test = cluster_and_outliers
    fitted = baselines.fit_detectors(normal, names=baselines.DETECTORS)
    assert list(fitted) == [
        "Isolation Forest", "One-Class SVM", "PCA reconstruction", "k-nearest neighbours", "Local Outlier Factor"
    ]
    for name, values in baselines.score_detectors(fitted, test).items():
        assert values.shape == (23,), name
        assert values[20:].min() > values[:20].max(), name


def test_fit_once_then_score_any_set(cluster_and_outliers):
    normal, test = cluster_and_outliers
    fitted = baselines.fit_detectors(normal, seed=3)
    assert tuple(fitted) == baselines.LAB_DETECTORS  # the default: the ECG lab's four
    together = baselines.score_detectors(fitted, test)
    first, rest = baselines.score_detectors(fitted, test[:5]), baselines.score_detectors(fitted, test[5:])
    for name in fitted:  # scoring is independent of what else is scored, and of earlier calls
        np.testing.assert_allclose(np.concatenate([first[name], rest[name]]), together[name])
    for name, values in baselines.baseline_scores(normal, test, seed=3).items():
        np.testing.assert_allclose(values, together[name])


def test_knn_distance_is_the_mean_distance_to_the_neighbours():
    detector = baselines.KNNDistance(n_neighbors=2).fit(np.array([[0.0], [1.0], [3.0]]))
    np.testing.assert_allclose(detector.score(np.array([[0.0], [2.0]])), [0.5, 1.0])
    # more neighbours than training examples: all of them
    np.testing.assert_allclose(baselines.KNNDistance(5).fit([[0.0], [2.0]]).score([[1.0]]), [1.0])


def test_pca_reconstruction_is_a_linear_autoencoder():
    train = np.column_stack([np.arange(10.0), 2 * np.arange(10.0)])
    pca = baselines.PCAReconstruction(n_components=1).fit(train)
    x = np.array([[20.0, 40.0], [2.0, -1.0]])
    assert pca.encode(x).shape == (2, 1)
    np.testing.assert_allclose(pca.reconstruct(x), [[20.0, 40.0], [0.0, 0.0]], atol=1e-9)
    np.testing.assert_allclose(pca.score(x), [0.0, 1.5], atol=1e-9)  # mean absolute error
    images = np.random.default_rng(0).random((6, 2, 3))
    assert baselines.PCAReconstruction(8).fit(images).reconstruct(images[:2]).shape == (2, 2, 3)  # capped at 6


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: baselines.KNNDistance(0), "n_neighbors must be .*at least 1, got 0"),
        (lambda: baselines.PCAReconstruction(0), "n_components must be .*at least 1, got 0"),
        (lambda: baselines.KNNDistance().fit(np.zeros(3)), r"x_normal must be a non-empty array .*shape \(3,\)"),
        (lambda: baselines.KNNDistance().score(np.zeros((1, 3))), "KNNDistance is not fitted yet"),
        (lambda: baselines.KNNDistance().fit(np.zeros((4, 3))).score(np.zeros((1, 2))),
         "x has 2 values per example, the detector was fitted on 3"),
        (lambda: baselines.PCAReconstruction().fit(np.eye(4, 3)).encode(np.zeros((0, 3))),
         r"x must be a non-empty array .*shape \(0, 3\)"),
        (lambda: baselines.fit_detectors(np.zeros((4, 3)), names=["Isolation Forest", "SVDD"]),
         r"names must be some of .*got \['Isolation Forest', 'SVDD'\]"),
        (lambda: baselines.fit_detectors(np.zeros((4, 3)), names=[]), "names must be some of"),
        (lambda: baselines.fit_detectors(np.zeros(4)), r"x_train_normal must be a non-empty array .*shape \(4,\)"),
        (lambda: baselines.score_detectors({}, np.zeros((1, 3))), "fitted must be a non-empty dict"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_knn_on_real_beats(ecg_dev_file):
    beats, is_anomaly = data.load_ecg(ecg_dev_file)
    train, test = np.arange(0, 300, 2), np.arange(1, 300, 2)
    scores = baselines.KNNDistance().fit(beats[train][~is_anomaly[train]]).score(beats[test])
    assert scoring.detection_metrics(is_anomaly[test], scores)["roc_auc"] > 0.95
