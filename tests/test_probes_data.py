"""Probes of the data layer: bad files, bad arguments, hostile and corrupt archives.

Each case checks that the public function fails with the right exception and a message
naming the file or argument, or (for inputs that are fine) that it reads them right.
Counted in benchmarks/README.md.
"""

from __future__ import annotations

import gzip
import io
import os
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from labutils import data

GOOD_ROW = "1 " + " ".join(["0.5"] * 140)
GOOD_CSV = ",".join(["0.5"] * 140) + ",1"

# ----------------------------------------------------------------------------- ECG files

ECG_BAD = [
    ("empty", b"", ValueError, "empty"),
    ("blank-lines", b"\n\n\t\n", ValueError, "empty"),
    ("nul-bytes", b"1 2\x00 3\n", ValueError, "binary"),
    ("latin-1-word", (GOOD_ROW[:-3] + "caf\xe9\n").encode("latin-1"), ValueError, "'caf\xe9' is not a number"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00", ValueError, "binary"),
    ("one-column", b"1\n", ValueError, "1 columns, expected 141"),
    ("140-columns", (" ".join(["1"] * 140) + "\n").encode(), ValueError, "140 columns"),
    ("142-columns", (" ".join(["1"] * 142) + "\n").encode(), ValueError, "142 columns"),
    ("ragged", (GOOD_ROW + "\n1 0.5\n").encode(), ValueError, "ragged"),
    ("word", (GOOD_ROW[:-3] + "abc\n").encode(), ValueError, "'abc' is not a number"),
    ("nan", (GOOD_ROW[:-3] + "nan\n").encode(), ValueError, "missing or infinite"),
    ("inf", (GOOD_ROW[:-3] + "inf\n").encode(), ValueError, "missing or infinite"),
    ("ucr-class-7", ("7" + GOOD_ROW[1:] + "\n").encode(), ValueError, "labels outside"),
    ("ucr-class-0.5", ("0.5" + GOOD_ROW[1:] + "\n").encode(), ValueError, "labels outside"),
    ("csv-label-2", (GOOD_CSV[:-1] + "2\n").encode(), ValueError, "labels outside"),
    ("csv-header", ("," .join(f"t{i}" for i in range(141)) + "\n" + GOOD_CSV + "\n").encode(), ValueError,
     "'t0' is not a number"),
    ("csv-empty-field", (GOOD_CSV.replace("0.5,", ",", 1) + "\n").encode(), ValueError, "'' is not a number"),
    ("semicolons", (";".join(["0.5"] * 140) + ";1\n").encode(), ValueError, "1 columns"),
    ("utf-16-no-mark", GOOD_ROW.encode("utf-16-le"), ValueError, "UTF-16 text without a byte-order mark"),
    ("control-bytes", bytes(range(128, 256)), ValueError, "binary"),
    ("html-page", b"<!DOCTYPE html>\n<html><body>503 Service Unavailable</body></html>\n", ValueError, "HTML page"),
    ("beyond-float32", (GOOD_ROW[:-3] + "1e39\n").encode(), ValueError, "line 1: a value beyond float32"),
    ("beyond-float64-range", (GOOD_ROW[:-3] + "1e300\n").encode(), ValueError, "line 1: a value beyond float32"),
    ("both-layouts", (" ".join(["2"] + ["0.5"] * 139 + ["1"]) + "\n").encode(), ValueError, "fits both layouts"),
]


@pytest.mark.parametrize("content, error, message", [case[1:] for case in ECG_BAD], ids=[c[0] for c in ECG_BAD])
def test_bad_ecg_files(tmp_path, content, error, message):
    path = tmp_path / "ECG5000_TRAIN.txt"
    path.write_bytes(content)
    with pytest.raises(error, match=message) as caught:
        data.load_ecg(path)
    assert "ECG5000_TRAIN.txt" in str(caught.value)


ECG_FINE = [
    ("crlf", (GOOD_ROW + "\r\n" + "2" + GOOD_ROW[1:] + "\r\n").encode(), [False, True]),
    ("bom", ("\ufeff" + GOOD_ROW + "\n").encode(), [False]),
    ("trailing-blank-lines", (GOOD_ROW + "\n\n\n").encode(), [False]),
    ("tabs", (GOOD_ROW.replace(" ", "\t") + "\n").encode(), [False]),
    ("scientific", ("1 " + " ".join(["5e-1"] * 140) + "\n").encode(), [False]),
    ("csv-abnormal", (GOOD_CSV[:-1] + "0\n").encode(), [True]),
    ("no-final-newline", GOOD_ROW.encode(), [False]),
    ("utf-16", (GOOD_ROW + "\n").encode("utf-16"), [False]),
    ("utf-16-big-endian", b"\xfe\xff" + (GOOD_ROW + "\n").encode("utf-16-be"), [False]),
    ("latin-1-comment-free", ("2" + GOOD_ROW[1:] + "\n").encode("latin-1"), [True]),
    ("csv-first-sample-2", (",".join(["2"] + ["0.5"] * 139 + ["1"]) + "\n").encode(), [False]),
    ("spaces-ecg-csv-layout", (" ".join(["0.5"] * 140 + ["0"]) + "\n").encode(), [True]),
]


@pytest.mark.parametrize("content, labels", [case[1:] for case in ECG_FINE], ids=[c[0] for c in ECG_FINE])
def test_ecg_files_that_are_fine(tmp_path, content, labels):
    path = tmp_path / "beats.txt"
    path.write_bytes(content)
    beats, is_anomaly = data.load_ecg(path)
    assert beats.shape == (len(labels), 140) and beats.dtype == np.float32
    assert is_anomaly.tolist() == labels


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda tmp: tmp / "missing.csv", FileNotFoundError, "missing.csv"),
        (lambda tmp: tmp, FileNotFoundError, "no ecg.csv or ECG5000"),
        (lambda tmp: [], ValueError, "empty list"),
        (lambda tmp: [tmp / "nothing.txt"], FileNotFoundError, "nothing.txt"),
        (lambda tmp: "", ValueError, "path must be a file or folder path, got ''"),
        (lambda tmp: [tmp / "ok.txt", " "], ValueError, r"path\[1\] must be a file or folder path"),
        (lambda tmp: 5, ValueError, "path must be a file or folder path, got 5"),
        (lambda tmp: make_fifo(tmp / "pipe.txt"), ValueError, "pipe.txt: not a regular file"),
    ],
    ids=["missing-file", "empty-folder", "empty-list", "missing-in-list", "empty-string", "blank-in-list",
         "a-number", "fifo"],
)
def test_bad_ecg_paths(tmp_path, monkeypatch, make, error, message):
    (tmp_path / "ok.txt").write_text(GOOD_ROW)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # "" must not mean this folder
    data.make_ecg_standin(tmp_path / "elsewhere" / "ecg.csv")
    with pytest.raises(error, match=message):
        data.load_ecg(make(tmp_path))


