"""UCSD clips as a ``tf.data.Dataset`` for the spatio-temporal autoencoder (chapter 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from labutils.data.ucsd_frames import ucsd_frames
from labutils.data.ucsd_layout import frame_files, ucsd_videos
from labutils.frames import as_unit_frames, clip_starts


def ucsd_clips(
    root: str | Path,
    subset: str = "UCSDped1",
    split: str = "Train",
    *,
    clip_length: int = 10,
    image_size: int | tuple[int, int] | None = 227,
    strides: int | tuple[int, ...] = 1,
    step: int | None = None,
    batch_size: int | None = None,
    shuffle: bool | None = None,
    pairs: bool = False,
    videos: int | list[str] | None = None,
    seed: int = 0,
    progress: bool = True,
):
    """A ``tf.data.Dataset`` of clips: float32 tensors (clip_length, height, width, 1) in [0, 1].

    Used by chapter 6. Each frame is decoded once and kept as uint8, at the model's size
    or its own where that is smaller (Ped1's training set takes 256 MB that way, against
    2.8 GB for the float64 array the slides' lab built); clips are cut from those frames
    as they are needed, resized and converted to float32 one batch at a time.
    ``strides`` may be a tuple such as ``(1, 2, 3)``: clips at every temporal stride,
    the augmentation of Chong & Tay (2017). ``shuffle`` (default: on for Train) draws a
    new order every epoch from ``seed``. ``pairs=True`` yields ``(clip, clip)`` for
    ``model.fit``. The dataset knows its length, so Keras shows a full progress bar.
    """
    import tensorflow as tf
    from PIL import Image

    stride_list = (strides,) if isinstance(strides, int) else tuple(strides)
    size = (image_size, image_size) if isinstance(image_size, int) else image_size
    # Keep each frame at the smaller of its own size and the model's: Ped1's 238x158 frames
    # take 256 MB where 227x227 copies would take 350 MB; those are enlarged per batch,
    # with the same PIL resampling as ucsd_frames, so training and test frames match.
    first_frame = frame_files(ucsd_videos(root, subset, split)[0])[0]
    with Image.open(first_frame) as image:
        native = (image.height, image.width)
    enlarge = size is not None and size[0] * size[1] > native[0] * native[1]
    frames = list(ucsd_frames(root, subset, split, None if enlarge else size, videos, progress).values())
    shapes = {tuple(size)} if size is not None else {array.shape[1:] for array in frames}
    if len(shapes) > 1:
        raise ValueError(f"{subset}/{split}: videos have different frame sizes {sorted(shapes)}; pass image_size")
    (height, width), = shapes

    def cut(video: int, start: int, stride: int) -> np.ndarray:
        clip = frames[video][start : start + stride * clip_length : stride]
        if clip.shape[1:] != (height, width):
            resized = [Image.fromarray(frame).resize((width, height), Image.Resampling.BILINEAR) for frame in clip]
            clip = np.stack([np.asarray(frame) for frame in resized])
        return clip[..., None]

    index = [
        (video, start, stride)
        for video, array in enumerate(frames)
        for stride in stride_list
        for start in clip_starts(len(array), clip_length, stride, step)
    ]
    if not index:
        raise ValueError(f"{subset}/{split}: the videos are shorter than one clip of {clip_length} frames")
    shuffle = split == "Train" if shuffle is None else shuffle
    generator = np.random.default_rng(seed)

    def clips():
        order = generator.permutation(len(index)) if shuffle else np.arange(len(index))
        for first in range(0, len(order), batch_size or 1):
            batch = [cut(*index[position]) for position in order[first : first + (batch_size or 1)]]
            yield as_unit_frames(np.stack(batch) if batch_size else batch[0])

    # Clips are cut, batched and converted in NumPy, one batch at a time: batching and
    # casting inside tf.data held up to 250 MB more at 227x227, batch 16 (allocator caches).
    shape = (clip_length, height, width, 1)
    dataset = tf.data.Dataset.from_generator(
        clips, output_signature=tf.TensorSpec((None, *shape) if batch_size else shape, tf.float32)
    )
    batches = -(-len(index) // batch_size) if batch_size else len(index)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(batches))
    if pairs:
        dataset = dataset.map(lambda clip: (clip, clip))
    return dataset.prefetch(1)
