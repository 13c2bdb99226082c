"""A small generated data set in the UCSD layout: the quick profile's video and the tests' fixture.

Version 3 is a rehearsal the quick profile's small models can pass: a steady crowd (one walker
per lane, three lanes, in every video), dark walkers on a flat walkway, and anomalies that
counting figures cannot find; see :func:`make_ucsd_standin`.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np

from labutils.data.ucsd_kinds import ANOMALY_KINDS, KINDS_HEADER, kinds_file_name
from labutils.data.ucsd_layout import UCSD_FOLDER, UCSD_SUBSETS

UCSD_STANDIN_VERSION = 3  # raise when make_ucsd_standin's output changes

LANES = 3  # lanes down the walkway, the same in every video, one walker in view in each
WALK = 1.5  # walking speed down the walkway, in pixels per frame at Ped1's height of 158 rows
FAST = 6.0  # the "speed" anomaly's speed, in walking speeds
WALKER, CART, WALKWAY = 10, 255, 150  # grey levels of the figures and the walkway
NOISE = 2.0  # the camera's noise, in grey levels


@dataclasses.dataclass
class _Figure:
    """A figure's path: its centre at the frames ``times`` (increasing) is at ``rows`` and ``columns``,
    in straight lines in between; it is on the walkway from the first time to the last. It is the
    anomaly in the frames from ``anomalous[0]`` up to ``anomalous[1]`` (if set)."""

    times: list[float]
    rows: list[float]
    columns: list[float]
    anomalous: tuple[float, float] | None = None

    def centre(self, t: float) -> tuple[float, float] | None:
        if not self.times[0] <= t < self.times[-1]:
            return None
        return float(np.interp(t, self.times, self.rows)), float(np.interp(t, self.times, self.columns))


class _Scene:
    """The walkway's geometry at one frame size, and how figures walk on it and are drawn."""

    def __init__(self, height: int, width: int, generator: np.random.Generator) -> None:
        self.height, self.width, self.generator = height, width, generator
        self.person = (height / 12, width / 30)  # half sizes of a walker's ellipse
        self.cart = (height / 12, width / 7)  # half sizes of the cart's rectangle: low, so it is soon in full view
        self.span = height - 1 + 2 * self.person[0]  # rows a walker goes from entering to gone
        rows, columns = np.mgrid[:height, :width]
        texture = generator.normal(0, 1, (height // 4 + 1, width // 4 + 1)).repeat(4, 0).repeat(4, 1)
        self.background = 150 - 20 * rows / height + 6 * texture[:height, :width]  # grass, lit from the top
        walkway = np.abs(columns - width * 0.55) < width * 0.3
        self.background[walkway] = WALKWAY + 6 * texture[:height, :width][walkway]  # flat: every walker as dark
        self.lanes = (width * 0.3, width * 0.8)

    def columns(self) -> list[float]:
        """The centre columns of the walkway's LANES (whole pixels), in a random order."""
        spacing = (self.lanes[1] - self.lanes[0]) / LANES
        return [float(round(self.lanes[0] + spacing * (0.5 + lane))) for lane in self.generator.permutation(LANES)]

    def walker(self, column: float, entry: float, speed: float) -> _Figure:
        """A walker that enters at the top at frame ``entry`` and walks down at ``speed`` pixels per frame."""
        return _Figure([entry, entry + self.span / speed], [-self.person[0], self.height - 1 + self.person[0]],
                       [column, column])

    def lane(self, column: float, first: float, frames: int, speed: float) -> list[_Figure]:
        """Walkers down one lane, one entering at ``first``, each as the one ahead starts to leave at the
        bottom: the lane always holds one walker's worth of figure (two parts, one at each end, make one)."""
        period = self.height / speed  # rows of a walker in view at the top and at the bottom add up to one
        ahead, behind = math.ceil((first + self.span / speed) / period), math.ceil((frames - first) / period)
        return [self.walker(column, first + k * period, speed) for k in range(-ahead, behind)]

    def box(self, centre: tuple[float, float], half: tuple[float, float], ellipse: bool):
        """A figure's pixels in the frame: (row slice, column slice, mask in that box), or None if out of view.
        Centres are rounded to whole pixels, so a figure in full view always has as many pixels."""
        centre = (round(centre[0]), round(centre[1]))
        top, bottom = max(math.floor(centre[0] - half[0]), 0), min(math.ceil(centre[0] + half[0]) + 1, self.height)
        left, right = max(math.floor(centre[1] - half[1]), 0), min(math.ceil(centre[1] + half[1]) + 1, self.width)
        if top >= bottom or left >= right:
            return None
        rows, columns = np.ogrid[top:bottom, left:right]
        rows, columns = (rows - centre[0]) / half[0], (columns - centre[1]) / half[1]
        inside = rows**2 + columns**2 <= 1.0 if ellipse else (np.abs(rows) < 1.0) & (np.abs(columns) < 1.0)
        return (slice(top, bottom), slice(left, right), inside) if inside.any() else None

    def shapes(self, figures: list[_Figure], t: int, half: tuple[float, float], ellipse: bool = True):
        """The boxes of the ``figures`` in view at frame ``t``, with whether each is the anomaly then."""
        for figure in figures:
            centre = figure.centre(t)
            found = None if centre is None else self.box(centre, half, ellipse)
            if found is not None:
                yield found, figure.anomalous is not None and figure.anomalous[0] <= t < figure.anomalous[1]

    def render(self, walkers: list[_Figure], t: int, cart: _Figure | None = None):
        """Frame ``t`` (uint8) and the pixel mask of the anomalous figure in it."""
        image = self.background + self.generator.normal(0, NOISE, self.background.shape)
        mask = np.zeros(image.shape, dtype=bool)
        for (rows, columns, inside), anomalous in self.shapes(walkers, t, self.person):
            image[rows, columns][inside] = WALKER
            mask[rows, columns] |= inside & anomalous
        for (rows, columns, inside), _ in self.shapes([] if cart is None else [cart], t, self.cart, ellipse=False):
            image[rows, columns][inside] = CART
            mask[rows, columns] |= inside
        return np.clip(image, 0, 255).astype(np.uint8), mask

    def counts(self, walkers: list[_Figure], frames: int, cart: _Figure | None = None):
        """Per frame: the walkers in view (one partly in view counts one), their pixels, and whether the
        anomaly is in view. Walkers in lanes never overlap: this is what counting them finds."""
        seen, pixels, anomalous = np.zeros(frames), np.zeros(frames), np.zeros(frames, dtype=bool)
        for t in range(frames):
            shapes = list(self.shapes(walkers, t, self.person))
            seen[t], pixels[t] = len(shapes), sum(inside.sum() for (_, _, inside), _ in shapes)
            carts = list(self.shapes([] if cart is None else [cart], t, self.cart, ellipse=False))
            anomalous[t] = any(anomaly for _, anomaly in shapes) or bool(carts)
        return seen, pixels, anomalous


def _video(scene: _Scene, frames: int, kind: str | None = None):
    """The walkers of one video, in LANES lanes at a random phase each, and with ``kind`` its anomaly,
    which starts between a third and half way: (walkers, cart).

    ``object``: a cart enters at the top and comes down at walking speed among the walkers.
    ``speed``: a walker near the top runs ``FAST`` times as fast down its lane until it nears
    the bottom, then walks on (the walkers behind it come as much earlier). ``direction``: a
    walker in the lower half turns round and walks back up its lane. In speed and direction
    a walker stays a walker, so the crowd stays as large.
    """
    generator = scene.generator
    speed = scene.height / 158 * WALK * float(generator.uniform(0.9, 1.1))  # the video's walking speed
    period = scene.height / speed
    columns = scene.columns()
    lanes = [scene.lane(column, float(generator.uniform(0, period)), frames, speed) for column in columns[1:]]
    walkers = [walker for lane in lanes for walker in lane]
    start = float(generator.integers(round(frames * 0.3), round(frames * 0.5) + 1))
    if kind == "speed":
        return walkers + _runner_lane(scene, columns[0], start, frames, speed), None
    if kind == "direction":
        return walkers + _turning_lane(scene, columns[0], start, frames, speed), None
    walkers += scene.lane(columns[0], float(generator.uniform(0, period)), frames, speed)
    if kind is None:
        return walkers, None
    column = float(generator.uniform(scene.width * 0.35, scene.width * 0.75))
    rows = [-scene.cart[0], scene.height - 1 + scene.cart[0]]
    return walkers, _Figure([start, start + (rows[1] - rows[0]) / speed], rows, [column, column], (start, math.inf))


def _runner_lane(scene: _Scene, column: float, start: float, frames: int, speed: float) -> list[_Figure]:
    """A lane whose walker near the top runs from frame ``start`` on, until it nears the bottom."""
    half = scene.person[0]
    row = float(scene.generator.uniform(half, scene.height * 0.25))  # where it starts to run
    entry = start - (row + half) / speed
    burst = (scene.height - 1 - half - row) / (FAST * speed)  # frames of running, ending above the bottom
    gained = (FAST - 1) * burst  # frames it arrives earlier than a walker, and so do the walkers behind it
    lane = scene.lane(column, entry, math.ceil(frames + gained), speed)
    runner = next(walker for walker in lane if walker.times[0] == entry)
    runner.times = [entry, start, start + burst, runner.times[1] - gained]
    runner.rows = [-half, row, row + FAST * speed * burst, runner.rows[1]]
    runner.columns, runner.anomalous = [column] * 4, (start, start + burst)
    behind = [scene.walker(column, walker.times[0] - gained, speed) for walker in lane if walker.times[0] > entry]
    return [walker for walker in lane if walker.times[0] <= entry] + [w for w in behind if w.times[0] < frames]


def _turning_lane(scene: _Scene, column: float, start: float, frames: int, speed: float) -> list[_Figure]:
    """A lane whose walker in the lower half turns round at frame ``start`` and walks back up and out;
    the walkers behind it wait until it has gone."""
    half = scene.person[0]
    row = float(scene.generator.uniform(scene.height * 0.5, scene.height - 1 - 2 * half))  # where it turns
    entry = start - (row + half) / speed
    lane = scene.lane(column, entry, frames, speed)
    turner = next(walker for walker in lane if walker.times[0] == entry)
    gone = start + (row + half) / speed
    turner.times, turner.rows, turner.columns = [entry, start, gone], [-half, row, -half], [column] * 3
    turner.anomalous = (start, math.inf)
    behind = [walker for walker in scene.lane(column, gone, frames, speed) if walker.times[0] >= gone]
    return [walker for walker in lane if walker.times[0] <= entry] + behind


def _rank_auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """The ROC-AUC of a score that ranks ``positive`` above ``negative`` (0.5: chance)."""
    if not len(positive) or not len(negative):
        return 0.5
    above = (positive[:, None] > negative[None, :]).mean() + 0.5 * (positive[:, None] == negative[None, :]).mean()
    return float(above)


def _test_video(scene: _Scene, frames: int, kind: str, tries: int = 50):
    """One test video's (walkers, cart), drawn until counting the walkers in view, or their pixels, tells
    nothing about its anomaly, or the best of ``tries`` draws.

    Nothing: the walkers in view (one partly in view counts one) average about as many as
    in any video, in the normal frames and in the anomalous ones, and, for speed and
    direction, rank the anomalous frames above the normal ones about as well as chance, by
    their number or by their pixels: the draw is kept once the two means' distance from
    the usual number (averaged) plus, for speed and direction, the larger distance of the
    two ROC-AUCs from 0.5 is at most 0.1. The object's cart, drawn over the walkers, is
    not held to the ROC-AUC: it hides dark pixels.
    """
    usual = LANES * (1 + 2 * scene.person[0] / scene.height)  # a lane shows two parts 1/6 of the time
    best = None
    for _ in range(tries):
        walkers, cart = _video(scene, frames, kind)
        seen, pixels, anomalous = scene.counts(walkers, frames, cart)
        cost = sum(abs(seen[part].mean() - usual) for part in (anomalous, ~anomalous) if part.any()) / 2
        if kind != "object":
            cost += max(abs(_rank_auc(values[anomalous], values[~anomalous]) - 0.5) for values in (seen, pixels))
        if best is None or cost < best[0]:
            best = (cost, walkers, cart)
        if cost <= 0.1:
            break
    return best[1], best[2]


def _write_video(path: Path, images, masks=None) -> None:
    """Frames as ``path/001.tif``, ...; with ``masks``, the pixel masks as ``path_gt/001.bmp``, ... (0 or 255)."""
    from PIL import Image

    path.mkdir(parents=True, exist_ok=True)
    for number, image in enumerate(images, start=1):
        Image.fromarray(image).save(path / f"{number:03d}.tif")
    if masks is not None:
        mask_folder = path.with_name(path.name + "_gt")
        mask_folder.mkdir(exist_ok=True)
        for number, mask in enumerate(masks, start=1):
            Image.fromarray(np.where(mask, 255, 0).astype(np.uint8)).save(mask_folder / f"{number:03d}.bmp")


def make_ucsd_standin(
    root: str | Path,
    subset: str = "UCSDped1",
    train_videos: int = 12,
    test_videos: int = 12,
    frames: int = 40,
    frame_size: tuple[int, int] = (158, 238),
    seed: int = 0,
) -> Path:
    """Write a small generated data set in the UCSD layout under ``root``; return its folder.

    The quick profile's stand-in for chapters 4 and 6, and the tests' fixture. Grey frames
    (``frame_size`` = (height, width), Ped1's 158x238 by default) of a flat, lightly
    textured walkway with three lanes (the same in every video) down which dark walkers go,
    one in view in each lane at a time: the next enters at the top as the one ahead leaves
    at the bottom, so every frame holds three walkers' worth of figure (the same dark area,
    a walker partly in view at each end of a lane making one). All walk down at the same
    speed, about 1.5 pixels per frame at 158 rows (scaled with the height; it varies by up
    to 10% between videos), so the frames of a video differ only in where the walkers are.

    Each test video holds one anomaly, starting a third to half way in; videos 1, 2, 3,
    4, ... cycle through the kinds (:data:`~labutils.data.ANOMALY_KINDS`): ``object``, a
    bright cart that comes down among the walkers at walking speed (visible in one frame);
    ``speed``, a walker that runs six times as fast for a dozen frames, from near the top
    until it nears the bottom, then walks on; ``direction``, a walker in the lower half
    that turns round and walks back up. Speed and direction change no frame's look, only
    the order of the frames: a single frame shows three walkers in their lanes, as any
    normal frame does. Each test video is drawn until counting the walkers in view, or
    their dark pixels, tells little about a speed or direction anomaly (see ``_test_video``;
    the course's tests keep the ROC-AUC of either count within 0.4–0.6 for both kinds).

    Written as the real data set is: ``Train/Train001/001.tif``, ``Test/Test001/...``,
    pixel masks of the anomalous figure in ``Test/Test001_gt/001.bmp``, the frame ranges
    in ``Test/UCSDped1.m``, so the real loaders read it; and, the stand-in's own addition,
    ``Test/UCSDped1_kinds.csv``: a header ``video,frame,kind`` and one row per anomalous
    frame (1-indexed, as in the ``.m`` file), read by :func:`labutils.data.ucsd_anomaly_kinds`.
    Existing files are overwritten.
    """
    if subset not in UCSD_SUBSETS:
        raise ValueError(f"subset must be one of {UCSD_SUBSETS}, got {subset!r}")
    height, width = frame_size
    if frames < 20 or height < 48 or width < 48:
        raise ValueError(
            f"the stand-in needs frames >= 20 and frame_size >= (48, 48), got frames={frames}, "
            f"frame_size={frame_size!r}"
        )
    if train_videos < 1 or test_videos < 1:
        raise ValueError(f"train_videos and test_videos must be at least 1, got {train_videos} and {test_videos}")
    folder = Path(root) / UCSD_FOLDER / subset
    scene = _Scene(height, width, np.random.default_rng(seed))
    for video in range(1, train_videos + 1):
        walkers, _ = _video(scene, frames)
        _write_video(folder / "Train" / f"Train{video:03d}", [scene.render(walkers, t)[0] for t in range(frames)])

    lines, kind_rows = ["TestVideoFile = {};"], []
    for video in range(1, test_videos + 1):
        name, kind = f"Test{video:03d}", ANOMALY_KINDS[(video - 1) % len(ANOMALY_KINDS)]
        walkers, cart = _test_video(scene, frames, kind)
        images, masks = zip(*(scene.render(walkers, t, cart) for t in range(frames)))
        _write_video(folder / "Test" / name, images, masks)
        flags = np.array([mask.any() for mask in masks])
        kind_rows.extend((name, t + 1, kind) for t in np.flatnonzero(flags))
        edges = np.flatnonzero(np.diff(np.concatenate([[0], flags.astype(int), [0]])))
        ranges = [f"{start + 1}:{end}" for start, end in zip(edges[::2], edges[1::2])]
        lines.append(f"TestVideoFile{{end+1}}.gt_frame = [{', '.join(ranges)}];")
    (folder / "Test" / f"{subset}.m").write_text("\n".join(lines) + "\n")
    with open(folder / "Test" / kinds_file_name(subset), "w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(KINDS_HEADER)
        writer.writerows(kind_rows)
    return folder.parent
