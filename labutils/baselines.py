"""Classical anomaly detectors from scikit-learn: fit once on normal examples, then score any set.

Every detector follows the course's contract (:class:`labutils.detectors.Detector`, the
pattern of scikit-learn and PyOD): ``fit`` on normal examples once, then ``score`` as many
sets as needed, one score per example, higher = more anomalous, so they sit in the same
tables as the autoencoders.
:data:`DETECTORS` is the one registry of names and constructors; :func:`fit_detectors`
and :func:`score_detectors` fit and score several at once.

Used by chapter 1 (decision regions: each detector scores a grid and the points after
one fit), chapter 2 (:class:`PCAReconstruction` as a linear autoencoder), chapter 3
(the ECG lab) and ``benchmarks/ecg.py``.

The data need no scaling here: one global min-max scaling (what the autoencoders use)
does not change which points are near each other, so none of these scores' rankings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors
from sklearn.svm import OneClassSVM

from labutils import _checks
from labutils.detectors import Detector, arrays_stored, flat_examples


class _Novelty(Detector):
    """A scikit-learn novelty detector, built for the training set's size; score = -score_samples."""

    def __init__(self, make: Callable[[int], object]):
        self._make = make

    def _fit(self, x: np.ndarray) -> None:
        self.estimator_ = self._make(len(x)).fit(x)

    def _score(self, x: np.ndarray) -> np.ndarray:
        return -self.estimator_.score_samples(x)

    def storage(self) -> dict[str, object]:
        """A One-Class SVM's support vectors, their coefficients and the offset."""
        estimator = self._checked_estimator()
        if not hasattr(estimator, "support_vectors_"):
            raise ValueError(f"{type(estimator).__name__} does not say what it stores: only the One-Class SVM does")
        return arrays_stored(f"{int(np.sum(estimator.n_support_))} support vectors",
                             [estimator.support_vectors_, estimator.dual_coef_, estimator.intercept_])

    def _checked_estimator(self):
        if not hasattr(self, "estimator_"):
            raise ValueError(f"{type(self).__name__} is not fitted yet: call fit(x_normal) first")
        return self.estimator_


class KNNDistance(Detector):
    """Mean Euclidean distance to the ``n_neighbors`` nearest normal training examples."""

    def __init__(self, n_neighbors: int = 5):
        self.n_neighbors = _checks.whole("n_neighbors", n_neighbors, 1)

    def _fit(self, x: np.ndarray) -> None:
        self.neighbours_ = NearestNeighbors(n_neighbors=min(self.n_neighbors, len(x))).fit(x)

    def _score(self, x: np.ndarray) -> np.ndarray:
        return self.neighbours_.kneighbors(x)[0].mean(axis=1)

    def storage(self) -> dict[str, object]:
        """Every training example (float64)."""
        self._checked_fitted()
        examples, features = self.neighbours_.n_samples_fit_, self.neighbours_.n_features_in_
        return {"stored": f"{examples} training examples", "numbers": examples * features,
                "bytes": examples * features * np.dtype(np.float64).itemsize}


class PCAReconstruction(Detector):
    """PCA as a linear autoencoder with a code of ``n_components`` numbers.

    :meth:`encode` gives the codes, :meth:`reconstruct` the reconstructions (shaped like
    the input) and :meth:`score` the mean absolute reconstruction error. Chapter 2
    compares its reconstructions with an autoencoder's; chapter 3 uses it as a detector.
    ``n_components`` is capped at the number of training examples and of values.
    """

    def __init__(self, n_components: int = 8):
        self.n_components = _checks.whole("n_components", n_components, 1)

    def _fit(self, x: np.ndarray) -> None:
        self.pca_ = PCA(n_components=min(self.n_components, len(x), x.shape[1])).fit(x)

    def encode(self, x) -> np.ndarray:
        """The codes of ``x`` (n, ...): (n, components)."""
        x = self._checked(x)  # says "not fitted yet" before pca_ is looked up
        return self.pca_.transform(x)

    def reconstruct(self, x) -> np.ndarray:
        """Rebuild ``x`` (n, ...) from its codes, shaped like ``x``."""
        codes = self.encode(x)
        return self.pca_.inverse_transform(codes).reshape(np.shape(x))

    def _score(self, x: np.ndarray) -> np.ndarray:
        return np.abs(self.pca_.inverse_transform(self.pca_.transform(x)) - x).mean(axis=1)

    def storage(self) -> dict[str, object]:
        """The components and the mean."""
        self._checked_fitted()
        return arrays_stored(f"{len(self.pca_.components_)} components and the mean",
                             [self.pca_.components_, self.pca_.mean_])


