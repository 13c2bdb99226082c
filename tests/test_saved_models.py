"""labutils.saved_models.trained_model (load or train, keyed by settings) and labutils.data.use_drive."""

from __future__ import annotations

import json
import sys
import types

import keras
import numpy as np
import pytest
from keras import layers

from labutils import data, env, saved_models, settings
from labutils.data import folders

X = np.random.default_rng(0).random((16, 3)).astype("float32")


def build() -> keras.Model:
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(3)(inputs), name="tiny")
    model.compile(optimizer="sgd", loss="mse")
    return model


class Trainer:
    """Counts its calls; trains one epoch and returns the History."""

    def __init__(self):
        self.calls = 0

    def __call__(self, model):
        self.calls += 1
        return model.fit(X, X, epochs=2, verbose=0)


def files(folder):
    return sorted(path.name for path in folder.iterdir())


def test_the_first_call_trains_and_saves_the_next_loads(tmp_path, capsys):
    train = Trainer()
    model, history = saved_models.trained_model(build, train, "ucsd_frames", "quick", folder=tmp_path)
    assert train.calls == 1 and len(history["loss"]) == 2
    names = files(tmp_path)
    assert len(names) == 2 and names[0].endswith(".json") and names[1].endswith(".weights.h5")
    assert names[1].startswith("tiny-ucsd_frames-quick-")
    assert "tiny: trained, weights saved to" in capsys.readouterr().out

    loaded, loaded_history = saved_models.trained_model(build, train, "ucsd_frames", "quick", folder=tmp_path)
    assert train.calls == 1  # not trained again
    assert loaded_history == history
    for mine, theirs in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    assert "tiny: loaded the trained weights from" in capsys.readouterr().out
    record = json.loads((tmp_path / names[0]).read_text())
    assert record["settings"] == json.loads(json.dumps(settings.get("ucsd_frames", "quick")))
    assert record["profile"] == "quick" and record["history"] == history


def test_the_default_folder_is_models_in_the_data_folder(isolated_data_dir):
    saved_models.trained_model(build, Trainer(), "ucsd_frames", "quick")
    assert len(list((isolated_data_dir / "models").glob("tiny-*.weights.h5"))) == 1


def test_a_change_in_details_settings_or_profile_trains_again(tmp_path, monkeypatch):
    train = Trainer()
    saved_models.trained_model(build, train, "ucsd_frames", "quick", details={"seed": 1}, folder=tmp_path)
    saved_models.trained_model(build, train, "ucsd_frames", "quick", details={"seed": 1}, folder=tmp_path)
    assert train.calls == 1
    saved_models.trained_model(build, train, "ucsd_frames", "quick", details={"seed": 2}, folder=tmp_path)
    assert train.calls == 2
    saved_models.trained_model(build, train, "ucsd_frames", "full", details={"seed": 2}, folder=tmp_path)
    assert train.calls == 3
    changed = settings.get("ucsd_frames", "quick") | {"epochs": 99}
    monkeypatch.setitem(settings._TABLE["ucsd_frames"], "quick", changed)
    saved_models.trained_model(build, train, "ucsd_frames", "quick", details={"seed": 2}, folder=tmp_path)
    assert train.calls == 4
    assert len(list(tmp_path.glob("*.weights.h5"))) == 4


def test_the_key_is_stable_and_follows_the_model_shape():
    key = saved_models.model_key(build(), "ucsd_video", "quick", {"frame_size": (158, 238), "seed": np.int64(3)})
    assert key["details"] == {"frame_size": [158, 238], "seed": 3}
    assert saved_models.key_hash(key) == saved_models.key_hash(json.loads(json.dumps(key)))
    assert len(saved_models.key_hash(key)) == 12
    wider = keras.Model(inputs := keras.Input((3,)), layers.Dense(3)(layers.Dense(5)(inputs)), name="tiny")
    assert saved_models.key_hash(saved_models.model_key(wider, "ucsd_video", "quick")) != saved_models.key_hash(
        saved_models.model_key(build(), "ucsd_video", "quick")
    )


