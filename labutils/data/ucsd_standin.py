"""A small generated data set in the UCSD layout: the quick profile's video and the tests' fixture."""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np

from labutils.data.ucsd_kinds import ANOMALY_KINDS, KINDS_HEADER, kinds_file_name
from labutils.data.ucsd_layout import UCSD_FOLDER, UCSD_SUBSETS

UCSD_STANDIN_VERSION = 3  # raise when make_ucsd_standin's output changes

CROWDS = (3, 5)  # the fewest and the most walkers on the walkway: one number per video, steady along it
WALK = 1.5  # walking speed down the walkway, in pixels per frame at Ped1's height of 158 rows
FAST = 6.0  # the "speed" anomaly's speed, in walking speeds
WALKER, CART, WALKWAY = 55, 235, 170  # grey levels of the figures and the walkway
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
        self.person = (height / 14, width / 34)  # half sizes of a walker's ellipse
        self.cart = (height / 7, width / 9)  # half sizes of the cart's rectangle
        self.span = height - 1 + 2 * self.person[0]  # rows a walker goes from entering to gone
        rows, columns = np.mgrid[:height, :width]
        texture = generator.normal(0, 1, (height // 4 + 1, width // 4 + 1)).repeat(4, 0).repeat(4, 1)
        self.background = 145 - 30 * rows / height + 6 * texture[:height, :width]  # grass, lit from the top
        walkway = np.abs(columns - width * 0.55) < width * 0.3
        self.background[walkway] = WALKWAY + 6 * texture[:height, :width][walkway]  # flat: every walker as dark
        self.lanes = (width * 0.3, width * 0.8)

    def columns(self, count: int) -> list[float]:
        """``count`` lane centres across the walkway, evenly spaced, shifted and jittered at random, shuffled."""
        spacing = (self.lanes[1] - self.lanes[0]) / count
        start = self.lanes[0] + spacing * float(self.generator.uniform(0.3, 0.7))
        jitter = self.generator.uniform(-0.15, 0.15, count) * spacing
        return list(self.generator.permutation(start + spacing * np.arange(count) + jitter))

    def walker(self, column: float, entry: float, speed: float) -> _Figure:
        """A walker that enters at the top at frame ``entry`` and walks down at ``speed`` pixels per frame."""
        return _Figure([entry, entry + self.span / speed], [-self.person[0], self.height - 1 + self.person[0]],
                       [column, column])

    def lane(self, column: float, first: float, frames: int, speed: float) -> list[_Figure]:
        """Walkers down one lane, one entering at ``first``, each as the one ahead starts to leave at the
        bottom: the lane always holds one walker's worth of figure (two parts, one at each end, make one)."""
        period = (self.height - 1) / speed
        ahead, behind = math.ceil((first + self.span / speed) / period), math.ceil((frames - first) / period)
        return [self.walker(column, first + k * period, speed) for k in range(-ahead, behind)]

    def draw(self, image: np.ndarray, centre: tuple[float, float], half: tuple[float, float], ellipse: bool):
        """Paint a figure's pixels with 1 in ``image`` (a bool array): an ellipse or a rectangle."""
        top, bottom = max(math.floor(centre[0] - half[0]), 0), min(math.ceil(centre[0] + half[0]) + 1, self.height)
        left, right = max(math.floor(centre[1] - half[1]), 0), min(math.ceil(centre[1] + half[1]) + 1, self.width)
        if top < bottom and left < right:
            rows, columns = np.ogrid[top:bottom, left:right]
            rows, columns = (rows - centre[0]) / half[0], (columns - centre[1]) / half[1]
            inside = rows**2 + columns**2 <= 1.0 if ellipse else (np.abs(rows) < 1.0) & (np.abs(columns) < 1.0)
            image[top:bottom, left:right] |= inside

    def render(self, walkers: list[_Figure], t: int, cart: _Figure | None = None):
        """Frame ``t`` (uint8) and the pixel mask of the anomalous figure in it."""
        image = self.background + self.generator.normal(0, NOISE, self.background.shape)
        dark, mask = np.zeros(image.shape, dtype=bool), np.zeros(image.shape, dtype=bool)
        for walker in walkers:
            centre = walker.centre(t)
            if centre is not None:
                self.draw(dark, centre, self.person, ellipse=True)
                if walker.anomalous is not None and walker.anomalous[0] <= t < walker.anomalous[1]:
                    self.draw(mask, centre, self.person, ellipse=True)
        image[dark] = WALKER
        if cart is not None and cart.centre(t) is not None:
            bright = np.zeros(image.shape, dtype=bool)
            self.draw(bright, cart.centre(t), self.cart, ellipse=False)
            image[bright], mask = CART, mask | bright
        return np.clip(image, 0, 255).astype(np.uint8), mask


def _crowd_sizes(generator: np.random.Generator, videos: int) -> list[int]:
    """Walkers per video, between the CROWDS: drawn for the first half, the second half mirrors it
    (few where the first had many), so every kind of anomaly meets small and large crowds alike."""
    fewest, most = CROWDS
    drawn = [int(generator.integers(fewest, most + 1)) for _ in range(math.ceil(videos / 2))]
    return (drawn + [fewest + most - count for count in drawn])[:videos]


def _video(scene: _Scene, count: int, frames: int, kind: str | None = None):
    """The walkers of one video (``count`` lanes) and, with ``kind``, its cart or anomalous walker.

    The anomaly starts between a third and half way. ``object``: a cart enters at the top
    and comes down at walking speed among the walkers. ``speed``: a walker near the top
    runs ``FAST`` times as fast down the lane for as long as the walkway lets it, then
    walks on (the walkers behind it in the lane come as much earlier). ``direction``: a
    walker in the lower half turns round and walks back up to the end of the video (no
    one follows it into the lane). A walker stays a walker, so the crowd stays as large.
    """
    generator, (half, _) = scene.generator, scene.person
    speed = scene.height / 158 * WALK * float(generator.uniform(0.9, 1.1))  # the video's walking speed
    period = (scene.height - 1) / speed
    lanes = [scene.lane(column, float(generator.uniform(0, period)), frames, speed) for column in scene.columns(count)]
    walkers = [walker for lane in lanes[1:] for walker in lane]
    start = float(generator.integers(round(frames * 0.3), round(frames * 0.5) + 1))
    if kind is None or kind == "object":
        walkers += lanes[0]
        if kind is None:
            return walkers, None
        column = float(generator.uniform(scene.width * 0.35, scene.width * 0.75))
        cart = _Figure([start, start + (scene.height + 2 * scene.cart[0]) / speed], [-scene.cart[0],
                       scene.height - 1 + scene.cart[0]], [column, column], anomalous=(start, math.inf))
        return walkers, cart
    column = lanes[0][0].columns[0]
    if kind == "speed":
        return walkers + _runner_lane(scene, column, start, frames, speed), None
    row = float(generator.uniform(scene.height * 0.5, scene.height - 1 - 2 * half))  # where it turns
    entry = start - (row + half) / speed
    lane = [walker for walker in scene.lane(column, entry, frames, speed) if walker.times[0] <= entry]
    turner = lane[-1]
    turner.times, turner.rows = [entry, start, frames + 1.0], [-half, row, row - speed * (frames + 1 - start)]
    turner.columns, turner.anomalous = [column] * 3, (start, math.inf)
    return walkers + lane, None


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


def make_ucsd_standin(
    root: str | Path,
    subset: str = "UCSDped1",
    train_videos: int = 6,
    test_videos: int = 6,
    frames: int = 60,
    frame_size: tuple[int, int] = (158, 238),
    seed: int = 0,
) -> Path:
    """Write a small generated data set in the UCSD layout under ``root``; return its folder.

    Version 3 (TODO: describe).

    Written as the real data set is: ``Train/Train001/001.tif``, ``Test/Test001/...``,
    pixel masks of the anomalous figure in ``Test/Test001_gt/001.bmp``, the frame ranges
    in ``Test/UCSDped1.m``, so the real loaders read it; and, the stand-in's own addition,
    ``Test/UCSDped1_kinds.csv``: a header ``video,frame,kind`` and one row per anomalous
    frame (1-indexed, as in the ``.m`` file), read by :func:`labutils.data.ucsd_anomaly_kinds`.
    Existing files are overwritten.
    """
    from PIL import Image

    if subset not in UCSD_SUBSETS:
        raise ValueError(f"subset must be one of {UCSD_SUBSETS}, got {subset!r}")
    height, width = frame_size
    if frames < 20 or height < 48 or width < 48:
        raise ValueError("the stand-in needs at least 20 frames of 48x48 pixels")
    if train_videos < 1 or test_videos < 1:
        raise ValueError(f"train_videos and test_videos must be at least 1, got {train_videos} and {test_videos}")
    generator = np.random.default_rng(seed)
    folder = Path(root) / UCSD_FOLDER / subset
    scene = _Scene(height, width, generator)

    def write_video(path: Path, images, masks=None):
        path.mkdir(parents=True, exist_ok=True)
        for number, image in enumerate(images, start=1):
            Image.fromarray(image).save(path / f"{number:03d}.tif")
        if masks is not None:
            mask_folder = path.with_name(path.name + "_gt")
            mask_folder.mkdir(exist_ok=True)
            for number, mask in enumerate(masks, start=1):
                Image.fromarray(np.where(mask, 255, 0).astype(np.uint8)).save(mask_folder / f"{number:03d}.bmp")

    for video, count in enumerate(_crowd_sizes(generator, train_videos), start=1):
        walkers, _ = _video(scene, count, frames)
        write_video(folder / "Train" / f"Train{video:03d}", [scene.render(walkers, t)[0] for t in range(frames)])

    lines, kind_rows = ["TestVideoFile = {};"], []
    for video, count in enumerate(_crowd_sizes(generator, test_videos), start=1):
        name, kind = f"Test{video:03d}", ANOMALY_KINDS[(video - 1) % len(ANOMALY_KINDS)]
        walkers, cart = _video(scene, count, frames, kind)
        images, masks = zip(*(scene.render(walkers, t, cart) for t in range(frames)))
        write_video(folder / "Test" / name, images, masks)
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
