"""Every figure the notebooks show. Each function returns its matplotlib ``Figure``.

Figures are closed before they are returned: in a notebook, make the call the last
line of a cell to show the figure once. Used by chapter 1 (decision regions), chapter 2
(image grids, codes) and chapter 3 (the ECG lab); chapters 4 and 6's video figures (error
heatmaps, regularity, the inference GIF) live in :mod:`labutils.plotting_video` and are
imported here, so that every notebook figure is ``plotting.<name>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from sklearn import metrics

from labutils import _checks
from labutils.plot_style import (  # noqa: F401 (STYLE: the notebooks apply it to their own figures)
    ANOMALY_COLOUR,
    ERROR_COLOUR,
    MAX_WIDTH_INCHES,
    NORMAL_COLOUR,
    STYLE,
    draw_error_histograms,
    finish,
    panel_count,
    panel_grid,
    styled,
)
from labutils.plotting_images import plot_codes_3d, plot_error_vs_code_size, plot_image_rows  # noqa: F401
from labutils.plotting_video import (  # noqa: F401
    plot_error_heatmaps,
    plot_regularity,
    plot_ucsd_examples,
    save_inference_gif,
)

@styled
def plot_beats(beats_by_title: dict[str, np.ndarray], ylabel: str = "amplitude") -> Figure:
    """Plot a few signals side by side, one panel per title, e.g. a normal and an abnormal beat."""
    panels = panel_count(beats_by_title, "beats_by_title")
    figure, axes = panel_grid(panels, 3.0, sharey=True)
    for axis, (title, beats) in zip(axes, beats_by_title.items()):
        beats = np.atleast_2d(_checks.numbers(f"beats_by_title[{title!r}]", beats))
        if beats.ndim != 2:
            raise ValueError(f"beats_by_title[{title!r}] must be one beat or rows of beats, got shape {beats.shape}")
        for beat in beats:
            axis.plot(beat, alpha=1.0 if len(beats) == 1 else 0.5)
        axis.set(title=title, xlabel="sample")
        axis.grid(True, alpha=0.3)
    for axis in axes[::2]:
        axis.set_ylabel(ylabel)
    return finish(figure)


@styled
def plot_reconstructions(beats: np.ndarray, reconstructions: np.ndarray, titles: list[str]) -> Figure:
    """Plot beats with their reconstructions, the error between them shaded."""
    beats = np.atleast_2d(_checks.numbers("beats", beats))
    reconstructions = np.atleast_2d(_checks.numbers("reconstructions", reconstructions))
    if beats.shape != reconstructions.shape or beats.ndim != 2:
        raise ValueError(f"reconstructions must have the beats' shape {beats.shape}, got {reconstructions.shape}")
    titles = _checks.strings("titles", titles, count=len(beats), what="beat")
    figure, axes = panel_grid(len(beats), 3.2, sharey=True)
    steps = np.arange(beats.shape[1])
    for axis, beat, reconstruction, title in zip(axes, beats, reconstructions, titles):
        error = np.abs(beat - reconstruction).mean()
        axis.plot(steps, beat, color=NORMAL_COLOUR, label="input")
        axis.plot(steps, reconstruction, color=ANOMALY_COLOUR, label="reconstruction")
        axis.fill_between(steps, beat, reconstruction, color=ERROR_COLOUR, label="error")
        axis.set(title=f"{title}\nmean absolute error {error:.3f}", xlabel="sample")
        axis.grid(True, alpha=0.3)
    axes[0].legend(loc="lower right")
    return finish(figure)


@styled
def plot_error_histograms(
    normal_errors: np.ndarray,
    anomalous_errors: np.ndarray,
    thresholds: dict[str, float] | None = None,
    title: str = "Reconstruction error",
    examples: str = "examples",
) -> Figure:
    """Overlaid histograms of the errors of normal and anomalous examples, with threshold lines.

    ``examples`` names what is counted on the y axis (``"beats"``, ``"test images"``).
    """
    normal_errors = _checks.numbers("normal_errors", normal_errors, ndim=1)
    anomalous_errors = _checks.numbers("anomalous_errors", anomalous_errors, ndim=1)
    thresholds = {name: _checks.real(f"thresholds[{name!r}]", value) for name, value in (thresholds or {}).items()}
    if len(thresholds) > 4:
        raise ValueError(f"thresholds: at most 4 lines can be told apart, got {len(thresholds)}")
    figure, axis = plt.subplots(figsize=(MAX_WIDTH_INCHES, 3.6))
    bins = np.histogram_bin_edges(np.concatenate([normal_errors, anomalous_errors]), bins=40)
    draw_error_histograms(axis, normal_errors, anomalous_errors, thresholds, bins)
    axis.set(title=title, xlabel="mean absolute reconstruction error", ylabel=examples)
    axis.legend()
    return finish(figure)


@styled
def plot_training_histories(histories: dict[str, dict[str, list[float]]], examples: str = "normal examples") -> Figure:
    """Training and validation loss per epoch, one panel per model (``History`` objects or their ``.history``).

    ``examples`` names what both sets hold in the legend ("normal beats", "digits", "normal
    clips"...), so each chapter's figure says what it trained on.
    """
    examples = _checks.text("examples", examples)
    panels = panel_count(histories, "histories")
    figure, axes = panel_grid(panels, 3.0)
    for axis, (name, history) in zip(axes, histories.items()):
        history = getattr(history, "history", history)  # keras.callbacks.History or its dict
        if not isinstance(history, Mapping) or "loss" not in history:
            kind = type(history).__name__
            raise ValueError(f"histories[{name!r}] must be a History or a dict with 'loss', got a {kind}")
        for key in {"loss", "val_loss"} & set(history):  # a log axis drops zero, negative and NaN losses unsaid
            _checks.numbers(f"histories[{name!r}][{key!r}] (a log axis)", history[key], ndim=1, positive=True)
        axis.plot(history["loss"], label="training")
        if "val_loss" in history:
            axis.plot(history["val_loss"], label="validation")
        axis.set(title=name, xlabel="epoch", ylabel="loss", yscale="log")
        axis.grid(True, alpha=0.3)
    axes[0].legend(title=examples)
    return finish(figure)


@styled
def plot_confusion_matrix(is_anomaly: np.ndarray, predicted: np.ndarray, title: str = "") -> Figure:
    """Confusion matrix with anomaly as the positive class (second row and column)."""
    is_anomaly = _checks.booleans("is_anomaly", is_anomaly)
    predicted = _checks.booleans("predicted", predicted, len(is_anomaly))
    figure, axis = plt.subplots(figsize=(4, 3.6))
    metrics.ConfusionMatrixDisplay.from_predictions(
        is_anomaly, predicted,
        labels=[False, True], display_labels=["normal", "anomaly"], colorbar=False, ax=axis,
    )
    axis.set_title(title)
    return finish(figure)


@styled
def plot_roc_pr_curves(is_anomaly: np.ndarray, scores_by_model: dict[str, np.ndarray]) -> Figure:
    """ROC and precision-recall curves of several detectors, anomaly as the positive class."""
    is_anomaly = _checks.booleans("is_anomaly", is_anomaly)
    _checks.both_classes("a ROC curve", is_anomaly)
    panel_count(scores_by_model, "scores_by_model")
    for name, scores in scores_by_model.items():
        if np.shape(scores) != np.shape(is_anomaly):
            raise ValueError(f"{name}: need one score per example {np.shape(is_anomaly)}, got {np.shape(scores)}")
        _checks.numbers(f"scores_by_model[{name!r}]", scores, ndim=1)
    figure, (roc_axis, pr_axis) = plt.subplots(2, 1, figsize=(MAX_WIDTH_INCHES, 6.4))
    for name, scores in scores_by_model.items():
        metrics.RocCurveDisplay.from_predictions(is_anomaly, scores, name=name, ax=roc_axis)
        metrics.PrecisionRecallDisplay.from_predictions(is_anomaly, scores, name=name, ax=pr_axis)
    roc_axis.plot([0, 1], [0, 1], color="grey", linestyle=":", label="chance")
    roc_axis.set(title="ROC curve", xlabel="false positive rate", ylabel="true positive rate (recall)")
    pr_axis.axhline(np.mean(is_anomaly), color="grey", linestyle=":", label="chance")
    pr_axis.set(title="Precision-recall curve", xlabel="recall", ylabel="precision")
    for axis in (roc_axis, pr_axis):  # beside the square axes, where nothing is drawn
        axis.legend(loc="center left", bbox_to_anchor=(1.05, 0.5))
    return finish(figure)


@styled
def plot_decision_regions(
    score_functions: dict[str, Callable[[np.ndarray], np.ndarray] | object],
    points: np.ndarray,
    is_anomaly: np.ndarray,
    normal_fraction: float = 0.95,
    resolution: int = 150,
) -> Figure:
    """Side-by-side 2-D decision regions of several detectors (chapter 1).

    Each ``score_functions`` entry is a fitted detector (its ``score``, as
    :class:`labutils.detectors.Detector` has it) or a function mapping an (n, 2) array to
    scores, higher = more anomalous. The background shades each detector's score as a percentile of its
    scores on the normal points; the black line is its threshold, flagging all but
    ``normal_fraction`` of the normal points; normal points are blue, anomalies red.
    """
    if np.ndim(points) != 2 or np.shape(points)[1] != 2:
        raise ValueError(f"decision regions need 2-D points, got an array of shape {np.shape(points)}")
    points, is_anomaly = _checks.numbers("points", points), _checks.booleans("is_anomaly", is_anomaly, len(points))
    if is_anomaly.all():
        raise ValueError("is_anomaly: the threshold needs normal points, and every point is an anomaly")
    normal_fraction = _checks.real("normal_fraction", normal_fraction, 0.0, 1.0, open_low=True, what="a share")
    resolution = _checks.whole("resolution", resolution, 2)
    low, high = points.min(axis=0) - 0.3, points.max(axis=0) + 0.3
    grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(np.float32)
    columns = panel_count(score_functions, "score_functions")
    figure, axes = panel_grid(columns, 3.0)
    for axis, (name, score) in zip(axes, score_functions.items()):
        score = getattr(score, "score", score)  # a detector of the contract, or a function
        if not callable(score):
            raise ValueError(f"score_functions[{name!r}] must be a detector or a function of (n, 2) points, "
                             f"got {score!r}")
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
    axes[0].legend(loc="lower left")
    return finish(figure)


@styled
def plot_autoencoder_diagram(layer_sizes: list[int], code_index: int | None = None, title: str = "") -> Figure:
    """Draw an autoencoder as bars whose heights grow with the layers' sizes (chapter 2).

    ``layer_sizes`` from input to output, e.g. ``[784, 128, 64, 12, 3, 12, 64, 128, 784]``;
    the code (the smallest layer unless ``code_index`` says otherwise) is drawn in red.
    """
    if isinstance(layer_sizes, str) or len(layer_sizes) < 3 or min(layer_sizes) < 1:
        raise ValueError("an autoencoder needs at least an input, a code and an output layer of positive size")
    layer_sizes = [_checks.whole("layer_sizes", size, 1) for size in layer_sizes]
    code_index = int(np.argmin(layer_sizes)) if code_index is None else code_index
    code_index = _checks.whole("code_index", code_index, 0, len(layer_sizes) - 1)
    heights = np.log2(np.asarray(layer_sizes, dtype=float) + 1)
    heights = 0.15 + 0.85 * heights / heights.max()
    figure, axis = plt.subplots(figsize=(min(MAX_WIDTH_INCHES, 0.7 * len(layer_sizes) + 0.8), 3.0))
    for position, (size, height) in enumerate(zip(layer_sizes, heights)):
        colour = ANOMALY_COLOUR if position == code_index else NORMAL_COLOUR
        axis.add_patch(plt.Rectangle((position - 0.18, -height / 2), 0.36, height, color=colour, alpha=0.75))
        axis.text(position, -height / 2 - 0.06, str(size), ha="center", va="top")
        if position:
            previous = heights[position - 1]
            axis.fill([position - 0.82, position - 0.18, position - 0.18, position - 0.82],
                      [-previous / 2, -height / 2, height / 2, previous / 2], color="grey", alpha=0.15)
    axis.text(code_index / 2, 0.62, "encoder", ha="center")
    axis.text(code_index, 0.62, "code", ha="center", color=ANOMALY_COLOUR)
    axis.text((code_index + len(layer_sizes) - 1) / 2, 0.62, "decoder", ha="center")
    axis.set(xlim=(-0.6, len(layer_sizes) - 0.4), ylim=(-0.75, 0.75), title=title)
    axis.axis("off")
    return finish(figure)


@styled
def plot_metrics_at_rates(table, metrics: tuple[str, ...] = ("precision", "recall", "pr_auc", "roc_auc")) -> Figure:
    """One panel per metric: each model's mean ± std over draws on each test set (chapter 3).

    ``table`` is :func:`labutils.rates.metrics_at_rates`' DataFrame; the x axis holds its
    test sets in its order (the set as given, then each rate), labelled with their
    share of anomalies.
    """
    names = {"precision": "precision", "recall": "recall", "f1": "F1", "accuracy": "accuracy",
             "pr_auc": "PR-AUC", "roc_auc": "ROC-AUC"}
    if not hasattr(table, "columns") or "test set" not in getattr(table.index, "names", ()):
        raise ValueError(f"table must be the DataFrame of labutils.rates.metrics_at_rates, got {type(table).__name__}")
    metrics = _checks.strings("metrics", metrics, at_least=0)
    missing = [metric for metric in metrics if (metric, "mean") not in table.columns]
    if missing or not metrics:
        raise ValueError(f"metrics must be columns of table, got {list(metrics)} (missing {missing})")
    sets = list(dict.fromkeys(table.index.get_level_values("test set")))
    rates = table[("anomaly rate", "mean")].groupby(level="test set", sort=False).mean()
    labels = [f"{rates[name]:.1%}" for name in sets]  # the share of anomalies each test set holds
    figure, axes = panel_grid(len(metrics), 2.9, sharey=True)
    for axis, metric in zip(axes, metrics):
        for model, rows in table.groupby(level="model", sort=False):
            rows = rows.droplevel("model").reindex(sets)
            axis.errorbar(np.arange(len(sets)), rows[(metric, "mean")], yerr=rows[(metric, "std")].fillna(0.0),
                          marker="o", capsize=3, label=model)
        axis.set(title=names.get(metric, metric), xticks=np.arange(len(sets)), ylim=(-0.02, 1.02))
        axis.set_xticklabels(labels)
        axis.grid(True, alpha=0.3)
    for axis in axes[-2:]:
        axis.set_xlabel("anomalies in the test set")
    for axis in axes[::2]:
        axis.set_ylabel("mean ± std")
    figure.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=2, bbox_to_anchor=(0.5, 1.0))
    return finish(figure)


@styled
def plot_signal_detections(
    trace: np.ndarray,
    events: np.ndarray,
    window_starts: np.ndarray,
    window: int,
    scores: np.ndarray,
    threshold: float,
    samples: tuple[int, int] | None = None,
    title: str = "",
) -> Figure:
    """A long signal with its labelled anomalies shaded and the windows scored along it (chapter 3).

    Top: ``trace`` with the ``events`` (``[start, stop)`` spans of known anomalies)
    shaded, and a strip at the bottom marking the middle of every window whose score is
    above ``threshold``. Bottom: each window's score at its middle, with the threshold.
    ``samples`` (start, stop) zooms into a stretch.
    """
    if np.ndim(trace) != 1 or len(trace) == 0:
        raise ValueError(f"trace must be a non-empty 1-D signal, got shape {np.shape(trace)}")
    trace, scores = _checks.numbers("trace", trace), _checks.numbers("scores", scores)
    starts = _checks.integers("window_starts", window_starts)
    window, threshold = _checks.whole("window", window, 1), _checks.real("threshold", threshold)
    if samples is not None and (np.shape(samples) != (2,) or not 0 <= samples[0] < samples[1]):
        raise ValueError(f"samples must be (start, stop) with 0 <= start < stop, got {samples!r}")
    if scores.shape != starts.shape or starts.ndim != 1 or len(starts) == 0:
        raise ValueError(f"scores must hold one score per window start ({starts.shape}), got {scores.shape}")
    step = int(np.median(np.diff(starts))) if len(starts) > 1 else window
    middles = starts + window / 2
    flagged = scores > threshold
    marked = np.zeros(len(trace), bool)
    for middle in middles[flagged]:
        marked[max(0, int(middle - step / 2)) : int(middle + step / 2)] = True
    figure, (signal_axis, score_axis) = plt.subplots(2, 1, figsize=(MAX_WIDTH_INCHES, 5), sharex=True,
                                                     height_ratios=(3, 2))
    positions = np.arange(len(trace))
    signal_axis.plot(positions, trace, color=NORMAL_COLOUR, linewidth=0.8, label="signal")
    for number, (start, stop) in enumerate(np.asarray(events).reshape(-1, 2)):
        label = None if number else "labelled anomaly"
        signal_axis.axvspan(start, stop, color=ERROR_COLOUR, alpha=0.35, label=label)
    signal_axis.fill_between(positions, 0, 0.07, where=marked, color="darkorange", step="mid",
                             transform=signal_axis.get_xaxis_transform(), label="flagged windows (middles)")
    signal_axis.set(title=title, ylabel="amplitude")
    score_axis.plot(middles, scores, color="grey", linewidth=0.8, marker=".", markersize=3, label="window score")
    score_axis.plot(middles[flagged], scores[flagged], "o", color=ANOMALY_COLOUR, markersize=3, label="above threshold")
    score_axis.axhline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.3f}")
    score_axis.set(xlabel="sample", ylabel="score")
    handles = [item for axis in (signal_axis, score_axis) for item in zip(*axis.get_legend_handles_labels())]
    figure.legend(*zip(*handles), loc="upper center", ncol=2, bbox_to_anchor=(0.5, 0.0))  # under both panels
    for axis in (signal_axis, score_axis):
        axis.grid(True, alpha=0.3)
    if samples is not None:
        signal_axis.set_xlim(*samples)
    return finish(figure)
