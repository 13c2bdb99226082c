"""Evaluate detectors at the anomaly rates they would meet in use, not at their test set's.

The course's test sets are anomaly-heavy so that both classes can be measured (about
four abnormal beats in ten in the ECG lab), while anomalies in use are rare. ROC-AUC
and recall at a fixed threshold do not depend on how many anomalies a set holds;
precision, F1 and PR-AUC do, and they fall with the anomaly rate (the base rate).
:func:`resample_to_rate` draws test sets with a chosen anomaly rate from a labelled test
set, many seeded draws of it; :func:`metrics_at_rates` scores detectors on the same
draws with :func:`labutils.metrics.detection_metrics` and reports the mean and spread
over draws beside the test set as given.

Written for chapter 3 (the ECG lab); any lab's labelled test set can go through it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from labutils import _checks
from labutils.metrics import checked_labels, checked_scores, detection_metrics

#: The anomaly rates a lab reports beside its test set: 5% and 1% anomalies.
DEFAULT_RATES = (0.05, 0.01)

#: The metrics :func:`metrics_at_rates` reports when thresholds are given.
DEFAULT_METRICS = ("precision", "recall", "pr_auc", "roc_auc")

#: Metrics that need a threshold (the predictions ``score > threshold``).
THRESHOLD_METRICS = ("accuracy", "precision", "recall", "f1")

#: The name of the test set as given, in the index of :func:`metrics_at_rates`.
AS_GIVEN = "as given"


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5 + 1e-9)  # 1e-9: 0.05 * 95 / 0.95 is 4.999... in floats


def rate_label(rate: float) -> str:
    """How :func:`metrics_at_rates` names a test set resampled to ``rate``: 0.05 → '5%'."""
    return f"{100 * _rate(rate):g}%"


def _rate(rate) -> float:
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating)) or not 0.0 < rate < 1.0:
        raise ValueError(f"rate must be a share strictly between 0 and 1 (0.01 for 1% anomalies), got {rate!r}")
    return float(rate)


def resample_to_rate(
    is_anomaly,
    rate: float,
    draws: int = 100,
    *,
    size: int | None = None,
    replace: bool = False,
    seed: int = 42,
) -> np.ndarray:
    """Indices of ``draws`` test sets drawn from a labelled set so that a share ``rate`` are anomalies.

    Returns an int array of shape (draws, examples per draw); row ``d`` indexes the
    examples of draw ``d`` (sorted). With ``size=None`` each draw keeps every normal
    example once and adds ``round(rate * normals / (1 - rate))`` anomalies drawn at
    random. With ``size=n`` each draw holds ``round(rate * n)`` anomalies and the rest
    normal examples, both drawn at random: without replacement, or with replacement
    (a bootstrap) if ``replace``. Draws are reproducible for a given ``seed``.
    """
    is_anomaly, rate = checked_labels(is_anomaly), _rate(rate)
    draws = _checks.whole("draws", draws, 1)
    replace, seed = _checks.flag("replace", replace), _checks.whole("seed", seed, 0)
    normal_index, anomalous_index = np.flatnonzero(~is_anomaly), np.flatnonzero(is_anomaly)
    if len(normal_index) == 0 or len(anomalous_index) == 0:
        raise ValueError(
            f"is_anomaly must hold both normal and anomalous examples, got {len(normal_index)} normal "
            f"and {len(anomalous_index)} anomalous"
        )

    if size is None:
        n_normal = len(normal_index)
        n_anomalous = _round_half_up(rate * n_normal / (1.0 - rate))
        if n_anomalous < 1:
            raise ValueError(
                f"rate={rate} with all {n_normal} normal examples kept rounds to no anomaly per draw; "
                f"pass size (at least {math.ceil(0.5 / rate)}; replace=True when that is more normal "
                f"examples than there are)"
            )
    else:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
            raise ValueError(f"size must be a whole number of at least 2 examples per draw, got {size!r}")
        n_anomalous = _round_half_up(rate * size)
        if not 1 <= n_anomalous <= size - 1:
            raise ValueError(
                f"size={size} at rate={rate} rounds to {n_anomalous} anomalies per draw: size must be "
                f"at least {math.ceil(0.5 / min(rate, 1.0 - rate))}"
            )
        n_normal = size - n_anomalous
        if n_normal > len(normal_index) and not replace:
            raise ValueError(
                f"size={size} at rate={rate} needs {n_normal} normal examples per draw, but is_anomaly has "
                f"only {len(normal_index)}: pass a smaller size, or replace=True to draw with replacement"
            )
    if n_anomalous > len(anomalous_index) and not replace:
        argument = "rate" if size is None else "size"
        raise ValueError(
            f"{argument}={rate if size is None else size} needs {n_anomalous} anomalies per draw, but "
            f"is_anomaly has only {len(anomalous_index)}: pass a smaller {argument}, or replace=True"
        )

    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(draws):
        normals = normal_index if size is None else rng.choice(normal_index, n_normal, replace=replace)
        anomalies = rng.choice(anomalous_index, n_anomalous, replace=replace)
        rows.append(np.sort(np.concatenate([normals, anomalies])))
    return np.stack(rows)


def metrics_at_rates(
    is_anomaly,
    scores_by_model: Mapping[str, np.ndarray],
    thresholds: Mapping[str, float] | None = None,
    rates: Sequence[float] = DEFAULT_RATES,
    draws: int = 100,
    *,
    size: int | None = None,
    replace: bool = False,
    seed: int = 42,
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each model's metrics on the test set as given and on ``draws`` resamplings to each rate.

    ``scores_by_model`` maps a name to one score per example of the labelled test set
    (higher = more anomalous); ``thresholds`` maps every name to its threshold, chosen
    without the test set. Every model is scored on the same draws (from
    :func:`resample_to_rate`, which ``size``, ``replace`` and ``seed`` go to) with
    :func:`labutils.metrics.detection_metrics`. ``metrics`` (default
    :data:`DEFAULT_METRICS`, or only the AUCs without thresholds) picks the columns.

    Returns a DataFrame indexed by (model, test set): ``"as given"``, then one row per
    rate named by :func:`rate_label`. Columns are (metric, ``"mean"``/``"std"`` over
    draws), after ("anomaly rate", "mean"), the share of anomalies actually drawn; the
    test set as given is one set, so its spread is NaN.
    """
    is_anomaly = checked_labels(is_anomaly)
    scores_by_model = _scores_by_model(is_anomaly, scores_by_model)
    if metrics is None:
        metrics = DEFAULT_METRICS if thresholds is not None else ("pr_auc", "roc_auc")
    known = (*THRESHOLD_METRICS, "roc_auc", "pr_auc")
    if isinstance(metrics, str) or not metrics or any(metric not in known for metric in metrics):
        raise ValueError(f"metrics must be some of {list(known)}, got {metrics!r}")
    if thresholds is None and any(metric in THRESHOLD_METRICS for metric in metrics):
        raise ValueError(f"thresholds are needed for {[m for m in metrics if m in THRESHOLD_METRICS]}")
    if thresholds is not None:
        _checks.mapping("thresholds", thresholds, "{name: threshold}")
        missing = [name for name in scores_by_model if name not in thresholds]
        if missing:
            raise ValueError(f"thresholds has no threshold for {missing}")
        thresholds = {name: _checks.real(f"thresholds[{name!r}]", thresholds[name]) for name in scores_by_model}
    if isinstance(rates, (int, float, str)) or not hasattr(rates, "__len__") or not len(rates):
        raise ValueError(f"rates must be a non-empty list of shares such as [0.05, 0.01], got {rates!r}")
    if len({rate_label(rate) for rate in rates}) != len(rates):
        raise ValueError(f"rates must not repeat a rate (each names one row), got {list(rates)}")
    draws_by_rate = {
        rate_label(rate): resample_to_rate(is_anomaly, rate, draws, size=size, replace=replace, seed=seed)
        for rate in rates
    }

    rows = {}
    for name, scores in scores_by_model.items():
        threshold = None if thresholds is None else thresholds[name]
        rows[(name, AS_GIVEN)] = _row(is_anomaly, [detection_metrics(is_anomaly, scores, threshold)], metrics)
        for label, indices in draws_by_rate.items():
            results = [detection_metrics(is_anomaly[index], scores[index], threshold) for index in indices]
            rows[(name, label)] = _row(is_anomaly[indices], results, metrics)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index = pd.MultiIndex.from_tuples(table.index, names=["model", "test set"])
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["metric", "over draws"])
    return table


