"""The video chapters' figures: error heatmaps, regularity curves and the inference GIF (chapters 4 and 6).

Re-exported by :mod:`labutils.plotting`, which the notebooks call.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from labutils import _checks
from labutils.frames import as_unit_frames
from labutils.plot_style import ERROR_COLOUR, MAX_WIDTH_INCHES, NORMAL_COLOUR, finish, panel_count, styled
from labutils.plotting_images import plot_image_rows
from labutils.video import example_frames


@styled
def plot_ucsd_examples(
    train_frames: Mapping[str, np.ndarray], test_frames: Mapping[str, np.ndarray], ground_truth: Mapping,
    masks: Mapping | None = None,
) -> Figure:
    """Five frames of the first training video, and five of the example test video (chapters 4 and 6).

    The test video is :func:`labutils.video.example_frames`'s: its first normal frame and the
    next, then the middle of its anomaly and the frames either side.
    """
    _checks.mapping("train_frames", train_frames, "{video: frames}")
    _checks.mapping("test_frames", test_frames, "{video: frames}")
    example_video, shown = example_frames(ground_truth, masks, offsets=(-1, 0, 1), normal_offsets=(0, 1))
    training = next(iter(train_frames.values()))
    return plot_image_rows(
        {"training": training[:: max(1, len(training) // 5)][:5], example_video: test_frames[example_video][shown]},
        columns=5,
    )


def _error_map(frames: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    return (as_unit_frames(frames) - reconstructions) ** 2


@styled
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
    side = (MAX_WIDTH_INCHES - 2.6) / len(frame_indices)  # the row labels and the colour bar take the rest
    height = 3 * side * frames.shape[1] / frames.shape[2] + 0.8  # rows as tall as the frames drawn
    figure, axes = plt.subplots(3, len(frame_indices), figsize=(MAX_WIDTH_INCHES, height), squeeze=False)
    for column, index in enumerate(frame_indices):
        axes[0, column].imshow(frames[index], cmap="gray", vmin=0, vmax=255 if frames.dtype == np.uint8 else 1)
        axes[1, column].imshow(reconstructions[index], cmap="gray", vmin=0, vmax=1)
        image = axes[2, column].imshow(errors[index], cmap="inferno", vmin=0, vmax=top)
        if masks is not None and masks[index].any():
            axes[2, column].contour(masks[index], levels=[0.5], colors="cyan", linewidths=0.8)
        axes[0, column].set_title(labels[column] if labels else f"frame {index + 1}")
    for axis in axes.flat:
        axis.set_xticks([])
        axis.set_yticks([])
    for axis, label in zip(axes[:, 0], ("frame", "reconstruction", "squared error")):
        axis.set_ylabel(label, rotation=0, ha="right", va="center")
    figure.colorbar(image, ax=axes.ravel().tolist(), shrink=0.6, label="squared error")
    plt.close(figure)
    return figure


@styled
def plot_regularity(
    scores: dict[str, np.ndarray], ground_truth: dict[str, np.ndarray], columns: int = 2, ylabel: str = "regularity"
) -> Figure:
    """Per test video, a score curve over its frames with the annotated anomalies shaded (chapter 6)."""
    rows = -(-panel_count(scores, "scores") // _checks.whole("columns", columns, 1))
    videos = list(scores)
    for video in videos:
        if not isinstance(ground_truth, Mapping) or np.shape(ground_truth.get(video)) != np.shape(scores[video]):
            raise ValueError(f"ground_truth[{video!r}] must have one flag per score {np.shape(scores[video])}")
        _checks.numbers(f"scores[{video!r}]", scores[video], ndim=1)
        _checks.booleans(f"ground_truth[{video!r}]", ground_truth[video])
    figure, axes = plt.subplots(rows, columns, figsize=(MAX_WIDTH_INCHES, 2.2 * rows), squeeze=False, sharey=True)
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
    axes.flat[0].legend(loc="lower left")
    return finish(figure)


GIF_GAP = 2  # pixels of white between the GIF's panels
GIF_LABEL_PIXELS = 16  # pixels of the labels that name the GIF's panels, when it is shown at most 650 px wide
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
    # a book column shows at most 650 px of it: wider GIFs get larger labels, which shrink to 16 px
    label_px = round(GIF_LABEL_PIXELS * max(1.0, panels.shape[2] * scale / 650))
    strip = Image.new("RGB", (panels.shape[2] * scale, round(label_px * 1.5)), "white")
    draw, font = ImageDraw.Draw(strip), ImageFont.load_default(size=label_px)
    for panel, label in enumerate(("frame", "reconstruction", "error")):
        centre = (panel * (width + GIF_GAP) + width / 2) * scale
        draw.text((centre, strip.height / 2), label, fill="black", font=font, anchor="mm")
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
