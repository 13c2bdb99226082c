"""labutils.video_detectors: the detector contract on video, on hand-made frames and tiny models."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from labutils import detectors, video, video_detectors, video_scores


def zero_model(input_shape) -> keras.Model:
    inputs = keras.Input(input_shape)
    return keras.Model(inputs, layers.Lambda(lambda tensor: tensor * 0.0)(inputs), name="zeros")


def frames_switching_on() -> np.ndarray:
    frames = np.zeros((4, 2, 2), np.float32)
    frames[2:] = 1.0  # switches on at frame 2
    return frames


def test_an_autoencoder_scores_each_frame_of_a_video_in_four_ways():
    detector = video_detectors.VideoAutoencoderDetector(zero_model((2, 2, 1)), trained=True)
    assert isinstance(detector, detectors.Detector) and detector.kind == "regularity"
    frames = frames_switching_on()
    np.testing.assert_allclose(detector.score(frames, "raw error"), [0, 0, 1, 1])
    np.testing.assert_allclose(detector.score(frames), [0, 0, 1, 1])  # 1 - regularity: the worst frames score 1
    np.testing.assert_allclose(detector.score(frames, "motion error"), [0, 0, 1, 0])
    np.testing.assert_allclose(detector.score(frames, "motion regularity"), [0, 0, 1, 0])
    # the same numbers as the four scores computed from the reconstructions
    expected = video_scores.anomaly_scores({"a": frames}, {"a": detector.reconstruct(frames)})
    scores = video_detectors.score_videos(detector, {"a": frames})
    assert list(scores) == list(video_scores.SCORE_NAMES)
    for kind in video_scores.SCORE_NAMES:
        np.testing.assert_allclose(scores[kind]["a"], expected[kind]["a"])


def test_a_video_is_rebuilt_once_however_many_kinds_are_asked():
    calls = []
    inputs = keras.Input((2, 2, 1))
    model = keras.Model(inputs, layers.Lambda(lambda tensor: tensor * 0.0)(inputs))
    detector = video_detectors.VideoAutoencoderDetector(model, trained=True)
    original = video_detectors.inference.reconstruct_video

    def counted(model, frames):
        calls.append(len(frames))
        return original(model, frames)

    video_detectors.inference.reconstruct_video = counted
    try:
        frames = frames_switching_on()
        video_detectors.score_videos(detector, {"a": frames, "b": frames.copy()})
        detector.reconstruct(frames)
    finally:
        video_detectors.inference.reconstruct_video = original
    assert calls == [4, 4]  # once per video, not once per kind of score


def test_a_frame_model_fits_on_normal_frames():
    inputs = keras.Input((2, 2, 1))
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(inputs), name="tiny_frames")
    model.compile(optimizer="adam", loss="mse")
    normal = np.random.default_rng(0).random((40, 2, 2)).astype(np.float32)
    detector = video_detectors.VideoAutoencoderDetector(model, lab="toy", epochs=2, progress=False)
    with pytest.raises(ValueError, match="tiny_frames is not trained yet"):
        detector.score(normal[:5])
    assert detector.fit(normal) is detector and len(detector.history.history["loss"]) == 2
    assert detector.score(normal[:5]).shape == (5,)


def test_a_clip_model_asks_for_clips_and_its_settings_row():
    detector = video_detectors.VideoAutoencoderDetector(zero_model((3, 2, 2, 1)))
    with pytest.raises(ValueError, match="a clip model fits on clips"):
        detector.fit(np.zeros((6, 2, 2)))


def test_the_detectors_without_a_model():
    frames = frames_switching_on()
    difference = video_detectors.FrameDifference("raw error").fit(frames)
    np.testing.assert_allclose(difference.score(frames), [0, 0, 1, 0])  # the first frame takes the second's
    foreground = video_detectors.Foreground("raw error").fit(np.zeros((5, 2, 2), np.uint8))
    np.testing.assert_allclose(foreground.score(frames), [0, 0, 1, 1])
    np.testing.assert_allclose(foreground.score(frames, "regularity"), [0, 0, 1, 1])
    with pytest.raises(ValueError, match="kind must be one of"):
        foreground.score(frames, "motion error")  # no model: nothing rebuilt, no motion error
    with pytest.raises(ValueError, match="Foreground is not fitted yet"):
        video_detectors.Foreground().score(frames)
    with pytest.raises(ValueError, match="frames of"):
        foreground.score(np.zeros((3, 4, 4)))


def test_scores_feed_the_frame_level_evaluation():
    frames = {"a": frames_switching_on(), "b": frames_switching_on()[::-1].copy()}
    truth = {"a": np.array([False, False, True, True]), "b": np.array([True, True, False, False])}
    detector = video_detectors.VideoAutoencoderDetector(zero_model((2, 2, 1)), trained=True)
    scores = video_detectors.score_videos(detector, frames, ["raw error"])
    assert video.frame_level_evaluation(truth, scores["raw error"])["roc_auc"] == 1.0
    with pytest.raises(ValueError, match=r"detector must be a labutils\.video_detectors detector"):
        video_detectors.score_videos(detectors.AutoencoderDetector(zero_model((2, 2, 1))), frames)
    with pytest.raises(ValueError, match="model must be a Keras frame or clip autoencoder"):
        video_detectors.VideoAutoencoderDetector("model")
