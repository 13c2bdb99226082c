"""labutils.env: profiles, setup's report and seeding, the distribution strategy."""

from __future__ import annotations

import re

import numpy as np
import pytest
import tensorflow as tf

from labutils import env, models


@pytest.mark.parametrize(("value", "expected"), [(None, "full"), ("", "full"), ("quick", "quick"), (" Full ", "full")])
def test_profile(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("LAB_PROFILE", raising=False)
    else:
        monkeypatch.setenv("LAB_PROFILE", value)
    assert env.profile() == expected


def test_unknown_profile_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("LAB_PROFILE", "fast")
    with pytest.raises(ValueError, match=r"'fast'.*full, quick"):
        env.profile()
    with pytest.raises(ValueError, match=r"profile 'fast' is not one of full, quick"):
        env.resolve_profile("fast")
    assert env.resolve_profile("quick") == "quick"


def test_setup_seeds_and_reports(monkeypatch, capsys):
    monkeypatch.setenv("LAB_PROFILE", "quick")
    report = env.setup(seed=7)
    first = np.random.rand(3), tf.random.uniform((2,)).numpy()
    env.setup(seed=7, verbose=False)
    second = np.random.rand(3), tf.random.uniform((2,)).numpy()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert report["profile"] == "quick" and report["seed"] == 7 and report["colab"] is False
    assert {"python", "tensorflow", "keras", "labutils"} <= set(report["versions"])
    output = capsys.readouterr().out
    assert "Profile: quick" in output and "tensorflow" in output
    assert report["problems"] == []  # this machine's versions are new enough


def test_versions_are_compared_as_versions_not_strings():
    good = {"keras": "3.10.0", "tensorflow": "2.20.0", "python": "3.11.7"}
    assert env.version_problems(good) == []  # "3.10.0" < "3.3" as strings, not as versions
    old = env.version_problems({"keras": "2.15.0", "tensorflow": "2.9.1", "python": "3.9.18"})
    assert [problem.split()[0] for problem in old] == ["keras", "tensorflow", "python"]
    assert "keras 2.15.0 is too old: the labs need 3.3 or newer" in old[0]
    unreadable = env.version_problems({"keras": "three", "tensorflow": "2.20.0", "python": "3.11.7"})
    assert unreadable == ["keras: version 'three' could not be read; the labs need 3.3 or newer"]


def test_setup_warns_about_an_old_keras_and_a_cpu_in_the_full_profile(monkeypatch, capsys):
    monkeypatch.setenv("LAB_PROFILE", "full")
    monkeypatch.setattr(env, "versions", lambda: {"keras": "2.15.0", "tensorflow": "2.20.0", "python": "3.11.7"})
    monkeypatch.setattr(env, "gpu_names", list)
    report = env.setup(seed=1)
    output = capsys.readouterr().out
    assert report["problems"] == ["keras 2.15.0 is too old: the labs need 3.3 or newer (pip install --upgrade keras)"]
    assert "Warning: keras 2.15.0 is too old" in output
    assert "Warning: the full profile is meant for a GPU and none was found" in output
    assert "LAB_PROFILE=quick" in output


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "42", None, True])
def test_setup_rejects_a_bad_seed(seed):
    message = rf"seed must be a whole number from 0 to 2\*\*32 - 1, got {re.escape(repr(seed))}$"
    with pytest.raises(ValueError, match=message):
        env.setup(seed=seed, verbose=False)


def test_setup_takes_a_numpy_seed():
    assert env.setup(seed=np.int64(3), verbose=False)["seed"] == 3


def test_full_profile_without_gpu_gives_a_hint(monkeypatch, capsys):
    monkeypatch.setenv("LAB_PROFILE", "full")
    monkeypatch.setattr(env, "gpu_names", list)
    env.setup()
    assert "meant for a GPU and none was found" in capsys.readouterr().out
    monkeypatch.setattr(env, "on_colab", lambda: True)
    env.setup()
    assert "Runtime > Change runtime type > GPU" in capsys.readouterr().out


def test_strategy_here_is_the_default_one():
    """No TPU and at most one GPU here: the default strategy, not a one-device MirroredStrategy."""
    if len(tf.config.list_physical_devices("GPU")) > 1:
        pytest.skip("several GPUs: strategy() mirrors them (tested with fake GPUs below)")
    strategy = env.strategy()
    assert strategy is tf.distribute.get_strategy()  # outside any scope, that is the default strategy
    assert not isinstance(strategy, (tf.distribute.MirroredStrategy, tf.distribute.TPUStrategy))
    with strategy.scope():
        assert not tf.distribute.has_strategy()  # only the default strategy's scope sets none
    assert strategy.num_replicas_in_sync == 1


@pytest.fixture
def no_tpu(monkeypatch):
    """TPUClusterResolver fails as it does on a machine without a TPU."""

    def no_tpu_found():
        raise ValueError("Please provide a TPU Name to connect to.")

    monkeypatch.setattr(tf.distribute.cluster_resolver, "TPUClusterResolver", no_tpu_found)


def fake_gpus(monkeypatch, count: int) -> None:
    """Make TensorFlow report ``count`` GPUs, and record any MirroredStrategy built."""
    gpus = [tf.config.PhysicalDevice(f"/physical_device:GPU:{index}", "GPU") for index in range(count)]
    real = tf.config.list_physical_devices
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: gpus if kind == "GPU" else real(kind))
    monkeypatch.setattr(tf.distribute, "MirroredStrategy", lambda: "mirrored strategy")


def test_strategy_mirrors_several_gpus(monkeypatch, no_tpu):
    fake_gpus(monkeypatch, 2)
    assert env.strategy() == "mirrored strategy"


@pytest.mark.parametrize("count", [0, 1])
def test_strategy_with_one_gpu_or_none_is_the_default(monkeypatch, no_tpu, count):
    fake_gpus(monkeypatch, count)
    assert env.strategy() is tf.distribute.get_strategy()


def test_strategy_uses_a_tpu_when_there_is_one(monkeypatch):
    resolver, calls = object(), []
    monkeypatch.setattr(tf.distribute.cluster_resolver, "TPUClusterResolver", lambda: resolver)
    monkeypatch.setattr(tf.config, "experimental_connect_to_cluster", lambda found: calls.append(("connect", found)))
    monkeypatch.setattr(tf.tpu.experimental, "initialize_tpu_system", lambda found: calls.append(("start", found)))
    monkeypatch.setattr(tf.distribute, "TPUStrategy", lambda found: ("TPU strategy", found))
    fake_gpus(monkeypatch, 2)  # a TPU wins over GPUs
    assert env.strategy() == ("TPU strategy", resolver)
    assert calls == [("connect", resolver), ("start", resolver)]


def test_mixed_precision_only_with_a_gpu(monkeypatch):
    import keras

    try:
        monkeypatch.setattr(env, "gpu_names", list)
        assert env.use_mixed_precision() is False
        assert keras.mixed_precision.global_policy().name == "float32"
        monkeypatch.setattr(env, "gpu_names", lambda: ["/physical_device:GPU:0"])
        assert env.use_mixed_precision() is True
        assert keras.mixed_precision.global_policy().name == "mixed_float16"
        model = models.frame_autoencoder(20, code_size=4)
        assert model.output.dtype == "float32"  # the output layer stays float32 for the loss
    finally:
        keras.mixed_precision.set_global_policy("float32")
