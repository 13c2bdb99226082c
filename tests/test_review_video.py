"""Review fixes on the video pipeline: uint8 frames in reconstruction_mse, the check of ``videos``."""

import keras
import numpy as np
import pytest

from labutils import data, models, scoring


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    root = tmp_path_factory.mktemp("ucsd")
    data.make_ucsd_standin(root, train_videos=2, test_videos=1, frames=20, frame_size=(48, 64))
    return root


@pytest.fixture(scope="module")
def uint8_frame_model():
    keras.utils.set_random_seed(0)
    return models.frame_autoencoder(20, filters=2, code_size=8, frame_size=(12, 16))


def test_reconstruction_mse_of_a_uint8_model_on_uint8_frames_is_in_unit_range(uint8_frame_model):
    frames = np.random.default_rng(0).integers(0, 256, (5, 12, 16, 1), dtype=np.uint8)
    rebuilt = scoring.reconstruct(uint8_frame_model, frames)
    expected = float(np.mean((rebuilt - frames / np.float32(255.0)) ** 2))
    mse = scoring.reconstruction_mse(uint8_frame_model, frames)
    assert mse == pytest.approx(expected, rel=1e-5)
    assert mse < 1.0  # in [0, 1] units, not 0-255
    # the same frames as floats in [0, 1], and uint8 targets given explicitly, agree
    assert scoring.reconstruction_mse(uint8_frame_model, frames / np.float32(255.0)) == pytest.approx(mse, rel=1e-5)
    assert scoring.reconstruction_mse(uint8_frame_model, frames, targets=frames) == pytest.approx(mse, rel=1e-5)


def test_reconstruction_mse_of_a_float_model_is_unchanged():
    keras.utils.set_random_seed(0)
    model = models.frame_autoencoder(20, filters=2, code_size=8)
    frames = np.random.default_rng(1).random((4, 20, 20, 1), dtype=np.float32)
    expected = float(np.mean((scoring.reconstruct(model, frames) - frames) ** 2))
    assert scoring.reconstruction_mse(model, frames) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("videos", [0, -1, True, "Train001"])
def test_a_bad_videos_argument_is_named(standin, videos):
    with pytest.raises(ValueError, match="videos must be a positive number of videos"):
        data.ucsd_frames(standin, "UCSDped1", "Train", videos=videos, progress=False)
    with pytest.raises(ValueError, match="videos must be a positive number of videos"):
        data.ucsd_clips(standin, "UCSDped1", "Train", clip_length=4, videos=videos, progress=False)


def test_good_videos_arguments_still_select(standin):
    assert list(data.ucsd_frames(standin, "UCSDped1", "Train", videos=1, progress=False)) == ["Train001"]
    assert list(data.ucsd_frames(standin, "UCSDped1", "Train", videos=["Train002"], progress=False)) == ["Train002"]
