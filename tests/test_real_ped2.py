"""The real-data path of chapters 4 and 6 on a few real UCSD Ped2 frames from ../shared, when it is there.

``../shared/data/ucsd_ped2`` (beside the repository, not in it) holds real Ped2 frames for
development; the course never ships them. Where it is missing (a clone without it, the
published book's build machine) these tests skip and say so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labutils import data, models, settings, training, video, video_detectors

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ucsd_ped2"
pytestmark = pytest.mark.skipif(not (SHARED / "training").is_dir(),
                                reason=f"no real UCSD Ped2 frames at {SHARED}: the real-data path is not tested here")


def _write(folder: Path, frames: list[Path]) -> None:
    from PIL import Image

    folder.mkdir(parents=True)
    for number, frame in enumerate(frames, start=1):
        with Image.open(frame) as image:
            image.convert("L").save(folder / f"{number:03d}.tif")


@pytest.fixture
def real_ped2(isolated_data_dir) -> Path:
    """Three training videos (24 frames each) and one test video (frames 50-73 of the first, 61 on anomalous)."""
    ped2 = isolated_data_dir / "ucsd" / data.UCSD_FOLDER / "UCSDped2"
    for number in (1, 2, 3):
        frames = sorted((SHARED / "training" / f"{number:02d}").glob("*.jpg"))[:24]
        _write(ped2 / "Train" / f"Train{number:03d}", frames)
    _write(ped2 / "Test" / "Test001", sorted((SHARED / "testing" / "01").glob("*.jpg"))[49:73])
    # the official ground truth of this video is [61:180]: frames 61-73, the 12th to 24th written here
    (ped2 / "Test" / "UCSDped2.m").write_text("TestVideoFile = {};\nTestVideoFile{end+1}.gt_frame = [12:24];\n")
    return isolated_data_dir / "ucsd"


def test_real_ped2_frames_go_through_the_chapters_path(real_ped2):
    root, source = data.locate_ucsd("quick", "UCSDped2")
    assert root == real_ped2 and source.real and source.name == "real" and "real UCSD UCSDped2" in source
    assert settings.video_lab("ucsd_video", source.real, "quick") == "ucsd_video_cpu"  # real video, quick profile
    train = data.ucsd_frames(root, "UCSDped2", "Train", progress=False)
    test = data.ucsd_frames(root, "UCSDped2", "Test", progress=False)
    truth = data.ucsd_ground_truth(root, "UCSDped2")
    assert next(iter(train.values())).shape == (24, 240, 360) and test["Test001"].dtype == np.uint8
    assert truth["Test001"].sum() == 13 and not truth["Test001"][:11].any()
    fit_videos, validation_videos = video.split_videos(train, 0.15)
    mean = video.mean_frame(train, fit_videos)
    assert mean.shape == (240, 360) and 0.2 < mean.mean() < 0.8  # a grey walkway, not black or white
    row = {**settings.get("ucsd_video_cpu"), "clip_length": 4, "step": 4, "batch_size": 2, "epochs": 2, "patience": 2}
    clips = training.clip_datasets(root, "UCSDped2", fit_videos, validation_videos, row, progress=False)
    model = models.spatiotemporal_autoencoder((35, 51), 4, (4, 4), (4, 4, 4), 1e-3, mean_frame=mean)  # tiny, fast
    detector = video_detectors.VideoAutoencoderDetector(model, lab_settings=row, progress=False).fit(*clips)
    history = detector.history
    assert len(history.history["val_loss"]) == 2 and all(np.isfinite(history.history["loss"]))
    scores = video_detectors.score_videos(detector, test)
    assert scores["motion regularity"]["Test001"].shape == (24,)
    assert set(video.frame_level_evaluation(truth, scores["motion regularity"])) >= {"roc_auc", "eer"}
