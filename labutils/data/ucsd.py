"""Get the UCSD data set: download and safely extract the archive, or choose a source per profile.

Used by chapters 4 and 6 through :mod:`labutils.data`.
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

from labutils import _checks, env
from labutils.data import remote
from labutils.data.folders import DataSource, data_dir, describe, download_lock, standin_folder, writable_folder
from labutils.data.ucsd_layout import UCSD_FOLDER, UCSD_SUBSETS, holds_ucsd
from labutils.data.ucsd_standin import UCSD_STANDIN_VERSION, make_ucsd_standin


ARCHIVE_NAME = "UCSD_Anomaly_Dataset.tar.gz"
#: The real data set extracted: about 1.2 GB in about 22,600 files (Ped1: 14,000 frames of 238x158,
#: Ped2: 4,560 of 360x240, uncompressed 8-bit TIFF; plus the pixel masks and the .m files).
UCSD_EXTRACTED_BYTES = 1_200_000_000
#: An archive whose members declare more than this (about 2.7 times the real data set) is refused
#: before anything is written: a compression bomb cannot fill the disk.
MAX_EXTRACTED_BYTES = 3 << 30
#: An archive with more members than this (about 4 times the real one) is refused the same way.
MAX_MEMBERS = 100_000
_STAGING_MARKER = ".labutils-staging"  # in the staging folders this module writes, and only those
_DOWNLOADED = f".{ARCHIVE_NAME}.downloaded"  # beside an archive that labutils downloaded itself


@dataclasses.dataclass(frozen=True)
class ArchiveSize:
    """What an archive's members declare: bytes of file content and the number of members."""

    bytes: int
    members: int


def _refuse_unsafe(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """The ``data`` filter, and no links, special files, absolute or ``..`` names: the UCSD archive has none.

    Refusing every link closes the escapes that older Pythons' ``data`` filter let through
    (chains of symlinks longer than the path limit, plus a hard link: CVE-2025-4517).
    """
    if not (member.isfile() or member.isdir()):
        raise ValueError(f"member {member.name!r} is a link or a special file; the UCSD archive holds none")
    if member.name.startswith(("/", "\\")) or ".." in Path(member.name).parts:
        raise ValueError(f"member {member.name!r} has an absolute path or '..'; the UCSD archive holds none")
    return tarfile.data_filter(member, path)


def _check_archive(archive: Path) -> ArchiveSize:
    """Read the whole archive without writing anything: member kinds and sizes, tar headers, gzip CRC and length.

    The members' declared sizes are summed as their headers are read, and an archive past
    :data:`MAX_EXTRACTED_BYTES` or :data:`MAX_MEMBERS` is refused at that header, before the
    rest is even decompressed. Raises ``ValueError`` naming the archive for a truncated,
    corrupt, unsafe or oversized one.
    """
    total = count = 0
    videos: set[tuple[str, str]] = set()  # (subset, split) that hold at least one frame
    try:
        with open(archive, "rb") as file:
            head = file.read(2048)
        if _checks.looks_like_html(head):
            raise ValueError("an HTML page (a web server's error page?), not an archive")
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:  # checked against a folder that is not "/", where "../" cannot escape
                _refuse_unsafe(member, "/labutils-archive-check")
                total, count = total + member.size, count + 1
                parts = Path(member.name).parts
                if len(parts) == 5 and parts[0] == UCSD_FOLDER and parts[3].startswith(parts[2]) and member.isfile():
                    videos.add((parts[1], parts[2]))
                if total > MAX_EXTRACTED_BYTES or count > MAX_MEMBERS:
                    raise ValueError(
                        f"its members declare more than {MAX_EXTRACTED_BYTES / 2**30:.3g} GiB or {MAX_MEMBERS:,} "
                        f"files ({total / 2**30:.1f} GiB in {count:,} so far), where the real data set holds "
                        f"about {UCSD_EXTRACTED_BYTES / 1e9:.1f} GB; refused before extracting anything"
                    )
        if not any((subset, "Train") in videos and (subset, "Test") in videos for subset in UCSD_SUBSETS):
            raise ValueError(
                f"no {UCSD_FOLDER}/UCSDped1 or UCSDped2 folder with training and test videos in the archive"
            )
        if head[:2] == b"\x1f\x8b":  # tarfile stops before the end of the stream and never reads the CRC
            with gzip.open(archive, "rb") as stream:
                while stream.read(remote.CHUNK_BYTES):
                    pass
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, ValueError) as error:
        raise ValueError(f"{archive}: not a complete, safe UCSD archive ({error})") from None
    return ArchiveSize(total, count)


