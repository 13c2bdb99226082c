"""The generated UCSD stand-in (version 3): layout, kinds of anomaly, a steady crowd that counting cannot use."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage

from labutils import data, video
from labutils.data import ucsd_standin

HEIGHT, WIDTH = 158, 238  # the default frame size, Ped1's
WALKER_AREA = np.pi * (HEIGHT / 12) * (WIDTH / 30)  # a walker's ellipse, in pixels


@pytest.fixture(scope="module")
def default_standin(tmp_path_factory) -> Path:
    """The quick profile's stand-in: make_ucsd_standin's defaults, as locate_ucsd writes it."""
    root = tmp_path_factory.mktemp("ucsd-default")
    data.make_ucsd_standin(root)
    return root


@pytest.fixture(scope="module")
def small_standin(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ucsd-small")
    data.make_ucsd_standin(root, test_videos=3, frames=24, frame_size=(60, 90))
    return root


@pytest.fixture(scope="module")
def train_frames(default_standin):
    return data.ucsd_frames(default_standin, "UCSDped1", "Train", progress=False)


@pytest.fixture(scope="module")
def test_frames(default_standin):
    return data.ucsd_frames(default_standin, "UCSDped1", "Test", progress=False)


def blobs(frames: np.ndarray) -> np.ndarray:
    """The number of dark figures in each frame (walkers are grey 10, the background above 90)."""
    return np.array([ndimage.label(frame < 90)[1] for frame in frames])


def test_the_version_is_3_and_locate_ucsd_names_its_folder_after_it(isolated_data_dir):
    assert data.UCSD_STANDIN_VERSION == 3
    root, _ = data.locate_ucsd("quick")
    assert root.name == "ucsd-3-UCSDped1"
    assert set(data.ucsd_anomaly_kinds(root)) == {f"Test{n:03d}" for n in range(1, 13)}


def test_the_default_standin_is_read_by_the_real_loaders(default_standin, train_frames, test_frames):
    assert list(train_frames) == [f"Train{n:03d}" for n in range(1, 13)]
    assert list(test_frames) == [f"Test{n:03d}" for n in range(1, 13)]
    assert {frames.shape for frames in (*train_frames.values(), *test_frames.values())} == {(40, HEIGHT, WIDTH)}
    truth = data.ucsd_ground_truth(default_standin, "UCSDped1")
    masks = data.ucsd_pixel_masks(default_standin, "UCSDped1")
    for name, anomalous in truth.items():
        assert 8 <= anomalous.sum() <= 30  # every test video has anomalous and normal frames
        np.testing.assert_array_equal(masks[name].any(axis=(1, 2)), anomalous)


@pytest.mark.parametrize("which", ["default_standin", "small_standin"])
def test_the_kinds_agree_with_the_m_file_and_the_masks_and_every_kind_is_there(which, request):
    root = request.getfixturevalue(which)
    kinds = data.ucsd_anomaly_kinds(root, "UCSDped1")
    truth = data.ucsd_ground_truth(root, "UCSDped1")
    masks = data.ucsd_pixel_masks(root, "UCSDped1")
    assert list(kinds) == list(truth)
    for name, labels in kinds.items():
        assert labels.dtype.kind == "U" and set(labels) <= {"normal", *data.ANOMALY_KINDS}
        np.testing.assert_array_equal(labels != "normal", truth[name])
        np.testing.assert_array_equal(labels != "normal", masks[name].any(axis=(1, 2)))
    # videos 1, 2, 3, 4, ...: an object, a fast walker, one turning back, an object, ...: one kind each
    in_order = [sorted(set(labels) - {"normal"}) for labels in kinds.values()]
    assert in_order == [[data.ANOMALY_KINDS[n % 3]] for n in range(len(kinds))]


def test_the_kinds_file_has_one_row_per_anomalous_frame_one_indexed(default_standin):
    path = default_standin / data.UCSD_FOLDER / "UCSDped1" / "Test" / "UCSDped1_kinds.csv"
    lines = path.read_text().splitlines()
    assert lines[0] == "video,frame,kind"
    truth = data.ucsd_ground_truth(default_standin, "UCSDped1")
    assert len(lines) - 1 == sum(int(labels.sum()) for labels in truth.values())
    name, frame, kind = lines[1].split(",")
    assert truth[name][int(frame) - 1] and (int(frame) == 1 or not truth[name][int(frame) - 2])
    assert kind in data.ANOMALY_KINDS


def motion(masks: np.ndarray) -> tuple[float, float]:
    """Pixels per frame a figure's mask moves, (rows, columns), down and right positive, from the
    edges that stay inside the picture (the figure's top or bottom edge, its left or right)."""
    moves = []
    for axis in (1, 0):  # rows: project on axis 0 after any over columns
        occupied = masks.any(axis=1 + axis)
        first, last = occupied.argmax(axis=1), occupied.shape[1] - 1 - occupied[:, ::-1].argmax(axis=1)
        inside = [edge for edge, border in ((first, 0), (last, occupied.shape[1] - 1)) if (edge != border).all()]
        moves.append(max(((edge[-1] - edge[0]) / (len(edge) - 1) for edge in inside), key=abs))
    return moves[0], moves[1]


def test_each_kind_looks_and_moves_as_documented(default_standin, test_frames):
    kinds = data.ucsd_anomaly_kinds(default_standin)
    masks = data.ucsd_pixel_masks(default_standin)
    walk = ucsd_standin.WALK  # pixels per frame at 158 rows, give or take 10% per video
    for name, labels in kinds.items():
        kind = next(label for label in labels if label != "normal")
        frames = np.flatnonzero(labels == kind)
        if kind == "speed":  # it runs for a dozen frames or so, then walks on: normal frames again
            assert 8 <= len(frames) <= 20 and np.all(np.diff(frames) == 1) and frames[-1] < len(labels) - 1
            middle = frames[2:-2]
        else:  # the cart, or the walker turning back, stays to the end of the video
            assert frames[-1] == len(labels) - 1
            middle = frames[len(frames) // 2 : len(frames) // 2 + 8]  # well after the figure appeared
        pixels = test_frames[name][middle[0]][masks[name][middle[0]]]
        area = masks[name][middle[0]].sum()
        rows, columns = motion(masks[name][middle])
        if kind == "object":  # bright, much larger than a walker, down the walkway at walking speed
            assert set(np.unique(pixels)) == {ucsd_standin.CART} and area > 3 * WALKER_AREA
            assert rows == pytest.approx(walk, rel=0.2) and columns == 0
        else:  # drawn exactly like a walker
            assert set(np.unique(pixels)) == {ucsd_standin.WALKER} and area == pytest.approx(WALKER_AREA, rel=0.05)
            expected = ucsd_standin.FAST * walk if kind == "speed" else -walk  # the turning walker goes up
            assert rows == pytest.approx(expected, rel=0.2) and columns == 0


def test_three_walkers_in_three_lanes_in_every_video_and_the_same_dark_area_in_every_frame(
    default_standin, train_frames, test_frames
):
    kinds = data.ucsd_anomaly_kinds(default_standin)
    for name, frames in {**train_frames, **test_frames}.items():
        normal = slice(None) if name not in kinds else kinds[name] != "object"  # the cart hides walkers
        dark = (frames[normal] < 90).sum(axis=(1, 2))
        assert dark.min() >= dark.max() * 0.99 and dark.max() == pytest.approx(3 * WALKER_AREA, rel=0.05), name
        figures = blobs(frames[normal])  # one more for each lane where a walker leaves as the next comes in
        assert figures.min() == 3 and figures.max() <= 6, name
    columns = np.flatnonzero(np.stack(list(train_frames.values())).min(axis=(0, 1, 2)) < 90)
    lanes = np.split(columns, np.flatnonzero(np.diff(columns) > 1) + 1)  # where walkers ever were
    assert len(lanes) == 3 and all(len(lane) <= 2 * WIDTH / 30 + 2 for lane in lanes)


def test_counting_dark_pixels_or_figures_does_not_find_speed_or_direction_but_brightness_finds_objects(
    default_standin, test_frames
):
    truth = data.ucsd_ground_truth(default_standin)
    kinds = data.ucsd_anomaly_kinds(default_standin)
    dark = {name: (frames < 90).sum(axis=(1, 2)).astype(float) for name, frames in test_frames.items()}
    bright = {name: (frames > 220).sum(axis=(1, 2)).astype(float) for name, frames in test_frames.items()}
    figures = {name: blobs(frames).astype(float) for name, frames in test_frames.items()}
    for scores in (dark, figures):  # dark pixels, figures counted (a walker partly in view counts one)
        auc = video.roc_auc_by_kind(truth, kinds, scores)
        assert 0.4 <= auc["speed"] <= 0.6 and 0.4 <= auc["direction"] <= 0.6, auc
    assert video.roc_auc_by_kind(truth, kinds, bright)["object"] > 0.95


def test_a_different_seed_gives_different_videos(tmp_path):
    one = data.make_ucsd_standin(tmp_path / "a", train_videos=1, test_videos=1, frames=20, frame_size=(48, 64))
    two = data.make_ucsd_standin(tmp_path / "b", train_videos=1, test_videos=1, frames=20, frame_size=(48, 64), seed=1)
    same = data.make_ucsd_standin(tmp_path / "c", train_videos=1, test_videos=1, frames=20, frame_size=(48, 64))
    first, second, again = (data.ucsd_frames(root, progress=False)["Train001"] for root in (one, two, same))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)


def test_make_ucsd_standin_refuses_no_videos(tmp_path):
    with pytest.raises(ValueError, match="train_videos and test_videos"):
        data.make_ucsd_standin(tmp_path, train_videos=0)


# ----------------------------------------------------------------------------- the kinds file's reader

@pytest.fixture
def editable(small_standin, tmp_path) -> Path:
    shutil.copytree(small_standin / data.UCSD_FOLDER, tmp_path / data.UCSD_FOLDER)
    return tmp_path


def kinds_path(root: Path) -> Path:
    return root / data.UCSD_FOLDER / "UCSDped1" / "Test" / "UCSDped1_kinds.csv"


def test_without_a_kinds_file_the_reader_says_only_the_standin_has_one(editable):
    kinds_path(editable).unlink()
    with pytest.raises(FileNotFoundError, match=r"UCSDped1_kinds\.csv.*only the generated stand-in"):
        data.ucsd_anomaly_kinds(editable)


def first_row(root: Path) -> tuple[str, int, str]:
    name, frame, kind = kinds_path(root).read_text().splitlines()[1].split(",")
    return name, int(frame), kind


@pytest.mark.parametrize(
    "change, message",
    [
        ("header", r"line 1: the header must be video,frame,kind"),
        ("video", r"line 2: no test video 'Test009'"),
        ("frame-zero", r"line 2: frame '0' is not a frame of"),
        ("frame-past", r"line 2: frame '25' is not a frame of"),
        ("kind", r"line 2: unknown kind 'bicycle'"),
        ("fields", r"line 2: 2 fields"),
        ("repeat", r"line 3: frame \d+ of Test\d+ already has a kind"),
        ("normal-frame", r"line \d+: frame \d+ of Test\d+ is normal in UCSDped1\.m"),
        ("missing", r"anomalous in UCSDped1\.m but have no kind"),
    ],
)
def test_a_bad_kinds_file_is_refused_naming_the_file_and_line(editable, change, message):
    path = kinds_path(editable)
    lines = path.read_text().splitlines()
    name, frame, kind = first_row(editable)
    if change == "header":
        lines[0] = "video,frame,label"
    elif change == "video":
        lines[1] = f"Test009,{frame},{kind}"
    elif change == "frame-zero":
        lines[1] = f"{name},0,{kind}"
    elif change == "frame-past":
        lines[1] = f"{name},25,{kind}"
    elif change == "kind":
        lines[1] = f"{name},{frame},bicycle"
    elif change == "fields":
        lines[1] = f"{name},{frame}"
    elif change == "repeat":
        lines.insert(2, lines[1])
    elif change == "normal-frame":
        truth = data.ucsd_ground_truth(editable)
        normal = int(np.flatnonzero(~truth[name])[0]) + 1
        lines.append(f"{name},{normal},{kind}")
    elif change == "missing":
        del lines[1]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=message) as error:
        data.ucsd_anomaly_kinds(editable)
    assert "UCSDped1_kinds.csv" in str(error.value)