def test_retrain_and_the_environment_variable_force_training(tmp_path, monkeypatch):
    train = Trainer()
    saved_models.trained_model(build, train, "ucsd_frames", "quick", folder=tmp_path)
    saved_models.trained_model(build, train, "ucsd_frames", "quick", retrain=True, folder=tmp_path)
    assert train.calls == 2
    monkeypatch.setenv("LABUTILS_RETRAIN", "1")
    saved_models.trained_model(build, train, "ucsd_frames", "quick", folder=tmp_path)
    assert train.calls == 3
    monkeypatch.setenv("LABUTILS_RETRAIN", "0")
    saved_models.trained_model(build, train, "ucsd_frames", "quick", folder=tmp_path)
    assert train.calls == 3
    assert len(list(tmp_path.iterdir())) == 2  # retraining replaced the files


def test_a_failed_save_leaves_no_partial_file(tmp_path, monkeypatch):
    def broken_save(self, path, *args, **kwargs):
        with open(path, "wb") as handle:  # half a file, then the session dies
            handle.write(b"\x89HDF")
        raise OSError("disk full")

    monkeypatch.setattr(keras.Model, "save_weights", broken_save)
    with pytest.raises(OSError, match="disk full"):
        saved_models.trained_model(build, Trainer(), "ucsd_frames", "quick", folder=tmp_path)
    assert files(tmp_path) == []
    monkeypatch.undo()
    train = Trainer()
    saved_models.trained_model(build, train, "ucsd_frames", "quick", folder=tmp_path)
    assert train.calls == 1  # nothing was there to load


def test_a_damaged_weights_file_is_trained_again(tmp_path, capsys):
    saved_models.trained_model(build, Trainer(), "ucsd_frames", "quick", folder=tmp_path)
    next(tmp_path.glob("*.weights.h5")).write_bytes(b"not an HDF5 file")
    train = Trainer()
    saved_models.trained_model(build, train, "ucsd_frames", "quick", folder=tmp_path)
    assert train.calls == 1 and "training again" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"build": "model"}, "build must be a function"),
        ({"train": None}, "train must be a function"),
        ({"build": lambda: "model"}, "build must return a keras.Model, it returned a str"),
        ({"train": lambda model: "done"}, "train must return a keras History, a dict of lists or None, got a str"),
        ({"lab": "ucsd"}, "lab must be one of"),
        ({"profile": "fast"}, "profile 'fast' is not one of"),
        ({"details": [1, 2]}, "details must be a dict"),
        ({"details": {"seed": object()}}, r"details\['seed'\] must hold numbers, strings, lists or dicts"),
    ],
)
def test_bad_arguments_are_named(tmp_path, arguments, message):
    call = {"build": build, "train": Trainer(), "lab": "ucsd_frames", "profile": "quick"} | arguments
    with pytest.raises(ValueError, match=message):
        saved_models.trained_model(call.pop("build"), call.pop("train"), call.pop("lab"), **call, folder=tmp_path)
    assert not any(tmp_path.glob("*.weights.h5"))


# --------------------------------------------------------------------------- Google Drive


