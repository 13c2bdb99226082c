"""Decode UCSD frames and read the ground truth: frame-level ranges and pixel masks.

Used by chapters 4 and 6 (the frame and spatio-temporal autoencoders) through
:mod:`labutils.data`.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labutils.progress import progress_bar
from labutils.data.ucsd_layout import frame_files, ucsd_videos

_GT_LINE = re.compile(r"^TestVideoFile\{(end\+1|\d+)\}\.gt_frame\s*=\s*\[([^\]]*)\]\s*;?$")
_GT_IGNORED = re.compile(r"^(%.*|TestVideoFile\s*=\s*\{\s*\}\s*;?|clear.*)?$")


def _read_frame(file: Path, size: tuple[int, int] | None):
    """Decode one grey frame as uint8 (resized to ``size`` = (height, width)); None if unreadable.

    8-bit frames of any mode are converted to grey; 16-bit frames are scaled to 0-255
    (not clipped, which would turn them white); floating-point frames raise ``ValueError``
    naming the file, since their range is unknown.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            image.load()
            original = image.size
            if image.mode == "F":
                raise ValueError(f"{file}: floating-point pixels (mode F); the loaders take 8- or 16-bit grey frames")
            if image.mode.startswith("I"):  # I;16, I;16B, I: integers wider than 8 bits
                pixels = np.asarray(image, dtype=np.float64)
                if pixels.min() < 0 or pixels.max() > 65535:
                    raise ValueError(f"{file}: pixel values outside 0-65535 (mode {image.mode})")
                grey = Image.fromarray(np.round(pixels * (255 / 65535)).astype(np.uint8))
            else:
                grey = image.convert("L")
    except (OSError, UnidentifiedImageError, SyntaxError):
        return None, None
    if size is not None and (grey.height, grey.width) != tuple(size):
        grey = grey.resize((size[1], size[0]), Image.Resampling.BILINEAR)
    return np.asarray(grey, dtype=np.uint8), original


def read_ucsd_video(
    video: str | Path, image_size: int | tuple[int, int] | None = None, suffix: str = ".tif"
) -> np.ndarray:
    """Decode one video folder's frames into a uint8 array of shape (frames, height, width).

    ``image_size`` (an int for a square, or (height, width)) resizes each frame once, as
    it is decoded. A frame that cannot be decoded is replaced by its predecessor with a
    warning (frame numbers, and so the ground truth, stay aligned); a gap in the
    numbering or frames of different sizes raise ``ValueError`` naming the file.
    """
    return np.stack(list(iter_ucsd_video(video, image_size, suffix)))


def iter_ucsd_video(video: str | Path, image_size: int | tuple[int, int] | None = None, suffix: str = ".tif"):
    """Decode one video folder's frames one at a time: uint8 (height, width) arrays, as :func:`read_ucsd_video`.

    The same rules (an unreadable frame is replaced by its predecessor, or for a first
    frame by the first readable one, with a warning at the end); :func:`ucsd_clips`
    copies each frame into its one array of frames without holding a whole video twice.
    """
    video = Path(video)
    size = (image_size, image_size) if isinstance(image_size, int) else image_size
    first_size, previous, leading, unreadable = None, None, 0, []
    for file in frame_files(video, suffix):
        pixels, original = _read_frame(file, size)
        if pixels is None:
            unreadable.append(file)
            if previous is None:
                leading += 1  # no readable frame yet: these take the first readable one
            else:
                yield previous
            continue
        if first_size is None:
            first_size = original
        elif original != first_size:
            raise ValueError(f"{file}: frame size {original} differs from the video's first frame {first_size}")
        for _ in range(leading):
            yield pixels
        leading, previous = 0, pixels
        yield pixels
    if first_size is None:
        raise ValueError(f"{video}: none of its frames can be decoded")
    if unreadable:
        names = ", ".join(file.name for file in unreadable)
        warnings.warn(
            f"{video}: could not decode {names}; each was replaced by the nearest readable frame before it "
            "(after it, for a first frame)",
            stacklevel=3,
        )