# ----------------------------------------------------------------------------- ROC-AUC per kind

def hand_made():
    truth = {"A": np.array([False, False, True, True]), "B": np.array([False, True, True])}
    kinds = {"A": np.array(["normal", "normal", "speed", "speed"]), "B": np.array(["normal", "object", "direction"])}
    scores = {"A": np.array([0.1, 0.2, 0.3, 0.05]), "B": np.array([0.15, 0.9, 0.12])}
    return truth, kinds, scores


def test_roc_auc_by_kind_pools_normal_frames_with_each_kind():
    # normal scores 0.1, 0.2, 0.15; speed 0.3 (above all three), 0.05 (below all): 3 of 6 pairs
    # object 0.9: above all; direction 0.12: above 0.1 only; all: (3 + 0 + 3 + 1) of 12 pairs
    result = video.roc_auc_by_kind(*hand_made())
    assert list(result) == ["object", "speed", "direction", "all"]
    assert result == pytest.approx({"object": 1.0, "speed": 0.5, "direction": 1 / 3, "all": 7 / 12})


def test_roc_auc_by_kind_leaves_out_kinds_without_frames():
    truth, kinds, scores = hand_made()
    truth["B"][2], kinds["B"][2] = False, "normal"
    assert list(video.roc_auc_by_kind(truth, kinds, scores)) == ["object", "speed", "all"]