def test_use_drive_off_colab_changes_nothing(monkeypatch, isolated_data_dir, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert data.use_drive() is None
    assert "Not on Colab" in capsys.readouterr().out
    assert env.os.environ["LABUTILS_DATA_DIR"] == str(isolated_data_dir)


def test_use_drive_on_colab_mounts_and_points_the_data_folder_there(monkeypatch, tmp_path, capsys):
    mounted = []
    colab = types.ModuleType("google.colab")
    colab.drive = types.SimpleNamespace(mount=mounted.append)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setattr(folders, "DRIVE_MOUNT", str(tmp_path / "drive"))
    monkeypatch.setenv("LABUTILS_DATA_DIR", "somewhere else")  # restored after the test
    folder = data.use_drive("MyDrive/anomaly-course")
    assert mounted == [str(tmp_path / "drive")]
    assert folder == str(tmp_path / "drive" / "MyDrive" / "anomaly-course")
    assert (tmp_path / "drive" / "MyDrive" / "anomaly-course").is_dir()
    assert env.os.environ["LABUTILS_DATA_DIR"] == folder
    assert saved_models.models_folder() == tmp_path / "drive" / "MyDrive" / "anomaly-course" / "models"
    assert "Google Drive" in capsys.readouterr().out


@pytest.mark.parametrize("folder", ["", "/content/drive/MyDrive", "MyDrive/../etc", 3])
def test_use_drive_names_a_bad_folder(folder):
    with pytest.raises(ValueError, match="folder must be a path inside Google Drive"):
        data.use_drive(folder)


def test_a_uint8_clip_model_comes_back_with_the_same_reconstructions(tmp_path):
    from labutils import models

    clips = np.random.default_rng(0).integers(0, 256, (2, 3, 17, 25, 1), dtype=np.uint8)

    def build_clip_model():
        keras.utils.set_random_seed(0)
        return models.spatiotemporal_autoencoder(27, 3, (2, 2), (2, 2, 2), frame_size=(17, 25))

    def train(model):
        return model.fit(clips, clips, epochs=1, verbose=0)

    details = {"frame_size": (17, 25), "seed": 0}
    trained, _ = saved_models.trained_model(build_clip_model, train, "ucsd_video", "quick", details=details,
                                            folder=tmp_path)
    keras.utils.set_random_seed(1)  # a different start: only the loaded weights can make them agree
    loaded, history = saved_models.trained_model(lambda: models.spatiotemporal_autoencoder(
        27, 3, (2, 2), (2, 2, 2), frame_size=(17, 25)), train, "ucsd_video", "quick", details=details, folder=tmp_path)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(clips)), keras.ops.convert_to_numpy(trained(clips)))
    assert len(history["loss"]) == 1
    import h5py

    with h5py.File(next(tmp_path.glob("*.weights.h5"))) as saved:  # the layers' weights, not Adam's moments
        stored = []
        saved.visititems(lambda name, item: stored.append(name) if isinstance(item, h5py.Dataset) else None)
    assert len(stored) == len(trained.weights) and not any("optimizer" in name for name in stored)


# --------------------------------------------------------------------------- only this model's weights


def constant_model(value: float) -> keras.Model:
    model = build()
    model.set_weights([np.full(weight.shape, value, "float32") for weight in model.get_weights()])
    return model


def test_weights_from_another_run_are_not_reported_as_loaded(tmp_path, capsys):
    saved_models.trained_model(build, Trainer(), "ucsd_frames", "quick", folder=tmp_path)
    weights = next(tmp_path.glob("*.weights.h5"))
    other = tmp_path / "other"
    other.mkdir()
    saved_models._layers_only(constant_model(7.0)).save_weights(other / "x.weights.h5")  # same shapes, not these
    weights.write_bytes((other / "x.weights.h5").read_bytes())
    train = Trainer()
    capsys.readouterr()
    model, _ = saved_models.trained_model(build, train, "ucsd_frames", "quick", folder=tmp_path)
    output = capsys.readouterr().out
    assert train.calls == 1 and "loaded" not in output and "not recorded as this model's weights" in output
    assert not np.all(model.get_weights()[0] == 7.0)


def test_a_record_without_its_weights_hash_trains_again(tmp_path, capsys):
    saved_models.trained_model(build, Trainer(), "ucsd_frames", "quick", folder=tmp_path)
    record = next(tmp_path.glob("*.json"))
    content = json.loads(record.read_text())
    del content["weights_sha256"]  # as an older labutils wrote it
    record.write_text(json.dumps(content))
    train = Trainer()
    saved_models.trained_model(build, train, "ucsd_frames", "quick", folder=tmp_path)
    assert train.calls == 1