def make_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


# ----------------------------------------------------------------------------- MNIST files

def mnist_arrays(**changes):
    arrays = {"x_train": np.zeros((4, 28, 28), np.uint8), "y_train": np.array([0, 1, 2, 3]),
              "x_test": np.zeros((2, 28, 28), np.uint8), "y_test": np.array([4, 5])}
    arrays.update(changes)
    return {key: value for key, value in arrays.items() if value is not None}


MNIST_BAD = [
    ("missing-y_test", mnist_arrays(y_test=None), "missing array"),
    ("3-d-labels", mnist_arrays(y_train=np.zeros((4, 1), np.int64)), "shape"),
    ("flat-images", mnist_arrays(x_train=np.zeros((4, 784), np.uint8)), "shape"),
    ("32x32", mnist_arrays(x_test=np.zeros((2, 32, 32), np.uint8)), "shape"),
    ("length-mismatch", mnist_arrays(y_train=np.array([0, 1])), "shape"),
    ("float-pixels", mnist_arrays(x_train=np.zeros((4, 28, 28), np.float32)), "expected uint8"),
    ("int64-pixels", mnist_arrays(x_test=np.zeros((2, 28, 28), np.int64)), "expected uint8"),
    ("label-42", mnist_arrays(y_test=np.array([4, 42])), "digits 0-9"),
    ("label-minus-1", mnist_arrays(y_test=np.array([4, -1])), "digits 0-9"),
    ("float-labels", mnist_arrays(y_train=np.array([0.0, 1.0, 2.5, 3.0])), "digits 0-9"),
    ("no-training-images", mnist_arrays(x_train=np.zeros((0, 28, 28), np.uint8), y_train=np.zeros(0, np.int64)),
     "x_train holds no images"),
    ("no-test-images", mnist_arrays(x_test=np.zeros((0, 28, 28), np.uint8), y_test=np.zeros(0, np.int64)),
     "x_test holds no images"),
]


