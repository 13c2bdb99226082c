"""labutils.data.remote and the safe UCSD extraction: hashes, staging, locks, hostile archives, stand-in folders."""

from __future__ import annotations

import dataclasses
import gzip
import io
import os
import tarfile
from pathlib import Path

import pytest

from labutils import data
from labutils.data import folders, remote, ucsd


def serve(monkeypatch, name: str, source: Path, sha256: str | None = None) -> str:
    """Point registry entry ``name`` at a local file, as if it were the registry's own URL."""
    url = source.as_uri()
    entry = dataclasses.replace(remote.REMOTE_FILES[name], url=url, sha256=sha256)
    monkeypatch.setitem(remote.REMOTE_FILES, name, entry)
    return url


def test_registry_pins_every_download():
    assert set(remote.REMOTE_FILES) == {"ecg", "mnist", "ucsd"}
    assert remote.REMOTE_FILES["ucsd"].sha256 == "2329af326951f5097fdd114c50e853957d3e569493a49d22fc082a9fd791915b"
    assert remote.REMOTE_FILES["ucsd"].resumable and not remote.REMOTE_FILES["ecg"].resumable
    assert len(remote.REMOTE_FILES["mnist"].sha256) == 64
    with pytest.raises(ValueError, match="no remote file named 'cifar'"):
        remote.fetch("cifar", Path("x"))


def test_fetch_checks_the_hash_and_keeps_only_good_files(monkeypatch, tmp_path):
    source = tmp_path / "served.bin"
    source.write_bytes(b"payload")
    target = tmp_path / "cache" / "file.bin"
    serve(monkeypatch, "mnist", source, sha256="0" * 64)
    with pytest.raises(ValueError, match="SHA-256"):
        remote.fetch("mnist", target)
    assert sorted(path.name for path in target.parent.iterdir()) == []  # no part, no lock, no file
    serve(monkeypatch, "mnist", source, sha256=remote.sha256_of(source))
    assert remote.fetch("mnist", target).read_bytes() == b"payload"
    assert sorted(path.name for path in target.parent.iterdir()) == ["file.bin"]


def test_fetch_deletes_what_the_loader_rejects(tmp_path):
    source = tmp_path / "served.bin"
    source.write_bytes(b"wrong")

    def validate(path):
        raise ValueError(f"{path}: not what we wanted")

    target = tmp_path / "cache" / "file.bin"
    with pytest.raises(ValueError, match="not what we wanted"):
        remote.fetch("ecg", target, url=source.as_uri(), validate=validate)
    assert list(target.parent.iterdir()) == []


def test_a_second_download_into_the_same_place_fails_clearly(tmp_path):
    source = tmp_path / "served.bin"
    source.write_bytes(b"payload")
    target = tmp_path / "cache" / "file.bin"
    target.parent.mkdir()
    with remote.download_lock(target):
        with pytest.raises(OSError, match="another download"):
            remote.fetch("ecg", target, url=source.as_uri())
    assert remote.fetch("ecg", target, url=source.as_uri()).read_bytes() == b"payload"  # lock released


def test_a_failed_resumable_download_keeps_its_part_and_says_so(tmp_path):
    target = tmp_path / "cache" / "archive.tar.gz"
    target.parent.mkdir()
    target.with_name("archive.tar.gz.part").write_bytes(b"half")
    with pytest.raises(OSError, match="resumes from it"):
        remote.fetch("ucsd", target, url=(tmp_path / "gone").as_uri())
    assert target.with_name("archive.tar.gz.part").read_bytes() == b"half"


# --------------------------------------------------------------------------- hostile and broken archives


def archive_of(members: list[tuple[tarfile.TarInfo, bytes | None]], path: Path) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for member, payload in members:
            if payload is not None:
                member.size = len(payload)
            tar.addfile(member, io.BytesIO(payload) if payload is not None else None)
    return path


def folder(name: str) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type = tarfile.DIRTYPE
    return member


def link(name: str, target: str, kind=tarfile.SYMTYPE) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type, member.linkname = kind, target
    return member