def test_two_saves_at_once_never_mix_one_history_with_the_other_weights(tmp_path, monkeypatch):
    import threading
    import time

    real_replace = saved_models.os.replace

    def slow_replace(source, target):  # the first saver stops between its two renames
        real_replace(source, target)
        if str(target).endswith(".json") and threading.current_thread().name == "first":
            time.sleep(0.5)

    monkeypatch.setattr(saved_models.os, "replace", slow_replace)
    key = saved_models.model_key(build(), "ucsd_frames", "quick")
    weights, record = tmp_path / "tiny.weights.h5", tmp_path / "tiny.json"

    def save(value: float):
        saved_models._save(constant_model(value), weights, record, {**key, "history": {"loss": [value]}})

    first = threading.Thread(target=save, args=(1.0,), name="first")
    first.start()
    time.sleep(0.2)
    second = threading.Thread(target=save, args=(2.0,), name="second")
    second.start()
    first.join()
    second.join()
    content = saved_models._record_of(weights, record, key)
    assert content is not None  # the record names these weights
    model = build()
    saved_models._layers_only(model).load_weights(weights)
    assert model.get_weights()[0][0, 0] == content["history"]["loss"][0]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"retrain": "yes"}, "retrain must be True or False"), ({"folder": ""}, "folder must be a file or folder path"),
     ({"lab": ["ucsd_frames"]}, "lab must be one of"), ({"details": {"size": np.float64("nan")}}, None)],
    ids=["retrain-text", "folder-empty", "lab-list", "details-nan"],
)
def test_more_bad_arguments_are_named(tmp_path, arguments, message):
    call = {"build": build, "train": Trainer(), "lab": "ucsd_frames", "profile": "quick", "folder": tmp_path}
    call |= arguments
    if message is None:  # NaN in details is recorded as text and keys the file like any other value
        saved_models.trained_model(call.pop("build"), call.pop("train"), call.pop("lab"), **call)
        return
    with pytest.raises(ValueError, match=message):
        saved_models.trained_model(call.pop("build"), call.pop("train"), call.pop("lab"), **call)


def test_model_key_and_key_hash_name_bad_arguments():
    with pytest.raises(ValueError, match=r"model must be a keras\.Model, got a str"):
        saved_models.model_key("tiny", "ucsd_frames", "quick")
    with pytest.raises(ValueError, match="key must be a dict"):
        saved_models.key_hash(["ucsd_frames"])
    with pytest.raises(ValueError, match="key must hold plain JSON values"):
        saved_models.key_hash({"model": object()})


SAVER = """
import os, sys, time
from pathlib import Path

import numpy as np
import keras
from keras import layers
from labutils import saved_models

value, weights, record, pause = float(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4])
real_replace = os.replace


def replace(source, target):  # this saver says when it is between its two renames, and stops there
    real_replace(source, target)
    if str(target).endswith(".json") and pause:
        print("renamed", flush=True)
        time.sleep(pause)


saved_models.os.replace = replace
inputs = keras.Input((3,))
model = keras.Model(inputs, layers.Dense(3)(inputs), name="tiny")
model.compile(optimizer="sgd", loss="mse")
model.set_weights([np.full(weight.shape, value, "float32") for weight in model.get_weights()])
key = saved_models.model_key(model, "ucsd_frames", "quick")
print("ready", flush=True)
sys.stdin.readline()  # both start saving when the test says so
saved_models._save(model, weights, record, {**key, "history": {"loss": [value]}})
"""


def test_two_processes_saving_at_once_never_mix_one_history_with_the_other_weights(tmp_path):
    """As the thread test above, with two processes: the lock on the weights is a file lock."""
    import os
    import subprocess
    import sys

    weights, record = tmp_path / "tiny.weights.h5", tmp_path / "tiny.json"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environment = {**os.environ, "PYTHONPATH": root, "TF_CPP_MIN_LOG_LEVEL": "3"}
    savers = [subprocess.Popen([sys.executable, "-c", SAVER, str(value), str(weights), str(record), str(pause)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment)
              for value, pause in ((1.0, 1.0), (2.0, 0.0))]
    for saver in savers:
        assert saver.stdout.readline().strip() == "ready"
    savers[0].stdin.write("\n")
    savers[0].stdin.flush()
    assert savers[0].stdout.readline().strip() == "renamed"  # the first is between its renames: the second starts
    savers[1].stdin.write("\n")
    savers[1].stdin.flush()
    for saver in savers:
        saver.stdin.close()
        assert saver.wait(timeout=120) == 0
    key = saved_models.model_key(build(), "ucsd_frames", "quick")
    content = saved_models._record_of(weights, record, key)
    assert content is not None  # the record names these weights
    model = build()
    saved_models._layers_only(model).load_weights(weights)
    assert model.get_weights()[0][0, 0] == content["history"]["loss"][0]
