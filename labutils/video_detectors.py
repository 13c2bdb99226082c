"""The detector contract on video (chapters 4 and 6): a detector scores the frames of one video.

As every detector of the course (:class:`labutils.detectors.Detector`), a video detector is
fitted on normal examples and then scores examples, larger = more anomalous; its examples
are the frames of one video, so ``score(frames)`` returns one score per frame. Each scores
frames in the ways of :data:`labutils.video_scores.SCORE_NAMES` (``kind``): the raw error,
or 1 - regularity of it within the video (Hasan et al., 2016).

- :class:`VideoAutoencoderDetector`: a frame or clip autoencoder. :meth:`~VideoAutoencoderDetector.fit`
  trains a frame model on normal frames (:func:`labutils.training.fit_autoencoder`) or a
  clip model on a dataset of normal clips (:func:`labutils.training.fit_clip_model`); it
  rebuilds each video once (:meth:`~VideoAutoencoderDetector.reconstruct`, kept for the
  figures), however many kinds of score are asked of it.
- :class:`FrameDifference` and :class:`Foreground`: no model, for comparison: how much a
  frame differs from the previous one, or from the mean training frame.

:func:`score_videos` scores a whole test set, ``{kind: {video: scores}}``, for
:func:`labutils.video.frame_level_evaluation`. Used by chapters 4 and 6 and the video benchmarks.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence

import keras
import numpy as np

from labutils import _checks, inference, training
from labutils.detectors import Detector, keras_storage
from labutils.frames import as_unit_frames
from labutils.video import frame_errors
from labutils.video_scores import ERROR_OF, SCORE_NAMES, motion_errors, score_from_errors

#: The kinds of score a detector without a model gives (it rebuilds nothing, so it has no motion error).
RAW_KINDS = ("raw error", "regularity")


class VideoDetector(Detector):
    """A detector of anomalous frames: ``score(frames)`` of one video, one score per frame, larger = more anomalous.

    A subclass gives the per-frame errors of each kind of ``kinds`` (``_errors``); the
    regularity kinds are 1 - :func:`labutils.video.regularity_scores` of them, normalised
    within the video, so a video is scored as a whole (an offline score).
    """

    kinds: tuple[str, ...] = RAW_KINDS

    def __init__(self, kind: str = "regularity"):
        self.kind = _checks.text("kind", kind, self.kinds)

    def score(self, frames, kind: str | None = None) -> np.ndarray:
        """One score per frame of one video (frames, height, width; uint8 or [0, 1] floats); ``kind`` of ``kinds``."""
        kind = self.kind if kind is None else _checks.text("kind", kind, self.kinds)
        errors = self._errors(frames, ERROR_OF[kind])
        return np.asarray(score_from_errors(errors, kind), dtype=np.float64)

    def _errors(self, frames, kind: str) -> np.ndarray:
        """Per-frame errors of one video: ``kind`` is "raw error" or "motion error"."""
        raise NotImplementedError


class VideoAutoencoderDetector(VideoDetector):
    """A frame or clip autoencoder as a detector of anomalous frames (chapters 4 and 6).

    ``model`` stays the reader's own Keras model (``detector.model``). :meth:`fit` trains a
    frame model on normal frames with :func:`labutils.training.fit_autoencoder` (``fit_options``
    as :class:`labutils.detectors.AutoencoderDetector` takes them), or a clip model on a
    ``tf.data`` dataset of normal ``(clip, clip)`` pairs with
    :func:`labutils.training.fit_clip_model` (``fit_options``: ``lab_settings`` and its
    other arguments); a model trained elsewhere (loaded from disk) is wrapped with
    ``trained=True``. All four kinds of :data:`labutils.video_scores.SCORE_NAMES`.
    """

    kinds = SCORE_NAMES

    def __init__(self, model: keras.Model, kind: str = "regularity", *, trained: bool = False, **fit_options):
        super().__init__(kind)
        if not isinstance(model, keras.Model):
            raise ValueError(f"model must be a Keras frame or clip autoencoder, got {type(model).__name__}")
        self.model = model
        self.trained = _checks.flag("trained", trained)
        self.fit_options = fit_options
        self.history = None
        self._rebuilt: dict[int, tuple[weakref.ref, np.ndarray]] = {}

    def fit(self, x_normal, validation_data=None) -> VideoAutoencoderDetector:
        """Train on normal frames (a frame model) or a dataset of normal clip pairs (a clip model); return self."""
        options = dict(self.fit_options)
        if len(self.model.input_shape) == 5:  # (batch, time, height, width, channels): a clip model
            if validation_data is None or "lab_settings" not in options:
                raise ValueError("a clip model fits on clips: fit(train_clips, validation_clips) with "
                                 "lab_settings=<a row of labutils.settings> given to the detector")
            lab_settings = options.pop("lab_settings")
            self.history = training.fit_clip_model(self.model, x_normal, validation_data, lab_settings, **options)
        else:
            if validation_data is not None:
                options["validation_data"] = validation_data
            self.history = training.fit_autoencoder(self.model, x_normal, **options)
        self.trained = True
        self._rebuilt.clear()
        return self

    def reconstruct(self, frames) -> np.ndarray:
        """The model's reconstruction of one video, float32 in [0, 1]; rebuilt once per frames array."""
        if not self.trained:
            raise ValueError(f"{self.model.name} is not trained yet: call fit first, or pass trained=True")
        key = id(frames)
        kept = self._rebuilt.get(key)
        if kept is not None and kept[0]() is frames:
            return kept[1]
        rebuilt = inference.reconstruct_video(self.model, frames)
        if isinstance(frames, np.ndarray):  # remembered while the frames live
            self._rebuilt[key] = (weakref.ref(frames), rebuilt)
            weakref.finalize(frames, self._rebuilt.pop, key, None)
        return rebuilt

    def _errors(self, frames, kind: str) -> np.ndarray:
        """e(t) (:func:`labutils.video.frame_errors`) or m(t) (:func:`labutils.video_scores.motion_errors`)."""
        rebuilt = self.reconstruct(frames)
        return motion_errors(frames, rebuilt) if kind == "motion error" else frame_errors(frames, rebuilt)

    def storage(self) -> dict[str, object]:
        """The autoencoder's weights."""
        return keras_storage(self.model)


