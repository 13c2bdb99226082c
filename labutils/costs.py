"""What a fitted detector must keep to score new examples, and how long scoring takes.

:func:`model_storage` says what a model stores (a Keras autoencoder its weights; k-NN
its training examples; a One-Class SVM its support vectors; PCA its components) and
how many numbers and bytes that is; :func:`scoring_seconds` times scoring a set on this
machine; :func:`cost_table` puts both in one table. Used by chapter 3 (the ECG lab).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import keras
import numpy as np
import pandas as pd

from labutils import _checks, baselines, scoring


def model_storage(model) -> dict[str, object]:
    """What ``model`` keeps to score new examples: ``{"stored", "numbers", "bytes"}``.

    ``model`` is a Keras model (its weights) or a fitted :mod:`labutils.baselines`
    detector: k-nearest neighbours (every training example), One-Class SVM (its support
    vectors, their coefficients and the offset) or PCA reconstruction (components and
    mean). ``bytes`` counts the arrays as they are held (float32 weights, float64
    scikit-learn arrays).
    """
    if isinstance(model, keras.Model):
        arrays = [keras.ops.convert_to_numpy(weight) for weight in model.weights]
        return {"stored": f"{model.count_params()} weights", "numbers": sum(a.size for a in arrays),
                "bytes": sum(a.nbytes for a in arrays)}
    if isinstance(model, baselines.Detector) and not hasattr(model, "n_features_"):
        raise ValueError(f"model ({type(model).__name__}) is not fitted yet: call fit(x_normal) first")
    if isinstance(model, baselines.KNNDistance):
        neighbours = model.neighbours_
        examples, features = neighbours.n_samples_fit_, neighbours.n_features_in_
        return {"stored": f"{examples} training examples", "numbers": examples * features,
                "bytes": examples * features * np.dtype(np.float64).itemsize}
    if isinstance(model, baselines.PCAReconstruction):
        arrays = [model.pca_.components_, model.pca_.mean_]
        return {"stored": f"{len(model.pca_.components_)} components and the mean",
                "numbers": sum(a.size for a in arrays), "bytes": sum(a.nbytes for a in arrays)}
    estimator = getattr(model, "estimator_", None)
    if estimator is not None and hasattr(estimator, "support_vectors_"):
        arrays = [estimator.support_vectors_, estimator.dual_coef_, estimator.intercept_]
        return {"stored": f"{int(np.sum(estimator.n_support_))} support vectors",
                "numbers": sum(a.size for a in arrays), "bytes": sum(a.nbytes for a in arrays)}
    raise ValueError(
        "model must be a Keras model or a fitted k-nearest neighbours, One-Class SVM or PCA detector "
        f"from labutils.baselines, got {type(model).__name__}"
    )


def _scorer(model) -> Callable[[np.ndarray], np.ndarray]:
    if isinstance(model, keras.Model):
        return lambda x: scoring.reconstruction_errors(model, x)
    if isinstance(model, baselines.Detector):
        return model.score
    raise ValueError(f"model must be a Keras model or a labutils.baselines detector, got {type(model).__name__}")


def scoring_seconds(model, x, repeats: int = 3) -> float:
    """Seconds per example to score all of ``x`` at once, the fastest of ``repeats`` timed runs.

    One untimed run comes first (Keras builds its graph then). ``model`` is a Keras
    autoencoder (scored by :func:`labutils.scoring.reconstruction_errors`) or a fitted
    :mod:`labutils.baselines` detector. Measured with ``time.perf_counter`` on this machine.
    """
    score = _scorer(model)
    repeats = _checks.whole("repeats", repeats, 1)
    x = np.asarray(x)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty array of examples (n, ...), got shape {x.shape}")
    if x.dtype.kind not in "biuf" or not np.isfinite(x).all():
        raise ValueError(f"x must hold finite numbers, got {x.dtype} values with NaN, inf or text")
    score(x)
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        score(x)
        runs.append(time.perf_counter() - start)
    return min(runs) / len(x)


def cost_table(models: Mapping[str, object], x, repeats: int = 3) -> pd.DataFrame:
    """One row per model: what it stores (:func:`model_storage`) and its scoring time per example of ``x``.

    Columns: ``stored``, ``numbers``, ``bytes`` and ``microseconds per example``
    (:func:`scoring_seconds` times a million).
    """
    _checks.mapping("models", models, "{name: model}")
    rows = {
        name: model_storage(model) | {"microseconds per example": 1e6 * scoring_seconds(model, x, repeats)}
        for name, model in models.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")