@pytest.mark.parametrize("arrays, message", [case[1:] for case in MNIST_BAD], ids=[c[0] for c in MNIST_BAD])
def test_bad_mnist_arrays(isolated_data_dir, arrays, message):
    np.savez(isolated_data_dir / "mnist.npz", **arrays)
    with pytest.raises(ValueError, match=message) as caught:
        data.load_mnist("quick")
    assert "mnist.npz" in str(caught.value)


@pytest.mark.parametrize(
    "content",
    [(b"", "an empty file"), (b"PK\x03\x04 truncated zip", "not a readable"), (b"\x93NUMPY garbage", "a single array"),
     (b"plain text", "not a zip file"), (b"<!doctype html><html><title>404</title></html>", "an HTML page")],
    ids=["empty", "truncated-zip", "broken-npy", "text", "html-page"],
)
def test_unreadable_mnist_files(isolated_data_dir, content):
    content, message = content
    (isolated_data_dir / "mnist.npz").write_bytes(content)
    with pytest.raises(ValueError, match=rf"mnist\.npz: {message}"):
        data.load_mnist("quick")


def test_a_truncated_real_npz_is_named(isolated_data_dir):
    buffer = io.BytesIO()
    np.savez(buffer, **mnist_arrays())
    (isolated_data_dir / "mnist.npz").write_bytes(buffer.getvalue()[:-40])
    with pytest.raises(ValueError, match=r"mnist\.npz"):
        data.load_mnist("quick")


# ----------------------------------------------------------------------------- UCSD folders and arguments

def small_dataset(root: Path, frames: int = 12) -> Path:
    for split in ("Train", "Test"):
        for video in (1, 2):
            folder = root / data.UCSD_FOLDER / "UCSDped1" / split / f"{split}{video:03d}"
            folder.mkdir(parents=True)
            for number in range(1, frames + 1):
                Image.fromarray(np.full((8, 12), 10 * number, np.uint8)).save(folder / f"{number:03d}.tif")
    (root / data.UCSD_FOLDER / "UCSDped1" / "Test" / "UCSDped1.m").write_text(
        "TestVideoFile{end+1}.gt_frame = [2:4];\nTestVideoFile{end+1}.gt_frame = [5:12];\n"
    )
    return root


UCSD_BAD_CALLS = [
    ("unknown-subset", lambda root: data.ucsd_videos(root, "UCSDped3"), ValueError, "subset must be one of"),
    ("unknown-split", lambda root: data.ucsd_videos(root, "UCSDped1", "Val"), ValueError, "split must be one of"),
    ("no-dataset", lambda root: data.ucsd_videos(root / "elsewhere"), FileNotFoundError, "no UCSD_Anomaly"),
    ("missing-video", lambda root: data.ucsd_frames(root, videos=["Train009"], progress=False), ValueError,
     "Train009"),
    ("clip-length-0", lambda root: data.ucsd_clips(root, clip_length=0, progress=False), ValueError,
     "clip_length"),
    ("clip-too-long", lambda root: data.ucsd_clips(root, clip_length=50, image_size=None, progress=False),
     ValueError, "shorter than one clip"),
    ("stride-0", lambda root: data.clip_starts(10, 2, stride=0), ValueError, "stride"),
    ("step-negative", lambda root: data.clip_starts(10, 2, step=-1), ValueError, "step"),
    ("length-negative", lambda root: data.clip_starts(-1, 2), ValueError, "length"),
    ("frames-2d", lambda root: data.as_unit_frames(np.zeros((4, 4))), ValueError, r"\(4, 4\)"),
    ("standin-tiny", lambda root: data.make_ucsd_standin(root / "s", frames=5), ValueError, "frames >= 20"),
    ("standin-subset", lambda root: data.make_ucsd_standin(root / "s", subset="Ped3"), ValueError, "subset"),
    ("videos-empty-list", lambda root: data.ucsd_frames(root, videos=[], progress=False), ValueError,
     r"videos must be a positive number of videos, a list of names"),
    ("videos-float", lambda root: data.ucsd_frames(root, videos=2.5, progress=False), ValueError, "videos must be"),
    ("videos-numbers", lambda root: data.ucsd_clips(root, videos=[1, 2], progress=False), ValueError, "videos must"),
    ("clips-empty-list", lambda root: data.ucsd_clips(root, videos=[], progress=False), ValueError, "videos must"),
    ("locate-subset", lambda root: data.locate_ucsd("quick", "UCSDped3"), ValueError, "subset must be one of"),
    ("download-root-empty", lambda root: data.download_ucsd(""), ValueError, "root must be a file or folder path"),
    ("download-keep-text", lambda root: data.download_ucsd(root, keep_archive="no"), ValueError,
     "keep_archive must be True or False"),
]