def _inside(folder: Path) -> None:
    """Check that nothing extracted under ``folder`` is a link or resolves outside it."""
    base = folder.resolve()
    for current, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(current) / name
            if path.is_symlink() or not path.resolve().is_relative_to(base):
                raise ValueError(f"{path}: extracted outside the staging folder or as a link; refused")


def manual_instructions(root: Path) -> str:
    """How to provide the data set by hand: where to put the archive or the extracted folder."""
    entry = remote.remote_file("ucsd")
    return (
        f"To go on without this download, fetch {ARCHIVE_NAME} yourself (from {entry.page}; the official "
        f"file has SHA-256 {entry.sha256}) and put it at {root / ARCHIVE_NAME}, or extract it there so that "
        f"{root / UCSD_FOLDER / 'UCSDped1'} exists; labutils finds either the next time it runs. "
        "Or run with LAB_PROFILE=quick (a generated stand-in)"
    )


def _users_archive(archive: Path, url: str | Sequence[str] | None) -> ArchiveSize:
    """Check an archive that labutils did not download (put there by hand): never deleted, named if wrong."""
    entry = remote.remote_file("ucsd")
    kept = "labutils did not download it, so it is left in place: replace it or remove it"
    if url is None and entry.sha256 and (actual := remote.sha256_of(archive)) != entry.sha256:
        raise ValueError(
            f"{archive}: SHA-256 {actual} is not the official archive's {entry.sha256}; {kept} "
            f"(or extract it yourself so that {archive.parent / UCSD_FOLDER / 'UCSDped1'} exists)"
        )
    try:
        return _check_archive(archive)
    except ValueError as error:
        raise ValueError(f"{error}; {kept}") from None


def _move_aside(path: Path) -> Path:
    """Rename ``path`` (a file, link or folder labutils did not write) beside itself, and say so."""
    aside = path.with_name(f"{path.name}.moved-aside-{time.strftime('%Y%m%d-%H%M%S')}")
    while aside.exists() or aside.is_symlink():
        aside = aside.with_name(aside.name + "-1")
    os.replace(path, aside)
    print(f"{path} was not a complete UCSD data set; it is kept as {aside.name} and the download takes its place")
    return aside


def download_ucsd(
    root: str | Path | None = None, url: str | Sequence[str] | None = None, keep_archive: bool = False
) -> Path:
    """Download and safely extract the UCSD Anomaly Detection data set under ``root``; return its folder.

    Used by chapters 4 and 6. ``root`` defaults to ``data_dir() / "ucsd"`` (on Colab with
    Drive mounted, a folder on Drive, so students download it once). Nothing is fetched
    when ``root`` already holds the extracted ``UCSD_Anomaly_Dataset.v1p2``, or
    ``UCSD_Anomaly_Dataset.tar.gz`` put there by hand (checked against the official
    SHA-256). The archive is fetched by :func:`labutils.data.remote.fetch` from the
    registry's sources in turn, each checked against the pinned SHA-256 (``url``: one URL
    or a list, any scheme urllib understands, ``file://`` included, checked by content
    only), into ``UCSD_Anomaly_Dataset.tar.gz.part`` with a progress bar; an interrupted
    download resumes from there. When every source fails, the error says how to put the
    archive or the extracted folder in ``root`` by hand.

    The whole archive is read before anything is written (gzip checksum, tar headers;
    links and special files are refused: the data set has none; members declaring more
    than :data:`MAX_EXTRACTED_BYTES`, about 2.7 times the real data set, are refused), the
    free space is checked, it is extracted with the standard library's ``data`` filter
    into a staging folder, checked to hold only files inside it and the data set, and only
    then renamed into place. Whatever was at that place and is not the complete data set
    (a file, a link, a partial copy) is moved aside, never deleted. The archive is deleted
    afterwards if labutils downloaded it and not ``keep_archive``; an archive put there by
    hand is never deleted. A broken archive that labutils downloaded is deleted
    (``ValueError``); a local failure while extracting (a full disk) keeps it (``OSError``).
    """
    root = _checks.path("root", root) if root is not None else data_dir() / "ucsd"
    keep_archive = _checks.flag("keep_archive", keep_archive)
    if root.name == UCSD_FOLDER and holds_ucsd(root, complete=True):  # the data set's own folder
        return root
    target = root / UCSD_FOLDER
    if holds_ucsd(target, complete=True):
        return target
    if not hasattr(tarfile, "data_filter"):
        raise RuntimeError("safe extraction needs Python 3.10.12, 3.11.4, 3.12 or newer (tarfile's 'data' filter)")
    writable_folder(root)
    archive, downloaded = root / ARCHIVE_NAME, root / _DOWNLOADED
    checked: list[ArchiveSize] = []
    if archive.is_file() and not downloaded.is_file():
        size = _users_archive(archive, url)
    else:
        remote.fetch("ucsd", archive, url=url, validate=lambda part: checked.append(_check_archive(part)),
                     hint=manual_instructions(root))
        downloaded.touch()
        try:
            size = checked[-1] if checked else _check_archive(archive)  # a kept archive is read again
        except ValueError:
            archive.unlink(missing_ok=True)  # labutils' own broken archive must not be trusted next time
            downloaded.unlink(missing_ok=True)
            raise
    with download_lock(target):
        if holds_ucsd(target, complete=True):  # another process extracted it while we waited
            return target
        try:
            _extract(archive, root, size)
        except ValueError as error:
            if not downloaded.is_file():
                raise ValueError(f"{error}; labutils did not download it, so it is left in place") from None
            archive.unlink(missing_ok=True)
            downloaded.unlink(missing_ok=True)
            raise ValueError(f"{error}; deleted") from None
    if not keep_archive and downloaded.is_file():
        archive.unlink(missing_ok=True)
        downloaded.unlink(missing_ok=True)
    return target


