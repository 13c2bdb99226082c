"""labutils.data's UCSD functions: layout, ground truth, bad input, clips, the safe resumable download."""

from __future__ import annotations

import http.server
import io
import tarfile
import threading
import typing
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from labutils import data


@pytest.fixture(scope="module")
def standin(tmp_path_factory) -> Path:
    """A small generated data set in the UCSD layout; returns the root that holds the .v1p2 folder."""
    root = tmp_path_factory.mktemp("ucsd")
    data.make_ucsd_standin(root, train_videos=2, test_videos=3, frames=24, frame_size=(60, 90))
    return root


def write_video(folder: Path, frames: int, size=(8, 12), value=100) -> None:
    folder.mkdir(parents=True)
    for number in range(1, frames + 1):
        Image.fromarray(np.full(size, value, dtype=np.uint8)).save(folder / f"{number:03d}.tif")


def fake_dataset(root: Path, lengths=(200, 200), m_text=None) -> Path:
    """Tiny test videos of the given lengths and a .m file, in the real layout."""
    test = root / data.UCSD_FOLDER / "UCSDped1" / "Test"
    for index, length in enumerate(lengths, start=1):
        write_video(test / f"Test{index:03d}", length)
    (test / "._Test001").mkdir()  # macOS leftovers in the real archive are skipped
    m_text = m_text or (
        "TestVideoFile = {};\n% frame-level ground truth\n"
        "TestVideoFile{end+1}.gt_frame = [60:152];\n"
        "TestVideoFile{end+1}.gt_frame = [5:90, 140:200];\n"
    )
    (test / "UCSDped1.m").write_text(m_text)
    return root


def test_standin_is_written_in_the_ucsd_layout(standin):
    ped1 = standin / data.UCSD_FOLDER / "UCSDped1"
    assert sorted(path.name for path in (ped1 / "Train").iterdir()) == ["Train001", "Train002"]
    assert {"Test001", "Test001_gt", "UCSDped1.m"} <= {path.name for path in (ped1 / "Test").iterdir()}
    assert len(list((ped1 / "Test" / "Test002").glob("*.tif"))) == 24
    with Image.open(ped1 / "Train" / "Train001" / "001.tif") as frame:
        assert frame.mode == "L" and frame.size == (90, 60)


def test_standin_ground_truth_matches_its_masks(standin):
    truth = data.ucsd_ground_truth(standin, "UCSDped1")
    masks = data.ucsd_pixel_masks(standin, "UCSDped1")
    assert list(truth) == ["Test001", "Test002", "Test003"]
    for video, anomalous in truth.items():
        assert anomalous.shape == (24,) and anomalous.dtype == bool
        assert 0 < anomalous.sum() < 24
        np.testing.assert_array_equal(masks[video].any(axis=(1, 2)), anomalous)
        assert masks[video].shape == (24, 60, 90)


def test_ground_truth_ranges_are_one_indexed_and_inclusive(tmp_path):
    truth = data.ucsd_ground_truth(fake_dataset(tmp_path), "UCSDped1")
    first, second = truth["Test001"], truth["Test002"]
    assert first.shape == (200,) and first.sum() == 152 - 60 + 1
    assert not first[58] and first[59] and first[151] and not first[152]  # frames 60..152
    assert second.sum() == (90 - 5 + 1) + (200 - 140 + 1)
    assert second[4] and not second[3] and second[89] and not second[90] and second[139] and second[199]


def test_the_dataset_folder_itself_is_accepted_as_root(tmp_path):
    fake_dataset(tmp_path)
    assert list(data.ucsd_ground_truth(tmp_path / data.UCSD_FOLDER, "UCSDped1")) == ["Test001", "Test002"]


@pytest.mark.parametrize(
    ("m_text", "message"),
    [
        ("TestVideoFile{end+1}.gt_frame = [60:152];\nTestVideoFile{end+1}.gt_frames = [1:2];\n", "line 2: unexpected"),
        ("TestVideoFile{end+1}.gt_frame = [60:152];\nTestVideoFile{end+1}.gt_frame = [5:a];\n", "line 2"),
        ("TestVideoFile{end+1}.gt_frame = [60:152];\nTestVideoFile{end+1}.gt_frame = [150:201];\n", "past the end"),
        ("TestVideoFile{end+1}.gt_frame = [60:152];\n", "1 gt_frame lines for 2 test videos"),
    ],
)
def test_bad_ground_truth_names_file_and_problem(tmp_path, m_text, message):
    fake_dataset(tmp_path, m_text=m_text)
    with pytest.raises(ValueError, match=message) as raised:
        data.ucsd_ground_truth(tmp_path, "UCSDped1")
    assert "UCSDped1.m" in str(raised.value)


