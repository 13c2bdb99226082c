"""Toy data for chapter 1: two half-moons of normal points and scattered outliers."""

from __future__ import annotations

import numpy as np


def make_toy_2d(
    n_normal: int = 300, n_anomalies: int = 30, noise: float = 0.08, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Return 2-D points and ``is_anomaly``: two half-moons (normal) and uniform outliers.

    Outliers are drawn uniformly over a box around the moons, keeping only those at
    least 0.3 away from every normal point, so a label "anomaly" is never a point that
    sits on the normal data. Shuffled. Used by chapter 1.
    """
    from sklearn.datasets import make_moons
    from sklearn.metrics import pairwise_distances

    if n_normal < 1 or n_anomalies < 0:
        raise ValueError(f"need at least one normal point and no negative counts, got {n_normal}, {n_anomalies}")
    rng = np.random.default_rng(seed)
    normal, _ = make_moons(n_samples=n_normal, noise=noise, random_state=seed)
    outliers = np.empty((0, 2))
    while len(outliers) < n_anomalies:
        candidates = rng.uniform((-1.5, -1.0), (2.5, 1.5), size=(4 * n_anomalies, 2))
        far = pairwise_distances(candidates, normal).min(axis=1) >= 0.3
        outliers = np.vstack([outliers, candidates[far]])
    points = np.vstack([normal, outliers[:n_anomalies]]).astype(np.float32)
    is_anomaly = np.r_[np.zeros(n_normal, bool), np.ones(n_anomalies, bool)]
    order = rng.permutation(len(points))
    return points[order], is_anomaly[order]