def _extract(archive: Path, root: Path, size: ArchiveSize) -> None:
    """Extract a checked ``archive`` into a staging folder in ``root``, then rename its data set into place."""
    for stale in root.glob(".extract-*"):  # left by a killed run (we hold the lock): ours, or empty
        if (stale / _STAGING_MARKER).is_file() or (stale.is_dir() and not any(stale.iterdir())):
            shutil.rmtree(stale, ignore_errors=True)
    remote.free_space_for(root, size.bytes + 4096 * size.members, f"extracting {archive.name}")
    staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=root))
    target = root / UCSD_FOLDER
    try:
        (staging / _STAGING_MARKER).write_text("written by labutils while extracting; safe to delete\n")
        try:
            with tarfile.open(archive, "r:*") as tar:
                tar.extractall(staging, filter=_refuse_unsafe)
        except (tarfile.TarError, ValueError) as error:
            raise ValueError(f"{archive}: not a complete, safe UCSD archive ({error})") from None
        except OSError as error:
            raise OSError(
                f"could not extract {archive.name} into {root} ({error}); the archive is kept: "
                "free some space (or fix the folder's permissions) and run again"
            ) from error
        _inside(staging)
        extracted = staging / UCSD_FOLDER
        if not holds_ucsd(extracted, complete=True):
            raise ValueError(
                f"{archive}: no {UCSD_FOLDER}/UCSDped1 or UCSDped2 folder with training and test "
                "videos in the archive"
            )
        if target.exists() or target.is_symlink():  # not the complete data set: the user's, kept
            _move_aside(target)
        os.replace(extracted, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def locate_ucsd(profile: str | None = None, subset: str = "UCSDped1") -> tuple[Path, DataSource]:
    """Choose the UCSD folder for a profile and say where it comes from (chapters 4 and 6).

    In order: an extracted data set in ``data_dir() / "ucsd"`` or ``data_dir()`` (any
    profile); the archive ``UCSD_Anomaly_Dataset.tar.gz`` in ``data_dir() / "ucsd"``, put
    there by hand, extracted by :func:`download_ucsd` without the network (any profile); in
    the full profile, :func:`download_ucsd`; in the quick profile, a generated stand-in
    (:func:`make_ucsd_standin`), without the network. Returns the root to pass to the
    loaders and a one-line description for the notebook to print, a :class:`DataSource`
    whose ``real`` and ``name`` say what the data is (``"real"``, or ``"generated v3"``
    with the stand-in's version), for the notebooks' settings and saved-model names.
    """
    profile = env.resolve_profile(profile)
    subset = _checks.text("subset", subset, UCSD_SUBSETS)
    for candidate in (data_dir() / "ucsd", data_dir()):
        if (candidate / UCSD_FOLDER / subset).is_dir():
            return candidate, DataSource(
                f"real UCSD {subset} data from the data folder ({describe(candidate / UCSD_FOLDER)})", real=True
            )
    if profile == "full" or (data_dir() / "ucsd" / ARCHIVE_NAME).is_file():
        folder = download_ucsd(data_dir() / "ucsd")
        if not (folder / subset).is_dir():
            raise FileNotFoundError(f"{folder} holds no {subset}/ folder; the UCSD archive has UCSDped1 and UCSDped2")
        return folder.parent, DataSource(
            f"real UCSD {subset} data, downloaded once (cached as {describe(folder)})", real=True
        )
    # Named after the generator's version, so a changed generator never reuses old frames.
    root = standin_folder(f"ucsd-{UCSD_STANDIN_VERSION}-{subset}", lambda staging: make_ucsd_standin(staging, subset))
    name = f"generated v{UCSD_STANDIN_VERSION}"
    return root, DataSource(f"generated stand-in in the UCSD layout ({name}), not real video", real=False, name=name)
