"""UCSD clips as a ``tf.data.Dataset`` for the spatio-temporal autoencoder (chapter 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from labutils.data.ucsd_frames import iter_ucsd_video, selected_videos
from labutils.data.ucsd_layout import frame_files
from labutils.frames import clip_starts
from labutils.progress import progress_bar


#: Frames copied into the one array of frames at a time, while decoding (1.9 MB at Ped1's size).
CHUNK_FRAMES = 50


def _write(frames, first: int, values: np.ndarray) -> None:
    """Copy ``values`` into the uint8 variable ``frames`` from row ``first`` on, in place.

    ``frames[a:b].assign`` would first read the whole variable for the slice, and the
    update would then copy all of it (copy on write): twice the memory for a moment.
    """
    import tensorflow as tf

    tf.raw_ops.ResourceStridedSliceAssign(
        ref=frames.handle, begin=[first], end=[first + len(values)], strides=[1], value=values
    )


def _frame_shape(folder: Path) -> tuple[int, int] | None:
    """(height, width) of a video's first readable frame, read from its header; None if none opens."""
    from PIL import Image, UnidentifiedImageError

    for file in frame_files(folder):
        try:
            with Image.open(file) as image:
                return image.height, image.width
        except (OSError, UnidentifiedImageError, SyntaxError):
            continue
    return None


def _common_frame_size(folders: list[Path], where: str) -> tuple[int, int]:
    """The (height, width) all videos share, read from their first frames' headers; ``ValueError`` if they differ."""
    shapes = {}
    for folder in folders:
        shapes.setdefault(_frame_shape(folder), folder.name)
    shapes.pop(None, None)  # a video with no readable frame: decoding it says so
    if not shapes:
        raise ValueError(f"{folders[0]}: none of its frames can be decoded")
    if len(shapes) > 1:
        found = ", ".join(f"{shape} ({name})" for shape, name in shapes.items())
        raise ValueError(f"{where}: videos have different frame sizes {found}; pass image_size")
    (size,) = shapes
    return size


def _clip_frame_numbers(lengths: list[int], clip_length: int, strides: tuple[int, ...], step: int | None) -> list:
    """Clips as rows of frame numbers into one array of every video's frames, one after the other.

    A clip is never copied until ``tf.gather`` cuts its batch.
    """
    firsts = np.cumsum([0, *lengths[:-1]])
    offsets = np.arange(clip_length)
    return [
        first + start + stride * offsets
        for first, length in zip(firsts, lengths)
        for stride in strides
        for start in clip_starts(length, clip_length, stride, step)
    ]


def _decoded_frames(folders, lengths: list[int], size: tuple[int, int], image_size):
    """Every frame of ``folders`` decoded once into one uint8 ``tf.Variable`` (frames, height, width) on the CPU."""
    import tensorflow as tf

    with tf.device("/CPU:0"):  # tf.data reads it on the CPU; only batches go to the GPU
        frames = tf.Variable(lambda: tf.zeros((sum(lengths), *size), tf.uint8), trainable=False, dtype=tf.uint8)
    chunk = np.empty((min(CHUNK_FRAMES, max(lengths)), *size), dtype=np.uint8)
    firsts = np.cumsum([0, *lengths[:-1]])
    for folder, first, length in zip(folders, firsts, lengths):
        filled = 0
        for number, pixels in enumerate(iter_ucsd_video(folder, image_size), start=1):
            if pixels.shape != tuple(size):
                raise ValueError(f"{folder}: frames of {pixels.shape}, the first video's are {tuple(size)}; "
                                 "pass image_size")
            chunk[filled] = pixels
            filled += 1
            if filled == len(chunk) or number == length:
                _write(frames, first + number - filled, chunk[:filled])
                filled = 0
    return frames


def ucsd_clips(
    root: str | Path,
    subset: str = "UCSDped1",
    split: str = "Train",
    *,
    clip_length: int = 10,
    image_size: int | tuple[int, int] | None = None,
    strides: int | tuple[int, ...] = 1,
    step: int | None = None,
    batch_size: int | None = None,
    shuffle: bool | None = None,
    pairs: bool = False,
    videos: int | list[str] | None = None,
    seed: int = 0,
    progress: bool = True,
):
    """A ``tf.data.Dataset`` of clips: **uint8** tensors (clip_length, height, width, 1), 0-255.

    Used by chapter 6. The clips are not scaled or resized here: the model does that on
    the GPU (:func:`labutils.models.spatiotemporal_autoencoder` with ``frame_size``
    scales them to [0, 1] and resizes them to its own size in its first layers). Each
    frame is decoded once, at its own size by default (Ped1: 238x158), into one uint8
    array (Ped1's training set: 256 MB, against 2.8 GB for the float64 array the slides'
    lab built); a clip is a ``tf.gather`` of frame indices from it, one batch at a time,
    with no copy of the frames and no cache. An int or (height, width) ``image_size``
    resizes every frame once as it is decoded, as :func:`ucsd_frames` does (needed when
    the videos' frames differ in size).

    ``strides`` may be a tuple such as ``(1, 2, 3)``: clips at every temporal stride,
    the augmentation of Chong & Tay (2017); clips start every ``step`` frames (default
    ``clip_length``). ``shuffle`` (default: on for Train) draws a new order every epoch
    from ``seed``. ``batch_size`` yields batches (batch, clip_length, height, width, 1).
    ``pairs=True`` yields ``(clip, clip)`` for ``model.fit``. The dataset knows its
    length, so Keras shows a full progress bar.
    """
    import tensorflow as tf

    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size!r}")
    stride_list = (strides,) if isinstance(strides, int) else tuple(strides)
    size = (image_size, image_size) if isinstance(image_size, int) else image_size
    if size is not None and (len(size) != 2 or min(size) < 1):
        raise ValueError(f"image_size must be a positive int or (height, width), got {image_size!r}")
    folders = selected_videos(root, subset, split, videos)
    if not folders:
        raise ValueError(f"videos={videos!r} selects no video of {subset}/{split}")
    lengths = [len(frame_files(folder)) for folder in folders]
    if size is None:
        size = _common_frame_size(folders, f"{subset}/{split}")
    index = _clip_frame_numbers(lengths, clip_length, stride_list, step)
    if not index:
        raise ValueError(f"{subset}/{split}: the videos are shorter than one clip of {clip_length} frames")
    bar = progress_bar(folders, desc=f"{subset}/{split} frames", unit="video", disable=not progress)
    frames = _decoded_frames(bar, lengths, size, image_size)
    clip_frames = tf.constant(np.stack(index), dtype=tf.int32)

    shuffle = split == "Train" if shuffle is None else shuffle
    dataset = tf.data.Dataset.range(len(index))
    if shuffle:  # only the clip numbers are shuffled: a buffer of len(index) integers
        dataset = dataset.shuffle(len(index), seed=seed, reshuffle_each_iteration=True)
    if batch_size:
        dataset = dataset.batch(batch_size)

    def gather(positions):
        clips = tf.gather(frames, tf.gather(clip_frames, positions))[..., None]
        return (clips, clips) if pairs else clips

    # One batch ready while the model trains on another; tf.data's autotuning would hold
    # more (about 11 MB at Ped1's size, batch 16), for no speed a GPU would notice.
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.map(gather).prefetch(1).with_options(options)