def good_members():
    ped1 = f"{data.UCSD_FOLDER}/UCSDped1"
    frames = [tarfile.TarInfo(f"{ped1}/{split}/{split}001/001.tif") for split in ("Train", "Test")]
    return [(folder(data.UCSD_FOLDER), None), (folder(ped1), None), *((frame, b"tif") for frame in frames)]


@pytest.mark.parametrize(
    "extra",
    [
        link(f"{data.UCSD_FOLDER}/UCSDped1/escape", "/etc/passwd"),
        link(f"{data.UCSD_FOLDER}/UCSDped1/inside", "Train", kind=tarfile.SYMTYPE),
        link(f"{data.UCSD_FOLDER}/UCSDped1/hard", f"{data.UCSD_FOLDER}/UCSDped1/Train", tarfile.LNKTYPE),
    ],
    ids=["symlink-out", "symlink-in", "hardlink"],
)
def test_links_of_any_kind_are_refused_and_nothing_is_written(tmp_path, extra):
    archive = archive_of([*good_members(), (extra, None)], tmp_path / "evil.tar.gz")
    root = tmp_path / "root"
    with pytest.raises(ValueError, match="link or a special file"):
        data.download_ucsd(root, url=archive.as_uri())
    assert list(root.iterdir()) == []


def test_a_chain_of_symlinks_escape_is_refused_outside_files_untouched(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    chain = [link(f"{data.UCSD_FOLDER}/{'d' * 20}{index}", f"{'d' * 20}{index + 1}") for index in range(30)]
    overwrite = tarfile.TarInfo(f"{data.UCSD_FOLDER}/{'d' * 20}0/../../victim.txt")
    archive = archive_of([*good_members(), *((member, None) for member in chain), (overwrite, b"owned")],
                         tmp_path / "evil.tar.gz")
    with pytest.raises(ValueError):
        data.download_ucsd(tmp_path / "root", url=archive.as_uri())
    assert victim.read_text() == "mine"
    assert not (tmp_path / "root" / data.UCSD_FOLDER).exists()


def test_a_flipped_bit_in_the_gzip_stream_is_caught(tmp_path):
    archive = archive_of(good_members(), tmp_path / "good.tar.gz")
    content = bytearray(archive.read_bytes())
    content[-6] ^= 0x01  # inside the gzip trailer's CRC: tarfile alone never reads it
    archive.write_bytes(bytes(content))
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(bytes(content))
    with pytest.raises(ValueError, match="not a complete, safe UCSD archive"):
        data.download_ucsd(tmp_path / "root", url=archive.as_uri())
    assert list((tmp_path / "root").iterdir()) == []


@pytest.mark.parametrize(
    "members",
    [
        [(folder(data.UCSD_FOLDER), None), (folder("other"), None)],
        [(folder(data.UCSD_FOLDER), None), (folder(f"{data.UCSD_FOLDER}/UCSDped1"), None)],  # an empty subset
        good_members()[:3],  # training frames, no test video
    ],
    ids=["no-subset", "empty-subset", "no-test-videos"],
)
def test_an_archive_without_the_data_set_is_not_cached(tmp_path, members):
    archive = archive_of(members, tmp_path / "empty.tar.gz")
    with pytest.raises(ValueError, match=r"no UCSD_Anomaly_Dataset\.v1p2/UCSDped1"):
        data.download_ucsd(tmp_path / "root", url=archive.as_uri())
    assert list((tmp_path / "root").iterdir()) == []


def test_an_incomplete_copy_of_the_users_is_moved_aside_never_deleted(tmp_path, capsys):
    root = tmp_path / "root"
    (root / data.UCSD_FOLDER / "UCSDped1").mkdir(parents=True)  # a copy the user had not finished
    (root / data.UCSD_FOLDER / "UCSDped1" / "notes.txt").write_text("mine")
    archive = archive_of(good_members(), tmp_path / "good.tar.gz")
    folder = data.download_ucsd(root, url=archive.as_uri())
    assert (folder / "UCSDped1" / "Test" / "Test001" / "001.tif").is_file()
    (aside,) = root.glob(f"{data.UCSD_FOLDER}.moved-aside-*")
    assert (aside / "UCSDped1" / "notes.txt").read_text() == "mine"
    assert f"it is kept as {aside.name}" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["file", "link"])
