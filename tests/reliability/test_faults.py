"""Downloads and extraction under faults: cut transfers, kills, two downloads at once, bad servers.

Each test runs a loopback server or a child process; nothing here touches the network.
"""

from __future__ import annotations

import signal

import pytest

from labutils import data
from labutils.data import ecg, remote
from tests.reliability.conftest import start_download, ucsd_archive, wait_for

FOLDER = data.UCSD_FOLDER


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(remote, "TIMEOUT_SECONDS", 5)


@pytest.mark.parametrize("mode", ["cut", "chunked-cut", "error-500"])
def test_a_broken_transfer_is_a_clear_error_and_nothing_is_trusted(server, tmp_path, mode):
    handler, base = server
    handler.payload, handler.mode = ucsd_archive(tmp_path / "a.tar.gz", videos=1, frames=5), mode
    root = tmp_path / "root"
    with pytest.raises(OSError, match="could not download"):
        data.download_ucsd(root, url=f"{base}/UCSD_Anomaly_Dataset.tar.gz")
    assert not (root / FOLDER).exists() and not (root / "UCSD_Anomaly_Dataset.tar.gz").exists()
    handler.mode = "normal"
    assert data.download_ucsd(root, url=f"{base}/UCSD_Anomaly_Dataset.tar.gz").is_dir()
    assert sorted(path.name for path in root.iterdir()) == [FOLDER]


def test_a_server_that_ignores_range_restarts_the_file_cleanly(server, tmp_path):
    handler, base = server
    handler.payload = ucsd_archive(tmp_path / "a.tar.gz", videos=1, frames=5)
    root = tmp_path / "root"
    root.mkdir()
    (root / "UCSD_Anomaly_Dataset.tar.gz.part").write_bytes(handler.payload[:100])
    handler.mode = "ignore-range"
    assert data.download_ucsd(root, url=f"{base}/x.tar.gz").is_dir()
    assert handler.requests == ["bytes=100-"]