@pytest.mark.parametrize("call, error, message", [c[1:] for c in UCSD_BAD_CALLS], ids=[c[0] for c in UCSD_BAD_CALLS])
def test_bad_ucsd_calls(tmp_path, call, error, message):
    root = small_dataset(tmp_path)
    with pytest.raises(error, match=message):
        call(root)


GT = "TestVideoFile{{end+1}}.gt_frame = [{}];\nTestVideoFile{{end+1}}.gt_frame = [1:2];\n"


def edit_dataset(root: Path, change: str) -> None:
    test = root / data.UCSD_FOLDER / "UCSDped1" / "Test"
    if change == "gap":
        (test / "Test001" / "005.tif").unlink()
    elif change == "bad-name":
        (test / "Test001" / "frame.tif").write_bytes(b"x")
    elif change == "no-frames":
        for frame in (test / "Test002").glob("*.tif"):
            frame.unlink()
    elif change == "m-missing":
        (test / "UCSDped1.m").unlink()
    elif change == "m-past-end":
        (test / "UCSDped1.m").write_text(GT.format("2:40"))
    elif change == "m-too-few":
        (test / "UCSDped1.m").write_text("TestVideoFile{end+1}.gt_frame = [2:4];\n")
    elif change == "m-garbage":
        (test / "UCSDped1.m").write_text("rm -rf /\n")
    elif change == "m-backwards":
        (test / "UCSDped1.m").write_text(GT.format("9:4"))
    elif change == "m-zero":
        (test / "UCSDped1.m").write_text(GT.format("0:4"))
    elif change == "m-letters":
        (test / "UCSDped1.m").write_text(GT.format("a:b"))
    elif change == "mixed-sizes":
        Image.fromarray(np.zeros((9, 12), np.uint8)).save(test / "Test001" / "003.tif")
    elif change == "duplicate-number":
        (test / "Test001" / "008.tif").rename(test / "Test001" / "8.tif")
        Image.fromarray(np.zeros((8, 12), np.uint8)).save(test / "Test001" / "0008.tif")
    elif change == "m-matlab-spacing":
        (test / "UCSDped1.m").write_text("TestVideoFile{end+1}.gt_frame = [ 2 : 4 ];\n"
                                         "TestVideoFile{end+1}.gt_frame = [5 :12 , 1: 2];\n")
    elif change == "all-unreadable":
        for frame in (test / "Test001").glob("*.tif"):
            frame.write_bytes(b"not a tiff")


UCSD_BAD_FILES = [
    ("gap", "frame 005.tif is missing"),
    ("bad-name", "must be numbered"),
    ("no-frames", "no .tif frames"),
    ("m-missing", "no ground-truth file"),
    ("m-past-end", "past the end of Test001"),
    ("m-too-few", "1 gt_frame lines for 2 test videos"),
    ("m-garbage", "unexpected line"),
    ("m-backwards", "empty or starts before frame 1"),
    ("m-zero", "empty or starts before frame 1"),
    ("m-letters", "not a frame range"),
    ("duplicate-number", r"0008\.tif and 8\.tif are both frame 8"),
]


