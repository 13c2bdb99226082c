"""labutils.costs: what each detector stores, counted on hand-made fits; scoring times are per example."""

from __future__ import annotations

import numpy as np
import pytest

from labutils import baselines, costs, detectors, models

NORMAL = np.random.default_rng(0).normal(size=(60, 140))


def test_keras_autoencoders_store_their_weights():
    model = models.dense_autoencoder(140, hidden_units=(4,), latent_dim=2)
    storage = costs.model_storage(detectors.AutoencoderDetector(model, trained=True))
    # 140*4+4, 4*2+2, 2*4+4, 4*140+140 weights and the scaling layer's minimum and maximum
    assert storage == {"stored": "1288 weights", "numbers": 1288, "bytes": 4 * 1288}
    dense = models.dense_ecg_autoencoder()
    assert costs.model_storage(detectors.AutoencoderDetector(dense))["numbers"] == dense.count_params()


def test_knn_stores_every_training_example_and_the_svm_its_support_vectors():
    knn = baselines.k_nearest_neighbours().fit(NORMAL)
    assert costs.model_storage(knn) == {"stored": "60 training examples", "numbers": 60 * 140, "bytes": 60 * 140 * 8}
    svm = baselines.one_class_svm().fit(NORMAL)
    support = int(svm.estimator_.n_support_.sum())
    assert 0 < support <= 60
    assert costs.model_storage(svm) == {
        "stored": f"{support} support vectors", "numbers": support * 140 + support + 1, "bytes": (support * 141 + 1) * 8
    }
    pca = baselines.pca_reconstruction().fit(NORMAL)
    assert costs.model_storage(pca) == {"stored": "8 components and the mean", "numbers": 9 * 140, "bytes": 9 * 140 * 8}


def test_unknown_or_unfitted_models_are_refused():
    with pytest.raises(ValueError, match=r"KNNDistance is not fitted yet"):
        costs.model_storage(baselines.k_nearest_neighbours())
    with pytest.raises(ValueError, match=r"detector must be a fitted detector .* got IsolationForest"):
        costs.model_storage(baselines.isolation_forest().fit(NORMAL).estimator_)
    with pytest.raises(ValueError, match=r"IsolationForest does not say what it stores"):
        costs.model_storage(baselines.isolation_forest().fit(NORMAL))
    with pytest.raises(ValueError, match=r"detector must be a fitted detector .* got Functional"):
        costs.scoring_seconds(models.dense_ecg_autoencoder(), NORMAL)  # a bare Keras model: wrap it
    with pytest.raises(ValueError, match=r"detector must be a fitted detector .* got str"):
        costs.scoring_seconds("model", NORMAL)


def test_scoring_time_is_per_example_and_a_table_has_every_model():
    knn = baselines.k_nearest_neighbours().fit(NORMAL)
    seconds = costs.scoring_seconds(knn, NORMAL, repeats=2)
    assert 0 < seconds < 0.05  # per beat: the whole set takes at most a few seconds on any machine
    table = costs.cost_table({"k-NN": knn, "PCA": baselines.pca_reconstruction().fit(NORMAL)}, NORMAL[:10], repeats=1)
    assert list(table.index) == ["k-NN", "PCA"]
    assert list(table.columns) == ["stored", "numbers", "bytes", "microseconds per example"]
    assert (table["microseconds per example"] > 0).all()
    with pytest.raises(ValueError, match="repeats must be a whole number of at least 1, got 0"):
        costs.scoring_seconds(knn, NORMAL, repeats=0)
    with pytest.raises(ValueError, match=r"x must be a non-empty array of examples \(n, ...\), got shape \(0, 140\)"):
        costs.scoring_seconds(knn, np.zeros((0, 140)))
    with pytest.raises(ValueError, match=r"detectors must be a non-empty dict \{name: fitted detector\}, got an empty"):
        costs.cost_table({}, NORMAL)
