"""What a fitted detector must keep to score new examples, and how long scoring takes.

:func:`model_storage` says what a detector stores (an autoencoder its weights; k-NN its
training examples; a One-Class SVM its support vectors; PCA its components) and how many
numbers and bytes that is; :func:`scoring_seconds` times scoring a set on this machine;
:func:`cost_table` puts both in one table. Every detector goes through the contract of
:mod:`labutils.detectors` (``score`` and ``storage``). Used by chapter 3 (the ECG lab).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
import pandas as pd

from labutils import _checks
from labutils.detectors import Detector


def _detector(detector, argument: str = "detector") -> Detector:
    if not isinstance(detector, Detector):
        raise ValueError(
            f"{argument} must be a fitted detector of labutils.detectors (an AutoencoderDetector, a "
            f"labutils.baselines detector...), got {type(detector).__name__}"
        )
    return detector


def model_storage(detector: Detector) -> dict[str, object]:
    """What ``detector`` keeps to score new examples: ``{"stored", "numbers", "bytes"}``.

    An :class:`~labutils.detectors.AutoencoderDetector` its weights; k-nearest neighbours
    every training example; a One-Class SVM its support vectors, their coefficients and the
    offset; PCA reconstruction its components and mean. ``bytes`` counts the arrays as they
    are held (float32 weights, float64 scikit-learn arrays).
    """
    return _detector(detector).storage()


def scoring_seconds(detector: Detector, x, repeats: int = 3) -> float:
    """Seconds per example to score all of ``x`` at once, the fastest of ``repeats`` timed runs.

    One untimed run comes first (Keras builds its graph then). Measured with
    ``time.perf_counter`` on this machine.
    """
    score = _detector(detector).score
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


def cost_table(detectors: Mapping[str, Detector], x, repeats: int = 3) -> pd.DataFrame:
    """One row per detector: what it stores (:func:`model_storage`) and its scoring time per example of ``x``.

    Columns: ``stored``, ``numbers``, ``bytes`` and ``microseconds per example``
    (:func:`scoring_seconds` times a million).
    """
    _checks.mapping("detectors", detectors, "{name: fitted detector}")
    rows = {
        name: model_storage(detector) | {"microseconds per example": 1e6 * scoring_seconds(detector, x, repeats)}
        for name, detector in detectors.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")
