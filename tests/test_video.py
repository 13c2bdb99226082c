"""labutils.video: reconstructions, errors, regularity and metrics of videos on hand-made frames."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from labutils import scoring, video


def identity_model(input_shape) -> keras.Model:
    inputs = keras.Input(input_shape)
    return keras.Model(inputs, layers.Activation("linear")(inputs))


def zero_model(input_shape) -> keras.Model:
    inputs = keras.Input(input_shape)
    return keras.Model(inputs, layers.Lambda(lambda tensor: tensor * 0.0)(inputs))


def clip_mean_model(input_shape) -> keras.Model:
    """Rebuilds every frame of a clip as the clip's mean frame: each clip leaves its own mark."""
    inputs = keras.Input(input_shape)
    mean = layers.Lambda(lambda clip: keras.ops.mean(clip, axis=1, keepdims=True) + clip * 0.0)(inputs)
    return keras.Model(inputs, mean)


# --------------------------------------------------------------------------- reconstruction and errors


def test_reconstruct_video_covers_every_frame_with_clips_or_frames():
    frames = np.random.default_rng(0).integers(0, 256, (7, 5, 6), dtype=np.uint8)
    for model in (identity_model((3, 5, 6, 1)), identity_model((5, 6, 1))):
        reconstructed = video.reconstruct_video(model, frames)  # 7 frames, clips of 3: starts 0, 3 and 4
        np.testing.assert_allclose(reconstructed, frames / 255.0, atol=1e-6)
        np.testing.assert_allclose(video.frame_errors(frames, reconstructed), 0.0, atol=1e-10)
    with pytest.raises(ValueError, match="frames of"):
        video.reconstruct_video(identity_model((3, 4, 4, 1)), frames)
    with pytest.raises(ValueError, match="fewer than one clip"):
        video.reconstruct_video(identity_model((9, 5, 6, 1)), frames)


def test_frames_two_clips_share_get_the_mean_of_both_reconstructions():
    # frame t is uniformly t / 10; clips of 3 start at 0, 3 and 4 (the last one ends at the last frame)
    frames = np.repeat(np.arange(7, dtype=np.float32)[:, None, None] / 10, 4, axis=1).reshape(7, 2, 2)
    rebuilt = video.reconstruct_video(clip_mean_model((3, 2, 2, 1)), frames)
    # clip means 0.1, 0.4 and 0.5; frames 4 and 5 are in the last two clips: (0.4 + 0.5) / 2
    # (keeping the last clip's reconstruction would give 0.5, the first's 0.4)
    expected = np.array([0.1, 0.1, 0.1, 0.4, 0.45, 0.45, 0.5], dtype=np.float32)
    np.testing.assert_allclose(rebuilt, np.broadcast_to(expected[:, None, None], (7, 2, 2)), atol=1e-6)


def test_frame_errors_are_mean_squared_errors_per_frame():
    frames = np.zeros((2, 2, 2), dtype=np.uint8)
    reconstructions = np.array([np.full((2, 2), 0.5), [[1.0, 0.0], [0.0, 0.0]]], dtype=np.float32)
    np.testing.assert_allclose(video.frame_errors(frames, reconstructions), [0.25, 0.25])
    with pytest.raises(ValueError, match="differ in shape"):
        video.frame_errors(frames, reconstructions[:1])


def test_video_errors_reconstruct_and_score_every_video():
    videos = {"Test001": np.full((3, 4, 5), 0.5, np.float32), "Test002": np.full((2, 4, 5), 0.2, np.float32)}
    reconstructions, errors = video.video_errors(zero_model((4, 5, 1)), videos)
    assert list(reconstructions) == list(errors) == ["Test001", "Test002"]
    assert reconstructions["Test001"].shape == (3, 4, 5) and reconstructions["Test002"].shape == (2, 4, 5)
    np.testing.assert_allclose(errors["Test001"], [0.25, 0.25, 0.25])
    np.testing.assert_allclose(errors["Test002"], [0.04, 0.04], rtol=1e-6)
    with pytest.raises(ValueError, match=r"frames_by_video must be a dict .*ndarray \(shape \(3, 4, 5\)\)"):
        video.video_errors(zero_model((4, 5, 1)), videos["Test001"])
    with pytest.raises(ValueError, match="frames_by_video is an empty dict"):
        video.video_errors(zero_model((4, 5, 1)), {})


def uint8_model(input_shape, output_size=None, zero=False) -> keras.Model:
    """Takes uint8 like a model built with frame_size: scales, optionally resizes, rebuilds (or rebuilds 0)."""
    inputs = keras.Input(input_shape, dtype="uint8")
    hidden = layers.Rescaling(0.0 if zero else 1 / 255)(inputs)
    if output_size is not None:  # down to a model size and back, per frame
        resize = layers.Resizing(*output_size)
        hidden = layers.TimeDistributed(resize)(hidden) if len(input_shape) == 4 else resize(hidden)
        back = layers.Resizing(*input_shape[-3:-1])
        hidden = layers.TimeDistributed(back)(hidden) if len(input_shape) == 4 else back(hidden)
    return keras.Model(inputs, hidden)