@pytest.mark.parametrize("change, message", UCSD_BAD_FILES, ids=[case[0] for case in UCSD_BAD_FILES])
def test_bad_ucsd_files_name_the_file(tmp_path, change, message):
    root = small_dataset(tmp_path)
    edit_dataset(root, change)
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        data.ucsd_ground_truth(root, "UCSDped1")


def test_matlab_spacing_in_the_ground_truth_is_read(tmp_path):
    root = small_dataset(tmp_path)
    edit_dataset(root, "m-matlab-spacing")
    labels = data.ucsd_ground_truth(root, "UCSDped1")
    assert np.flatnonzero(labels["Test001"]).tolist() == [1, 2, 3]
    assert np.flatnonzero(labels["Test002"]).tolist() == [0, 1, *range(4, 12)]


@pytest.mark.parametrize("change, message", [("mixed-sizes", "differs from the video's first frame"),
                                             ("all-unreadable", "none of its frames can be decoded")])
def test_bad_ucsd_frames_name_the_file(tmp_path, change, message):
    root = small_dataset(tmp_path)
    edit_dataset(root, change)
    with pytest.raises(ValueError, match=message):
        data.ucsd_frames(root, "UCSDped1", "Test", progress=False)


# ----------------------------------------------------------------------------- hostile and corrupt archives

def member(name: str, kind=tarfile.REGTYPE, payload: bytes = b"tif", link: str = "", mode: int = 0o644):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mode = kind, link, mode
    if kind == tarfile.REGTYPE:
        info.size = len(payload)
    return info, (io.BytesIO(payload) if kind == tarfile.REGTYPE else None)


def valid_members():
    top = f"{data.UCSD_FOLDER}/UCSDped1"
    return [member(f"{top}/{split}/{split}001/001.tif") for split in ("Train", "Test")]


def write_archive(path: Path, members) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, payload in members:
            tar.addfile(info, payload)
    return path


TOP = data.UCSD_FOLDER
HOSTILE = [
    ("dot-dot", [member(f"{TOP}/../../escaped.txt")]),
    ("absolute", [member("/tmp/labutils-escaped.txt")]),
    ("symlink-absolute", [member(f"{TOP}/UCSDped1/link", tarfile.SYMTYPE, link="/etc")]),
    ("symlink-up", [member(f"{TOP}/UCSDped1/link", tarfile.SYMTYPE, link="../../..")]),
    ("symlink-inside", [member(f"{TOP}/UCSDped1/link", tarfile.SYMTYPE, link="Train")]),
    ("hardlink-out", [member(f"{TOP}/UCSDped1/hard", tarfile.LNKTYPE, link="/etc/passwd")]),
    ("hardlink-in", [member(f"{TOP}/UCSDped1/hard", tarfile.LNKTYPE, link=f"{TOP}/UCSDped1/Train/Train001/001.tif")]),
    ("char-device", [member(f"{TOP}/UCSDped1/tty", tarfile.CHRTYPE)]),
    ("block-device", [member(f"{TOP}/UCSDped1/disk", tarfile.BLKTYPE)]),
    ("fifo", [member(f"{TOP}/UCSDped1/pipe", tarfile.FIFOTYPE)]),
    ("symlink-top-folder", [member(TOP, tarfile.SYMTYPE, link="/tmp")]),
    ("symlink-chain", [member(f"{TOP}/{'a' * 30}{i}", tarfile.SYMTYPE, link=f"{'a' * 30}{i + 1}") for i in range(40)]),
]


@pytest.mark.parametrize("extra", [case[1] for case in HOSTILE], ids=[case[0] for case in HOSTILE])
def test_hostile_archives_write_nothing(tmp_path, extra):
    archive = write_archive(tmp_path / "evil.tar.gz", [*extra, *valid_members()])
    root = tmp_path / "deep" / "root"
    before = {path for path in tmp_path.rglob("*")}
    with pytest.raises(ValueError, match="not a complete, safe UCSD archive"):
        data.download_ucsd(root, url=archive.as_uri())
    after = {path for path in tmp_path.rglob("*")}
    assert after - before <= {root.parent, root}  # the root folder itself, nothing in it or outside
    assert list(root.iterdir()) == []