@pytest.mark.parametrize("mode, message", [("no-length-lines", "cut short"), ("no-length-cut", "ragged")])
def test_an_ecg_file_cut_without_a_length_is_never_cached(server, tmp_path, monkeypatch, mode, message):
    handler, base = server
    served = data.make_ecg_standin(tmp_path / "ecg.csv", n_normal=2919, n_anomalous=2079)
    handler.payload, handler.mode = served.read_bytes(), mode
    entry = remote.REMOTE_FILES["ecg"]
    monkeypatch.setitem(remote.REMOTE_FILES, "ecg", type(entry)(url=f"{base}/ecg.csv"))
    with pytest.raises(ValueError, match=message):
        ecg.download_ecg(tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_kill_during_the_download_leaves_only_a_part_that_resumes(server, tmp_path):
    handler, base = server
    handler.payload, handler.mode = ucsd_archive(tmp_path / "a.tar.gz", videos=2, frames=30), "slow"
    root = tmp_path / "root"
    part = root / "UCSD_Anomaly_Dataset.tar.gz.part"
    child = start_download(root, f"{base}/x.tar.gz")
    wait_for(lambda: part.exists() and part.stat().st_size > 100_000, what="the download to start")
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not (root / FOLDER).exists() and not (root / "UCSD_Anomaly_Dataset.tar.gz").exists()
    handler.mode = "normal"
    assert data.download_ucsd(root, url=f"{base}/x.tar.gz").is_dir()
    assert handler.requests[-1].startswith("bytes=")  # resumed, not restarted
    assert sorted(path.name for path in root.iterdir()) == [FOLDER]


def test_a_kill_during_extraction_leaves_nothing_a_later_run_trusts(tmp_path):
    archive = tmp_path / "served.tar.gz"
    ucsd_archive(archive, videos=4, frames=60, size=(158, 238))
    root = tmp_path / "root"
    child = start_download(root, archive.as_uri())
    wait_for(lambda: any(root.glob(".extract-*")) if root.exists() else False, what="extraction to start")
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not (root / FOLDER).exists()
    folder = data.download_ucsd(root, url="file:///nowhere/at/all.tar.gz")  # the kept archive, no download
    assert len(data.ucsd_videos(root, "UCSDped1", "Test")) == 4
    assert sorted(path.name for path in root.iterdir()) == [FOLDER] and folder.is_dir()


def test_two_downloads_into_one_folder_at_once(server, tmp_path):
    handler, base = server
    handler.payload, handler.mode = ucsd_archive(tmp_path / "a.tar.gz", videos=2, frames=20), "slow"
    root = tmp_path / "root"
    first = start_download(root, f"{base}/x.tar.gz")
    wait_for(lambda: (root / "UCSD_Anomaly_Dataset.tar.gz.part").exists(), what="the first download")
    second = start_download(root, f"{base}/x.tar.gz")
    outcomes = [(child.wait(timeout=120), child.communicate()[1]) for child in (first, second)]
    assert outcomes[0][0] == 0, outcomes[0][1]
    assert outcomes[1][0] == 0 or "another download" in outcomes[1][1], outcomes[1][1]
    assert data.download_ucsd(root, url="file:///nowhere").is_dir()
    assert sorted(path.name for path in root.iterdir()) == [FOLDER]


@pytest.mark.parametrize("mode, message", [("no-length-lines", "cut short"), ("no-length-cut", "ragged")])
def test_an_ecg_file_from_any_url_cut_without_a_length_is_never_cached(server, tmp_path, mode, message):
    handler, base = server
    served = data.make_ecg_standin(tmp_path / "ecg.csv", n_normal=2919, n_anomalous=2079)
    handler.payload, handler.mode = served.read_bytes(), mode
    with pytest.raises(ValueError, match=message):
        ecg.download_ecg(tmp_path / "cache", url=f"{base}/mirror/ecg.csv")  # not the registry's URL
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_file_without_a_length_is_kept_only_when_its_content_is_checked(server, tmp_path):
    handler, base = server
    handler.payload, handler.mode = b"payload" * 1000, "no-length"
    target = tmp_path / "cache" / "file.bin"
    with pytest.raises(ValueError, match="sent no length and nothing can check the content"):
        remote.fetch("ecg", target, url=f"{base}/file.bin")
    assert list(target.parent.iterdir()) == []
    checked = []
    assert remote.fetch("ecg", target, url=f"{base}/file.bin", validate=checked.append).read_bytes() == handler.payload
    assert checked == [target.with_name("file.bin.part")]


def test_a_stream_without_a_length_stops_at_the_size_bound(server, tmp_path, monkeypatch):
    handler, base = server
    handler.payload, handler.mode = b"0" * (3 << 20), "no-length"
    monkeypatch.setitem(remote.REMOTE_FILES, "ecg", type(remote.REMOTE_FILES["ecg"])(url="x", max_bytes=1 << 20))
    with pytest.raises(ValueError, match="more than the 1,048,576 bytes this file may have arrived"):
        remote.fetch("ecg", tmp_path / "cache" / "ecg.csv", url=f"{base}/ecg.csv", validate=lambda path: None)
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_server_error_then_a_good_mirror(server, tmp_path, monkeypatch):
    handler, base = server
    archive = ucsd_archive(tmp_path / "a.tar.gz", videos=1, frames=5)
    handler.payload = archive
    good = tmp_path / "mirror.tar.gz"
    good.write_bytes(archive)
    entry = remote.REMOTE_FILES["ucsd"]
    sources = (f"{base}/broken.tar.gz", good.as_uri())
    monkeypatch.setitem(remote.REMOTE_FILES, "ucsd", type(entry)(
        url=sources[0], mirrors=sources[1:], sha256=remote.sha256_of(good), resumable=True, page=entry.page))
    handler.mode = "error-500"
    assert data.download_ucsd(tmp_path / "root").is_dir()
    assert handler.requests == [None]  # the first source was tried once, then the mirror
