"""Image figures of chapters 2, 4 and 6: rows of images, codes in 3-D, error against code size.

Re-exported by :mod:`labutils.plotting`, which the notebooks call.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from labutils import _checks
from labutils.frames import grey_images
from labutils.plot_style import MAX_WIDTH_INCHES, finish, panel_count, styled


@styled
def plot_image_rows(rows: dict[str, np.ndarray], columns: int = 10, titles: list[str] | None = None) -> Figure:
    """Show images in labelled rows, e.g. ``{"input": x[:10], "reconstruction": r[:10]}``.

    Each value holds grey images of shape (n, height, width) or (n, height, width, 1), uint8
    or floats in [0, 1] (anything else is refused: it would be drawn clipped). The first
    ``columns`` images of each row are shown (fewer when a row holds fewer); ``titles``
    labels those columns. Small images (up to 32 pixels high, digits) are drawn ten to a line;
    larger ones (video frames) five to a line, the rows repeated for each line.
    """
    panel_count(rows, "rows")
    rows = {label: grey_images(images, f"rows[{label!r}]") for label, images in rows.items()}
    columns = min(_checks.whole("columns", columns, 1), min(len(images) for images in rows.values()))
    if titles is not None:  # one per column shown (the first ``columns`` images of each row)
        titles = _checks.strings("titles", titles, at_least=columns)
    # small images (digits) ten to a line; larger ones (video frames) wrap after five, rows repeated
    per_line = min(columns, 10 if max(images.shape[1] for images in rows.values()) <= 32 else 5)
    lines = -(-columns // per_line)
    size = min((MAX_WIDTH_INCHES - 1.4) / per_line, 2.4)  # inches per image across: the labels take 1.4
    aspect = max(images.shape[1] / images.shape[2] for images in rows.values())  # height / width
    row_height = size * aspect + (0.35 if titles else 0.1)
    figure, axes = plt.subplots(len(rows) * lines, per_line, squeeze=False,
                                figsize=(1.4 + size * per_line, row_height * len(rows) * lines))
    for column in range(lines * per_line):
        line, place = divmod(column, per_line)
        for row, (label, images) in enumerate(rows.items()):
            axis = axes[line * len(rows) + row, place]
            axis.set_xticks([])
            axis.set_yticks([])
            if column >= columns:
                axis.set_visible(False)
                continue
            axis.imshow(np.squeeze(images[column]), cmap="gray", vmin=0, vmax=1 if images.dtype != np.uint8 else 255)
            if titles is not None and row == 0:
                axis.set_title(titles[column])
            if place == 0:
                axis.set_ylabel(label, rotation=0, ha="right", va="center")
    return finish(figure)


@styled
def plot_codes_3d(codes_by_title: dict[str, np.ndarray], labels: np.ndarray, points: int = 1500) -> Figure:
    """3-D scatter plots of codes (n, 3), one panel per title, coloured by class (chapter 2)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or labels.min(initial=0) < 0 or labels.max(initial=0) > 9:
        raise ValueError(f"labels must be digits 0-9, one per code (the colour bar's range), got {labels.dtype}")
    points = _checks.whole("points", points, 1)
    shown = np.random.default_rng(0).permutation(len(labels))[:points]
    figure = plt.figure(figsize=(MAX_WIDTH_INCHES, 3.8 if panel_count(codes_by_title, "codes_by_title") > 1 else 5))
    for index, (title, codes) in enumerate(codes_by_title.items(), start=1):
        codes = _checks.numbers(f"codes_by_title[{title!r}]", codes)
        if codes.shape != (len(labels), 3):
            raise ValueError(f"{title}: codes must have shape ({len(labels)}, 3), got {codes.shape}")
        axis = figure.add_subplot(1, len(codes_by_title), index, projection="3d")
        scatter = axis.scatter(*codes[shown].T, c=labels[shown], cmap="tab10", s=6, vmin=-0.5, vmax=9.5)
        axis.set_title(textwrap.fill(title, 22))  # two panels share 6.5 inches
    figure.colorbar(scatter, ax=figure.axes, ticks=range(10), label="digit", shrink=0.7)
    plt.close(figure)
    return figure


@styled
def plot_error_vs_code_size(code_sizes: list[int], errors_by_model: dict[str, list[float]]) -> Figure:
    """Reconstruction error against the size of the code, one line per model (chapter 2)."""
    code_sizes = [_checks.whole("code_sizes", size, 1) for size in _checks.sequence("code_sizes", code_sizes)]
    for name, errors in _checks.mapping("errors_by_model", errors_by_model, "{name: errors}").items():
        if len(_checks.numbers(f"errors_by_model[{name!r}]", errors, ndim=1)) != len(code_sizes):
            raise ValueError(f"errors_by_model[{name!r}]: need one error per code size ({len(code_sizes)})")
    figure, axis = plt.subplots(figsize=(MAX_WIDTH_INCHES, 3.8))
    for name, errors in errors_by_model.items():
        axis.plot(code_sizes, errors, marker="o", label=name)
    axis.set(xscale="log", xlabel="code size (numbers per image)", ylabel="test reconstruction MSE")
    axis.set_xticks(code_sizes, [str(size) for size in code_sizes])
    axis.legend()
    axis.grid(True, alpha=0.3)
    return finish(figure)
