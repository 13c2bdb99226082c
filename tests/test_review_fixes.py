"""Behaviours a review of the restructure asked for: each test fails without its fix."""

from __future__ import annotations

import tarfile

import numpy as np
import pytest

from labutils import baselines, data, models, scoring, settings, tracking, video
from labutils.data import remote


def test_video_scoring_is_still_reachable_from_scoring():
    for name in ("reconstruct_video", "frame_errors", "regularity_scores", "equal_error_rate",
                 "frame_level_evaluation"):
        assert getattr(scoring, name) is getattr(video, name)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        scoring.nothing_here  # noqa: B018


def test_fit_autoencoder_picks_the_row_of_the_model_it_trains():
    assert settings.lab_for("conv_autoencoder") == "one_class_mnist"
    assert settings.lab_for("original_lab_conv1d_ecg_autoencoder") == "ecg_original"
    assert settings.lab_for("my_own_model") == "ecg"
    model = models.dense_autoencoder(4, hidden_units=(3,), latent_dim=2, name="original_lab_conv1d_ecg_autoencoder")
    history = scoring.fit_autoencoder(model, np.random.default_rng(0).normal(size=(30, 4)), "quick", progress=False)
    assert len(history.history["loss"]) == settings.get("ecg_original", "quick")["epochs"]  # 20, no early stopping


def test_the_data_set_folder_itself_counts_as_downloaded(tmp_path):
    folder = tmp_path / data.UCSD_FOLDER / "UCSDped1"
    for split in ("Train", "Test"):
        (folder / split / f"{split}001").mkdir(parents=True)
        (folder / split / f"{split}001" / "001.tif").write_bytes(b"x")
    assert data.download_ucsd(tmp_path / data.UCSD_FOLDER, url="file:///nowhere") == tmp_path / data.UCSD_FOLDER


def test_a_byte_order_mark_alone_is_an_empty_file(tmp_path):
    path = tmp_path / "ecg.csv"
    path.write_bytes(b"\xef\xbb\xbf\n\n")
    with pytest.raises(ValueError, match=r"ecg\.csv: the file is empty"):
        data.load_ecg(path)


def test_a_folder_in_a_list_of_ecg_files_is_named_as_a_folder(tmp_path):
    with pytest.raises(ValueError, match="a folder, where a file was expected"):
        data.load_ecg([tmp_path])


def test_an_unfitted_pca_says_so():
    with pytest.raises(ValueError, match="not fitted yet"):
        baselines.PCAReconstruction().encode(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="not fitted yet"):
        baselines.PCAReconstruction().reconstruct(np.zeros((2, 3)))


def test_a_key_without_wandb_installed_means_tensorboard_only(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    real_find_spec = tracking.importlib.util.find_spec
    monkeypatch.setattr(tracking.importlib.util, "find_spec",
                        lambda name: None if name == "wandb" else real_find_spec(name))
    assert len(tracking.callbacks("run", log_root=tmp_path)) == 1
    assert "wandb is not installed" in capsys.readouterr().out


def test_a_ucsd_download_failure_says_how_to_provide_the_folder(tmp_path):
    with pytest.raises(OSError, match=r"put it at .*root/UCSD_Anomaly_Dataset\.tar\.gz, or extract it there"):
        data.download_ucsd(tmp_path / "root", url=(tmp_path / "gone.tar.gz").as_uri())


def test_the_ecg_download_uses_https():
    assert remote.REMOTE_FILES["ecg"].url.startswith("https://")
    assert all(entry.url.startswith(("https://", "http://www.svcl")) for entry in remote.REMOTE_FILES.values())


def test_a_kept_archive_is_deleted_after_extraction_unless_asked(tmp_path):
    import io

    archive = tmp_path / "a.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for split in ("Train", "Test"):
            member = tarfile.TarInfo(f"{data.UCSD_FOLDER}/UCSDped1/{split}/{split}001/001.tif")
            member.size = 3
            tar.addfile(member, io.BytesIO(b"tif"))
    root = tmp_path / "root"
    data.download_ucsd(root, url=archive.as_uri(), keep_archive=True)
    assert (root / "UCSD_Anomaly_Dataset.tar.gz").is_file()
