"""labutils.training: chapter 6's clip training on a tiny generated stand-in, and the steps-per-epoch guard."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from labutils import data, models, settings, training, video


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("ucsd")
    data.make_ucsd_standin(root, train_videos=3, test_videos=1, frames=20, frame_size=(48, 64))
    return root


ROW = {"clip_length": 4, "step": 4, "batch_size": 2, "strides": (1, 2), "epochs": 3, "patience": 1}


def test_clip_datasets_fit_on_strides_and_validate_on_held_out_videos(tiny):
    train_clips, validation_clips = training.clip_datasets(tiny, "UCSDped1", ["Train001", "Train002"],
                                                                 ["Train003"], ROW, progress=False)
    inputs, targets = next(iter(train_clips))
    assert inputs.shape[1:] == (4, 48, 64, 1) and inputs.dtype == "uint8" and np.array_equal(inputs, targets)
    # 20 frames: clips every 4 frames, 5 at stride 1 and 3 at stride 2 (spanning 7), for 2 videos; 5 for one
    assert sum(len(batch[0]) for batch in train_clips) == 2 * (5 + 4)
    assert sum(len(batch[0]) for batch in validation_clips) == 5
    with pytest.raises(ValueError, match="cannot be fitted and validated"):
        training.clip_datasets(tiny, "UCSDped1", ["Train001"], ["Train001"], ROW)
    with pytest.raises(ValueError, match="lacks"):
        training.clip_datasets(tiny, "UCSDped1", ["Train001"], ["Train002"], {"clip_length": 4})


def test_fit_clip_model_stops_early_and_backs_up(tiny, tmp_path):
    train_clips, validation_clips = training.clip_datasets(tiny, "UCSDped1", ["Train001", "Train002"],
                                                                 ["Train003"], ROW, progress=False)
    mean = video.mean_frame(data.ucsd_frames(tiny, videos=["Train001", "Train002"], progress=False))
    model = models.spatiotemporal_autoencoder(27, 4, (2, 2), (2, 2, 2), mean_frame=mean)
    history = training.fit_clip_model(model, train_clips, validation_clips, ROW, backup_folder=tmp_path / "b",
                                            progress=False)
    assert 1 <= len(history.history["loss"]) <= ROW["epochs"] and "val_loss" in history.history
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())  # removed after a finished run
    short = training.fit_clip_model(model, train_clips, validation_clips, ROW, epochs=1, progress=False)
    assert len(short.history["loss"]) == 1
    with pytest.raises(ValueError, match="epochs"):
        training.fit_clip_model(model, train_clips, validation_clips, ROW, epochs=0)
    assert settings.get("ucsd_video_cpu")["strides"] == (1, 2)  # the row the benchmark and chapter 6 pass


# --------------------------------------------------------------------------- the steps-per-epoch guard


class StepsPerEpoch(keras.callbacks.Callback):
    """Counts the gradient steps of each epoch."""

    def on_train_begin(self, logs=None):
        self.steps = []

    def on_epoch_begin(self, epoch, logs=None):
        self.steps.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.steps[-1] += 1


def tiny_autoencoder(name: str = "tiny") -> keras.Model:
    return models.dense_autoencoder(6, (4,), 2, scale_inputs=False, name=name)


def test_fit_autoencoder_takes_a_handful_of_steps_per_epoch_whatever_the_batch():
    normal = np.random.default_rng(0).random((40, 6)).astype(np.float32)  # 34 to train, 6 to validate
    counter = StepsPerEpoch()
    # the full profile's one-class row trains in batches of 128: one step per epoch on 34 examples
    with pytest.warns(UserWarning, match="batch_size 128 on 34 training examples would give 1 gradient step"):
        training.fit_autoencoder(tiny_autoencoder(), normal, "full", lab="one_class_mnist", epochs=2,
                                 callbacks=[counter], progress=False)
    assert counter.steps == [5, 5]  # batch 8: ceil(34 / 8)
    with pytest.warns(UserWarning, match="batch_size 64"):  # an explicit batch size is guarded too
        training.fit_autoencoder(tiny_autoencoder(), normal, "quick", lab="ecg", epochs=1, batch_size=64,
                                 callbacks=[counter], progress=False)
    assert counter.steps == [5]


def test_a_row_may_keep_one_step_per_epoch_as_a_lesson():
    import warnings

    normal = np.random.default_rng(0).random((40, 6)).astype(np.float32)
    counter = StepsPerEpoch()
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        training.fit_autoencoder(tiny_autoencoder(), normal, "quick", lab="ecg_original", epochs=3,
                                 callbacks=[counter], progress=False)
    assert counter.steps == [1, 1, 1]  # chapter 3's original lab: batch 512, as it was
