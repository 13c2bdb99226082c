"""labutils.data: the ECG loaders, the profile-dependent choice of file, downloads, shipped subsets."""

from __future__ import annotations

import dataclasses

import urllib.request

import numpy as np
import pytest

from labutils import data
from labutils.data import ecg, folders, remote


def serve_from(monkeypatch, name: str, url: str, sha256: str | None = None) -> None:
    """Point registry entry ``name`` at ``url`` (its own URL, so its hash applies) for one test."""
    entry = dataclasses.replace(remote.REMOTE_FILES[name], url=url, sha256=sha256)
    monkeypatch.setitem(remote.REMOTE_FILES, name, entry)


def write_csv(path, beats, is_normal):
    np.savetxt(path, np.column_stack([beats, is_normal]), delimiter=",", fmt="%.6e")
    return path


def test_reads_real_ucr_subset(ecg_dev_file):
    beats, is_anomaly = data.load_ecg(ecg_dev_file)
    assert beats.shape == (300, 140) and beats.dtype == np.float32
    assert is_anomaly.shape == (300,) and is_anomaly.dtype == bool
    assert (~is_anomaly).sum() == 175 and is_anomaly.sum() == 125  # as the data README says
    assert beats[0, 0] == pytest.approx(-0.11252183)  # the first sample of the file's first line


def test_csv_format_round_trip_matches_ucr(ecg_dev_file, tmp_path):
    beats, is_anomaly = data.load_ecg(ecg_dev_file)
    csv_path = write_csv(tmp_path / "ecg.csv", beats, (~is_anomaly).astype(float))
    csv_beats, csv_is_anomaly = data.load_ecg(csv_path)
    np.testing.assert_allclose(csv_beats, beats, rtol=1e-6)
    np.testing.assert_array_equal(csv_is_anomaly, is_anomaly)


def test_format_is_recognised_by_content_not_name(tmp_path):
    beats = np.random.default_rng(0).normal(size=(4, 140))
    ucr = tmp_path / "misleading.csv"
    np.savetxt(ucr, np.column_stack([[1, 2, 1, 5], beats]))  # UCR layout, .csv name
    assert data.load_ecg(ucr)[1].tolist() == [False, True, False, True]
    tensorflow = tmp_path / "ECG5000_TRAIN.txt"
    write_csv(tensorflow, beats, [1, 0, 0, 1])  # ecg.csv layout, UCR name
    assert data.load_ecg(tensorflow)[1].tolist() == [False, True, True, False]


