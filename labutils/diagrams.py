"""The reading pages' figures, drawn from code when the book is built.

Each function returns its matplotlib ``Figure``, closed as in :mod:`labutils.plotting`.
They draw generated data, the course's own model builders and settings, or the data the
quick profile ships: no picture is copied from anywhere. The pages show them with the
``labutils-figure`` directive (``tools/book_figures.py``), which adds the page's alt text
and caption. Chapter 1 (``book/anomaly_detection.md``): :func:`anomaly_types`; chapter 2
(``book/autoencoders.md``): :func:`autoencoder_diagram`, :func:`bottleneck_reconstructions`;
chapter 5 (``book/video_anomalies.md``): :func:`lstm_and_convlstm`,
:func:`spatiotemporal_layers`, :func:`regularity_example`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

# chapter 5's figures: the pages call every reading-page figure as diagrams.<name>
from labutils.diagrams_video import (  # noqa: F401
    LAYER_COLOURS,
    lstm_and_convlstm,
    regularity_example,
    shape_label,
    spatiotemporal_layer_table,
    spatiotemporal_layers,
)
from labutils.plot_style import ANOMALY_COLOUR, ERROR_COLOUR, MAX_WIDTH_INCHES, NORMAL_COLOUR, finish, styled
from labutils.plotting import plot_autoencoder_diagram


def _arrow(axis: Axes, start, end, colour: str = "black", width: float = 1.2, style: str = "-|>") -> None:
    axis.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=11, color=colour, linewidth=width))


# --------------------------------------------------------------------------- chapter 1


@styled
def anomaly_types(seed: int = 0) -> Figure:
    """Point, contextual and collective anomalies on small generated data, one panel each (chapter 1).

    The three kinds of the survey of Chalapathy & Chawla (2019): points far from two
    clusters; a July as cold as a January in three years of monthly temperatures; and a
    heartbeat-like signal in which two beats are missing, every value of the gap being an
    ordinary value between beats.
    """
    rng = np.random.default_rng(seed)
    figure, (point_axis, context_axis, collective_axis) = plt.subplots(1, 3, figsize=(MAX_WIDTH_INCHES, 3.4))
    arrow = {"arrowstyle": "->", "color": "black"}

    normal = np.concatenate([rng.normal(centre, 0.35, size=(80, 2)) for centre in ((1.0, 1.0), (3.2, 2.8))])
    outliers = np.array([[3.7, 0.6], [0.5, 3.2]])
    point_axis.scatter(*normal.T, s=6, color=NORMAL_COLOUR, label="normal")
    point_axis.scatter(*outliers.T, s=50, marker="x", linewidths=2, color=ANOMALY_COLOUR, label="point anomaly")
    point_axis.annotate("anomaly", outliers[0], outliers[0] + [-1.3, 0.55], arrowprops=arrow)
    point_axis.annotate("anomaly", outliers[1], outliers[1] + [0.45, 0.5], arrowprops=arrow)
    point_axis.set(title="Point anomalies", xlabel="feature 1", ylabel="feature 2", xlim=(-0.2, 4.6), ylim=(-0.2, 4.2))

    months = np.arange(36)
    temperature = 10 - 8 * np.cos(2 * np.pi * months / 12) + rng.normal(0, 0.8, len(months))
    july = 30  # the third July
    temperature[july] = temperature[[0, 12, 24]].mean()  # as cold as the Januaries
    context_axis.plot(months, temperature, marker="o", markersize=2.5, color=NORMAL_COLOUR, label="monthly mean")
    context_axis.axhline(temperature[july], color="grey", linestyle=":", linewidth=1)
    context_axis.scatter([july], [temperature[july]], s=60, marker="x", linewidths=2, color=ANOMALY_COLOUR,
                         zorder=3, label="contextual anomaly")
    context_axis.annotate("cold for July,\nnormal for\nJanuary", (july, temperature[july]), (1, 22),
                          va="center", arrowprops=arrow)
    context_axis.set(title="Contextual anomaly", xlabel="month (3 years)", ylabel="temperature (°C)",
                     ylim=(0, 26), xticks=[6, 18, 30], xticklabels=["Jul", "Jul", "Jul"])

    samples = np.arange(600)
    beats = np.arange(25, 600, 50)
    signal = sum(np.exp(-0.5 * ((samples - beat) / 2.5) ** 2) - 0.25 * np.exp(-0.5 * ((samples - beat - 6) / 3) ** 2)
                 + 0.2 * np.exp(-0.5 * ((samples - beat - 20) / 6) ** 2) for beat in beats)
    gap = (samples >= 260) & (samples < 360)  # two beats missing: a flat stretch
    signal = np.where(gap, 0.0, signal) + rng.normal(0, 0.015, len(samples))
    collective_axis.plot(samples, signal, color=NORMAL_COLOUR, linewidth=0.8)
    collective_axis.axvspan(260, 360, color=ERROR_COLOUR, alpha=0.5, label="collective anomaly")
    collective_axis.annotate("each value is\nnormal, together\nthey are not", (310, 0.05), (20, 1.45),
                             va="center", arrowprops=arrow)
    collective_axis.set(title="Collective anomaly", xlabel="sample", ylabel="amplitude", ylim=(-0.4, 1.85))
    for axis in figure.axes:
        axis.grid(True, alpha=0.3)
    return finish(figure)


# --------------------------------------------------------------------------- chapter 2


def deep_autoencoder_sizes() -> list[int]:
    """The layer sizes of :func:`labutils.models.deep_autoencoder`, input to output, read from the model (chapter 2)."""
    from keras import layers

    from labutils import models

    model = models.deep_autoencoder()
    dense = [layer.units for part in (model.encoder, model.decoder) for layer in part.layers
             if isinstance(layer, layers.Dense)]
    return [int(np.prod(model.input.shape[1:])), *dense]


@styled
def autoencoder_diagram() -> Figure:
    """The deep autoencoder as encoder → code → decoder, its sizes read from its builder (chapter 2).

    Bars grow with the layers' sizes (:func:`labutils.plotting.plot_autoencoder_diagram`,
    which chapter 2's notebook shows too); the code is red.
    """
    sizes = deep_autoencoder_sizes()
    figure = plot_autoencoder_diagram(sizes, title="The deep autoencoder of chapter 2 (numbers per layer)")
    figure.set_size_inches(MAX_WIDTH_INCHES, 3.3)
    axis = figure.axes[0]
    axis.text(0, -0.74, "input $x$", ha="center", va="center")
    axis.text(len(sizes) - 1, -0.74, r"output $\hat{x}$", ha="center", va="center")
    axis.text((len(sizes) - 1) / 2, -0.74, r"trained to make $\hat{x}$ close to $x$: loss = mean of $(x - \hat{x})^2$",
              ha="center", va="center", color="dimgrey")
    axis.set_ylim(-0.85, 0.75)
    return finish(figure)


def pca_reconstructions(images: np.ndarray, train_images: np.ndarray, code_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes and reconstructions of ``images`` by PCA with ``code_size`` components fitted on ``train_images``.

    PCA is what the best *linear* autoencoder with a code of that size learns (Baldi &
    Hornik, 1989), computed in closed form: no training. Returns ``(codes, reconstructions)``,
    shaped (n, code_size) and like ``images``. Chapter 2's reading page.
    """
    from sklearn.decomposition import PCA

    images, train_images = np.asarray(images, np.float32), np.asarray(train_images, np.float32)
    pixels = int(np.prod(train_images.shape[1:]))
    if images.shape[1:] != train_images.shape[1:]:
        raise ValueError(f"images {images.shape[1:]} and train_images {train_images.shape[1:]} differ in shape")
    if not 1 <= code_size <= min(pixels, len(train_images)):
        raise ValueError(f"code_size must be between 1 and {min(pixels, len(train_images))}, got {code_size}")
    pca = PCA(code_size, random_state=0).fit(train_images.reshape(len(train_images), -1))
    codes = pca.transform(images.reshape(len(images), -1))
    return codes, pca.inverse_transform(codes).reshape(images.shape)