def test_a_uint8_model_gets_uint8_frames_and_its_errors_are_in_unit_range():
    frames = np.random.default_rng(0).integers(0, 256, (7, 5, 6), dtype=np.uint8)
    for model in (uint8_model((3, 5, 6, 1)), uint8_model((5, 6, 1))):
        assert scoring.takes_uint8(model)
        # fed unit floats, the uint8 input would cast 0.4 to 0 and rebuild black frames
        np.testing.assert_allclose(video.reconstruct_video(model, frames), frames / 255.0, atol=1e-6)
        np.testing.assert_allclose(video.reconstruct_video(model, frames / 255.0), frames / 255.0, atol=1e-6)
    assert not scoring.takes_uint8(identity_model((5, 6, 1)))
    white = {"Test001": np.full((4, 5, 6), 255, np.uint8)}
    for model in (uint8_model((5, 6, 1), zero=True), uint8_model((3, 5, 6, 1), zero=True)):
        reconstructions, errors = video.video_errors(model, white)
        np.testing.assert_allclose(errors["Test001"], 1.0)  # in [0, 1] units, not 255 ** 2
        assert reconstructions["Test001"].shape == (4, 5, 6)
    with pytest.raises(ValueError, match="frames must be uint8 or floats in"):
        video.reconstruct_video(uint8_model((5, 6, 1)), frames * 2.0)


def test_a_model_that_resizes_inside_reconstructs_at_the_frames_own_size():
    frames = np.full((6, 10, 14), 200, np.uint8)  # uniform frames survive resizing exactly
    for model in (uint8_model((10, 14, 1), (4, 4)), uint8_model((3, 10, 14, 1), (4, 4))):
        reconstructions, errors = video.video_errors(model, {"Test001": frames})
        assert reconstructions["Test001"].shape == (6, 10, 14)
        np.testing.assert_allclose(errors["Test001"], 0.0, atol=1e-10)


def test_as_model_input_keeps_uint8_for_a_uint8_model_and_names_bad_floats():
    model = uint8_model((2, 2, 1))
    frames = np.array([[[0, 128], [255, 3]]], np.uint8)
    assert scoring.as_model_input(model, frames).dtype == np.uint8
    np.testing.assert_array_equal(scoring.as_model_input(model, frames / 255.0)[..., 0], frames)
    assert scoring.as_model_input(identity_model((2, 2, 1)), frames).dtype == np.float32
    with pytest.raises(ValueError, match=r"uint8 frames, or floats in \[0, 1\]; x_normal holds floats from 0 to 2"):
        scoring.as_model_input(model, frames / 127.5, "x_normal")


# --------------------------------------------------------------------------- training videos


def named_videos(count: int, frames: int = 2, size: tuple[int, int] = (3, 4)) -> dict[str, np.ndarray]:
    return {f"Train{index:03d}": np.full((frames, *size), index, np.uint8) for index in range(1, count + 1)}


def test_split_videos_holds_out_the_last_whole_videos():
    assert video.split_videos(named_videos(7)) == ([f"Train{i:03d}" for i in range(1, 7)], ["Train007"])  # 15%
    assert video.split_videos(named_videos(4), 0.5) == (["Train001", "Train002"], ["Train003", "Train004"])
    assert video.split_videos(named_videos(3), 0.01) == (["Train001", "Train002"], ["Train003"])  # at least one
    assert video.split_videos(named_videos(3), 0.99) == (["Train001"], ["Train002", "Train003"])  # one kept


@pytest.mark.parametrize(
    ("videos", "fraction", "message"),
    [
        (named_videos(3), 0.0, r"validation_fraction must be a number in \(0, 1\), got 0.0"),
        (named_videos(3), 1.0, r"validation_fraction must be a number in \(0, 1\), got 1.0"),
        (named_videos(1), 0.5, r"holds one video \(Train001\)"),
        ({}, 0.5, "empty dict"),
        (np.zeros((3, 4, 5)), 0.5, r"must be a dict .*shape \(3, 4, 5\)"),
    ],
)
def test_split_videos_rejects_bad_input(videos, fraction, message):
    with pytest.raises(ValueError, match=message):
        video.split_videos(videos, fraction)