def selected_videos(root: str | Path, subset: str, split: str, videos: int | list[str] | None) -> list[Path]:
    """The video folders of a split, all of them or the first ``videos`` or the named ones."""
    count = isinstance(videos, (int, np.integer)) and not isinstance(videos, bool)
    names = isinstance(videos, (list, tuple)) and bool(videos) and all(isinstance(name, str) for name in videos)
    if not (videos is None or names or (count and videos >= 1)):
        raise ValueError(
            f"videos must be a positive number of videos, a list of names such as ['Train001'] or None, got {videos!r}"
        )
    folders = ucsd_videos(root, subset, split)
    if count:
        folders = folders[:videos]
    elif videos is not None:
        by_name = {folder.name: folder for folder in folders}
        missing = [name for name in videos if name not in by_name]
        if missing:
            raise ValueError(f"no video folder named {missing} in {folders[0].parent}")
        folders = [by_name[name] for name in videos]
    return folders


def ucsd_frames(
    root: str | Path,
    subset: str = "UCSDped1",
    split: str = "Train",
    image_size: int | tuple[int, int] | None = None,
    videos: int | list[str] | None = None,
    progress: bool = True,
) -> dict[str, np.ndarray]:
    """Decode a split's videos once: ``{"Train001": uint8 array (frames, height, width), ...}``.

    ``videos`` keeps the first n videos, or the named ones. Chapter 4 trains on these
    frames one by one, and chapters 4 and 6 score their test videos on them;
    :func:`ucsd_clips` decodes the frames itself, into clips for chapter 6's training.
    """
    folders = selected_videos(root, subset, split, videos)
    return {
        folder.name: read_ucsd_video(folder, image_size)
        for folder in progress_bar(folders, desc=f"{subset}/{split} frames", unit="video", disable=not progress)
    }


def _parse_gt_ranges(text: str, where: str) -> list[tuple[int, int]]:
    ranges = []
    text = re.sub(r"\s*:\s*", ":", text)  # MATLAB allows spaces around the colon: [ 3 : 10 ]
    for part in filter(None, re.split(r"[,\s]+", text.strip())):
        bounds = part.split(":")
        if len(bounds) > 2 or not all(bound.isdigit() for bound in bounds):
            raise ValueError(f"{where}: {part!r} is not a frame range like 60:152")
        start, end = int(bounds[0]), int(bounds[-1])
        if start < 1 or end < start:
            raise ValueError(f"{where}: range {part!r} is empty or starts before frame 1")
        ranges.append((start, end))
    return ranges


def ucsd_ground_truth(root: str | Path, subset: str = "UCSDped1") -> dict[str, np.ndarray]:
    """Per test video, a bool array with one entry per frame, True where the frame is anomalous.

    Parsed from the data set's ``UCSDped1.m`` / ``UCSDped2.m`` (in ``Test/`` or beside it),
    whose lines read ``TestVideoFile{end+1}.gt_frame = [60:152];`` or ``[5:90, 140:200]``:
    1-indexed, inclusive frame ranges, one line per test video (``{end+1}`` is the next video,
    ``{3}`` the third; a UTF-8 byte-order mark is allowed). Keys are the
    video folder names (``"Test001"``, ...); the arrays are as long as the videos. Used by
    chapters 4 and 6. Pixel masks: :func:`ucsd_pixel_masks`.

    Raises ``ValueError`` naming the file and line for a line it does not understand, a
    range past the end of its video, or a count of lines that differs from the videos.
    """
    videos = ucsd_videos(root, subset, "Test")
    folder = videos[0].parent
    candidates = [folder / f"{subset}.m", folder.parent / f"{subset}.m"]
    path = next((candidate for candidate in candidates if candidate.is_file()), None)
    if path is None:
        raise FileNotFoundError(f"no ground-truth file {subset}.m in {folder} or {folder.parent}")
    specifications: dict[int, tuple[int, str]] = {}  # video position (1-based) -> (line number, ranges)
    for number, line in enumerate(path.read_text(encoding="utf-8-sig", errors="replace").splitlines(), start=1):
        line = line.strip()
        match = _GT_LINE.match(line)
        if match:
            index = len(specifications) + 1 if match.group(1) == "end+1" else int(match.group(1))
            if index in specifications or not 1 <= index <= len(videos):
                problem = "repeats" if index in specifications else f"is outside 1..{len(videos)}, the test videos,"
                raise ValueError(f"{path}, line {number}: TestVideoFile{{{index}}} {problem} in {folder}")
            specifications[index] = (number, match.group(2))
        elif not _GT_IGNORED.match(line):
            raise ValueError(f"{path}, line {number}: unexpected line {line[:80]!r}")
    if len(specifications) != len(videos):
        raise ValueError(f"{path}: {len(specifications)} gt_frame lines for {len(videos)} test videos in {folder}")
    labels = {}
    for position, video in enumerate(videos, start=1):
        number, text = specifications[position]
        length = len(frame_files(video))
        anomalous = np.zeros(length, dtype=bool)
        for start, end in _parse_gt_ranges(text, f"{path}, line {number}"):
            if end > length:
                raise ValueError(f"{path}, line {number}: frame {end} is past the end of {video.name} ({length})")
            anomalous[start - 1 : end] = True
        labels[video.name] = anomalous
    return labels


