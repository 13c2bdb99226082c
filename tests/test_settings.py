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
        "epochs": 20, "batch_size": 512, "patience": 0, "validation_fraction": 0.15
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
