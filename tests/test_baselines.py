"""labutils.baselines: each detector ranks obvious outliers highest; kNN on real beats."""

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


def test_every_baseline_scores_outliers_highest(cluster_and_outliers):
    normal, test = cluster_and_outliers
    scores = baselines.baseline_scores(normal, test)
    assert set(scores) == {"Isolation Forest", "One-Class SVM", "PCA reconstruction", "k-nearest neighbours"}
    scores["Local Outlier Factor"] = baselines.local_outlier_factor_scores(normal, test)
    for name, values in scores.items():
        assert values.shape == (23,), name
        assert values[20:].min() > values[:20].max(), name


def test_knn_distance_is_the_mean_distance_to_the_neighbours():
    train = np.array([[0.0], [1.0], [3.0]])
    np.testing.assert_allclose(baselines.knn_distance_scores(train, np.array([[0.0]]), n_neighbors=2), [0.5])


def test_pca_reconstruction_is_exact_inside_the_subspace():
    train = np.column_stack([np.arange(10.0), 2 * np.arange(10.0)])
    scores = baselines.pca_reconstruction_scores(train, np.array([[20.0, 40.0], [1.0, 0.0]]), n_components=1)
    assert scores[0] == pytest.approx(0.0, abs=1e-9) and scores[1] > 0.1


def test_bad_input_raises_value_error():
    with pytest.raises(ValueError):
        baselines.knn_distance_scores(np.zeros(3), np.zeros((1, 3)))


def test_knn_on_real_beats(ecg_dev_file):
    beats, is_anomaly = data.load_ecg(ecg_dev_file)
    train, test = np.arange(0, 300, 2), np.arange(1, 300, 2)
    scores = baselines.knn_distance_scores(beats[train][~is_anomaly[train]], beats[test])
    assert scoring.detection_metrics(is_anomaly[test], scores)["roc_auc"] > 0.95