def test_stack_frames_makes_one_model_input_of_the_named_videos():
    videos = named_videos(3)
    stacked = video.stack_frames(videos, ["Train003", "Train001"])
    assert stacked.shape == (4, 3, 4, 1) and stacked.dtype == np.float32
    np.testing.assert_allclose(stacked[:, 0, 0, 0], np.array([3, 3, 1, 1]) / 255)
    assert video.stack_frames(videos).shape == (6, 3, 4, 1)
    kept = video.stack_frames(videos, ["Train002"], unit=False)  # what a model built with frame_size takes
    assert kept.dtype == np.uint8 and kept.shape == (2, 3, 4, 1) and kept.max() == 2
    with pytest.raises(ValueError, match="differ in dtype"):
        video.stack_frames({**videos, "Train004": np.zeros((2, 3, 4), np.float32)}, unit=False)
    with pytest.raises(ValueError, match=r"lacks: \['Test001'\]"):
        video.stack_frames(videos, ["Train001", "Test001"])
    with pytest.raises(ValueError, match="names is empty"):
        video.stack_frames(videos, [])
    with pytest.raises(ValueError, match="differ in size"):
        video.stack_frames({**videos, "Train004": np.zeros((2, 5, 5), np.uint8)})
    with pytest.raises(ValueError, match="empty dict"):
        video.stack_frames({})


# --------------------------------------------------------------------------- an example to show


GROUND_TRUTH = {
    "Test001": np.zeros(8, bool),  # nothing to show
    "Test002": np.array([0, 0, 0, 1, 1, 1, 1, 0], bool),
    "Test003": np.array([0, 1, 1, 1, 1, 1], bool),
    "Test004": np.ones(5, bool),  # every frame anomalous: no normal frame to show
}


def test_example_frames_picks_a_mixed_video_and_keeps_indices_inside_it():
    # Test002: first normal frame 0; anomalous frames 3-6, the middle one is 5
    assert video.example_frames(GROUND_TRUTH) == ("Test002", [0, 3, 5, 7])
    assert video.example_frames(GROUND_TRUTH, offsets=(-20, 19), normal_offsets=()) == ("Test002", [0, 7])
    assert video.example_frames(GROUND_TRUTH, offsets=(-1, 0, 1), normal_offsets=(-1, 0, 1)) == (
        "Test002", [0, 0, 1, 4, 5, 6],
    )
    # a video with pixel masks wins; Test003: normal frame 0, anomalous 1-5, middle 3
    assert video.example_frames(GROUND_TRUTH, masks={"Test003": None}) == ("Test003", [0, 1, 3, 5])


@pytest.mark.parametrize(
    ("ground_truth", "arguments", "message"),
    [
        ({}, {}, "ground_truth is an empty dict"),
        (np.zeros((2, 8), bool), {}, r"ground_truth must be a dict .*ndarray \(shape \(2, 8\)\)"),
        ({"Test001": np.zeros(4, bool), "Test004": np.ones(4, bool)}, {}, "no video in ground_truth has both"),
        (GROUND_TRUTH, {"offsets": (0.5,)}, r"offsets must be whole numbers of frames, got \[0.5\]"),
        (GROUND_TRUTH, {"normal_offsets": (True,)}, "normal_offsets must be whole numbers"),
    ],
)
def test_example_frames_rejects_bad_input(ground_truth, arguments, message):
    with pytest.raises(ValueError, match=message):
        video.example_frames(ground_truth, **arguments)


# --------------------------------------------------------------------------- scores and metrics


def test_regularity_scores_follow_hasan_and_the_range_variant():
    errors = np.array([2.0, 4.0, 10.0])
    np.testing.assert_allclose(video.regularity_scores(errors), [1.0, 0.8, 0.2])  # 1 - (e - 2) / 10
    np.testing.assert_allclose(video.regularity_scores(errors, "range"), [1.0, 0.75, 0.0])
    np.testing.assert_allclose(video.regularity_scores([3.0, 3.0]), [1.0, 1.0])
    for bad in ([], [1.0, -1.0], [np.nan]):
        with pytest.raises(ValueError):
            video.regularity_scores(bad)
    with pytest.raises(ValueError, match="normalisation"):
        video.regularity_scores(errors, "mean")


def test_equal_error_rate_on_hand_made_scores():
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=bool)
    assert video.equal_error_rate(labels, [0, 1, 2, 3, 4, 5, 6, 7]) == 0.0
    assert video.equal_error_rate(labels, [7, 6, 5, 4, 3, 2, 1, 0]) == 1.0
    # one normal frame above one anomalous frame: the miss and false-alarm rates meet at 1/4
    assert video.equal_error_rate(labels, [0, 1, 2, 5, 4, 6, 7, 8]) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="needs both normal and anomalous"):
        video.equal_error_rate(np.ones(3, bool), [0.1, 0.2, 0.3])