def ucsd_pixel_masks(
    root: str | Path, subset: str = "UCSDped1", image_size: int | tuple[int, int] | None = None
) -> dict[str, np.ndarray]:
    """Per test video that has a ``TestNNN_gt`` folder, its pixel masks: bool (frames, height, width).

    Ped2 has masks for every test video, Ped1 for some; videos without one are left out.
    """
    from PIL import Image

    masks = {}
    for video in ucsd_videos(root, subset, "Test"):
        folder = video.with_name(video.name + "_gt")
        if not folder.is_dir():
            continue
        frames, mask_files = frame_files(video), frame_files(folder, ".bmp")
        if len(mask_files) != len(frames):
            raise ValueError(f"{folder}: {len(mask_files)} masks for the {len(frames)} frames of {video.name}")
        with Image.open(frames[0]) as frame, Image.open(mask_files[0]) as mask:
            if frame.size != mask.size:
                raise ValueError(f"{mask_files[0]}: mask size {mask.size} differs from the frames' {frame.size}")
        masks[video.name] = read_ucsd_video(folder, image_size, suffix=".bmp") > 127
    return masks


@dataclass(frozen=True)
class UCSDSubset:
    """One UCSD subset in memory, as chapters 4 and 6 load it (:func:`load_ucsd`).

    ``train_frames`` and ``test_frames`` map video names to uint8 (frames, height, width);
    ``ground_truth`` maps each test video to its bool per frame; ``masks`` the test videos
    that have pixel masks to bool (frames, height, width).
    """

    train_frames: dict[str, np.ndarray]
    test_frames: dict[str, np.ndarray]
    ground_truth: dict[str, np.ndarray]
    masks: dict[str, np.ndarray]

    @property
    def frame_size(self) -> tuple[int, int]:
        """(height, width) of the frames."""
        return tuple(next(iter(self.train_frames.values())).shape[1:])

    def summary(self) -> str:
        """One line: how many videos, frames and anomalous frames, and the frame size."""
        height, width = self.frame_size
        return (
            f"{len(self.train_frames)} training videos, {sum(map(len, self.train_frames.values()))} frames of "
            f"{width}x{height} pixels; {len(self.test_frames)} test videos, "
            f"{sum(map(len, self.ground_truth.values()))} frames, "
            f"{sum(int(labels.sum()) for labels in self.ground_truth.values())} of them anomalous"
        )


def load_ucsd(root: str | Path, subset: str = "UCSDped1") -> UCSDSubset:
    """Read a UCSD subset's training and test videos, frame labels and pixel masks (chapters 4 and 6).

    ``root`` as :func:`labutils.data.locate_ucsd` returns it. Frames at their own size, uint8.
    """
    return UCSDSubset(
        train_frames=ucsd_frames(root, subset, "Train"),
        test_frames=ucsd_frames(root, subset, "Test"),
        ground_truth=ucsd_ground_truth(root, subset),
        masks=ucsd_pixel_masks(root, subset),
    )
