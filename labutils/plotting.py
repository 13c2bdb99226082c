"""Every figure the notebooks show. Each function returns its matplotlib ``Figure``.

Figures are closed before they are returned: in a notebook, make the call the last
line of a cell to show the figure once. Used by chapter 1 (decision regions) and
chapter 4 (the ECG lab).
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from sklearn import metrics

NORMAL_COLOUR, ANOMALY_COLOUR, ERROR_COLOUR = "tab:blue", "tab:red", "lightcoral"


def _finish(figure: Figure) -> Figure:
    """Lay out and close ``figure`` before returning it.

    Closed, it is shown exactly once in a notebook (as the cell's value) and does not
    pile up in scripts; ``figure.savefig`` still works.
    """
    figure.tight_layout()
    plt.close(figure)
    return figure


def plot_beats(beats_by_title: dict[str, np.ndarray], ylabel: str = "amplitude") -> Figure:
    """Plot a few signals side by side, one panel per title, e.g. a normal and an abnormal beat."""
    panels = len(beats_by_title)
    figure, axes = plt.subplots(1, panels, figsize=(5 * panels, 3.2), sharey=True, squeeze=False)
    for axis, (title, beats) in zip(axes[0], beats_by_title.items()):
        beats = np.atleast_2d(beats)
        for beat in beats:
            axis.plot(beat, alpha=1.0 if len(beats) == 1 else 0.5)
        axis.set(title=title, xlabel="sample")
        axis.grid(True, alpha=0.3)
    axes[0, 0].set_ylabel(ylabel)
    return _finish(figure)


def plot_reconstructions(beats: np.ndarray, reconstructions: np.ndarray, titles: list[str]) -> Figure:
    """Plot beats with their reconstructions, the error between them shaded."""
    beats, reconstructions = np.atleast_2d(beats), np.atleast_2d(reconstructions)
    if beats.shape != reconstructions.shape or len(titles) != len(beats):
        raise ValueError("need one title per beat and reconstructions shaped like the beats")
    figure, axes = plt.subplots(1, len(beats), figsize=(5 * len(beats), 3.2), sharey=True, squeeze=False)
    steps = np.arange(beats.shape[1])
    for axis, beat, reconstruction, title in zip(axes[0], beats, reconstructions, titles):
        error = np.abs(beat - reconstruction).mean()
        axis.plot(steps, beat, color=NORMAL_COLOUR, label="input")
        axis.plot(steps, reconstruction, color=ANOMALY_COLOUR, label="reconstruction")
        axis.fill_between(steps, beat, reconstruction, color=ERROR_COLOUR, label="error")
        axis.set(title=f"{title}\nmean absolute error {error:.3f}", xlabel="sample")
        axis.grid(True, alpha=0.3)
    axes[0, 0].legend(loc="lower right")
    return _finish(figure)


def plot_error_histograms(
    normal_errors: np.ndarray,
    anomalous_errors: np.ndarray,
    thresholds: dict[str, float] | None = None,
    title: str = "Reconstruction error",
) -> Figure:
    """Overlaid histograms of the errors of normal and anomalous examples, with threshold lines."""
    figure, axis = plt.subplots(figsize=(8, 3.6))
    bins = np.histogram_bin_edges(np.concatenate([normal_errors, anomalous_errors]), bins=40)
    axis.hist(normal_errors, bins=bins, alpha=0.6, color=NORMAL_COLOUR, label=f"normal ({len(normal_errors)})")
    axis.hist(
        anomalous_errors, bins=bins, alpha=0.6, color=ANOMALY_COLOUR, label=f"anomalous ({len(anomalous_errors)})"
    )
    for (name, value), style in zip((thresholds or {}).items(), ("-", "--", ":", "-.")):
        axis.axvline(value, color="black", linestyle=style, label=f"{name}: {value:.3f}")
    axis.set(title=title, xlabel="mean absolute reconstruction error", ylabel="beats")
    axis.legend()
    return _finish(figure)


def plot_training_histories(histories: dict[str, dict[str, list[float]]]) -> Figure:
    """Training and validation loss per epoch, one panel per model (``History.history`` dicts)."""
    figure, axes = plt.subplots(1, len(histories), figsize=(5 * len(histories), 3.2), squeeze=False)
    for axis, (name, history) in zip(axes[0], histories.items()):
        axis.plot(history["loss"], label="training (normal beats)")
        if "val_loss" in history:
            axis.plot(history["val_loss"], label="validation (normal beats)")
        axis.set(title=name, xlabel="epoch", ylabel="loss", yscale="log")
        axis.legend()
        axis.grid(True, alpha=0.3)
    return _finish(figure)


def plot_confusion_matrix(is_anomaly: np.ndarray, predicted: np.ndarray, title: str = "") -> Figure:
    """Confusion matrix with anomaly as the positive class (second row and column)."""
    figure, axis = plt.subplots(figsize=(4, 3.6))
    metrics.ConfusionMatrixDisplay.from_predictions(
        np.asarray(is_anomaly, bool), np.asarray(predicted, bool),
        labels=[False, True], display_labels=["normal", "anomaly"], colorbar=False, ax=axis,
    )
    axis.set_title(title)
    return _finish(figure)


def plot_roc_pr_curves(is_anomaly: np.ndarray, scores_by_model: dict[str, np.ndarray]) -> Figure:
    """ROC and precision-recall curves of several detectors, anomaly as the positive class."""
    figure, (roc_axis, pr_axis) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, scores in scores_by_model.items():
        metrics.RocCurveDisplay.from_predictions(is_anomaly, scores, name=name, ax=roc_axis)
        metrics.PrecisionRecallDisplay.from_predictions(is_anomaly, scores, name=name, ax=pr_axis)
    roc_axis.plot([0, 1], [0, 1], color="grey", linestyle=":", label="chance")
    roc_axis.set_title("ROC curve")
    pr_axis.axhline(np.mean(is_anomaly), color="grey", linestyle=":", label="chance")
    pr_axis.set_title("Precision-recall curve")
    for axis in (roc_axis, pr_axis):
        axis.legend(fontsize="small", loc="lower right" if axis is roc_axis else "lower left")
    return _finish(figure)


def plot_decision_regions(
    score_functions: dict[str, Callable[[np.ndarray], np.ndarray]],
    points: np.ndarray,
    is_anomaly: np.ndarray,
    normal_fraction: float = 0.95,
    resolution: int = 150,
) -> Figure:
    """Side-by-side 2-D decision regions of several detectors (chapter 1).

    Each ``score_functions`` entry maps an (n, 2) array to scores, higher = more
    anomalous. The background shades each detector's score as a percentile of its
    scores on the normal points; the black line is its threshold, flagging all but
    ``normal_fraction`` of the normal points; normal points are blue, anomalies red.
    """
    points, is_anomaly = np.asarray(points), np.asarray(is_anomaly, bool)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"decision regions need 2-D points, got an array of shape {points.shape}")
    low, high = points.min(axis=0) - 0.3, points.max(axis=0) + 0.3
    grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(np.float32)
    columns = len(score_functions)
    figure, axes = plt.subplots(1, columns, figsize=(4.2 * columns, 3.8), squeeze=False)
    for axis, (name, score) in zip(axes[0], score_functions.items()):
        normal_scores = np.sort(score(points[~is_anomaly]))
        threshold = np.quantile(normal_scores, normal_fraction)
        grid_scores = score(grid)  # once: a score function may refit its detector on every call
        shading = (np.searchsorted(normal_scores, grid_scores) / len(normal_scores)).reshape(grid_x.shape)
        axis.contourf(grid_x, grid_y, shading, levels=np.linspace(0, 1, 11), cmap="Greys", alpha=0.5)
        axis.contour(
            grid_x, grid_y, grid_scores.reshape(grid_x.shape), levels=[threshold], colors="black", linestyles="solid"
        )
        axis.scatter(*points[~is_anomaly].T, s=8, color=NORMAL_COLOUR, label="normal")
        axis.scatter(*points[is_anomaly].T, s=18, color=ANOMALY_COLOUR, marker="x", label="anomaly")
        axis.set(title=name, xticks=[], yticks=[])
    axes[0, 0].legend(loc="lower left", fontsize="small")
    return _finish(figure)