@styled
def bottleneck_reconstructions(code_sizes: tuple[int, ...] = (3, 30), examples: int = 8) -> Figure:
    """What a bottleneck keeps: digits, their codes and reconstructions at small and large codes (chapter 2).

    PCA stands in for a linear autoencoder (:func:`pca_reconstructions`), fitted on the
    2,000 real MNIST digits shipped with labutils (the same for every build, whatever the
    data folder holds); the test digits shown are the first ``examples`` classes. Each row
    label gives the mean squared error over all test digits.
    """
    from labutils.data.folders import shipped_file
    from labutils.data.mnist import MNIST_SUBSET, read_mnist_npz

    if not code_sizes or examples < 1:
        raise ValueError("code_sizes must not be empty and examples must be positive")
    (x_train, _), (x_test, y_test) = read_mnist_npz(shipped_file(MNIST_SUBSET))
    shown = np.array([np.flatnonzero(y_test == digit)[0] for digit in range(min(examples, 10))])
    ratios = [1.0] + [0.28, 1.0] * len(code_sizes)
    figure, axes = plt.subplots(len(ratios), len(shown), figsize=(MAX_WIDTH_INCHES, 0.58 * sum(ratios) + 0.9),
                                gridspec_kw={"height_ratios": ratios}, squeeze=False)
    rows = [("input\n784 pixels", x_test[shown], None)]
    for size in code_sizes:
        codes, reconstructions = pca_reconstructions(x_test, x_train, size)
        error = float(np.mean((reconstructions - x_test) ** 2))
        rows.append((f"code\n{size} numbers", codes[shown], "code"))
        rows.append((f"rebuilt from {size}\nMSE {error:.4f}", reconstructions[shown], None))
    for row_axes, (label, values, kind) in zip(axes, rows):
        limit = float(np.abs(values).max()) or 1.0
        for axis, value in zip(row_axes, values):
            if kind == "code":
                axis.imshow(value[None, :], cmap="coolwarm", vmin=-limit, vmax=limit, aspect="auto")
            else:
                axis.imshow(np.clip(value, 0, 1), cmap="gray", vmin=0, vmax=1)
            axis.set_xticks([])
            axis.set_yticks([])
        row_axes[0].set_ylabel(label, rotation=0, ha="right", va="center")
    figure.suptitle("What a bottleneck keeps\n(PCA standing in for a linear autoencoder: no network trained)")
    return finish(figure)