def test_missing_dataset_and_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="download_ucsd"):
        data.ucsd_ground_truth(tmp_path, "UCSDped1")
    fake_dataset(tmp_path)
    with pytest.raises(ValueError, match="subset"):
        data.ucsd_frames(tmp_path, "UCSDped3")
    with pytest.raises(ValueError, match="split"):
        data.ucsd_frames(tmp_path, "UCSDped1", "Validation")


def test_a_missing_frame_is_an_error_naming_the_video(tmp_path):
    fake_dataset(tmp_path, lengths=(30, 30), m_text="TestVideoFile{end+1}.gt_frame = [1:2];\n" * 2)
    (tmp_path / data.UCSD_FOLDER / "UCSDped1" / "Test" / "Test002" / "017.tif").unlink()
    with pytest.raises(ValueError, match=r"Test002: frame 017.tif is missing"):
        data.ucsd_frames(tmp_path, "UCSDped1", "Test", progress=False)


def test_frames_of_mixed_sizes_are_an_error_naming_the_file(tmp_path):
    fake_dataset(tmp_path, lengths=(5, 5), m_text="TestVideoFile{end+1}.gt_frame = [1:2];\n" * 2)
    odd = tmp_path / data.UCSD_FOLDER / "UCSDped1" / "Test" / "Test001" / "003.tif"
    Image.fromarray(np.zeros((9, 12), dtype=np.uint8)).save(odd)
    with pytest.raises(ValueError, match=r"003.tif: frame size"):
        data.ucsd_frames(tmp_path, "UCSDped1", "Test", progress=False)


def test_a_corrupt_frame_is_replaced_by_its_predecessor_with_a_warning(tmp_path):
    fake_dataset(tmp_path, lengths=(5, 5), m_text="TestVideoFile{end+1}.gt_frame = [1:2];\n" * 2)
    video = tmp_path / data.UCSD_FOLDER / "UCSDped1" / "Test" / "Test001"
    Image.fromarray(np.full((8, 12), 7, dtype=np.uint8)).save(video / "002.tif")
    (video / "003.tif").write_bytes((video / "003.tif").read_bytes()[:40])  # truncated
    with pytest.warns(UserWarning, match="003.tif"):
        frames = data.ucsd_frames(tmp_path, "UCSDped1", "Test", progress=False)["Test001"]
    assert frames.shape == (5, 8, 12) and frames.dtype == np.uint8
    assert frames[2, 0, 0] == 7  # frame 3 is a copy of frame 2, so frame numbers stay aligned


def test_clip_starts():
    assert data.clip_starts(25, 10) == [0, 10]
    assert data.clip_starts(25, 10, step=5) == [0, 5, 10, 15]
    assert data.clip_starts(25, 10, stride=2) == [0]  # a stride-2 clip spans 19 frames
    assert data.clip_starts(5, 10) == []
    with pytest.raises(ValueError):
        data.clip_starts(25, 0)


def test_clips_are_uint8_frames_at_their_own_size_with_a_known_length(standin):
    frames = data.ucsd_frames(standin, progress=False)  # 2 videos of 24 frames of 60x90
    dataset = data.ucsd_clips(standin, clip_length=4, strides=(1, 2), shuffle=False, progress=False)
    # 2 videos of 24 frames: 6 clips at stride 1, 3 at stride 2 (span 7, starts 0, 4, 8, ... < 18) -> 6 + 5
    assert int(dataset.cardinality()) == 2 * (6 + 5)
    assert dataset.element_spec.dtype == "uint8" and dataset.element_spec.shape == (4, 60, 90, 1)
    clips = np.stack([clip.numpy() for clip in dataset])
    assert clips.shape == (22, 4, 60, 90, 1) and clips.dtype == np.uint8
    # the clips are the decoded frames themselves: no scaling, no resizing
    np.testing.assert_array_equal(clips[0, :, :, :, 0], frames["Train001"][0:4])
    np.testing.assert_array_equal(clips[6, :, :, :, 0], frames["Train001"][0:8:2])  # the first clip at stride 2
    np.testing.assert_array_equal(clips[12, :, :, :, 0], frames["Train002"][4:8])


