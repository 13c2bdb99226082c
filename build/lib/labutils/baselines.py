"""Classical anomaly detectors from scikit-learn, trained on the same normal examples.

Each returns one score per test example, higher = more anomalous, so they can sit in
the same table as the autoencoders. Used by chapter 1 (the toy detectors), chapter 4
(the ECG lab) and the benchmarks.

The data need no scaling here: one global min-max scaling (what the autoencoders use)
does not change which points are near each other, so none of these scores' rankings.
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors
from sklearn.svm import OneClassSVM


def _flat(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"expected a non-empty array of examples, got shape {x.shape}")
    return x.reshape(len(x), -1)


def isolation_forest_scores(x_train, x_test, seed: int = 42) -> np.ndarray:
    """Isolation Forest: anomalies are isolated by few random splits."""
    forest = IsolationForest(n_estimators=200, random_state=seed).fit(_flat(x_train))
    return -forest.score_samples(_flat(x_test))


def one_class_svm_scores(x_train, x_test, nu: float = 0.05) -> np.ndarray:
    """One-Class SVM with an RBF kernel: distance outside the boundary around the normal data."""
    svm = OneClassSVM(kernel="rbf", gamma="scale", nu=nu).fit(_flat(x_train))
    return -svm.score_samples(_flat(x_test))


def pca_reconstruction_scores(x_train, x_test, n_components: int = 8) -> np.ndarray:
    """PCA as a linear autoencoder: mean absolute error of the reconstruction from ``n_components``."""
    x_train, x_test = _flat(x_train), _flat(x_test)
    n_components = min(n_components, len(x_train), x_train.shape[1])
    pca = PCA(n_components=n_components).fit(x_train)
    return np.abs(pca.inverse_transform(pca.transform(x_test)) - x_test).mean(axis=1)


def knn_distance_scores(x_train, x_test, n_neighbors: int = 5) -> np.ndarray:
    """Mean Euclidean distance to the ``n_neighbors`` nearest normal training examples."""
    x_train = _flat(x_train)
    n_neighbors = min(n_neighbors, len(x_train))
    distances, _ = NearestNeighbors(n_neighbors=n_neighbors).fit(x_train).kneighbors(_flat(x_test))
    return distances.mean(axis=1)


def local_outlier_factor_scores(x_train, x_test, n_neighbors: int = 20) -> np.ndarray:
    """Local Outlier Factor: how much sparser a point's neighbourhood is than its neighbours' (chapter 1)."""
    x_train = _flat(x_train)
    lof = LocalOutlierFactor(n_neighbors=min(n_neighbors, len(x_train) - 1), novelty=True).fit(x_train)
    return -lof.score_samples(_flat(x_test))


def baseline_scores(x_train_normal, x_test, seed: int = 42) -> dict[str, np.ndarray]:
    """Scores of every classical detector, trained on normal examples only, keyed by name."""
    return {
        "Isolation Forest": isolation_forest_scores(x_train_normal, x_test, seed=seed),
        "One-Class SVM": one_class_svm_scores(x_train_normal, x_test),
        "PCA reconstruction": pca_reconstruction_scores(x_train_normal, x_test),
        "k-nearest neighbours": knn_distance_scores(x_train_normal, x_test),
    }
