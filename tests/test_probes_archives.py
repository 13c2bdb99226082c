"""Probes of archives and downloads: compression bombs, free space, the user's files, sources in turn.

Each case checks that what arrives is refused before anything is written (or written and
kept only when whole and right), that nothing of the user's is deleted, and that a failure
says what to do. Counted in benchmarks/README.md.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

from labutils import data
from labutils.data import remote, ucsd

ROOT = Path(__file__).resolve().parents[1]
TOP = f"{data.UCSD_FOLDER}/UCSDped1"


def frame_bytes(seed: int = 0) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, (20, 30), dtype=np.uint8)).save(buffer, "TIFF")
    return buffer.getvalue()


def small_archive(path: Path, extra: dict[str, bytes] | None = None) -> Path:
    """A valid archive in the UCSD layout: one training and one test video of two frames."""
    with tarfile.open(path, "w:gz") as tar:
        members = {f"{TOP}/{split}/{split}001/{number:03d}.tif": frame_bytes(number)
                   for split in ("Train", "Test") for number in (1, 2)}
        for name, payload in {**members, **(extra or {})}.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return path


def zeros_bomb(path: Path, members: dict[str, int]) -> Path:
    """A .tar.gz whose members hold only zeros, ``members`` = {name: bytes}; written as concatenated gzip
    members, so 8 GiB of zeros take 8 MB and a second to write (any gzip reader reads them as one stream)."""
    block = 64 << 20
    zero_block = gzip.compress(bytes(block), compresslevel=9, mtime=0)
    with open(path, "wb") as file:
        for name, size in members.items():
            info = tarfile.TarInfo(name)
            info.size = size
            file.write(gzip.compress(info.tobuf(format=tarfile.GNU_FORMAT), mtime=0))
            whole, rest = divmod(size, block)
            for _ in range(whole):
                file.write(zero_block)
            padding = -size % 512
            file.write(gzip.compress(bytes(rest + padding), mtime=0))
        file.write(gzip.compress(bytes(1024), mtime=0))  # the end-of-archive blocks
    return path


def written_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


# ----------------------------------------------------------------------------- compression bombs

BOMB_CODE = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of a kill
resource.setrlimit(resource.RLIMIT_FSIZE, (100 << 20, 100 << 20))
from labutils import data
try:
    data.download_ucsd(sys.argv[1], url=sys.argv[2])
except (ValueError, OSError) as error:
    print(type(error).__name__, error)
"""


def test_a_ucsd_shaped_archive_declaring_8_gib_is_refused_before_extraction(tmp_path):
    gib = 1 << 30
    archive = zeros_bomb(tmp_path / "bomb.tar.gz", {f"{TOP}/Train/Train001/001.tif": 4 * gib,
                                                    f"{TOP}/Test/Test001/001.tif": 4 * gib})
    assert archive.stat().st_size < 20 << 20
    root = tmp_path / "root"
    # In a child whose files may not grow past 100 MB: without the bound, extraction would fail there.
    child = subprocess.run(
        [sys.executable, "-c", BOMB_CODE, str(root), archive.as_uri()], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600,
    )
    assert "ValueError" in child.stdout and "refused before extracting anything" in child.stdout, child
    assert "4.0 GiB" in child.stdout and "about 1.2 GB" in child.stdout
    assert written_bytes(root) < 100 << 20 and not (root / data.UCSD_FOLDER).exists()
    assert list(root.iterdir()) == []  # the download itself was deleted


def test_a_small_bomb_of_real_zeros_is_refused_past_the_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(ucsd, "MAX_EXTRACTED_BYTES", 10 << 20)
    archive = small_archive(tmp_path / "a.tar.gz", extra={f"{TOP}/Train/Train001/zeros.tif": bytes(30 << 20)})
    assert archive.stat().st_size < 1 << 20
    with pytest.raises(ValueError, match=r"declare more than 0.00977 GiB.*refused before extracting anything"):
        data.download_ucsd(tmp_path / "root", url=archive.as_uri())
    assert list((tmp_path / "root").iterdir()) == []


def test_too_many_members_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(ucsd, "MAX_MEMBERS", 10)
    extra = {f"{TOP}/Train/Train001/{number:03d}.tif": b"x" for number in range(3, 20)}
    with pytest.raises(ValueError, match="or 10 files"):
        data.download_ucsd(tmp_path / "root", url=small_archive(tmp_path / "a.tar.gz", extra).as_uri())
    assert list((tmp_path / "root").iterdir()) == []


