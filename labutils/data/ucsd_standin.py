"""A small generated data set in the UCSD layout: the quick profile's video and the tests' fixture."""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np

from labutils.data.ucsd_kinds import ANOMALY_KINDS, KINDS_HEADER, kinds_file_name
from labutils.data.ucsd_layout import UCSD_FOLDER, UCSD_SUBSETS

UCSD_STANDIN_VERSION = 2  # raise when make_ucsd_standin's output changes

FEWEST_WALKERS, MOST_WALKERS = 3, 16  # walkers on the walkway (some only partly in view), in every video
FAST = 5.0  # the "speed" anomaly's speed, in walking speeds
WALKER, CART = 55, 235  # grey levels of the figures


@dataclasses.dataclass
class _Walker:
    """A figure on the walkway: enters at ``entry`` (a frame, may be before the video) at one end and
    walks at ``speed`` px/frame (``direction`` +1: down, -1: up) in column ``lane``; from ``turn`` on
    (if set) it walks sideways instead, at ``sideways`` px/frame. ``exit``: the frame it is gone."""

    lane: float
    direction: int
    speed: float = 0.0
    entry: float = 0.0
    exit: float | None = None
    earliest: float = 0.0  # the exit may be chosen between these two frames
    latest: float = 0.0
    turn: float | None = None
    sideways: float = 0.0

    def centre(self, t: float, top: float) -> tuple[float, float]:
        moved = self.speed * ((t if self.turn is None else min(t, self.turn)) - self.entry)
        row = top + moved if self.direction > 0 else top - moved
        column = self.lane if self.turn is None else self.lane + self.sideways * max(t - self.turn, 0.0)
        return row, column


