"""Metrics that need no model: checked labels and scores, thresholds, detection metrics, the EER.

Anomaly is the **positive** class everywhere: a score is higher for a more anomalous
example, a prediction is True for "anomaly", and precision, recall, F1, ROC-AUC and
PR-AUC are about finding anomalies. Only numpy and scikit-learn: any detector's scores
(an autoencoder's errors, a classical detector's, a video's per-frame scores) go through
the same functions. Used by chapters 1, 2, 3, 4 and 6, :mod:`labutils.detectors`,
:mod:`labutils.rates`, :mod:`labutils.video` and the benchmarks.
"""

from __future__ import annotations

import numpy as np
from sklearn import metrics as sklearn_metrics

from labutils import _checks

# --------------------------------------------------------------------------- labels and scores


def checked_labels(is_anomaly, name: str = "is_anomaly") -> np.ndarray:
    """``is_anomaly`` as a 1-D bool array (True = anomaly), or ``ValueError`` naming ``name``."""
    return _checks.booleans(name, is_anomaly)


def checked_scores(scores, name: str = "scores") -> np.ndarray:
    """``scores`` as a 1-D float64 array of finite numbers, or ``ValueError`` naming ``name``."""
    return _checks.numbers(name, scores, ndim=1)


def labels_and_scores(is_anomaly, scores, needs_both: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Labels and scores, checked, one score per label.

    With ``needs_both`` (what needs them, e.g. "the equal error rate"), labels of one class
    only are refused too: ROC curves and their summaries need normal and anomalous examples.
    """
    is_anomaly, scores = checked_labels(is_anomaly), checked_scores(scores)
    if len(is_anomaly) != len(scores):
        raise ValueError(f"{len(is_anomaly)} labels but {len(scores)} scores: is_anomaly and scores must match")
    if needs_both is not None:
        _checks.both_classes(needs_both, is_anomaly)
    return is_anomaly, scores


# --------------------------------------------------------------------------- thresholds


def threshold_mean_std(normal_errors, k: float = 1.0) -> float:
    """Mean plus ``k`` standard deviations of the errors on normal examples (the seed lab's rule)."""
    normal_errors = checked_scores(normal_errors, "normal_errors")
    return float(normal_errors.mean() + _checks.real("k", k) * normal_errors.std())


def threshold_percentile(normal_errors, percentile: float = 95.0) -> float:
    """The ``percentile``-th percentile of the errors on normal examples.

    Sets the false alarm rate on normal data to about ``100 - percentile`` percent,
    whatever the shape of the error distribution.
    """
    percentile = _checks.real("percentile", percentile, 0.0, 100.0)
    return float(np.percentile(checked_scores(normal_errors, "normal_errors"), percentile))


def threshold_best_f1(is_anomaly, scores) -> float:
    """The threshold that maximises F1 on a *labelled* set, anomalies included.

    Needs labelled anomalies: tune it on a validation set, never on the test set, or
    the reported F1 is optimistic.
    """
    is_anomaly, scores = labels_and_scores(is_anomaly, scores, needs_both="threshold_best_f1")
    precision, recall, thresholds = sklearn_metrics.precision_recall_curve(is_anomaly, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    # precision_recall_curve predicts "anomaly" for score >= threshold; detection_metrics
    # uses score > threshold, so step just below the chosen score.
    return float(np.nextafter(thresholds[int(np.argmax(f1[:-1]))], -np.inf))


# --------------------------------------------------------------------------- metrics


def predict_anomalies(scores, threshold: float) -> np.ndarray:
    """Return True for every example whose score is above the threshold (a finite number)."""
    return checked_scores(scores) > _checks.real("threshold", threshold)


def detection_metrics(is_anomaly, scores, threshold: float | None = None) -> dict[str, float]:
    """Metrics with anomaly as the positive class.

    ROC-AUC and PR-AUC (average precision) from the scores alone; with a threshold,
    also accuracy, precision, recall and F1 of the predictions ``score > threshold``
    (precision and F1 are 0 when nothing is flagged, as scikit-learn's ``zero_division=0``).
    """
    is_anomaly, scores = labels_and_scores(is_anomaly, scores, needs_both="the detection metrics")
    if threshold is not None:
        threshold = _checks.real("threshold", threshold)
    result = {
        "roc_auc": float(sklearn_metrics.roc_auc_score(is_anomaly, scores)),
        "pr_auc": float(sklearn_metrics.average_precision_score(is_anomaly, scores)),
    }
    if threshold is not None:
        counts = _prediction_counts(is_anomaly, predict_anomalies(scores, threshold))
        result["accuracy"] = (counts["true positives"] + counts["true negatives"]) / len(is_anomaly)
        result.update({name: counts[name] for name in ("precision", "recall", "f1")})
    return result


def prediction_counts(is_anomaly, predicted) -> dict[str, float]:
    """Confusion counts of ``predicted`` (True = flagged) against ``is_anomaly``; precision, recall, F1.

    Anomaly is the positive class: ``"true positives"``, ``"false positives"``, ``"false
    negatives"``, ``"true negatives"``, then ``"precision"``, ``"recall"`` and ``"f1"``, each 0
    where its denominator is (scikit-learn's ``zero_division=0``). :func:`detection_metrics`,
    chapter 3's threshold explorer and the exercises' checks count with it.
    """
    is_anomaly = checked_labels(is_anomaly)
    return _prediction_counts(is_anomaly, _checks.booleans("predicted", predicted, len(is_anomaly)))


def _prediction_counts(is_anomaly: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    # Counted here, on checked arrays: scikit-learn's functions would cost ten times more, which
    # matters where labutils.rates computes detection metrics on hundreds of resampled test sets.
    hits = int(np.count_nonzero(predicted & is_anomaly))
    flagged, anomalies = int(np.count_nonzero(predicted)), int(np.count_nonzero(is_anomaly))
    return {
        "true positives": hits,
        "false positives": flagged - hits,
        "false negatives": anomalies - hits,
        "true negatives": len(is_anomaly) - flagged - anomalies + hits,
        "precision": hits / flagged if flagged else 0.0,
        "recall": hits / anomalies if anomalies else 0.0,
        "f1": 2 * hits / (flagged + anomalies) if flagged + anomalies else 0.0,
    }


def roc_auc(is_anomaly, scores) -> float:
    """ROC-AUC with anomaly as the positive class (labels of both classes needed)."""
    is_anomaly, scores = labels_and_scores(is_anomaly, scores, needs_both="ROC-AUC")
    return float(sklearn_metrics.roc_auc_score(is_anomaly, scores))


def equal_error_rate(is_anomaly, scores) -> float:
    """The equal error rate: where the false positive rate equals the miss rate (lower is better).

    Chapters 4 and 6 report it beside ROC-AUC, as the video anomaly papers do.
    """
    is_anomaly, scores = labels_and_scores(is_anomaly, scores, needs_both="the equal error rate")
    false_positive_rate, true_positive_rate, _ = sklearn_metrics.roc_curve(is_anomaly, scores)
    miss_rate = 1.0 - true_positive_rate
    gap = false_positive_rate - miss_rate  # rises from -1 to 1 along the curve
    after = int(np.argmax(gap >= 0))
    before = max(after - 1, 0)
    if gap[after] == gap[before]:
        return float(false_positive_rate[after])
    weight = -gap[before] / (gap[after] - gap[before])
    return float(false_positive_rate[before] + weight * (false_positive_rate[after] - false_positive_rate[before]))