def test_setuid_bits_are_dropped(tmp_path):
    top = f"{data.UCSD_FOLDER}/UCSDped1"
    members = [member(f"{top}/Train/Train001/001.tif", mode=0o6755), member(f"{top}/Test/Test001/001.tif")]
    folder = data.download_ucsd(tmp_path / "root", url=write_archive(tmp_path / "a.tar.gz", members).as_uri())
    mode = (folder / "UCSDped1" / "Train" / "Train001" / "001.tif").stat().st_mode
    assert not mode & 0o6000


def good_archive_bytes(tmp_path: Path) -> bytes:
    rng = np.random.default_rng(1)
    members = []
    for split in ("Train", "Test"):
        buffer = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, (40, 60), dtype=np.uint8)).save(buffer, format="TIFF")
        members.append(member(f"{data.UCSD_FOLDER}/UCSDped1/{split}/{split}001/001.tif", payload=buffer.getvalue()))
    return write_archive(tmp_path / "good.tar.gz", members).read_bytes()


@pytest.mark.parametrize("fraction", [0.02, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.98, 0.995])
def test_flipped_bits_are_never_cached(tmp_path, fraction):
    content = bytearray(good_archive_bytes(tmp_path))
    position = min(len(content) - 1, max(10, int(len(content) * fraction)))  # past the gzip header
    content[position] ^= 0x10
    archive = tmp_path / "flipped.tar.gz"
    archive.write_bytes(bytes(content))
    with pytest.raises(ValueError, match="not a complete, safe UCSD archive"):
        data.download_ucsd(tmp_path / "root", url=archive.as_uri())
    assert list((tmp_path / "root").iterdir()) == []


@pytest.mark.parametrize("keep", [10, 100, 0.5, -8, -4, -1], ids=lambda keep: f"keep-{keep}")
def test_truncated_archives_are_never_cached(tmp_path, keep):
    content = good_archive_bytes(tmp_path)
    cut = int(len(content) * keep) if isinstance(keep, float) else keep
    archive = tmp_path / "cut.tar.gz"
    archive.write_bytes(content[:cut])
    with pytest.raises(ValueError, match="not a complete, safe UCSD archive"):
        data.download_ucsd(tmp_path / "root", url=archive.as_uri())
    assert list((tmp_path / "root").iterdir()) == []


def test_an_uncompressed_tar_is_read_as_well(tmp_path):
    archive = tmp_path / "plain.tar"
    archive.write_bytes(gzip.decompress(good_archive_bytes(tmp_path)))
    assert data.download_ucsd(tmp_path / "root", url=archive.as_uri()).is_dir()


@pytest.mark.parametrize("content", [b"", b"<html>404 Not Found</html>", b"\x1f\x8b garbage"],
                         ids=["empty", "html", "bad-gzip"])
def test_not_an_archive(tmp_path, content):
    archive = tmp_path / "page.tar.gz"
    archive.write_bytes(content)
    with pytest.raises(ValueError, match="not a complete, safe UCSD archive"):
        data.download_ucsd(tmp_path / "root", url=archive.as_uri())


# ----------------------------------------------------------------------------- the data folder itself

def test_a_data_folder_that_is_a_file_is_named(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("LABUTILS_DATA_DIR", str(blocker))
    with pytest.raises(OSError, match="LABUTILS_DATA_DIR"):
        data.download_ecg(blocker / "ecg5000", url=(tmp_path / "x").as_uri())
    with pytest.raises(OSError, match="LABUTILS_DATA_DIR"):
        data.writable_data_dir("standins")


def test_a_read_only_data_folder_is_named(monkeypatch, tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o500)
    monkeypatch.setenv("LABUTILS_DATA_DIR", str(folder))
    monkeypatch.setattr("os.access", lambda path, mode: False)  # as a non-root user sees it (tests may run as root)
    with pytest.raises(OSError, match=r"read-only.*LABUTILS_DATA_DIR"):
        data.writable_data_dir("standins")
    with pytest.raises(OSError, match="LABUTILS_DATA_DIR"):
        data.download_ecg(folder / "ecg5000", url=(tmp_path / "x").as_uri())