class _Scene:
    """The walkway's geometry at one frame size, and how figures move and are drawn on it."""

    def __init__(self, height: int, width: int, generator: np.random.Generator) -> None:
        self.height, self.width, self.generator = height, width, generator
        self.walk = height / 158  # walking speed: 1 px/frame at Ped1's 158x238
        self.walk_sideways = width / 238
        self.person = (height / 16, width / 40)  # half sizes of a walker's ellipse
        self.cart = (height / 7, width / 9)  # half sizes of the cart's rectangle
        self.span = height - 1 + 2 * self.person[0]  # rows a walker travels from entering to gone
        self.lifetimes = (self.span / (1.2 * self.walk), self.span / (0.8 * self.walk))  # frames on screen
        self.near = 3 * self.person[0] / self.walk  # frames for a walker to be clear of the one behind
        rows, columns = np.mgrid[:height, :width]
        texture = generator.normal(0, 1, (height // 4 + 1, width // 4 + 1)).repeat(4, 0).repeat(4, 1)
        self.background = 150 - 40 * rows / height + 6 * texture[:height, :width]
        self.background[np.abs(columns - width * 0.55) < width * 0.3] += 25  # the walkway
        self.lanes = (width * 0.3, width * 0.8)

    def top(self, direction: int, half_height: float) -> float:
        """The centre row where a figure moving in ``direction`` enters."""
        return -half_height if direction > 0 else self.height - 1 + half_height

    def new_walker(self, direction: int | None = None) -> _Walker:
        direction = int(self.generator.choice([-1, 1])) if direction is None else direction
        return _Walker(lane=float(self.generator.uniform(*self.lanes)), direction=direction)

    def walkers(self, target: np.ndarray) -> list[_Walker]:
        """Walkers whose number on screen follows ``target`` (one per frame) as closely as walking allows.

        A walker stays on screen between ``lifetimes`` frames (its speed sets which), so the
        number can rise at any time (a wave arrives) but fall only as walkers reach the end
        of the walkway: exits are chosen among the walkers that may leave at that frame.
        """
        short, long = self.lifetimes
        on_screen: list[_Walker] = []
        for _ in range(int(target[0])):  # already walking when the video starts
            walker = self.new_walker()
            walker.speed = self.walk * float(self.generator.uniform(0.8, 1.2))
            walker.earliest, walker.latest = 1.0, self.span / walker.speed
            on_screen.append(walker)
        everyone = list(on_screen)
        for t in range(1, len(target) + 1):
            due = [walker for walker in on_screen if walker.latest <= t]
            free = sorted((w for w in on_screen if w.earliest <= t < w.latest), key=lambda w: w.latest)
            surplus = len(on_screen) - len(due) - (int(target[t]) if t < len(target) else 0)
            leaving = due + (free[:surplus] if t < len(target) else [])
            for walker in leaving:
                walker.exit = float(t)
                on_screen.remove(walker)
            if t < len(target):
                for _ in range(int(target[t]) - len(on_screen)):  # a wave: walkers enter at an end
                    walker = self.new_walker()
                    near = [w.lane for w in on_screen if w.direction == walker.direction and w.entry > t - self.near]
                    if near:  # side by side with the walkers who just came in, not on top of them
                        lanes = self.generator.uniform(*self.lanes, 6)
                        room = [min(abs(lane - other) for other in near) for lane in lanes]
                        walker.lane = float(lanes[np.argmax(room)])
                    walker.entry, walker.earliest, walker.latest = float(t), t + short, t + long
                    on_screen.append(walker)
                    everyone.append(walker)
        for walker in everyone:  # still walking at the end: leave later, at a speed of their own
            if walker.exit is None:
                walker.exit = float(self.generator.uniform(max(walker.earliest, len(target)), walker.latest))
            if walker.speed == 0.0:  # entered during the video: the exit fixes the speed
                walker.speed = self.span / (walker.exit - walker.entry)
            else:  # walking when the video starts: the exit fixes where it started
                walker.entry = walker.exit - self.span / walker.speed
        return everyone

    def figures(self, walkers: list[_Walker], frames: int) -> np.ndarray:
        """The walkers on screen in each of ``frames`` frames, a walker half in view counting one half."""
        half = self.person[0]
        seen = np.zeros(frames)
        for walker in walkers:
            for t in range(max(math.ceil(walker.entry), 0), min(math.ceil(walker.exit), frames)):
                row = walker.centre(t, self.top(walker.direction, half))[0]
                seen[t] += np.clip((min(row + half, self.height - 1) - max(row - half, 0)) / (2 * half), 0, 1)
        return seen

    def on_screen(self, centre: tuple[float, float], half: tuple[float, float]) -> bool:
        return -half[0] < centre[0] < self.height - 1 + half[0] and -half[1] < centre[1] < self.width - 1 + half[1]

    def shape(self, centre: tuple[float, float], half: tuple[float, float], ellipse: bool):
        """The pixels of an ellipse (or rectangle) as (row slice, column slice, mask in that box)."""
        top, bottom = max(math.floor(centre[0] - half[0]), 0), min(math.ceil(centre[0] + half[0]) + 1, self.height)
        left, right = max(math.floor(centre[1] - half[1]), 0), min(math.ceil(centre[1] + half[1]) + 1, self.width)
        rows, columns = np.ogrid[top:bottom, left:right]
        rows, columns = (rows - centre[0]) / half[0], (columns - centre[1]) / half[1]
        inside = rows**2 + columns**2 <= 1.0 if ellipse else (np.abs(rows) < 1.0) & (np.abs(columns) < 1.0)
        return slice(top, bottom), slice(left, right), inside

    def render(self, walkers, t: int, anomalies=()) -> tuple[np.ndarray, np.ndarray]:
        """Frame ``t`` and the pixel mask of the ``anomalies`` ((kind, figure) pairs) in it."""
        image = self.background + self.generator.normal(0, 2.0, self.background.shape)
        mask = np.zeros((self.height, self.width), dtype=bool)
        for walker in walkers:
            centre = walker.centre(t, self.top(walker.direction, self.person[0]))
            if walker.entry <= t < walker.exit and self.on_screen(centre, self.person):
                rows, columns, inside = self.shape(centre, self.person, ellipse=True)
                image[rows, columns][inside] = WALKER
        for kind, figure in anomalies:
            half = self.cart if kind == "object" else self.person
            centre = figure.centre(t, self.top(figure.direction, half[0]))
            if figure.entry <= t < figure.exit and self.on_screen(centre, half):
                rows, columns, inside = self.shape(centre, half, ellipse=kind != "object")
                image[rows, columns][inside] = CART if kind == "object" else WALKER
                mask[rows, columns] |= inside
        return np.clip(image, 0, 255).astype(np.uint8), mask


def _target_counts(generator: np.random.Generator, frames: int) -> np.ndarray:
    """How many walkers should be on the walkway in each frame: waves, between FEWEST and MOST."""
    knots = [0]
    while knots[-1] < frames:
        knots.append(knots[-1] + int(generator.integers(10, 26)))
    values = generator.integers(FEWEST_WALKERS, MOST_WALKERS + 1, len(knots))
    return np.round(np.interp(np.arange(frames), knots, values)).astype(int)


def _test_plan(video: int, frames: int, fast_frames: int) -> list[str]:
    """The anomalies of test video ``video`` (1-based), in order: every kind within three videos,
    and from the fourth video on a fast figure first, then the video's own kind, where it fits."""
    kind = ANOMALY_KINDS[(video - 1) % len(ANOMALY_KINDS)]
    if video > len(ANOMALY_KINDS) and kind != "speed" and frames >= fast_frames + 3 + max(4, frames // 6) + 2:
        return ["speed", kind]
    return [kind]


def _anomaly_starts(generator, plan: list[str], seen: np.ndarray, fast_frames: int, usual: float):
    """The first frame of each anomaly of ``plan``, one after the other, where the figures on screen
    are as many as usual; and how far from usual they are (0: exactly).

    ``seen``: the walkers on screen per frame (:meth:`_Scene.figures`); a fast figure adds
    one. Usual is both the video's median and ``usual``, the median of many crowds.
    Among the starts nearest both, one is drawn at random.
    """
    frames = len(seen)
    shortest = max(4, frames // 6)  # frames of an anomaly that lasts to the end, at least
    starts, start, worst = [], max(2, frames // 6) if len(plan) == 1 else 2, 0.0
    for position, kind in enumerate(plan):
        if kind == "speed":  # crosses the frame in fast_frames, then the next one may start
            latest = frames - fast_frames - (3 + shortest if position + 1 < len(plan) else 2)
            candidates = np.arange(start, max(latest if latest >= start else frames - shortest, start) + 1)
            means = np.array([seen[begin : begin + fast_frames].mean() + 1 for begin in candidates])
        else:  # a cart or a sideways walker stays to the end of the video
            earliest = start if position else max(start, frames // 3)
            candidates = np.arange(earliest, max(frames - max(shortest, frames // 4), earliest) + 1)
            means = np.array([seen[begin:].mean() for begin in candidates])
        distance = np.abs(means - np.median(seen)) + np.abs(means - usual)
        begin = int(generator.choice(candidates[distance <= distance.min() + 0.25]))
        worst = max(worst, float(distance.min()))
        starts.append(begin)
        start = begin + fast_frames + 3
    return starts, worst


def _rank_auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """The ROC-AUC of a score that ranks ``positive`` above ``negative`` (0.5: chance)."""
    if not len(positive) or not len(negative):
        return 0.5
    above = (positive[:, None] > negative[None, :]).mean() + 0.5 * (positive[:, None] == negative[None, :]).mean()
    return float(above)


def _test_video(scene: _Scene, frames: int, plan: list[str], usual: float, tries: int = 60):
    """The walkers and the anomalies ((kind, first frame, figure) triples) of one test video.

    Crowds are drawn until, with every anomaly of ``plan`` placed where the figures on
    screen are as many as usual, counting them (their area or their number) finds no kind
    of anomaly in the video (ROC-AUC within 0.05 of chance), or the best of ``tries``
    crowds is taken.
    """
    generator, walk = scene.generator, scene.walk
    fast_frames = math.ceil(scene.span / (FAST * walk))
    best = None
    for _ in range(tries):
        walkers = scene.walkers(_target_counts(generator, frames))
        seen = scene.figures(walkers, frames)
        present = np.array([sum(w.entry <= t < w.exit for w in walkers) for t in range(frames)], dtype=float)
        starts, _ = _anomaly_starts(generator, plan, seen, fast_frames, usual)
        kinds = np.full(frames, "", dtype=object)
        for kind, begin in zip(plan, starts):
            end = begin + fast_frames if kind == "speed" else frames
            kinds[begin:end] = kind
            seen[begin:end] += kind == "speed"
            present[begin:end] += kind == "speed"
        # how far counting finds each kind from chance, by the figures' area (seen) and by their
        # number (present: a figure partly in view counts one), and the anomalies' level from usual
        cost = max(
            abs(_rank_auc(count[kinds == kind], count[kinds == ""]) - 0.5) for kind in plan for count in (seen, present)
        )
        cost += 0.05 * abs(seen[kinds != ""].mean() - usual)
        if best is None or cost < best[0]:
            best = (cost, walkers, starts)
        if cost <= 0.05:
            break
    _, walkers, starts = best
    anomalies = []
    for kind, begin in zip(plan, starts):
        if kind == "direction":
            anomalies.append((kind, begin, _turning_walker(scene, walkers, begin)))
            continue
        figure = scene.new_walker()
        figure.entry, figure.exit = float(begin), math.inf
        figure.speed = walk * FAST if kind == "speed" else walk * float(generator.uniform(0.8, 1.2))
        if kind == "object":
            figure.lane = float(generator.uniform(scene.width * 0.35, scene.width * 0.75))
        anomalies.append((kind, begin, figure))
    return walkers, anomalies


def _turning_walker(scene: _Scene, walkers: list[_Walker], turn: int) -> _Walker:
    """A walker well inside the frame at ``turn`` leaves the crowd there; the returned copy crosses sideways."""
    margin = 2 * scene.person[0]

    def inside(walker):
        row = walker.centre(turn, scene.top(walker.direction, scene.person[0]))[0]
        return walker.entry <= turn < walker.exit and margin <= row <= scene.height - 1 - margin

    candidates = sorted((w for w in walkers if inside(w)), key=lambda w: -w.exit)
    if candidates:
        walker = candidates[int(scene.generator.integers(0, min(3, len(candidates))))]  # one that stays long
    else:  # nobody in the middle of the walkway: one more walker, already half way
        walker = scene.new_walker()
        walker.speed = scene.walk
        walker.entry = turn - scene.span / 2 / walker.speed
        walkers.append(walker)
    walker.exit = float(turn)  # drawn as a walker until it turns, as the anomaly from then on
    side = 1.0 if walker.lane < scene.width * 0.55 else -1.0  # towards the far side of the walkway
    sideways = side * scene.walk_sideways * walker.speed / scene.walk
    return dataclasses.replace(walker, turn=float(turn), exit=math.inf, sideways=sideways)


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

    The quick profile's stand-in for chapters 4 and 6, and the tests' fixture: grey
    frames (``frame_size`` = (height, width), Ped1's 158x238 by default) of a textured
    walkway where small dark walkers go up and down at about one pixel per frame (scaled
    with the frame size). They come in waves: between 3 and 16 walkers are on the
    walkway (some only partly in view), and the number changes along every video,
    training and test alike, so counting figures tells nothing about anomalies. Each
    test video holds one or two anomalies, of three kinds
    (:data:`~labutils.data.ANOMALY_KINDS`), each placed where the walkers on screen are
    as many as usual: ``object``, a large bright cart at walking speed (visible in one
    frame); ``speed``, a figure drawn exactly like a walker that moves five times as
    fast along the walkway and takes a walker's place in the crowd; ``direction``, a
    walker that turns and crosses the walkway sideways at walking speed (speed and
    direction are visible only across frames). Test videos 1, 2, 3 hold an object, a
    fast figure and a sideways walker; from the fourth on, the same cycle, after a fast
    figure where the video is long enough.

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

    seen, target = [], None
    for video in range(1, train_videos + 1):
        # in pairs, a crowd and its mirror image (busy where the other is quiet): the set is balanced
        target = _target_counts(generator, frames) if video % 2 else FEWEST_WALKERS + MOST_WALKERS - target
        walkers = scene.walkers(target)
        seen.append(scene.figures(walkers, frames))
        write_video(folder / "Train" / f"Train{video:03d}", [scene.render(walkers, t)[0] for t in range(frames)])

    lines, kind_rows = ["TestVideoFile = {};"], []
    fast_frames = math.ceil(scene.span / (FAST * scene.walk))
    for _ in range(4 * test_videos):  # crowds that are not written: what the walkers usually are
        seen.append(scene.figures(scene.walkers(_target_counts(generator, frames)), frames))
    usual = float(np.median(np.concatenate(seen)))
    for video in range(1, test_videos + 1):
        name = f"Test{video:03d}"
        walkers, anomalies = _test_video(scene, frames, _test_plan(video, frames, fast_frames), usual)
        images, masks = [], []
        for t in range(frames):
            showing = [(kind, figure) for kind, begin, figure in anomalies if begin <= t][-1:]  # the latest
            image, mask = scene.render(walkers, t, showing)
            images.append(image)
            masks.append(mask)
            if mask.any():
                kind_rows.append((name, t + 1, showing[0][0]))
        write_video(folder / "Test" / name, images, masks)
        flags = np.array([mask.any() for mask in masks])
        edges = np.flatnonzero(np.diff(np.concatenate([[0], flags.astype(int), [0]])))
        ranges = [f"{start + 1}:{end}" for start, end in zip(edges[::2], edges[1::2])]
        lines.append(f"TestVideoFile{{end+1}}.gt_frame = [{', '.join(ranges)}];")
    (folder / "Test" / f"{subset}.m").write_text("\n".join(lines) + "\n")
    with open(folder / "Test" / kinds_file_name(subset), "w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(KINDS_HEADER)
        writer.writerows(kind_rows)
    return folder.parent
