"""labutils.settings: one row per lab and profile, copies that callers may change."""

from __future__ import annotations

import pytest

from labutils import settings


def test_every_row_has_both_profiles_and_the_shared_validation_share():
    for lab in settings.LABS:
        for profile in ("quick", "full"):
            row = settings.get(lab, profile)
            assert row["epochs"] >= 1 and row["batch_size"] >= 1, (lab, profile)
            assert row["validation_fraction"] == settings.VALIDATION_FRACTION == 0.15
    assert set(settings.table("quick")) == set(settings.LABS)


def test_rows_the_chapters_rely_on():
    assert settings.get("ecg_original", "full") == {
        "epochs": 20, "batch_size": 512, "patience": 0, "validation_fraction": 0.15, "min_steps_per_epoch": 1
    }
    assert len(settings.get("ucsd_frames", "quick")["image_size"]) == 2  # (height, width) in every video row
    for lab in ("ucsd_frames", "ucsd_video", "ucsd_frames_cpu", "ucsd_video_cpu"):
        assert all(len(settings.get(lab, profile)["image_size"]) == 2 for profile in ("full", "quick"))
    # the quick stand-in's proportions; chapter 6 compares at the clip model's size rounded up to 4s
    assert settings.get("ucsd_frames", "quick")["image_size"] == (60, 92)
    assert settings.get("ucsd_video", "quick")["image_size"] == (59, 91)
    assert settings.get("toy", "quick")["learning_rate"] == 3e-3
    # chapter 2: all ten digits take turns as the normal class in full, the first five in quick
    assert settings.get("one_class_mnist", "full")["normal_digits"] == tuple(range(10))
    assert settings.get("one_class_mnist", "quick")["normal_digits"] == (0, 1, 2, 3, 4)
    assert settings.get("deep_svdd_mnist", "quick")["learning_rate"] > 0


def test_get_returns_a_copy_and_reads_the_profile(monkeypatch):
    settings.get("ucsd_video", "quick")["filters"] = None
    assert settings.get("ucsd_video", "quick")["filters"] == (32, 16)
    monkeypatch.setenv("LAB_PROFILE", "quick")
    assert settings.get("mnist") == settings.get("mnist", "quick")
    with pytest.raises(ValueError, match="lab must be one of"):
        settings.get("ucsd", "quick")


def test_video_lab_trains_real_video_on_a_cpu_with_the_cpu_row():
    assert settings.video_lab("ucsd_video", real=True, profile="full", gpu=True) == "ucsd_video"
    assert settings.video_lab("ucsd_video", real=True, profile="full", gpu=False) == "ucsd_video_cpu"
    assert settings.video_lab("ucsd_frames", real=True, profile="quick", gpu=True) == "ucsd_frames_cpu"
    assert settings.video_lab("ucsd_frames", real=False, profile="quick", gpu=False) == "ucsd_frames"
    cpu = settings.get("ucsd_video_cpu", "full")
    assert cpu == settings.get("ucsd_video_cpu", "quick")  # real video on a CPU: one setting in both profiles
    assert cpu["image_size"] == (99, 147) and cpu["epochs"] <= settings.get("ucsd_video", "full")["epochs"]
    for bad, message in (({"lab": "ecg"}, "lab must be one of"), ({"real": "yes"}, "real must be"),
                         ({"gpu": 1}, "gpu must be")):
        arguments = {"lab": "ucsd_video", "real": True, "profile": "full", "gpu": None, **bad}
        with pytest.raises(ValueError, match=message):
            settings.video_lab(**arguments)


def test_every_other_row_asks_for_a_handful_of_steps_per_epoch():
    for lab in settings.LABS:
        for profile in ("quick", "full"):
            expected = 1 if lab == "ecg_original" else settings.MIN_STEPS_PER_EPOCH
            assert settings.get(lab, profile)["min_steps_per_epoch"] == expected, (lab, profile)
    assert settings.MIN_STEPS_PER_EPOCH == 4


def test_batch_size_for_keeps_a_batch_with_enough_steps_and_shrinks_one_without():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning when nothing changes
        assert settings.batch_size_for(130, 16) == 16  # 9 steps
        assert settings.batch_size_for(64, 16) == 16  # exactly 4 steps
        assert settings.batch_size_for(128, 512, min_steps=1) == 512  # the opt-out: one step is the lesson
    # the full profile's batch of 128 on 128 digits: one step per epoch, so 32 (4 steps)
    with pytest.warns(UserWarning, match=r"batch_size 128 on 128 training examples would give 1 gradient step.*"
                                         r"batch_size 32 instead \(4 steps per epoch\)"):
        assert settings.batch_size_for(128, 128) == 32
    with pytest.warns(UserWarning):
        assert settings.batch_size_for(3, 16) == 1  # fewer examples than steps: one example per batch
    for bad in ({"examples": 0}, {"batch_size": 0}, {"min_steps": 0}, {"batch_size": 2.5}):
        arguments = {"examples": 10, "batch_size": 4, "min_steps": 4} | bad
        with pytest.raises(ValueError, match=next(iter(bad))):
            settings.batch_size_for(**arguments)


def test_deep_svdd_rows_pretrain_as_published_in_full():
    full, quick = settings.get("deep_svdd_mnist", "full"), settings.get("deep_svdd_mnist", "quick")
    assert full["pretrain_epochs"] > 0 and full["learning_rate"] == 1e-4 and full["lr_milestone"] > 0
    assert quick["pretrain_epochs"] == 0 and quick["lr_milestone"] == 0  # measured better in the quick budget
    published = settings.get("deep_svdd_mnist_pretrained", "quick")
    assert published["pretrain_epochs"] > 0 and published["learning_rate"] == 1e-4
    assert 0 < published["lr_milestone"] < published["epochs"]
