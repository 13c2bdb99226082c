"""Every figure the notebooks show. Each function returns its matplotlib ``Figure``.

Figures are closed before they are returned: in a notebook, make the call the last
line of a cell to show the figure once. Used by chapter 4 (the ECG lab).
"""

from __future__ import annotations

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
