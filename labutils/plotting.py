"""Every figure the notebooks show. Each function returns its matplotlib ``Figure``.

Figures are closed before they are returned: in a notebook, make the call the last
line of a cell to show the figure once. Used by chapter 1 (decision regions), chapter 2
(image grids, codes), chapter 4 and 6 (error heatmaps, regularity, the inference GIF)
and chapter 3 (the ECG lab).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from sklearn import metrics

from labutils import _checks
from labutils.frames import as_unit_frames, grey_images

NORMAL_COLOUR, ANOMALY_COLOUR, ERROR_COLOUR = "tab:blue", "tab:red", "lightcoral"


def _finish(figure: Figure) -> Figure:
    """Lay out and close ``figure`` before returning it.

    Closed, it is shown exactly once in a notebook (as the cell's value) and does not
    pile up in scripts; ``figure.savefig`` still works.
    """
    figure.tight_layout()
    plt.close(figure)
    return figure


def _panels(items: dict, name: str) -> int:
    """Return how many panels ``items`` asks for; a ValueError naming ``name`` when it is empty or not a dict."""
    if isinstance(items, Mapping) and not items:
        raise ValueError(f"{name} is empty: nothing to plot")
    return len(_checks.mapping(name, items))


def plot_beats(beats_by_title: dict[str, np.ndarray], ylabel: str = "amplitude") -> Figure:
    """Plot a few signals side by side, one panel per title, e.g. a normal and an abnormal beat."""
    panels = _panels(beats_by_title, "beats_by_title")
    figure, axes = plt.subplots(1, panels, figsize=(5 * panels, 3.2), sharey=True, squeeze=False)
    for axis, (title, beats) in zip(axes[0], beats_by_title.items()):
        beats = np.atleast_2d(_checks.numbers(f"beats_by_title[{title!r}]", beats))
        if beats.ndim != 2:
            raise ValueError(f"beats_by_title[{title!r}] must be one beat or rows of beats, got shape {beats.shape}")
        for beat in beats:
            axis.plot(beat, alpha=1.0 if len(beats) == 1 else 0.5)
        axis.set(title=title, xlabel="sample")
        axis.grid(True, alpha=0.3)
    axes[0, 0].set_ylabel(ylabel)
    return _finish(figure)


def plot_reconstructions(beats: np.ndarray, reconstructions: np.ndarray, titles: list[str]) -> Figure:
    """Plot beats with their reconstructions, the error between them shaded."""
    beats = np.atleast_2d(_checks.numbers("beats", beats))
    reconstructions = np.atleast_2d(_checks.numbers("reconstructions", reconstructions))
    if beats.shape != reconstructions.shape or beats.ndim != 2:
        raise ValueError(f"reconstructions must have the beats' shape {beats.shape}, got {reconstructions.shape}")
    titles = _checks.strings("titles", titles, count=len(beats), what="beat")
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
    figure, axis = plt.subplots(figsize=(8, 3.6))
    bins = np.histogram_bin_edges(np.concatenate([normal_errors, anomalous_errors]), bins=40)
    axis.hist(normal_errors, bins=bins, alpha=0.6, color=NORMAL_COLOUR, label=f"normal ({len(normal_errors)})")
    axis.hist(
        anomalous_errors, bins=bins, alpha=0.6, color=ANOMALY_COLOUR, label=f"anomalous ({len(anomalous_errors)})"
    )
    for (name, value), style in zip(thresholds.items(), ("-", "--", ":", "-.")):
        axis.axvline(value, color="black", linestyle=style, label=f"{name}: {value:.3f}")
    axis.set(title=title, xlabel="mean absolute reconstruction error", ylabel=examples)
    axis.legend()
    return _finish(figure)


def plot_training_histories(histories: dict[str, dict[str, list[float]]]) -> Figure:
    """Training and validation loss per epoch, one panel per model (``History`` objects or their ``.history``)."""
    panels = _panels(histories, "histories")
    figure, axes = plt.subplots(1, panels, figsize=(5 * panels, 3.2), squeeze=False)
    for axis, (name, history) in zip(axes[0], histories.items()):
        history = getattr(history, "history", history)  # keras.callbacks.History or its dict
        if not isinstance(history, Mapping) or "loss" not in history:
            kind = type(history).__name__
            raise ValueError(f"histories[{name!r}] must be a History or a dict with 'loss', got a {kind}")
        for key in {"loss", "val_loss"} & set(history):  # a log axis drops zero, negative and NaN losses unsaid
            _checks.numbers(f"histories[{name!r}][{key!r}] (a log axis)", history[key], ndim=1, positive=True)
        axis.plot(history["loss"], label="training (normal beats)")
        if "val_loss" in history:
            axis.plot(history["val_loss"], label="validation (normal beats)")
        axis.set(title=name, xlabel="epoch", ylabel="loss", yscale="log")
        axis.legend()
        axis.grid(True, alpha=0.3)
    return _finish(figure)


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
    return _finish(figure)


def plot_roc_pr_curves(is_anomaly: np.ndarray, scores_by_model: dict[str, np.ndarray]) -> Figure:
    """ROC and precision-recall curves of several detectors, anomaly as the positive class."""
    is_anomaly = _checks.booleans("is_anomaly", is_anomaly)
    _checks.both_classes("a ROC curve", is_anomaly)
    _panels(scores_by_model, "scores_by_model")
    for name, scores in scores_by_model.items():
        if np.shape(scores) != np.shape(is_anomaly):
            raise ValueError(f"{name}: need one score per example {np.shape(is_anomaly)}, got {np.shape(scores)}")
        _checks.numbers(f"scores_by_model[{name!r}]", scores, ndim=1)
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
    columns = _panels(score_functions, "score_functions")
    figure, axes = plt.subplots(1, columns, figsize=(4.2 * columns, 3.8), squeeze=False)
    for axis, (name, score) in zip(axes[0], score_functions.items()):
        if not callable(score):
            raise ValueError(f"score_functions[{name!r}] must be a function of (n, 2) points, got {score!r}")
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


# --------------------------------------------------------------------------- images (chapters 2, 4 and 6)


def plot_image_rows(rows: dict[str, np.ndarray], columns: int = 10, titles: list[str] | None = None) -> Figure:
    """Show images in labelled rows, e.g. ``{"input": x[:10], "reconstruction": r[:10]}``.

    Each value holds grey images of shape (n, height, width) or (n, height, width, 1), uint8
    or floats in [0, 1] (anything else is refused: it would be drawn clipped). The first
    ``columns`` images of each row are shown (fewer when a row holds fewer); ``titles``
    labels those columns.
    """
    _panels(rows, "rows")
    rows = {label: grey_images(images, f"rows[{label!r}]") for label, images in rows.items()}
    columns = min(_checks.whole("columns", columns, 1), min(len(images) for images in rows.values()))
    if titles is not None:  # one per column shown (the first ``columns`` images of each row)
        titles = _checks.strings("titles", titles, at_least=columns)
    figure, axes = plt.subplots(len(rows), columns, figsize=(1.3 * columns + 1, 1.4 * len(rows)), squeeze=False)
    for row_axes, (label, images) in zip(axes, rows.items()):
        for column, axis in enumerate(row_axes):
            axis.imshow(np.squeeze(images[column]), cmap="gray", vmin=0, vmax=1 if images.dtype != np.uint8 else 255)
            axis.set_xticks([])
            axis.set_yticks([])
            if titles is not None and axis is axes[0][column]:
                axis.set_title(titles[column], fontsize=9)
        row_axes[0].set_ylabel(label, rotation=0, ha="right", va="center")
    return _finish(figure)


def plot_codes_3d(codes_by_title: dict[str, np.ndarray], labels: np.ndarray, points: int = 1500) -> Figure:
    """3-D scatter plots of codes (n, 3), one panel per title, coloured by class (chapter 2)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or labels.min(initial=0) < 0 or labels.max(initial=0) > 9:
        raise ValueError(f"labels must be digits 0-9, one per code (the colour bar's range), got {labels.dtype}")
    points = _checks.whole("points", points, 1)
    shown = np.random.default_rng(0).permutation(len(labels))[:points]
    figure = plt.figure(figsize=(5.5 * _panels(codes_by_title, "codes_by_title"), 5))
    for index, (title, codes) in enumerate(codes_by_title.items(), start=1):
        codes = _checks.numbers(f"codes_by_title[{title!r}]", codes)
        if codes.shape != (len(labels), 3):
            raise ValueError(f"{title}: codes must have shape ({len(labels)}, 3), got {codes.shape}")
        axis = figure.add_subplot(1, len(codes_by_title), index, projection="3d")
        scatter = axis.scatter(*codes[shown].T, c=labels[shown], cmap="tab10", s=6, vmin=-0.5, vmax=9.5)
        axis.set_title(title)
    figure.colorbar(scatter, ax=figure.axes, ticks=range(10), label="digit", shrink=0.7)
    plt.close(figure)
    return figure


def plot_error_vs_code_size(code_sizes: list[int], errors_by_model: dict[str, list[float]]) -> Figure:
    """Reconstruction error against the size of the code, one line per model (chapter 2)."""
    code_sizes = [_checks.whole("code_sizes", size, 1) for size in _checks.sequence("code_sizes", code_sizes)]
    for name, errors in _checks.mapping("errors_by_model", errors_by_model, "{name: errors}").items():
        if len(_checks.numbers(f"errors_by_model[{name!r}]", errors, ndim=1)) != len(code_sizes):
            raise ValueError(f"errors_by_model[{name!r}]: need one error per code size ({len(code_sizes)})")
    figure, axis = plt.subplots(figsize=(6, 3.8))
    for name, errors in errors_by_model.items():
        axis.plot(code_sizes, errors, marker="o", label=name)
    axis.set(xscale="log", xlabel="code size (numbers per image)", ylabel="test reconstruction MSE")
    axis.set_xticks(code_sizes, [str(size) for size in code_sizes])
    axis.legend()
    axis.grid(True, alpha=0.3)
    return _finish(figure)


def _error_map(frames: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    return (as_unit_frames(frames) - reconstructions) ** 2


def plot_error_heatmaps(
    frames: np.ndarray,
    reconstructions: np.ndarray,
    frame_indices: list[int],
    masks: np.ndarray | None = None,
    labels: list[str] | None = None,
) -> Figure:
    """For the chosen frames of one video: the frame, its reconstruction and the per-pixel error.

    ``masks`` (bool, like ``frames``) outlines the annotated anomaly in the error row.
    Chapters 4 and 6.
    """
    frames, reconstructions = np.asarray(frames), np.asarray(reconstructions)
    if reconstructions.shape != frames.shape:
        raise ValueError(f"reconstructions must have the frames' shape {frames.shape}, got {reconstructions.shape}")
    reconstructions = as_unit_frames(reconstructions, "reconstructions")
    frame_indices = [_checks.whole("frame_indices", index, 0, len(frames) - 1)  # -1 would be unlabelled
                     for index in _checks.sequence("frame_indices", frame_indices)]
    if masks is not None and np.shape(masks) != frames.shape:
        raise ValueError(f"masks must have the frames' shape {frames.shape}, got {np.shape(masks)}")
    if labels is not None:
        labels = _checks.strings("labels", labels, count=len(frame_indices), what="frame")
    errors = _error_map(frames, reconstructions)
    top = max(float(errors[frame_indices].max()), 1e-6)
    figure, axes = plt.subplots(3, len(frame_indices), figsize=(2.6 * len(frame_indices) + 1, 7.6), squeeze=False)
    for column, index in enumerate(frame_indices):
        axes[0, column].imshow(frames[index], cmap="gray", vmin=0, vmax=255 if frames.dtype == np.uint8 else 1)
        axes[1, column].imshow(reconstructions[index], cmap="gray", vmin=0, vmax=1)
        image = axes[2, column].imshow(errors[index], cmap="inferno", vmin=0, vmax=top)
        if masks is not None and masks[index].any():
            axes[2, column].contour(masks[index], levels=[0.5], colors="cyan", linewidths=0.8)
        axes[0, column].set_title(labels[column] if labels else f"frame {index + 1}", fontsize=9)
    for axis in axes.flat:
        axis.set_xticks([])
        axis.set_yticks([])
    for axis, label in zip(axes[:, 0], ("frame", "reconstruction", "squared error")):
        axis.set_ylabel(label)
    figure.colorbar(image, ax=axes.ravel().tolist(), shrink=0.3, label="squared error")
    plt.close(figure)
    return figure


def plot_regularity(
    scores: dict[str, np.ndarray], ground_truth: dict[str, np.ndarray], columns: int = 2, ylabel: str = "regularity"
) -> Figure:
    """Per test video, a score curve over its frames with the annotated anomalies shaded (chapter 6)."""
    rows = -(-_panels(scores, "scores") // _checks.whole("columns", columns, 1))
    videos = list(scores)
    for video in videos:
        if not isinstance(ground_truth, Mapping) or np.shape(ground_truth.get(video)) != np.shape(scores[video]):
            raise ValueError(f"ground_truth[{video!r}] must have one flag per score {np.shape(scores[video])}")
        _checks.numbers(f"scores[{video!r}]", scores[video], ndim=1)
        _checks.booleans(f"ground_truth[{video!r}]", ground_truth[video])
    figure, axes = plt.subplots(rows, columns, figsize=(6 * columns, 2.4 * rows), squeeze=False, sharey=True)
    for axis, video in zip(axes.flat, videos):
        values, anomalous = np.asarray(scores[video]), np.asarray(ground_truth[video])
        frames = np.arange(1, len(values) + 1)
        axis.fill_between(frames, 0, 1, where=anomalous, color=ERROR_COLOUR, alpha=0.5, step="mid",
                          transform=axis.get_xaxis_transform(), label="annotated anomaly")
        axis.plot(frames, values, color=NORMAL_COLOUR, label=ylabel)
        axis.set(title=video, xlim=(1, len(values)))
        axis.grid(True, alpha=0.3)
    for axis in axes.flat[len(videos):]:
        axis.set_visible(False)
    for axis in axes[:, 0]:
        axis.set_ylabel(ylabel)
    for axis in axes[-1]:
        axis.set_xlabel("frame")
    axes.flat[0].legend(loc="lower left", fontsize=8)
    return _finish(figure)


GIF_GAP = 2  # pixels of white between the GIF's panels
GIF_LABEL_HEIGHT = 16  # pixels of the strip that names the GIF's panels
GIF_COLOURS = 64  # one palette for a whole GIF


def save_inference_gif(
    path: str | Path, frames: np.ndarray, reconstructions: np.ndarray, fps: int = 8, scale: int = 1
) -> Path:
    """Write an animated GIF of inference: frame | reconstruction | error heatmap, side by side.

    Like the slides' animation (chapters 4 and 6), with the three panels named on a strip
    above them. ``frames`` uint8 or [0, 1] float and ``reconstructions`` in [0, 1], both
    (frames, height, width); the error colours share one scale over the whole video. At
    ``scale`` 1 (each pixel once) and one palette of :data:`GIF_COLOURS`, 40 frames of
    Ped2 take about 1.5 MB. Returns the path (show
    it with ``IPython.display.Image(filename=path)``).
    """
    from matplotlib import colormaps
    from PIL import Image, ImageDraw, ImageFont

    frames, reconstructions = np.asarray(frames), np.asarray(reconstructions)
    if frames.shape != reconstructions.shape or frames.ndim != 3 or not len(frames):
        raise ValueError(f"frames {frames.shape}, reconstructions {reconstructions.shape} differ, are empty or not 3-D")
    reconstructions = as_unit_frames(reconstructions, "reconstructions")  # not clipped: refused outside [0, 1]
    fps, scale, path = _checks.whole("fps", fps, 1), _checks.whole("scale", scale, 1), _checks.path("path", path)
    errors = _error_map(frames, reconstructions)
    errors = errors / max(float(np.percentile(errors, 99.9)), 1e-6)
    grey = lambda images: np.repeat(np.clip(images, 0, 1)[..., None], 3, axis=-1)  # noqa: E731
    unit_frames = as_unit_frames(frames)
    heat = colormaps["inferno"](np.clip(errors, 0, 1))[..., :3]
    gap = np.ones((*frames.shape[:2], GIF_GAP, 3))
    panels = np.concatenate([grey(unit_frames), gap, grey(reconstructions), gap, heat], axis=2)
    height, width = frames.shape[1:]
    strip = Image.new("RGB", (panels.shape[2] * scale, GIF_LABEL_HEIGHT * scale), "white")
    draw, font = ImageDraw.Draw(strip), ImageFont.load_default(size=11 * scale)
    for panel, label in enumerate(("frame", "reconstruction", "error")):
        centre = (panel * (width + GIF_GAP) + width / 2) * scale
        draw.text((centre, GIF_LABEL_HEIGHT * scale / 2), label, fill="black", font=font, anchor="mm")
    images = []
    for panel in panels:
        image = Image.new("RGB", (strip.width, strip.height + height * scale), "white")
        image.paste(strip, (0, 0))
        picture = Image.fromarray((panel * 255).astype(np.uint8))
        image.paste(picture.resize((picture.width * scale, picture.height * scale)), (0, strip.height))
        images.append(image)
    # one palette of GIF_COLOURS for the whole animation, from its first, middle and last
    # images, without dithering: about a third of the bytes of 256 colours per image
    picks = [images[0], images[len(images) // 2], images[-1]]
    montage = Image.new("RGB", (strip.width, sum(image.height for image in picks)))
    for index, image in enumerate(picks):
        montage.paste(image, (0, index * image.height))
    palette = montage.quantize(colors=GIF_COLOURS, method=Image.Quantize.MEDIANCUT)
    images = [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in images]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0, optimize=True)
    return path


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
    figure, axis = plt.subplots(figsize=(1.1 * len(layer_sizes) + 1.5, 3.4))
    for position, (size, height) in enumerate(zip(layer_sizes, heights)):
        colour = ANOMALY_COLOUR if position == code_index else NORMAL_COLOUR
        axis.add_patch(plt.Rectangle((position - 0.18, -height / 2), 0.36, height, color=colour, alpha=0.75))
        axis.text(position, -height / 2 - 0.06, str(size), ha="center", va="top", fontsize=9)
        if position:
            previous = heights[position - 1]
            axis.fill([position - 0.82, position - 0.18, position - 0.18, position - 0.82],
                      [-previous / 2, -height / 2, height / 2, previous / 2], color="grey", alpha=0.15)
    axis.text(code_index / 2, 0.62, "encoder", ha="center", fontsize=11)
    axis.text(code_index, 0.62, "code", ha="center", fontsize=11, color=ANOMALY_COLOUR)
    axis.text((code_index + len(layer_sizes) - 1) / 2, 0.62, "decoder", ha="center", fontsize=11)
    axis.set(xlim=(-0.6, len(layer_sizes) - 0.4), ylim=(-0.75, 0.75), title=title)
    axis.axis("off")
    return _finish(figure)


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
    labels = [f"{name}\n({rates[name]:.1%} anomalies)" for name in sets]
    figure, axes = plt.subplots(1, len(metrics), figsize=(3.6 * len(metrics), 3.6), sharey=True, squeeze=False)
    for axis, metric in zip(axes[0], metrics):
        for model, rows in table.groupby(level="model", sort=False):
            rows = rows.droplevel("model").reindex(sets)
            axis.errorbar(np.arange(len(sets)), rows[(metric, "mean")], yerr=rows[(metric, "std")].fillna(0.0),
                          marker="o", capsize=3, label=model)
        axis.set(title=names.get(metric, metric), xticks=np.arange(len(sets)), ylim=(-0.02, 1.02))
        axis.set_xticklabels(labels, fontsize=8)
        axis.grid(True, alpha=0.3)
    axes[0, 0].set_ylabel("mean ± std over draws")
    axes[0, -1].legend(fontsize=7, loc="lower left")
    return _finish(figure)


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
    figure, (signal_axis, score_axis) = plt.subplots(2, 1, figsize=(12, 5), sharex=True, height_ratios=(3, 2))
    positions = np.arange(len(trace))
    signal_axis.plot(positions, trace, color=NORMAL_COLOUR, linewidth=0.8, label="signal")
    for number, (start, stop) in enumerate(np.asarray(events).reshape(-1, 2)):
        label = None if number else "labelled anomaly"
        signal_axis.axvspan(start, stop, color=ERROR_COLOUR, alpha=0.35, label=label)
    signal_axis.fill_between(positions, 0, 0.07, where=marked, color="darkorange", step="mid",
                             transform=signal_axis.get_xaxis_transform(), label="flagged windows (middles)")
    signal_axis.set(title=title, ylabel="amplitude")
    signal_axis.legend(loc="upper right", fontsize=8)
    score_axis.plot(middles, scores, color="grey", linewidth=0.8, marker=".", markersize=3, label="window score")
    score_axis.plot(middles[flagged], scores[flagged], "o", color=ANOMALY_COLOUR, markersize=3, label="above threshold")
    score_axis.axhline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.3f}")
    score_axis.set(xlabel="sample", ylabel="score")
    score_axis.legend(loc="upper right", fontsize=8)
    for axis in (signal_axis, score_axis):
        axis.grid(True, alpha=0.3)
    if samples is not None:
        signal_axis.set_xlim(*samples)
    return _finish(figure)
