"""Chapter 5's reading-page figures (``book/video_anomalies.md``): LSTM and ConvLSTM, the model's layers, regularity.

Drawn when the book is built, from the course's own model builders and settings, or from
generated data; re-exported by :mod:`labutils.diagrams`, which the pages call.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle

from labutils.plot_style import ANOMALY_COLOUR, ERROR_COLOUR, MAX_WIDTH_INCHES, NORMAL_COLOUR, finish, styled

#: Colours of the layer kinds in :func:`spatiotemporal_layers` (the code keeps ANOMALY_COLOUR).
LAYER_COLOURS = {"Input": "lightgrey", "Conv2D": NORMAL_COLOUR, "ConvLSTM2D": "tab:orange",
                 "Conv2DTranspose": "tab:green"}



def _arrow(axis: Axes, start, end, colour: str = "black", width: float = 1.2, style: str = "-|>") -> None:
    axis.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=11, color=colour, linewidth=width))


# --------------------------------------------------------------------------- chapter 5


def _plane_point(origin, column: float, row: float, size: float) -> np.ndarray:
    """A point of a grid drawn in perspective: columns go right, rows go back (up and right)."""
    return np.asarray(origin) + column * np.array([size, 0.0]) + row * np.array([0.45 * size, 0.5 * size])


def _draw_plane(axis: Axes, origin, cells: int, size: float, label: str, marked: dict | None = None) -> None:
    """A grid of ``cells`` x ``cells`` in perspective; ``marked`` maps (column, row) to a colour."""
    corners = [_plane_point(origin, c, r, size) for c, r in ((0, 0), (cells, 0), (cells, cells), (0, cells))]
    axis.add_patch(Polygon(corners, closed=True, facecolor="whitesmoke", edgecolor="black", linewidth=1))
    for (column, row), colour in (marked or {}).items():
        quad = [_plane_point(origin, column + dc, row + dr, size) for dc, dr in ((0, 0), (1, 0), (1, 1), (0, 1))]
        axis.add_patch(Polygon(quad, closed=True, facecolor=colour, edgecolor="none", alpha=0.85))
    for line in range(cells + 1):
        axis.plot(*np.array([_plane_point(origin, line, 0, size), _plane_point(origin, line, cells, size)]).T,
                  color="grey", linewidth=0.5)
        axis.plot(*np.array([_plane_point(origin, 0, line, size), _plane_point(origin, cells, line, size)]).T,
                  color="grey", linewidth=0.5)
    axis.text(*(_plane_point(origin, cells / 2, 0, size) - [0, 0.2]), label, ha="center", va="top")


def _draw_fc_lstm(axis: Axes) -> None:
    centres = [1.7, 5.0, 8.3]
    units, inputs = 5, 7
    for step, centre in zip(("t-1", "t", "t+1"), centres):
        axis.add_patch(FancyBboxPatch((centre - 1.1, 3.0), 2.2, 1.5, boxstyle="round,pad=0.05",
                                      facecolor="#fdebd0", edgecolor="black"))
        axis.text(centre, 4.15, "LSTM", ha="center", va="center")
        unit_x = centre + (np.arange(units) - (units - 1) / 2) * 0.36
        axis.scatter(unit_x, np.full(units, 3.45), s=40, facecolor="white", edgecolor="black", zorder=3)
        input_x = centre + (np.arange(inputs) - (inputs - 1) / 2) * 0.27
        for x in input_x:
            axis.add_patch(Rectangle((x - 0.11, 1.0), 0.22, 0.22, facecolor=NORMAL_COLOUR, alpha=0.7))
        axis.text(centre, 0.8, f"$x_{{{step}}}$", ha="center", va="top")
        if step == "t":  # every input number reaches every unit: a full matrix
            for x in input_x:
                for u in unit_x:
                    axis.plot([x, u], [1.22, 3.38], color="grey", linewidth=0.4, alpha=0.8)
        else:
            _arrow(axis, (centre, 1.27), (centre, 2.95), colour="grey")
        _arrow(axis, (centre, 4.58), (centre, 5.4))
        axis.text(centre, 5.45, f"$h_{{{step}}}$", ha="center", va="bottom")
    for left, right in itertools.pairwise(centres):
        _arrow(axis, (left + 1.15, 3.95), (right - 1.15, 3.95))
        _arrow(axis, (left + 1.15, 3.35), (right - 1.15, 3.35))
        axis.text((left + right) / 2, 4.02, "$c$", ha="center", va="bottom")
        axis.text((left + right) / 2, 3.28, "$h$", ha="center", va="top")
    axis.text(5.0, -0.6, "each $x$: a frame flattened to a vector, joined to every unit\nby full weight matrices "
              "(drawn for $x_t$)", ha="center", va="center", color="dimgrey")
    axis.set(xlim=(0.3, 9.7), ylim=(-1.0, 6.1))
    axis.set_title("Fully connected LSTM: vectors")
    axis.axis("off")


def _draw_convlstm(axis: Axes) -> None:
    cells, size = 6, 0.42
    window = {(column, row): "tab:orange" for column in (2, 3, 4) for row in (2, 3, 4)}
    origins = {"H_{t-1}": (0.3, 3.3), "H_t": (5.5, 3.3), "X_{t-1}": (0.3, 0.6), "X_t": (5.5, 0.6)}
    _draw_plane(axis, origins["X_{t-1}"], cells, size, r"input $\mathcal{X}_{t-1}$")
    _draw_plane(axis, origins["X_t"], cells, size, r"input $\mathcal{X}_t$", window)
    _draw_plane(axis, origins["H_{t-1}"], cells, size, r"state $\mathcal{H}_{t-1}$", window)
    _draw_plane(axis, origins["H_t"], cells, size, r"state $\mathcal{H}_t$", {(3, 3): ANOMALY_COLOUR})
    target = _plane_point(origins["H_t"], 3.5, 3.5, size)
    for name in ("X_t", "H_{t-1}"):
        for corner in ((2, 2), (5, 2), (5, 5), (2, 5)):
            axis.plot(*np.array([_plane_point(origins[name], *corner, size), target]).T,
                      color="tab:orange", linewidth=0.9, alpha=0.9)
    start = _plane_point(origins["X_{t-1}"], 3.3, 6, size) + np.array([0, 0.08])  # straight up, beside the label
    _arrow(axis, start, (start[0], origins["H_{t-1}"][1] - 0.05), colour="grey")
    axis.text(5.0, -0.6, "inputs and states stay images; a cell of $\\mathcal{H}_t$ sees the 3×3\nneighbourhood of "
              "its place in $\\mathcal{X}_t$ and in $\\mathcal{H}_{t-1}$", ha="center", va="center",
              color="dimgrey")
    axis.set(xlim=(0.0, 10.0), ylim=(-1.0, 6.1))
    axis.set_title("ConvLSTM: images, 3×3 convolutions")
    axis.axis("off")


@styled
def lstm_and_convlstm() -> Figure:
    """A fully connected LSTM chain above a ConvLSTM cell's neighbourhood (chapter 5).

    Top, Shi et al. (2015)'s FC-LSTM: each frame flattened to a vector, every number of it
    connected to every unit of the state. Bottom, the ConvLSTM: inputs and states stay
    images, and one cell of the new state is computed from the 3x3 neighbourhood of the
    same place in the input and in the previous state (the kernel size of the lab's model).
    """
    figure, (fc_axis, conv_axis) = plt.subplots(2, 1, figsize=(MAX_WIDTH_INCHES, 8.4))
    _draw_fc_lstm(fc_axis)
    _draw_convlstm(conv_axis)
    return finish(figure)


def spatiotemporal_layer_table(profile: str = "full") -> list[dict]:
    """The spatio-temporal autoencoder's layers and output shapes, read from the built model (chapter 5).

    The model is built by :func:`labutils.video_models.spatiotemporal_autoencoder` with the
    ``ucsd_video`` settings of ``profile`` (the lab's own), so a drawing or a table made
    from this list cannot drift from the code. Each entry: ``name``, ``kind`` (the Keras
    layer, ``Input`` first), ``part`` (spatial encoder, temporal encoder, code, temporal
    decoder, spatial decoder), ``filters``, ``kernel``, ``strides``, ``shape`` (time,
    height, width, channels) and ``weights``.
    """
    from labutils import settings, video_models

    row = settings.get("ucsd_video", profile)
    model = video_models.spatiotemporal_autoencoder_from(row)
    table = [{"name": "clip", "kind": "Input", "part": "input", "filters": None, "kernel": None, "strides": None,
              "shape": tuple(int(size) for size in model.input.shape[1:]), "weights": 0}]
    encoder_layers = model.encoder.layers[1:]
    for layer in [*encoder_layers, *model.decoder.layers[1:]]:
        inner = getattr(layer, "layer", layer)  # TimeDistributed applies its layer to each frame
        kind = type(inner).__name__
        in_encoder = layer in encoder_layers
        if layer is encoder_layers[-1]:
            part = "code"
        elif kind == "ConvLSTM2D":
            part = "temporal encoder" if in_encoder else "temporal decoder"
        else:
            part = "spatial encoder" if in_encoder else "spatial decoder"
        table.append({"name": layer.name, "kind": kind, "part": part, "filters": inner.filters,
                      "kernel": tuple(inner.kernel_size), "strides": tuple(inner.strides),
                      "shape": tuple(int(size) for size in layer.output.shape[1:]), "weights": layer.count_params()})
    return table


def _layer_label(entry: dict) -> str:
    if entry["kind"] == "Input":
        return "input clip"
    kernel = "×".join(map(str, entry["kernel"]))
    stride = f"\nstride {entry['strides'][0]}" if entry["strides"][0] > 1 else ""
    filters = f"{entry['filters']} filter" + ("s" if entry["filters"] != 1 else "")
    return f"{entry['kind']}\n{filters}, {kernel}{stride}"


def shape_label(shape: tuple[int, ...]) -> str:
    """``(10, 55, 55, 128)`` as ``10×55×55×128``, as the figure and the page write shapes (chapter 5)."""
    return "×".join(str(size) for size in shape)


@styled
def spatiotemporal_layers(profile: str = "full") -> Figure:
    """The spatio-temporal autoencoder's layers drawn with their output shapes (chapter 5).

    One block per layer of :func:`spatiotemporal_layer_table` (the model the lab builds
    with the ``ucsd_video`` settings of ``profile``), from the input clip at the top to the
    reconstruction at the bottom: width for the frame size, height for the channels (log
    scale), colour for the kind of layer; the code is red. Left of each block its layer,
    right its output shape (time × height × width × channels) and the part of the model.
    """
    table = spatiotemporal_layer_table(profile)
    largest = max(entry["shape"][1] for entry in table)
    most_channels = max(entry["shape"][3] for entry in table)
    figure, axis = plt.subplots(figsize=(MAX_WIDTH_INCHES, 7.2))
    spacing = 1.0
    for position, entry in enumerate(table):
        _, height, _, channels = entry["shape"]
        y = -position * spacing
        block_width = 0.3 + 2.2 * height / largest
        block_height = 0.12 + 0.5 * np.log2(channels + 1) / np.log2(most_channels + 1)
        colour = ANOMALY_COLOUR if entry["part"] == "code" else LAYER_COLOURS.get(entry["kind"], "grey")
        if position == len(table) - 1:
            colour = LAYER_COLOURS["Input"]  # the reconstruction, like the input
        axis.add_patch(FancyBboxPatch((-block_width / 2, y - block_height / 2), block_width, block_height,
                                      boxstyle="round,pad=0.02", facecolor=colour, edgecolor="black", alpha=0.85))
        axis.text(-1.45, y, _layer_label(entry), ha="right", va="center")
        axis.text(1.3, y, shape_label(entry["shape"]), ha="left", va="center")
        if position:
            _arrow(axis, (0, y + spacing - 0.36), (0, y + 0.36), colour="grey")
    parts = [entry["part"] for entry in table]
    for part in dict.fromkeys(parts[1:]):  # in order, once each
        members = [index for index, name in enumerate(parts) if name == part]
        top, bottom = -members[0] * spacing + 0.3, -members[-1] * spacing - 0.3
        axis.plot([3.6, 3.7, 3.7, 3.6], [top, top, bottom, bottom], color="black", linewidth=0.8)
        per_frame = "\n(each frame)" if part.startswith("spatial") else ""
        axis.text(3.85, (top + bottom) / 2, part + per_frame, ha="left", va="center")
    weights = sum(entry["weights"] for entry in table)
    clip = table[0]["shape"]
    axis.set(xlim=(-4.4, 6.4), ylim=(-(len(table) - 1) * spacing - 0.5, 0.5))
    axis.set_title(f"The spatio-temporal autoencoder as labutils builds it ({profile} profile):\n"
                   f"clips of {clip[0]} frames of {clip[1]}×{clip[2]} pixels, {weights:,} weights")
    axis.axis("off")
    return finish(figure)


@styled
def regularity_example(frames: int = 200, anomalous: tuple[int, int] = (120, 160), seed: int = 0) -> Figure:
    """A regularity curve with its annotated anomalous interval, on generated errors (chapter 5).

    Per-frame errors e(t) of one made-up test video: a small, slowly varying error with
    noise, rising while an anomaly (frames ``anomalous[0]`` to ``anomalous[1] - 1``,
    counted from 0) is in view. Top: e(t); bottom: the regularity s(t) computed by
    :func:`labutils.video.regularity_scores`, as the lab does. Not a result of any model.
    """
    from labutils.video import regularity_scores

    start, stop = anomalous
    if not 0 <= start < stop <= frames:
        raise ValueError(f"anomalous must be (start, stop) with 0 <= start < stop <= {frames} frames, got {anomalous}")
    rng = np.random.default_rng(seed)
    steps = np.arange(frames)
    errors = 0.010 + 0.0015 * np.sin(2 * np.pi * steps / 70) + rng.normal(0, 0.0005, frames)
    inside = (steps >= start) & (steps < stop)
    errors[inside] += 0.012 * np.sin(np.pi * (steps[inside] - start + 0.5) / (stop - start)) ** 0.5
    errors = np.clip(errors, 1e-4, None)
    regularity = regularity_scores(errors)
    shown = steps + 1  # frames numbered from 1, as the lab's plots do
    figure, (error_axis, regularity_axis) = plt.subplots(2, 1, figsize=(MAX_WIDTH_INCHES, 4.2), sharex=True)
    for axis, values, label in ((error_axis, errors, "frame error $e(t)$"), (regularity_axis, regularity,
                                                                              "regularity $s(t)$")):
        axis.fill_between(shown, 0, 1, where=inside, color=ERROR_COLOUR, alpha=0.5, step="mid",
                          transform=axis.get_xaxis_transform(), label="annotated anomaly")
        axis.plot(shown, values, color=NORMAL_COLOUR, label=label)
        axis.set_ylabel(label)
        axis.grid(True, alpha=0.3)
    error_axis.set_title("Generated errors of one made-up test video (not a lab result)")
    error_axis.legend(loc="upper left")
    lowest = int(np.argmin(regularity))
    regularity_axis.annotate(f"annotated anomalous interval:\nframes {start + 1}–{stop}", (shown[lowest],
                             regularity[lowest]), (shown[lowest] + 25, regularity[lowest] + 0.05),
                             arrowprops={"arrowstyle": "->", "color": "black"})
    regularity_axis.set(xlabel="frame", xlim=(1, frames), ylim=(min(0.0, regularity.min() - 0.05), 1.05))
    return finish(figure)