def test_clips_batched_pairs_and_order(standin):
    frames = data.ucsd_frames(standin, "UCSDped1", "Test", image_size=(30, 40), progress=False)
    dataset = data.ucsd_clips(standin, split="Test", clip_length=6, image_size=(30, 40), batch_size=4, pairs=True,
                              progress=False)
    inputs, targets = next(iter(dataset))
    assert inputs.shape == (4, 6, 30, 40, 1) and inputs.dtype == "uint8"
    np.testing.assert_array_equal(inputs.numpy(), targets.numpy())
    # Test clips are not shuffled: the first is frames 1-6 of Test001, resized once as ucsd_frames does
    np.testing.assert_array_equal(inputs.numpy()[0, :, :, :, 0], frames["Test001"][:6])
    np.testing.assert_array_equal(inputs.numpy()[1, :, :, :, 0], frames["Test001"][6:12])
    # 3 test videos of 24 frames, 4 clips each: 12 clips in 3 batches
    assert int(dataset.cardinality()) == 3 and [int(batch[0].shape[0]) for batch in dataset] == [4, 4, 4]


def test_clip_steps_and_a_last_short_batch(standin):
    dataset = data.ucsd_clips(standin, split="Test", clip_length=4, step=6, videos=["Test002"], batch_size=3,
                              progress=False)
    frames = data.ucsd_frames(standin, "UCSDped1", "Test", videos=["Test002"], progress=False)["Test002"]
    batches = [batch.numpy() for batch in dataset]  # starts 0, 6, 12, 18: batches of 3 and 1
    assert [len(batch) for batch in batches] == [3, 1] and int(dataset.cardinality()) == 2
    np.testing.assert_array_equal(batches[1][0, :, :, :, 0], frames[18:22])


def test_bad_clip_arguments_are_named(standin):
    with pytest.raises(ValueError, match="batch_size must be a positive integer or None, got 0"):
        data.ucsd_clips(standin, batch_size=0, progress=False)
    with pytest.raises(ValueError, match=r"image_size must be a positive int or \(height, width\)"):
        data.ucsd_clips(standin, image_size=(30, 0), progress=False)
    with pytest.raises(ValueError, match="shorter than one clip of 30 frames"):
        data.ucsd_clips(standin, clip_length=30, progress=False)


def test_training_clips_are_shuffled_reproducibly_and_differently_each_epoch(standin):
    def first_pixels(dataset):
        return [float(clip.numpy().mean()) for clip in dataset]

    one = data.ucsd_clips(standin, clip_length=4, seed=3, progress=False)
    two = data.ucsd_clips(standin, clip_length=4, seed=3, progress=False)
    epoch_one, epoch_two = first_pixels(one), first_pixels(one)
    assert epoch_one == first_pixels(two)
    assert epoch_one != epoch_two and sorted(epoch_one) == sorted(epoch_two)


def test_mixed_frame_sizes_across_videos_need_an_image_size(tmp_path):
    train = tmp_path / data.UCSD_FOLDER / "UCSDped2" / "Train"
    write_video(train / "Train001", 12, size=(8, 12))
    write_video(train / "Train002", 12, size=(10, 12))
    with pytest.raises(ValueError, match="pass image_size"):
        data.ucsd_clips(tmp_path, "UCSDped2", clip_length=4, progress=False)
    assert int(data.ucsd_clips(tmp_path, "UCSDped2", clip_length=4, image_size=8, progress=False).cardinality()) == 6


# --------------------------------------------------------------------------- download


def make_archive(source_root: Path, target: Path) -> bytes:
    with tarfile.open(target, "w:gz") as tar:
        tar.add(source_root / data.UCSD_FOLDER, arcname=data.UCSD_FOLDER)
    return target.read_bytes()


def test_download_extracts_once_and_deletes_the_archive(standin, tmp_path):
    archive = tmp_path / "served.tar.gz"
    make_archive(standin, archive)
    root = tmp_path / "root"
    folder = data.download_ucsd(root, url=archive.as_uri())
    assert folder == root / data.UCSD_FOLDER
    assert len(data.ucsd_ground_truth(root, "UCSDped1")) == 3
    assert sorted(path.name for path in root.iterdir()) == [data.UCSD_FOLDER]  # no archive, no staging folder
    assert data.download_ucsd(root, url="file:///nowhere/at/all.tar.gz") == folder  # already there: no fetch