def test_frame_level_evaluation_pools_videos():
    truth = {"Test001": np.array([0, 0, 1, 1], bool), "Test002": np.array([0, 1, 1], bool)}
    scores = {"Test001": [0.1, 0.2, 0.8, 0.9], "Test002": [0.3, 0.7, 0.6]}
    result = video.frame_level_evaluation(truth, scores)
    assert result["roc_auc"] == 1.0 and result["eer"] == 0.0
    assert result["frames"] == 7 and result["anomalous_frames"] == 4
    with pytest.raises(ValueError, match="Test002"):
        video.frame_level_evaluation(truth, {"Test001": scores["Test001"], "Test002": [0.1]})
    with pytest.raises(ValueError, match="videos differ"):
        video.frame_level_evaluation(truth, {"Test001": scores["Test001"]})


def test_mean_frame_averages_the_chosen_videos_in_unit_range():
    videos = {"a": np.full((2, 3, 4), 255, np.uint8), "b": np.zeros((6, 3, 4), np.uint8)}
    np.testing.assert_allclose(video.mean_frame(videos), np.full((3, 4), 0.25))  # 2 white frames of 8
    np.testing.assert_allclose(video.mean_frame(videos, ["a"]), np.ones((3, 4)))
    assert video.mean_frame(videos).dtype == np.float32
    with pytest.raises(ValueError, match="unknown"):
        video.mean_frame(videos, ["c"])
    with pytest.raises(ValueError, match="differ in size"):
        video.mean_frame({"a": np.zeros((2, 3, 4)), "b": np.zeros((2, 3, 5))})
    with pytest.raises(ValueError, match="empty dict"):
        video.mean_frame({})


def test_motion_errors_score_the_change_between_frames_not_the_blur():
    from labutils import video_scores as video
    frames = np.zeros((4, 2, 2), np.float32)
    frames[2:, 0, 0] = 1.0  # a pixel switches on at frame 2
    blurred = frames * 0.5 + 0.25  # rebuilt dimly, but it changes when the video does (by half as much)
    errors = video.motion_errors(frames, blurred)
    np.testing.assert_allclose(errors, [0.0, 0.0, 0.5**2 / 4, 0.0])  # only the missing half of the change
    still = np.full((4, 2, 2), 0.3, np.float32)  # a reconstruction that never changes
    np.testing.assert_allclose(video.motion_errors(frames, still), [0.0, 0.0, 0.25, 0.0])
    np.testing.assert_allclose(video.motion_errors(frames[1:], still[1:])[:2], [0.25, 0.25])  # first = second
    uint8 = np.round(frames * 255).astype(np.uint8)
    np.testing.assert_allclose(video.motion_errors(uint8, still), video.motion_errors(frames, still), atol=1e-6)
    with pytest.raises(ValueError, match="at least 2 frames"):
        video.motion_errors(frames[:1], still[:1])
    with pytest.raises(ValueError, match="differ in shape"):
        video.motion_errors(frames, still[:3])


def test_anomaly_scores_gives_the_four_scores_larger_for_more_anomalous():
    from labutils import video_scores

    frames = {"a": np.zeros((4, 2, 2), np.float32), "b": np.zeros((3, 2, 2), np.float32)}
    frames["a"][2:] = 1.0  # a switches on at frame 2
    rebuilt = {"a": np.zeros((4, 2, 2), np.float32), "b": np.full((3, 2, 2), 0.5, np.float32)}
    scores = video_scores.anomaly_scores(frames, rebuilt)
    assert tuple(scores) == video_scores.SCORE_NAMES
    np.testing.assert_allclose(scores["raw error"]["a"], [0, 0, 1, 1])
    np.testing.assert_allclose(scores["regularity"]["a"], [0, 0, 1, 1])  # 1 - s(t): the worst frames score 1
    np.testing.assert_allclose(scores["motion error"]["a"], [0, 0, 1, 0])  # only the frame where it changes
    np.testing.assert_allclose(scores["motion regularity"]["a"], [0, 0, 1, 0])
    np.testing.assert_allclose(scores["raw error"]["b"], [0.25] * 3)
    with pytest.raises(ValueError, match="same videos"):
        video_scores.anomaly_scores(frames, {"a": rebuilt["a"]})


def test_anomaly_window_is_centred_on_the_anomaly_and_kept_inside_the_video():
    labels = np.zeros(100, bool)
    labels[50:70] = True  # middle of the anomaly: frame 60
    assert video.anomaly_window({"a": labels}, None, frames=40) == ("a", slice(40, 80))
    assert video.anomaly_window({"a": labels}, None, frames=5) == ("a", slice(58, 63))
    early = np.zeros(30, bool)
    early[:4] = True  # middle: frame 2; the window starts at the first frame
    assert video.anomaly_window({"b": early}, None, frames=10) == ("b", slice(0, 7))
    with pytest.raises(ValueError, match="frames must be a whole number of at least 1"):
        video.anomaly_window({"a": labels}, None, frames=0)