def test_extraction_checks_the_free_space_first(tmp_path, monkeypatch):
    root = tmp_path / "root"
    root.mkdir()
    small_archive(root / ucsd.ARCHIVE_NAME)  # put there by hand: no download
    monkeypatch.setattr(remote.shutil, "disk_usage", lambda path: type("Usage", (), {"free": 1000})())
    with pytest.raises(OSError, match=r"extracting UCSD_Anomaly_Dataset.tar.gz needs 0 MB and .*root has 0 MB free"):
        data.download_ucsd(root, url="file:///nowhere")
    assert sorted(path.name for path in root.iterdir()) == [ucsd.ARCHIVE_NAME]  # nothing written, archive kept


def test_a_download_checks_the_free_space_before_writing(tmp_path, monkeypatch):
    monkeypatch.setattr(remote.shutil, "disk_usage", lambda path: type("Usage", (), {"free": 1000})())
    archive = small_archive(tmp_path / "a.tar.gz")
    with pytest.raises(OSError, match=r"downloading UCSD_Anomaly_Dataset\.tar\.gz needs"):
        data.download_ucsd(tmp_path / "root", url=[archive.as_uri(), archive.as_uri()])
    assert list((tmp_path / "root").iterdir()) == []


def test_a_download_larger_than_the_file_can_be_is_refused(tmp_path, monkeypatch):
    entry = dataclasses.replace(remote.REMOTE_FILES["ecg"], max_bytes=1000)
    monkeypatch.setitem(remote.REMOTE_FILES, "ecg", entry)
    big = tmp_path / "ecg.csv"
    big.write_bytes(b"0" * 5000)
    with pytest.raises(ValueError, match="announces 5,000 bytes, more than the 1,000"):
        data.download_ecg(tmp_path / "cache", url=big.as_uri())
    assert list((tmp_path / "cache").iterdir()) == []


# ----------------------------------------------------------------------------- the user's files