def _scores_by_model(is_anomaly: np.ndarray, scores_by_model) -> dict[str, np.ndarray]:
    """``scores_by_model`` checked: a non-empty dict of one finite score per example of ``is_anomaly``."""
    _checks.mapping("scores_by_model", scores_by_model, "{name: scores}")
    checked = {}
    for name, scores in scores_by_model.items():
        if np.ndim(scores) != 1 or len(scores) != len(is_anomaly):
            raise ValueError(
                f"scores_by_model[{name!r}] must hold one score per example of is_anomaly "
                f"({len(is_anomaly)}), got shape {np.shape(scores)}"
            )
        checked[name] = checked_scores(scores, f"scores_by_model[{name!r}]")
    return checked


def _row(is_anomaly: np.ndarray, results: list[dict], metrics: Sequence[str]) -> dict:
    """One row of :func:`metrics_at_rates`: the anomaly rate drawn, then each metric's mean and spread.

    ``is_anomaly`` is one set's labels (one draw, or all draws stacked: their mean is the
    mean rate); one result (the test set as given) has no spread: NaN.
    """
    table = pd.DataFrame(results)
    row = {("anomaly rate", "mean"): float(np.mean(is_anomaly))}
    for metric in metrics:
        row[(metric, "mean")] = table[metric].mean()
        row[(metric, "std")] = table[metric].std(ddof=1) if len(results) > 1 else np.nan
    return row