def test_a_file_or_link_where_the_data_set_goes_is_moved_aside(tmp_path, kind):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("mine")
    if kind == "file":
        (root / data.UCSD_FOLDER).write_text("a file of the user's")
    else:
        (root / data.UCSD_FOLDER).symlink_to(elsewhere)
    data.download_ucsd(root, url=archive_of(good_members(), tmp_path / "good.tar.gz").as_uri())
    (aside,) = root.glob(f"{data.UCSD_FOLDER}.moved-aside-*")
    assert aside.is_symlink() if kind == "link" else aside.read_text() == "a file of the user's"
    assert (elsewhere / "precious.txt").read_text() == "mine" and sorted(elsewhere.iterdir()) == [
        elsewhere / "precious.txt"]


def test_a_local_write_error_keeps_the_good_archive(tmp_path, monkeypatch):
    archive = archive_of(good_members(), tmp_path / "good.tar.gz")
    root = tmp_path / "root"

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "extractall", disk_full)
    with pytest.raises(OSError, match="the archive is kept"):
        data.download_ucsd(root, url=archive.as_uri(), keep_archive=False)
    assert sorted(path.name for path in root.iterdir() if not path.name.startswith(".")) == [ucsd.ARCHIVE_NAME]
    monkeypatch.undo()
    assert data.download_ucsd(root, url="file:///nowhere").is_dir()  # the kept archive is used, no download
    assert sorted(path.name for path in root.iterdir()) == [data.UCSD_FOLDER]  # labutils' own archive goes


def test_stale_staging_from_a_killed_run_is_removed_and_nothing_else(tmp_path):
    archive = archive_of(good_members(), tmp_path / "good.tar.gz")
    root = tmp_path / "root"
    (root / ".extract-killed" / "half").mkdir(parents=True)
    (root / ".extract-killed" / ".labutils-staging").write_text("written by labutils")
    (root / ".extract-empty").mkdir()
    (root / ".extract-notes-of-mine").mkdir()
    (root / ".extract-notes-of-mine" / "notes.txt").write_text("mine")
    data.download_ucsd(root, url=archive.as_uri())
    assert sorted(path.name for path in root.iterdir()) == [".extract-notes-of-mine", data.UCSD_FOLDER]


def test_the_pinned_hash_is_checked_for_the_registry_url(monkeypatch, tmp_path):
    archive = archive_of(good_members(), tmp_path / "good.tar.gz")
    serve(monkeypatch, "ucsd", archive, sha256="f" * 64)
    with pytest.raises(ValueError, match="SHA-256"):
        data.download_ucsd(tmp_path / "root")
    assert list((tmp_path / "root").iterdir()) == []


# --------------------------------------------------------------------------- stand-in folders


def test_a_planted_link_is_replaced_and_its_target_untouched(isolated_data_dir, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "ecg.csv").write_text("precious")
    (victim / folders.STANDIN_MARKER).write_text("a marker copied by an attacker")
    standins = isolated_data_dir / "standins"
    standins.mkdir()
    os.symlink(victim, standins / "ecg-1")
    folder = folders.standin_folder("ecg-1", lambda staging: data.make_ecg_standin(staging / "ecg.csv"))
    assert folder == standins / "ecg-1" and not folder.is_symlink()
    assert data.load_ecg(folder / "ecg.csv")[0].shape == (300, 140)
    assert (victim / "ecg.csv").read_text() == "precious"


def test_a_folder_without_the_marker_is_generated_again(isolated_data_dir):
    calls = []

    def make(staging):
        calls.append(staging)
        (staging / "content.txt").write_text("generated")

    half = isolated_data_dir / "standins" / "demo"
    half.mkdir(parents=True)
    (half / "content.txt").write_text("half written by a killed run")
    made = folders.standin_folder("demo", make)
    assert (made / "content.txt").read_text() == "generated" and len(calls) == 1
    assert folders.standin_folder("demo", make) == made and len(calls) == 1  # reused once marked
    with pytest.raises(ValueError, match="plain folder name"):
        folders.standin_folder("../escape", make)
