"""labutils.env: profiles, setup's report and seeding, the distribution strategy."""

from __future__ import annotations

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
    with pytest.raises(ValueError):
        env.resolve_profile("fast")


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


def test_full_profile_without_gpu_gives_a_hint(monkeypatch, capsys):
    monkeypatch.setenv("LAB_PROFILE", "full")
    monkeypatch.setattr(env, "gpu_names", list)
    env.setup()
    assert "meant for a GPU and none was found" in capsys.readouterr().out
    monkeypatch.setattr(env, "on_colab", lambda: True)
    env.setup()
    assert "Runtime > Change runtime type > GPU" in capsys.readouterr().out


def test_strategy_on_a_cpu_is_the_default_one():
    strategy = env.strategy()
    assert strategy.num_replicas_in_sync == 1


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