def test_a_truncated_archive_leaves_nothing_to_trust(standin, tmp_path):
    archive = tmp_path / "served.tar.gz"
    content = make_archive(standin, archive)
    archive.write_bytes(content[: len(content) // 2])
    root = tmp_path / "root"
    with pytest.raises(ValueError, match="not a complete, safe UCSD archive"):
        data.download_ucsd(root, url=archive.as_uri())
    assert list(root.iterdir()) == []


def test_unsafe_archive_members_are_refused(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        payload = b"owned"
        member = tarfile.TarInfo("../../escaped.txt")
        member.size = len(payload)
        tar.addfile(member, io.BytesIO(payload))
    root = tmp_path / "deep" / "root"
    with pytest.raises(ValueError, match="not a complete, safe UCSD archive"):
        data.download_ucsd(root, url=archive.as_uri())
    assert not list(tmp_path.rglob("escaped.txt"))


class RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves one payload, honours Range requests, and cuts the first transfer short."""

    payload = b""
    ranges: typing.ClassVar[list[str | None]] = []
    cut_first = True

    def do_GET(self):
        requested = self.headers.get("Range")
        type(self).ranges.append(requested)
        start = int(requested.split("=")[1].rstrip("-")) if requested else 0
        body = self.payload[start:]
        self.send_response(206 if requested else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if type(self).cut_first:
            type(self).cut_first = False
            self.wfile.write(body[: len(body) // 3])  # the connection drops here
            return
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


def test_an_interrupted_download_resumes_with_a_range_request(standin, tmp_path):
    RangeHandler.payload = make_archive(standin, tmp_path / "served.tar.gz")
    RangeHandler.ranges, RangeHandler.cut_first = [], True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/UCSD_Anomaly_Dataset.tar.gz"
    root = tmp_path / "root"
    try:
        with pytest.raises(OSError, match="resume"):
            data.download_ucsd(root, url=url)
        part = root / "UCSD_Anomaly_Dataset.tar.gz.part"
        assert part.stat().st_size == len(RangeHandler.payload) // 3
        assert not (root / data.UCSD_FOLDER).exists()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            folder = data.download_ucsd(root, url=url)
    finally:
        server.shutdown()
    assert RangeHandler.ranges == [None, f"bytes={len(RangeHandler.payload) // 3}-"]
    assert len(data.ucsd_ground_truth(folder, "UCSDped1")) == 3 and not part.exists()


def test_quick_profile_uses_the_standin_without_network(monkeypatch, isolated_data_dir):
    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: pytest.fail("the quick profile went online"))
    root, description = data.locate_ucsd("quick")
    assert "stand-in" in description and (root / data.UCSD_FOLDER / "UCSDped1" / "Test" / "UCSDped1.m").is_file()
    assert root.parent == isolated_data_dir / "standins"  # the user's own data folder, never a shared /tmp name
    assert str(isolated_data_dir) not in description  # no machine paths on the pages


def test_real_data_in_the_data_folder_wins_in_any_profile(isolated_data_dir, monkeypatch):
    fake_dataset(isolated_data_dir / "ucsd")
    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: pytest.fail("went online"))
    for profile in ("quick", "full"):
        root, description = data.locate_ucsd(profile)
        assert root == isolated_data_dir / "ucsd" and description.startswith("real UCSD")


def test_clips_at_an_image_size_match_frames_decoded_at_that_size(standin):
    # 60x90 frames asked for at 80x100: resized once as they are decoded, with ucsd_frames' resampling
    frames = data.ucsd_frames(standin, "UCSDped1", "Test", image_size=(80, 100), progress=False)["Test001"]
    dataset = data.ucsd_clips(standin, split="Test", clip_length=4, image_size=(80, 100), batch_size=2,
                              progress=False)
    first = next(iter(dataset)).numpy()
    assert first.shape == (2, 4, 80, 100, 1) and first.dtype == np.uint8
    np.testing.assert_array_equal(first[1, :, :, :, 0], frames[4:8])


def test_a_corrupt_frame_in_a_clip_is_its_predecessor(tmp_path):
    folder = tmp_path / data.UCSD_FOLDER / "UCSDped1" / "Train" / "Train001"
    folder.mkdir(parents=True)
    for number in range(1, 7):
        Image.fromarray(np.full((8, 12), 10 * number, dtype=np.uint8)).save(folder / f"{number:03d}.tif")
    (folder / "001.tif").write_bytes(b"not a tif")  # a first frame takes the next readable one
    (folder / "004.tif").write_bytes(b"not a tif")
    with pytest.warns(UserWarning, match="could not decode 001.tif, 004.tif"):
        dataset = data.ucsd_clips(tmp_path, clip_length=6, shuffle=False, progress=False)
    clip = next(iter(dataset)).numpy()[:, 0, 0, 0]
    assert clip.tolist() == [20, 20, 30, 30, 50, 60]


def test_as_unit_frames_scales_uint8_and_keeps_floats():
    frames = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    np.testing.assert_allclose(data.as_unit_frames(frames), [[[0.0, 1.0], [0.2, 0.4]]], atol=1e-7)
    assert data.as_unit_frames(frames).dtype == np.float32
    np.testing.assert_array_equal(data.as_unit_frames(frames / 255.0), data.as_unit_frames(frames))
    with pytest.raises(ValueError, match="frames must have shape"):
        data.as_unit_frames(np.zeros((4, 4)))


def test_sixteen_bit_frames_are_scaled_not_clipped(tmp_path):
    video = tmp_path / "Train001"
    video.mkdir()
    Image.fromarray(np.array([[0, 32768], [65535, 257]], dtype=np.uint16)).save(video / "001.tif")
    frames = data.read_ucsd_video(video)
    assert frames.dtype == np.uint8 and frames[0].tolist() == [[0, 128], [255, 1]]


def test_floating_point_frames_are_refused_by_name(tmp_path):
    video = tmp_path / "Train001"
    video.mkdir()
    Image.fromarray(np.full((4, 4), 0.5, dtype=np.float32)).save(video / "001.tif")
    with pytest.raises(ValueError, match=r"001\.tif: floating-point pixels"):
        data.read_ucsd_video(video)


def test_ground_truth_honours_explicit_video_indices_and_a_byte_order_mark(tmp_path):
    text = "\ufeffTestVideoFile = {};\nTestVideoFile{2}.gt_frame = [5:10];\nTestVideoFile{1}.gt_frame = [60:152];\n"
    truth = data.ucsd_ground_truth(fake_dataset(tmp_path, m_text=text), "UCSDped1")
    assert truth["Test001"].sum() == 93 and truth["Test002"].sum() == 6


@pytest.mark.parametrize(
    "m_text, message",
    [
        ("TestVideoFile{1}.gt_frame = [1:2];\nTestVideoFile{1}.gt_frame = [3:4];\n", r"TestVideoFile\{1\} repeats"),
        ("TestVideoFile{1}.gt_frame = [1:2];\nTestVideoFile{3}.gt_frame = [3:4];\n", r"outside 1\.\.2"),
    ],
)
def test_bad_video_indices_in_the_ground_truth_are_refused(tmp_path, m_text, message):
    with pytest.raises(ValueError, match=message):
        data.ucsd_ground_truth(fake_dataset(tmp_path, m_text=m_text), "UCSDped1")


def test_masks_must_match_their_video(tmp_path):
    root = fake_dataset(tmp_path, lengths=(6, 6))
    masks = root / data.UCSD_FOLDER / "UCSDped1" / "Test" / "Test001_gt"
    masks.mkdir()
    for number in range(1, 6):  # one mask short
        Image.fromarray(np.zeros((8, 12), dtype=np.uint8)).save(masks / f"{number:03d}.bmp")
    with pytest.raises(ValueError, match="5 masks for the 6 frames of Test001"):
        data.ucsd_pixel_masks(root, "UCSDped1")
    Image.fromarray(np.zeros((8, 12), dtype=np.uint8)).save(masks / "006.bmp")
    assert data.ucsd_pixel_masks(root, "UCSDped1")["Test001"].shape == (6, 8, 12)
    Image.fromarray(np.zeros((9, 12), dtype=np.uint8)).save(masks / "001.bmp")
    with pytest.raises(ValueError, match=r"mask size \(12, 9\) differs from the frames' \(12, 8\)"):
        data.ucsd_pixel_masks(root, "UCSDped1")


def test_locate_ucsd_says_what_the_data_is_as_values(isolated_data_dir):
    import pickle

    root, source = data.locate_ucsd("quick", "UCSDped2")
    assert isinstance(source, str) and "generated" in source  # the sentence a notebook prints, as before
    assert source.real is False and source.name == f"generated v{data.UCSD_STANDIN_VERSION}"
    data.make_ucsd_standin(isolated_data_dir / "ucsd", "UCSDped2", train_videos=1, test_videos=1, frames=20,
                           frame_size=(48, 64))  # a copy in the data folder counts as the real data set
    root, source = data.locate_ucsd("quick", "UCSDped2")
    assert root == isolated_data_dir / "ucsd" and source.real is True and source.name == "real"
    copied = pickle.loads(pickle.dumps(source))
    assert (copied, copied.real, copied.name) == (source, True, "real")
    with pytest.raises(ValueError, match="real must be"):
        data.DataSource("text", real="yes")