def test_an_archive_put_there_by_hand_is_checked_against_the_pinned_hash_and_never_deleted(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    archive = small_archive(root / ucsd.ARCHIVE_NAME)
    with pytest.raises(ValueError, match=r"is not the official archive's .*left in place"):
        data.download_ucsd(root)  # the registry's source: the pinned hash applies
    assert archive.is_file()


def test_a_broken_archive_put_there_by_hand_is_named_and_kept(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / ucsd.ARCHIVE_NAME).write_bytes(b"<html><body>Not found</body></html>")
    with pytest.raises(ValueError, match=r"UCSD_Anomaly_Dataset.tar.gz: not a complete.*HTML page.*left in place"):
        data.download_ucsd(root, url="file:///nowhere")
    assert (root / ucsd.ARCHIVE_NAME).read_bytes().startswith(b"<html>")


def test_an_archive_put_there_by_hand_is_extracted_and_kept(tmp_path, monkeypatch):
    root = tmp_path / "root"
    root.mkdir()
    archive = small_archive(root / ucsd.ARCHIVE_NAME)
    entry = dataclasses.replace(remote.REMOTE_FILES["ucsd"], sha256=remote.sha256_of(archive))
    monkeypatch.setitem(remote.REMOTE_FILES, "ucsd", entry)
    assert data.download_ucsd(root).is_dir()  # no download: the registry's URL is never opened
    assert sorted(path.name for path in root.iterdir()) == [ucsd.ARCHIVE_NAME, data.UCSD_FOLDER]


# ----------------------------------------------------------------------------- sources in turn

def registry_with(monkeypatch, name: str, sources: list[str], sha256: str | None) -> None:
    entry = dataclasses.replace(remote.REMOTE_FILES[name], url=sources[0], mirrors=tuple(sources[1:]), sha256=sha256)
    monkeypatch.setitem(remote.REMOTE_FILES, name, entry)


def test_ucsd_sources_are_tried_in_order_each_against_the_pinned_hash(tmp_path, monkeypatch):
    good = small_archive(tmp_path / "good.tar.gz")
    other = small_archive(tmp_path / "other.tar.gz", extra={f"{TOP}/readme.txt": b"a re-packed copy"})
    sources = [(tmp_path / "missing.tar.gz").as_uri(), other.as_uri(), good.as_uri()]
    registry_with(monkeypatch, "ucsd", sources, remote.sha256_of(good))
    root = tmp_path / "root"
    assert data.download_ucsd(root).is_dir()
    assert not (root / data.UCSD_FOLDER / "UCSDped1" / "readme.txt").exists()  # the copy with another hash
    assert sorted(path.name for path in root.iterdir()) == [data.UCSD_FOLDER]


def test_when_every_source_fails_one_message_says_how_to_provide_the_data_by_hand(isolated_data_dir, tmp_path,
                                                                                 monkeypatch):
    good = small_archive(tmp_path / "good.tar.gz")
    sources = [(tmp_path / "gone.tar.gz").as_uri(), (tmp_path / "also-gone.tar.gz").as_uri()]
    registry_with(monkeypatch, "ucsd", sources, remote.sha256_of(good))
    with pytest.raises(OSError) as failed:
        data.locate_ucsd("full")
    message = str(failed.value)
    assert message.startswith("could not download the UCSD Anomaly Detection archive (about 700 MB) from any of its 2")
    assert all(source in message for source in sources) and "LAB_PROFILE=quick" in message
    archive_path = Path(re.search(r"put it at (\S+\.tar\.gz), or", message).group(1))
    folder_path = Path(re.search(r"so that (\S+) exists", message).group(1))
    assert archive_path == isolated_data_dir / "ucsd" / ucsd.ARCHIVE_NAME
    archive_path.write_bytes(good.read_bytes())  # what the message says to do
    root, description = data.locate_ucsd("quick")  # found without the network, in any profile
    assert root == isolated_data_dir / "ucsd" and "real UCSD UCSDped1" in description
    assert (folder_path / "Train" / "Train001" / "001.tif").is_file() and archive_path.is_file()


def test_the_extracted_folder_where_the_message_says_is_found(isolated_data_dir, tmp_path, monkeypatch):
    registry_with(monkeypatch, "ucsd", [(tmp_path / "gone.tar.gz").as_uri()], "0" * 64)
    with pytest.raises(OSError) as failed:
        data.download_ucsd()
    folder = Path(re.search(r"so that (\S+) exists", str(failed.value)).group(1))
    extracted = data.download_ucsd(tmp_path / "elsewhere", url=small_archive(tmp_path / "a.tar.gz").as_uri())
    folder.parent.parent.mkdir(parents=True, exist_ok=True)
    os.replace(extracted, folder.parent)
    root, description = data.locate_ucsd("full")
    assert root == isolated_data_dir / "ucsd" and "from the data folder" in description


def test_a_failed_validation_says_the_download_was_bad_not_the_part_file(tmp_path):
    served = tmp_path / "ecg.csv"
    served.write_text("1,2,3,4\n")
    with pytest.raises(ValueError, match=r"the download was bad \(the downloaded file, line 1: 4 columns") as bad:
        data.download_ecg(tmp_path / "cache", url=served.as_uri())
    assert ".part" not in str(bad.value) and list((tmp_path / "cache").iterdir()) == []


def test_an_ecg_csv_from_any_url_must_hold_every_beat(tmp_path):
    served = data.make_ecg_standin(tmp_path / "ecg.csv")  # 300 beats: well formed, but not ecg.csv
    with pytest.raises(ValueError, match=r"300 beats where TensorFlow's ecg\.csv has 4998"):
        data.download_ecg(tmp_path / "cache", url=served.as_uri())
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_list_of_urls_must_hold_urls(tmp_path):
    for url in ([], [""], [None]):
        with pytest.raises(ValueError, match="url must be a URL or a non-empty list of URLs"):
            data.download_ecg(tmp_path / "cache", url=url)


def test_gzip_members_of_the_bomb_read_as_one_stream(tmp_path):
    archive = zeros_bomb(tmp_path / "b.tar.gz", {"a/b.tif": 1000, "a/c.tif": 3})
    with tarfile.open(archive, "r:gz") as tar:
        assert [(member.name, member.size) for member in tar] == [("a/b.tif", 1000), ("a/c.tif", 3)]
        assert tar.extractfile("a/b.tif").read() == bytes(1000)