class FrameDifference(VideoDetector):
    """No model: how much each frame differs from the previous one (mean squared pixel difference).

    Finds whatever moves fast; the first frame takes the second's value. :meth:`fit` learns
    nothing (there is nothing to learn) but checks the frames, so it stands in any loop of
    detectors.
    """

    def fit(self, x_normal, validation_data=None) -> FrameDifference:
        """Nothing to learn; returns self."""
        as_unit_frames(x_normal, "x_normal", at_least=1)
        return self

    def _errors(self, frames, kind: str) -> np.ndarray:
        unit = as_unit_frames(frames)
        if len(unit) < 2:
            raise ValueError(f"a frame difference needs at least 2 frames, got {len(unit)}")
        steps = (np.diff(unit, axis=0) ** 2).mean(axis=(1, 2))
        return np.concatenate([steps[:1], steps])


class Foreground(VideoDetector):
    """No model: how much each frame differs from the mean normal frame (mean squared pixel difference).

    About what counting the pixels that are not background finds: crowds, and objects
    darker or brighter than the walkway. :meth:`fit` computes the mean of the normal frames;
    a mean frame computed already (:func:`labutils.video.mean_frame`) may be given instead.
    """

    def __init__(self, kind: str = "regularity", mean_frame=None):
        super().__init__(kind)
        if mean_frame is not None:
            mean_frame = as_unit_frames(np.asarray(mean_frame)[None], "mean_frame")[0]
            self.mean_frame_ = mean_frame

    def fit(self, x_normal, validation_data=None) -> Foreground:
        """The mean frame of the normal frames ``x_normal`` (frames, height, width); returns self."""
        unit = as_unit_frames(x_normal, "x_normal", at_least=1)  # the mean of no frames would be NaN
        self.mean_frame_ = unit.mean(axis=0, dtype=np.float64).astype(np.float32)
        return self

    def _errors(self, frames, kind: str) -> np.ndarray:
        if not hasattr(self, "mean_frame_"):
            raise ValueError("Foreground is not fitted yet: call fit(normal_frames) first")
        unit = as_unit_frames(frames, at_least=1)
        if unit.shape[1:] != self.mean_frame_.shape:
            raise ValueError(f"frames of {unit.shape[1:]}, the mean frame is {self.mean_frame_.shape}")
        return ((unit - self.mean_frame_) ** 2).mean(axis=(1, 2))


def score_videos(
    detector: VideoDetector, frames_by_video: Mapping[str, np.ndarray], kinds: Sequence[str] | None = None
) -> dict[str, dict[str, np.ndarray]]:
    """Score every video with ``detector`` in each of ``kinds`` (default: all it has): ``{kind: {video: scores}}``.

    What :func:`labutils.video.frame_level_evaluation` takes, one kind at a time.
    """
    if not isinstance(detector, VideoDetector):
        raise ValueError(f"detector must be a labutils.video_detectors detector, got {type(detector).__name__}")
    _checks.mapping("frames_by_video", frames_by_video, "{video: frames}")
    kinds = detector.kinds if kinds is None else _checks.strings("kinds", kinds)
    return {kind: {name: detector.score(frames, kind) for name, frames in frames_by_video.items()} for kind in kinds}