@pytest.mark.parametrize(
    "change, message",
    [
        ("short-scores", r"A: 4 labels, 4 kinds and 3 scores"),
        ("short-kinds", r"B: 3 labels, 2 kinds and 3 scores"),
        ("unknown-video", r"same videos; they differ in \['C'\]"),
        ("missing-video", r"same videos; they differ in \['B'\]"),
        ("disagree", r"A, frame 3: ground_truth and kinds disagree"),
        ("all-normal", "both normal and anomalous frames"),
        ("not-a-dict", "scores must be a dict"),
        ("nan", "NaN"),
    ],
)
def test_roc_auc_by_kind_refuses_bad_input(change, message):
    truth, kinds, scores = hand_made()
    if change == "short-scores":
        scores["A"] = scores["A"][:3]
    elif change == "short-kinds":
        kinds["B"] = kinds["B"][:2]
    elif change == "unknown-video":
        scores["C"] = np.array([0.5])
    elif change == "missing-video":
        del kinds["B"]
    elif change == "disagree":
        kinds["A"][2] = "normal"
    elif change == "all-normal":
        truth = {name: np.zeros_like(labels) for name, labels in truth.items()}
        kinds = {name: np.full(len(labels), "normal") for name, labels in kinds.items()}
    elif change == "not-a-dict":
        scores = np.concatenate(list(scores.values()))
    elif change == "nan":
        scores["A"][0] = np.nan
    with pytest.raises(ValueError, match=message):
        video.roc_auc_by_kind(truth, kinds, scores)