# --------------------------------------------------------------------------- the registry


def isolation_forest(seed: int = 42, n_estimators: int = 200) -> Detector:
    """Isolation Forest: anomalies are isolated by few random splits (chapters 1 and 3)."""
    seed, n_estimators = _checks.whole("seed", seed, 0), _checks.whole("n_estimators", n_estimators, 1)
    return _Novelty(lambda n: IsolationForest(n_estimators=n_estimators, random_state=seed))


def one_class_svm(seed: int = 42, nu: float = 0.05) -> Detector:
    """One-Class SVM with an RBF kernel: distance outside the boundary around the normal data.

    Deterministic; ``seed`` is accepted so that every constructor in :data:`DETECTORS`
    takes the same arguments.
    """
    _checks.whole("seed", seed, 0)
    nu = _checks.real("nu", nu, 0.0, 1.0, open_low=True, what="a share")
    return _Novelty(lambda n: OneClassSVM(kernel="rbf", gamma="scale", nu=nu))


def local_outlier_factor(seed: int = 42, n_neighbors: int = 20) -> Detector:
    """Local Outlier Factor: how much sparser a point's neighbourhood is than its neighbours' (chapter 1).

    Deterministic (``seed`` is ignored); ``n_neighbors`` is capped below the training size.
    """
    _checks.whole("seed", seed, 0)
    n_neighbors = _checks.whole("n_neighbors", n_neighbors, 1)
    return _Novelty(lambda n: LocalOutlierFactor(n_neighbors=max(1, min(n_neighbors, n - 1)), novelty=True))


def k_nearest_neighbours(seed: int = 42, n_neighbors: int = 5) -> Detector:
    """:class:`KNNDistance` (chapter 3); deterministic, ``seed`` is ignored."""
    _checks.whole("seed", seed, 0)
    return KNNDistance(n_neighbors)


def pca_reconstruction(seed: int = 42, n_components: int = 8) -> Detector:
    """:class:`PCAReconstruction` with an 8-number code, like the ECG autoencoders' (chapter 3)."""
    _checks.whole("seed", seed, 0)
    return PCAReconstruction(n_components)


#: Every detector by name: a constructor taking ``seed`` that returns an unfitted :class:`Detector`.
DETECTORS: dict[str, Callable[..., Detector]] = {
    "Isolation Forest": isolation_forest,
    "One-Class SVM": one_class_svm,
    "PCA reconstruction": pca_reconstruction,
    "k-nearest neighbours": k_nearest_neighbours,
    "Local Outlier Factor": local_outlier_factor,
}

#: The detectors that the ECG lab (chapter 3) and ``benchmarks/ecg.py`` compare with the autoencoders.
LAB_DETECTORS = ("Isolation Forest", "One-Class SVM", "PCA reconstruction", "k-nearest neighbours")


def fit_detectors(x_train_normal, seed: int = 42, names: Iterable[str] | None = None) -> dict[str, Detector]:
    """Fit each detector of ``names`` (default :data:`LAB_DETECTORS`) once on normal examples.

    Returns ``{name: fitted detector}`` for :func:`score_detectors`. Chapter 1 fits its
    three once and scores a grid and the points; chapter 3 and ``benchmarks/ecg.py``
    fit the lab's four and score test and validation beats.
    """
    names = list(LAB_DETECTORS) if names is None else _checks.strings("names", names, at_least=0)
    unknown = [name for name in names if name not in DETECTORS]
    if unknown or not names:
        raise ValueError(f"names must be some of {list(DETECTORS)}, got {names}")
    x_train_normal = flat_examples(x_train_normal, "x_train_normal", at_least=2)
    return {name: DETECTORS[name](seed=seed).fit(x_train_normal) for name in names}


def score_detectors(fitted: Mapping[str, Detector], x) -> dict[str, np.ndarray]:
    """Score ``x`` (n, ...) with every fitted detector: ``{name: one score per example}``."""
    _checks.mapping("fitted", fitted, "{name: detector} from fit_detectors")
    return {name: detector.score(x) for name, detector in fitted.items()}


def baseline_scores(
    x_train_normal, x_test, seed: int = 42, names: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """Fit on normal examples and score ``x_test`` in one call (one set to score per digit: chapter 2)."""
    return score_detectors(fit_detectors(x_train_normal, seed, names), x_test)
