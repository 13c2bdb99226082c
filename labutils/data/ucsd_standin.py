"""A small generated data set in the UCSD layout: the quick profile's video and the tests' fixture."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from labutils.data.ucsd_layout import UCSD_FOLDER, UCSD_SUBSETS

UCSD_STANDIN_VERSION = 1  # raise when make_ucsd_standin's output changes


def _blob(height: int, width: int, centre: tuple[float, float], half_size: tuple[float, float]) -> np.ndarray:
    rows, columns = np.ogrid[:height, :width]
    return ((rows - centre[0]) / half_size[0]) ** 2 + ((columns - centre[1]) / half_size[1]) ** 2 <= 1.0


def make_ucsd_standin(
    root: str | Path,
    subset: str = "UCSDped1",
    train_videos: int = 6,
    test_videos: int = 4,
    frames: int = 60,
    frame_size: tuple[int, int] = (158, 238),
    seed: int = 0,
) -> Path:
    """Write a small generated data set in the UCSD layout under ``root``; return its folder.

    The quick profile's stand-in for chapters 4 and 6, and the tests' fixture: grey
    frames (``frame_size`` = (height, width), Ped1's 158x238 by default) of a textured
    walkway where small dark "pedestrians" walk up and down at about one pixel per frame.
    Every test video has an anomaly: a large bright "cart" at walking speed, or a
    pedestrian-sized "cyclist" moving five times as fast (visible only across frames).
    Written as the real data set is: ``Train/Train001/001.tif``, ``Test/Test001/...``,
    pixel masks in ``Test/Test001_gt/001.bmp``, and the frame ranges in
    ``Test/UCSDped1.m``, so the real loaders read it. Existing files are overwritten.
    """
    from PIL import Image

    if subset not in UCSD_SUBSETS:
        raise ValueError(f"subset must be one of {UCSD_SUBSETS}, got {subset!r}")
    height, width = frame_size
    if frames < 20 or height < 48 or width < 48:
        raise ValueError("the stand-in needs at least 20 frames of 48x48 pixels")
    generator = np.random.default_rng(seed)
    folder = Path(root) / UCSD_FOLDER / subset
    rows, columns = np.mgrid[:height, :width]
    texture = generator.normal(0, 1, (height // 4 + 1, width // 4 + 1)).repeat(4, 0).repeat(4, 1)[:height, :width]
    background = 150 - 40 * rows / height + 6 * texture
    walkway = np.abs(columns - width * 0.55) < width * 0.3
    background[walkway] += 25
    person = (height / 16, width / 40)  # half sizes of a walker's ellipse

    def render(walkers, extra=None):
        image = background + generator.normal(0, 2.0, background.shape)
        mask = np.zeros((height, width), dtype=bool)
        for centre in walkers:
            image[_blob(height, width, centre, person)] = 55
        if extra is not None:
            kind, centre = extra
            shape = _blob(height, width, centre, person) if kind == "cyclist" else (
                (np.abs(rows - centre[0]) < height / 7) & (np.abs(columns - centre[1]) < width / 9)
            )
            image[shape] = 55 if kind == "cyclist" else 235
            mask = shape
        return np.clip(image, 0, 255).astype(np.uint8), mask

    def walkers_for(count):
        lanes = generator.uniform(width * 0.3, width * 0.8, count)
        starts = generator.uniform(0, height, count)
        directions = generator.choice([-1.0, 1.0], count) * generator.uniform(0.7, 1.3, count)
        walkers = list(zip(lanes, starts, directions))
        return lambda t: [((start + direction * t) % height, lane) for lane, start, direction in walkers]

    def write_video(path: Path, images, masks=None):
        path.mkdir(parents=True, exist_ok=True)
        for number, image in enumerate(images, start=1):
            Image.fromarray(image).save(path / f"{number:03d}.tif")
        if masks is not None:
            mask_folder = path.with_name(path.name + "_gt")
            mask_folder.mkdir(exist_ok=True)
            for number, mask in enumerate(masks, start=1):
                Image.fromarray(np.where(mask, 255, 0).astype(np.uint8)).save(mask_folder / f"{number:03d}.bmp")

    for video in range(1, train_videos + 1):
        walk = walkers_for(int(generator.integers(3, 7)))
        write_video(folder / "Train" / f"Train{video:03d}", [render(walk(t))[0] for t in range(frames)])

    lines = ["TestVideoFile = {};"]
    for video in range(1, test_videos + 1):
        walk = walkers_for(int(generator.integers(3, 7)))
        kind = "cart" if video % 2 else "cyclist"
        speed = 1.0 if kind == "cart" else 5.0
        crossing = int(min(frames - 1, (height * 1.1) / speed))
        first = int(generator.integers(frames // 6, frames // 3))
        visits = [(first, min(frames, first + crossing))]
        if video == test_videos and visits[0][1] + 8 < frames:  # one video with two intervals, as in [5:90, 140:200]
            visits.append((visits[0][1] + 4, frames))
        lane = generator.uniform(width * 0.35, width * 0.75)
        images, masks, anomalous = [], [], []
        for t in range(frames):
            inside = [start for start, end in visits if start <= t < end]
            extra = (kind, (-height * 0.05 + speed * (t - inside[0]), lane)) if inside else None
            image, mask = render(walk(t), extra)
            images.append(image)
            masks.append(mask)
            anomalous.append(bool(mask.any()))
        write_video(folder / "Test" / f"Test{video:03d}", images, masks)
        flags = np.asarray(anomalous)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], flags.astype(int), [0]])))
        ranges = [f"{start + 1}:{end}" for start, end in zip(edges[::2], edges[1::2])]
        lines.append(f"TestVideoFile{{end+1}}.gt_frame = [{', '.join(ranges)}];")
    (folder / "Test" / f"{subset}.m").write_text("\n".join(lines) + "\n")
    return folder.parent
