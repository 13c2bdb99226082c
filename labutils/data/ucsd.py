"""Get the UCSD data set: download and safely extract the archive, or choose a source per profile.

Used by chapters 4 and 6 through :mod:`labutils.data`.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path

from labutils import env
from labutils.data import remote
from labutils.data.folders import data_dir, describe, download_lock, standin_folder
from labutils.data.ucsd_layout import UCSD_FOLDER, holds_ucsd
from labutils.data.ucsd_standin import UCSD_STANDIN_VERSION, make_ucsd_standin


ARCHIVE_NAME = "UCSD_Anomaly_Dataset.tar.gz"


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


def _check_archive(archive: Path) -> None:
    """Read the whole archive without writing anything: gzip CRC and length, tar headers, member kinds.

    Raises ``ValueError`` naming the archive for a truncated, corrupt or unsafe one.
    """
    try:
        with open(archive, "rb") as file:
            gzipped = file.read(2) == b"\x1f\x8b"
        if gzipped:  # tarfile stops before the end of the stream and never reads the CRC
            with gzip.open(archive, "rb") as stream:
                while stream.read(remote.CHUNK_BYTES):
                    pass
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:  # checked against a folder that is not "/", where "../" cannot escape
                _refuse_unsafe(member, "/labutils-archive-check")
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, ValueError) as error:
        raise ValueError(f"{archive}: not a complete, safe UCSD archive ({error})") from None


def _inside(folder: Path) -> None:
    """Check that nothing extracted under ``folder`` is a link or resolves outside it."""
    base = folder.resolve()
    for current, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(current) / name
            if path.is_symlink() or not path.resolve().is_relative_to(base):
                raise ValueError(f"{path}: extracted outside the staging folder or as a link; refused")


def download_ucsd(root: str | Path | None = None, url: str | None = None, keep_archive: bool = False) -> Path:
    """Download and safely extract the UCSD Anomaly Detection data set under ``root``; return its folder.

    Used by chapters 4 and 6. ``root`` defaults to ``data_dir() / "ucsd"`` (on Colab with
    Drive mounted, a folder on Drive, so students download it once). Nothing is fetched
    when ``root`` already holds the extracted ``UCSD_Anomaly_Dataset.v1p2``. The archive
    (``url``, default: the registry's in :mod:`labutils.data.remote`, whose SHA-256 is then
    checked; any URL urllib understands, ``file://`` included) is fetched by
    :func:`labutils.data.remote.fetch` into ``UCSD_Anomaly_Dataset.tar.gz.part`` with a
    progress bar, and an interrupted download resumes from there. The whole archive is then
    read once (gzip checksum, tar headers; links and special files are refused: the data
    set has none), extracted with the standard library's ``data`` filter into a staging
    folder, checked to hold only files inside it, and only then renamed into place; the
    archive is deleted unless ``keep_archive``. A broken archive is deleted (``ValueError``);
    a local failure while extracting (a full disk) keeps it and raises ``OSError``.
    """
    root = Path(root).expanduser() if root is not None else data_dir() / "ucsd"
    if root.name == UCSD_FOLDER and holds_ucsd(root, complete=True):  # the data set's own folder
        return root
    target = root / UCSD_FOLDER
    if holds_ucsd(target, complete=True):
        return target
    if not hasattr(tarfile, "data_filter"):
        raise RuntimeError("safe extraction needs Python 3.10.12, 3.11.4, 3.12 or newer (tarfile's 'data' filter)")
    root.mkdir(parents=True, exist_ok=True)
    hint = f"Or put the extracted {UCSD_FOLDER} folder in {root}, or run with LAB_PROFILE=quick"
    archive = remote.fetch("ucsd", root / ARCHIVE_NAME, url=url, hint=hint)
    with download_lock(target):
        if holds_ucsd(target, complete=True):  # another process extracted it while we waited
            return target
        for stale in root.glob(".extract-*"):  # left by a killed run; we hold the lock
            shutil.rmtree(stale, ignore_errors=True)
        try:
            _check_archive(archive)
        except ValueError:
            archive.unlink(missing_ok=True)  # a broken archive must not be trusted next time
            raise
        staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=root))
        try:
            try:
                with tarfile.open(archive, "r:*") as tar:
                    tar.extractall(staging, filter=_refuse_unsafe)
            except (tarfile.TarError, ValueError) as error:
                archive.unlink(missing_ok=True)
                raise ValueError(f"{archive}: not a complete, safe UCSD archive ({error}); deleted") from None
            except OSError as error:
                raise OSError(
                    f"could not extract {archive.name} into {root} ({error}); the archive is kept: "
                    "free some space (or fix the folder's permissions) and run again"
                ) from error
            _inside(staging)
            extracted = staging / UCSD_FOLDER
            if not holds_ucsd(extracted, complete=True):
                archive.unlink(missing_ok=True)
                raise ValueError(
                    f"{archive}: no {UCSD_FOLDER}/UCSDped1 or UCSDped2 folder with training and test "
                    "videos in the archive; deleted"
                )
            if target.is_symlink():  # an incomplete copy from before is replaced, never followed
                target.unlink()
            elif target.exists():
                os.replace(target, staging / "incomplete")
            os.replace(extracted, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        if not keep_archive:
            archive.unlink(missing_ok=True)
    return target


def locate_ucsd(profile: str | None = None, subset: str = "UCSDped1") -> tuple[Path, str]:
    """Choose the UCSD folder for a profile and say where it comes from (chapters 4 and 6).

    In order: an extracted data set in ``data_dir() / "ucsd"`` or ``data_dir()`` (any
    profile); in the full profile, :func:`download_ucsd`; in the quick profile, a
    generated stand-in (:func:`make_ucsd_standin`), without the network. Returns the
    root to pass to the loaders and a one-line description for the notebook to print.
    """
    profile = env.resolve_profile(profile)
    for candidate in (data_dir() / "ucsd", data_dir()):
        if (candidate / UCSD_FOLDER / subset).is_dir():
            return candidate, f"real UCSD {subset} data from the data folder ({describe(candidate / UCSD_FOLDER)})"
    if profile == "full":
        folder = download_ucsd(data_dir() / "ucsd")
        if not (folder / subset).is_dir():
            raise FileNotFoundError(f"{folder} holds no {subset}/ folder; the UCSD archive has UCSDped1 and UCSDped2")
        return folder.parent, f"real UCSD {subset} data, downloaded once (cached as {describe(folder)})"
    # Named after the generator's version, so a changed generator never reuses old frames.
    root = standin_folder(f"ucsd-{UCSD_STANDIN_VERSION}-{subset}", lambda staging: make_ucsd_standin(staging, subset))
    return root, "generated stand-in in the UCSD layout, not real video"