def test_folder_and_list_of_files(tmp_path):
    beats = np.random.default_rng(0).normal(size=(3, 140))
    np.savetxt(tmp_path / "ECG5000_TRAIN.txt", np.column_stack([[1, 1, 2], beats]))
    np.savetxt(tmp_path / "ECG5000_TEST.txt", np.column_stack([[3, 1, 1], beats]))
    from_folder = data.load_ecg(tmp_path)
    from_list = data.load_ecg([tmp_path / "ECG5000_TEST.txt", tmp_path / "ECG5000_TRAIN.txt"])
    assert from_folder[0].shape == (6, 140) and from_folder[1].sum() == 2
    assert from_list[1].tolist() == [True, False, False, False, False, True]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n  \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (bytes(range(128, 256)), "binary"),
        (b"1 2 3\n", "3 columns, expected 141"),
        (("1 " + "0.5 " * 140 + "\n1 " + "0.5 " * 139 + "\n").encode(), "line 2: 140 columns where line 1 has 141"),
        (("1 " + "0.5 " * 139 + "nan\n").encode(), "line 1: missing or infinite"),
        (("1 " + "0.5 " * 139 + "abc\n").encode(), "'abc' is not a number"),
        (("7 " + "0.5 " * 140 + "\n").encode(), "labels outside"),
        ((",".join(["0.5"] * 140) + ",2\n").encode(), "labels outside"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as raised:
        data.load_ecg(path)
    assert str(path) in str(raised.value)


def test_folder_prefers_train_and_test_over_other_ucr_files(tmp_path):
    beats = np.random.default_rng(0).normal(size=(2, 140))
    for name in ("ECG5000_DEV.txt", "ECG5000_TEST.txt", "ECG5000_TRAIN.txt"):
        np.savetxt(tmp_path / name, np.column_stack([[1, 2], beats]))
    assert [path.name for path in ecg._ecg_files_in(tmp_path)] == ["ECG5000_TRAIN.txt", "ECG5000_TEST.txt"]
    assert data.load_ecg(tmp_path)[0].shape == (4, 140)


def test_missing_file_and_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nothing\.csv"):
        data.load_ecg(tmp_path / "nothing.csv")
    with pytest.raises(FileNotFoundError, match=r"no ecg\.csv"):
        data.load_ecg(tmp_path)


def test_real_file_in_data_dir_wins_in_any_profile(isolated_data_dir, monkeypatch):
    write_csv(isolated_data_dir / "ecg.csv", np.zeros((2, 140)), [1, 0])
    for profile in ("quick", "full"):
        files, source = data.locate_ecg(profile)
        assert files == [isolated_data_dir / "ecg.csv"]
        assert "real ECG5000 data from the data folder" in source


def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the quick profile touched the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(urllib.request, "urlretrieve", refuse)


def decoy_shared_folder(root):
    """A ``shared/data`` folder as the course's clones once had beside them, with the wrong contents."""
    (root / "shared" / "data" / "ecg5000").mkdir(parents=True)
    write_csv(root / "shared" / "data" / "ecg5000" / "ECG5000_DEV.txt", np.zeros((4, 140)), [1, 0, 1, 0])
    (root / "shared" / "data" / "mnist").mkdir()
    fake_mnist(root / "shared" / "data" / "mnist" / "mnist_subset.npz")


def test_quick_profile_uses_the_shipped_real_beats_without_network_or_shared_folder(
    ecg_dev_file, tmp_path, monkeypatch
):
    no_network(monkeypatch)
    decoy_shared_folder(tmp_path)
    monkeypatch.chdir(tmp_path)  # a ../shared beside the working folder must not matter
    files, source = data.locate_ecg("quick")
    assert files == [ecg_dev_file] and ecg_dev_file.parent == data.SHIPPED_FOLDER
    assert "300 real ECG5000 beats shipped with labutils" in source and "ecg5000_300.txt" in source
    beats, is_anomaly = data.load_ecg(files)
    assert beats.shape == (300, 140) and is_anomaly.sum() == 125
    np.testing.assert_array_equal(data.load_ecg()[0], beats)  # load_ecg() without a path: the same beats


def test_a_missing_shipped_file_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(folders, "SHIPPED_FOLDER", tmp_path / "files")  # an installation without its data
    with pytest.raises(FileNotFoundError, match=r"ecg5000_300\.txt.*reinstall labutils"):
        data.locate_ecg("quick")
    with pytest.raises(FileNotFoundError, match=r"mnist_2000\.npz.*reinstall labutils"):
        data.load_mnist("quick")


def test_standin_is_ecg_csv_format_and_z_normalised(tmp_path):
    path = data.make_ecg_standin(tmp_path / "ecg.csv", n_normal=20, n_anomalous=10, seed=3)
    first_line = path.read_text().splitlines()[0].split(",")
    assert len(first_line) == 141 and float(first_line[-1]) in (0.0, 1.0)
    beats, is_anomaly = data.load_ecg(path)
    assert beats.shape == (30, 140) and is_anomaly.sum() == 10
    np.testing.assert_allclose(beats.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(beats.std(axis=1), 1, atol=1e-4)
    again, _ = data.load_ecg(data.make_ecg_standin(tmp_path / "again.csv", n_normal=20, n_anomalous=10, seed=3))
    np.testing.assert_array_equal(beats, again)  # deterministic for a seed
    with pytest.raises(ValueError):
        data.make_ecg_standin(tmp_path / "x.csv", n_normal=0)


def test_full_profile_downloads_once_into_cache(isolated_data_dir, tmp_path, monkeypatch):
    served = data.make_ecg_standin(tmp_path / "served.csv", n_normal=2919, n_anomalous=2079)  # ecg.csv's 4,998
    serve_from(monkeypatch, "ecg", served.as_uri())
    files, source = data.locate_ecg("full")
    assert files == [isolated_data_dir / "ecg5000" / "ecg.csv"] and "TensorFlow's ecg.csv" in source
    assert data.load_ecg(files)[0].shape == (4998, 140)
    assert sorted(path.name for path in (isolated_data_dir / "ecg5000").iterdir()) == ["ecg.csv"]
    serve_from(monkeypatch, "ecg", (tmp_path / "gone.csv").as_uri())
    assert data.locate_ecg("full")[0] == files  # cached: no second download


def test_a_download_cut_at_a_line_boundary_is_not_cached(isolated_data_dir, tmp_path, monkeypatch):
    served = data.make_ecg_standin(tmp_path / "served.csv", n_normal=60, n_anomalous=40)
    serve_from(monkeypatch, "ecg", served.as_uri())
    with pytest.raises(ValueError, match=r"100 beats where TensorFlow's ecg\.csv has 4998"):
        data.locate_ecg("full")
    assert list((isolated_data_dir / "ecg5000").iterdir()) == []


def test_a_byte_order_mark_is_accepted(tmp_path, ecg_dev_file):
    marked = tmp_path / "ECG5000_TRAIN.txt"
    marked.write_bytes(b"\xef\xbb\xbf" + ecg_dev_file.read_bytes())
    np.testing.assert_array_equal(data.load_ecg(marked)[0], data.load_ecg(ecg_dev_file)[0])


def test_failed_download_leaves_nothing_behind(tmp_path):
    folder = tmp_path / "cache"
    with pytest.raises(OSError, match="could not download"):
        data.download_ecg(folder, url=(tmp_path / "missing.csv").as_uri())
    assert list(folder.iterdir()) == []


def test_bad_download_is_rejected_and_removed(tmp_path):
    not_ecg = tmp_path / "page.html"
    not_ecg.write_text("<html>Service unavailable</html>\n")
    folder = tmp_path / "cache"
    with pytest.raises(ValueError, match="HTML page"):
        data.download_ecg(folder, url=not_ecg.as_uri())
    assert list(folder.iterdir()) == []


def test_data_dir_honours_environment(isolated_data_dir, monkeypatch):
    assert data.data_dir() == isolated_data_dir
    monkeypatch.delenv("LABUTILS_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert str(data.data_dir()) == "/somewhere/cache/labutils"


def test_toy_2d_shapes_counts_and_separation():
    from sklearn.metrics import pairwise_distances

    points, is_anomaly = data.make_toy_2d(n_normal=100, n_anomalies=12, seed=1)
    assert points.shape == (112, 2) and points.dtype == np.float32
    assert is_anomaly.sum() == 12
    assert pairwise_distances(points[is_anomaly], points[~is_anomaly]).min() >= 0.3
    again, _ = data.make_toy_2d(n_normal=100, n_anomalies=12, seed=1)
    np.testing.assert_array_equal(points, again)
    with pytest.raises(ValueError):
        data.make_toy_2d(n_normal=0)


def test_quick_mnist_is_the_shipped_real_subset_without_network_or_shared_folder(tmp_path, monkeypatch):
    no_network(monkeypatch)
    decoy_shared_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    (x_train, y_train), (x_test, y_test), source = data.load_mnist("quick")
    assert x_train.shape == (1500, 28, 28) and x_test.shape == (500, 28, 28)
    assert x_train.dtype == np.float32 and x_train.min() == 0.0 and x_train.max() == 1.0  # uint8 / 255
    assert y_train.dtype == np.int64 and set(y_train.tolist()) == set(y_test.tolist()) == set(range(10))
    assert source.startswith("2,000 real MNIST digits shipped with labutils (mnist_2000.npz: 1,500 training")


def fake_mnist(path, n_train=6, n_test=4):
    rng = np.random.default_rng(0)
    np.savez(
        path,
        x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8), y_train=np.arange(n_train) % 10,
        x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8), y_test=np.arange(n_test) % 10,
    )
    return path


def test_mnist_in_data_dir_wins_in_any_profile(isolated_data_dir):
    fake_mnist(isolated_data_dir / "mnist.npz")
    for profile in ("quick", "full"):
        (x_train, y_train), (x_test, _), source = data.load_mnist(profile)
        assert x_train.shape == (6, 28, 28) and x_test.shape == (4, 28, 28) and "data folder" in source
        assert 0.0 <= x_train.min() and x_train.max() <= 1.0 and y_train.dtype == np.int64


def test_full_profile_downloads_mnist_checked_by_hash(isolated_data_dir, tmp_path, monkeypatch):
    import hashlib

    archive = fake_mnist(tmp_path / "served.npz")
    serve_from(monkeypatch, "mnist", archive.as_uri(), sha256="0" * 64)  # wrong hash: rejected, nothing kept
    with pytest.raises(ValueError, match="SHA-256"):
        data.load_mnist("full")
    assert sorted(path.name for path in (isolated_data_dir / "mnist").iterdir()) == []
    serve_from(monkeypatch, "mnist", archive.as_uri(), sha256=hashlib.sha256(archive.read_bytes()).hexdigest())
    _, _, source = data.load_mnist("full")
    assert "downloaded once" in source and (isolated_data_dir / "mnist" / "mnist.npz").is_file()


@pytest.mark.parametrize("content", [b"not an archive", None])
def test_bad_mnist_archive_names_the_file(isolated_data_dir, content):
    path = isolated_data_dir / "mnist.npz"
    if content is None:
        np.savez(path, images=np.zeros((2, 28, 28)))
    else:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=r"mnist\.npz"):
        data.load_mnist("quick")


def test_one_class_split():
    x_train, y_train = np.arange(6)[:, None], np.array([0, 1, 0, 2, 0, 1])
    x_test, y_test = np.arange(4)[:, None], np.array([1, 0, 2, 0])
    normal, test, is_anomaly = data.one_class_split(x_train, y_train, x_test, y_test, normal_class=0)
    assert normal.ravel().tolist() == [0, 2, 4]
    assert test.shape == (4, 1) and is_anomaly.tolist() == [True, False, True, False]
    with pytest.raises(ValueError, match="class 7"):
        data.one_class_split(x_train, y_train, x_test, y_test, normal_class=7)


@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"x_train": np.zeros((2, 28, 28), np.float32)}, "float32, expected uint8"),
        ({"y_train": np.array([3, 42])}, "digits 0-9"),
        ({"y_train": np.array([3.0, 3.7])}, "digits 0-9"),
        ({"y_train": np.array([3])}, "shape"),
    ],
)
def test_mnist_arrays_are_checked(isolated_data_dir, arrays, message):
    good = {"x_train": np.zeros((2, 28, 28), np.uint8), "y_train": np.array([0, 1]),
            "x_test": np.zeros((1, 28, 28), np.uint8), "y_test": np.array([2])}
    np.savez(isolated_data_dir / "mnist.npz", **(good | arrays))
    with pytest.raises(ValueError, match=message):
        data.load_mnist("quick")


def test_a_single_array_given_as_mnist_npz_is_named(isolated_data_dir):
    with open(isolated_data_dir / "mnist.npz", "wb") as file:
        np.save(file, np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"mnist\.npz: a single array"):
        data.load_mnist("quick")
