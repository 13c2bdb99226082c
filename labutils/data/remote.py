"""Every file the course downloads, and the one way it downloads them.

:data:`REMOTE_FILES` is the registry: for each file its sources (URLs tried in order), its
SHA-256 where it is known, whether a server lets a broken transfer resume and how large the
file may be. :func:`fetch` downloads one of them into the data folder: staged in a ``.part``
file beside the target, with one progress bar, resumed with an HTTP ``Range`` request where
allowed, checked against the hash and by the loader's own ``validate`` function, and only
then renamed into place, so an interrupted, corrupt, oversized or wrong download never
leaves a file that a later run would trust. When a source fails, the next one is tried; when
all fail, one message says what each did and how to provide the file by hand. A lock file
keeps two downloads from writing into the same target at once. Used by the ECG lab,
chapter 2 (MNIST) and the UCSD chapters.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.client
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from labutils.data.folders import download_lock, writable_folder
from labutils.progress import progress_bar

CHUNK_BYTES = 1 << 20
TIMEOUT_SECONDS = 60
#: Room left free beside a download or an extraction, on top of what it writes.
SPARE_BYTES = 64 << 20


@dataclasses.dataclass(frozen=True)
class RemoteFile:
    """One downloadable file: where it is, how to check it, whether a transfer can resume."""

    url: str
    sha256: str | None = None
    resumable: bool = False
    description: str = ""
    #: More addresses of the same file, tried in order after ``url``; each is checked against ``sha256``.
    mirrors: tuple[str, ...] = ()
    #: The most bytes a download may hold (a multiple of the real file's size); larger is refused.
    max_bytes: int | None = None
    #: A page where a person can download the file by hand, named when every source fails.
    page: str = ""

    @property
    def sources(self) -> tuple[str, ...]:
        """The URLs to try, in order: ``url``, then the ``mirrors``."""
        return (self.url, *self.mirrors)


#: The registry of every download. The UCSD archive's SHA-256 is the one other projects
#: pin for the same URL (anomalib's UCSDped download); MNIST's is the one Keras checks.
#: TensorFlow publishes no hash for ``ecg.csv``: the ECG reader checks its content instead.
#: No mirror is listed: every other copy of the UCSD archive found in public projects is a
#: re-packed subset (Ped2 zips, frames as JPEG), which could not match the pinned SHA-256.
#: Add one to ``mirrors`` only with evidence that it serves the same bytes.
REMOTE_FILES: dict[str, RemoteFile] = {
    "ecg": RemoteFile(
        url="https://storage.googleapis.com/download.tensorflow.org/data/ecg.csv",
        description="TensorFlow's ecg.csv (ECG5000, 4,998 beats, 2.6 MB)",
        max_bytes=64 << 20,
    ),
    "mnist": RemoteFile(
        url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        description="Keras's mnist.npz (70,000 digits, 11 MB)",
        max_bytes=64 << 20,
    ),
    "ucsd": RemoteFile(
        url="http://www.svcl.ucsd.edu/projects/anomaly/UCSD_Anomaly_Dataset.tar.gz",
        sha256="2329af326951f5097fdd114c50e853957d3e569493a49d22fc082a9fd791915b",
        resumable=True,
        description="the UCSD Anomaly Detection archive (about 700 MB)",
        max_bytes=2 << 30,  # the archive is 706 MB
        page="http://www.svcl.ucsd.edu/projects/anomaly/dataset.htm",
    ),
}


def remote_file(name: str) -> RemoteFile:
    """The registry entry ``name`` (``"ecg"``, ``"mnist"``, ``"ucsd"``); ``ValueError`` otherwise."""
    if name not in REMOTE_FILES:
        raise ValueError(f"no remote file named {name!r}; known: {sorted(REMOTE_FILES)}")
    return REMOTE_FILES[name]


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


class BadDownload(ValueError):
    """A source delivered a file that must not be kept: too large, unchecked, or wrong."""


class NoRoom(OSError):
    """The folder has no room for what is about to be written: no other source would help."""


def free_space_for(folder: Path, needed: int, what: str) -> None:
    """Raise :class:`NoRoom` naming ``folder`` unless it has ``needed`` bytes and :data:`SPARE_BYTES` free."""
    free = shutil.disk_usage(folder).free
    if free < needed + SPARE_BYTES:
        raise NoRoom(
            f"{what} needs {needed / 1e6:,.0f} MB and {folder} has {free / 1e6:,.0f} MB free; "
            "free some space (or set LABUTILS_DATA_DIR to a larger disk) and run again"
        )


def _transfer(url: str, part: Path, resumable: bool, label: str, max_bytes: int | None) -> bool:
    """Append ``url``'s bytes to ``part`` (from its current size when ``resumable``), with a progress bar.

    Returns whether the server said how long the file is (and all of it arrived). Raises
    :class:`BadDownload` for a file larger than ``max_bytes`` and ``OSError`` for a transfer
    that fails or a folder without room for the announced length.
    """
    have = part.stat().st_size if resumable and part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:  # nothing left to fetch: the part file is complete
            error.close()
            return False
        raise
    with response:
        resumed = have > 0 and getattr(response, "status", None) == 206
        if not resumed:
            have = 0
        remaining = response.headers.get("Content-Length")
        total = have + int(remaining) if remaining is not None else None
        if total is not None and max_bytes is not None and total > max_bytes:
            raise BadDownload(f"the server announces {total:,} bytes, more than the {max_bytes:,} this file may have")
        if total is not None:
            free_space_for(part.parent, total - have, f"downloading {label}")
        with open(part, "ab" if resumed else "wb") as file, progress_bar(
            total=total, initial=have, unit="B", unit_scale=True, unit_divisor=1024, desc=label
        ) as bar:
            while chunk := response.read(CHUNK_BYTES):
                file.write(chunk)
                bar.update(len(chunk))
                if max_bytes is not None and file.tell() > max_bytes:
                    raise BadDownload(f"more than the {max_bytes:,} bytes this file may have arrived")
    size = part.stat().st_size
    if total is not None and size != total:
        raise OSError(f"the transfer stopped at {size:,} of {total:,} bytes")
    return total is not None


def _check(part: Path, expected: str | None, validate, length_known: bool) -> None:
    """The checks a downloaded ``part`` must pass before it is kept; :class:`BadDownload` otherwise."""
    if expected is not None:
        if (actual := sha256_of(part)) != expected:
            raise BadDownload(f"SHA-256 {actual} differs from the expected {expected}")
    elif validate is None and not length_known:
        raise BadDownload("the server sent no length and nothing can check the content, so it may be cut short")
    if validate is not None:
        try:
            validate(part)
        except ValueError as error:  # the reader names the .part file, which is deleted next
            raise BadDownload(str(error).replace(str(part), "the downloaded file")) from None


def fetch(
    name: str,
    target: str | Path,
    *,
    url: str | Sequence[str] | None = None,
    validate: Callable[[Path], object] | None = None,
    hint: str | None = None,
) -> Path:
    """Download registry entry ``name`` to ``target`` once, and return ``target``.

    The entry's sources are tried in order (``url``, then its ``mirrors``), each checked
    against the entry's SHA-256. ``url`` (one URL or a list, any scheme urllib understands,
    ``file://`` included) replaces them; the hash is then checked only for the registry's
    own URLs. ``validate(path)`` is the loader's check of the content and must raise
    ``ValueError`` for bad content; a file with no hash to check and no ``Content-Length``
    is kept only when ``validate`` accepts it. ``hint`` replaces the failure message's
    advice on providing the file by hand. Nothing is fetched when ``target`` exists.

    When every source fails, raises one error that names each source and what went
    wrong: ``OSError`` when no transfer got through (naming what was kept for a resume),
    ``ValueError`` when a file arrived but was wrong (hash, size or content; it is deleted).
    A folder without room for an announced length raises ``OSError`` at once.
    """
    entry = remote_file(name)
    target = Path(target)
    if target.is_file():
        return target
    sources = entry.sources if url is None else ((url,) if isinstance(url, str) else tuple(url))
    if not sources or not all(isinstance(source, str) and source for source in sources):
        raise ValueError(f"url must be a URL or a non-empty list of URLs, got {url!r}")
    writable_folder(target.parent)
    part = target.with_name(target.name + ".part")
    failures: list[tuple[str, bool, str]] = []  # (source, whether a wrong file arrived, what went wrong)
    with download_lock(target):
        if target.is_file():  # another process finished it while we waited
            return target
        for index, source in enumerate(sources):
            expected = entry.sha256 if source in entry.sources else None
            if index and expected is None:  # never resume one URL's bytes with another's unchecked ones
                part.unlink(missing_ok=True)
            try:
                length_known = _transfer(source, part, entry.resumable, target.name, entry.max_bytes)
                _check(part, expected, validate, length_known)
            except BadDownload as error:
                part.unlink(missing_ok=True)
                failures.append((source, True, f"({error})"))
                continue
            except NoRoom:
                raise
            except (OSError, http.client.HTTPException, ValueError) as error:
                if not entry.resumable:
                    part.unlink(missing_ok=True)
                kept = f"; {part.name} is kept and the next call resumes from it" if part.exists() else ""
                failures.append((source, False, f"({error}){kept}"))
                continue
            os.replace(part, target)
            return target
    hint = hint or f"Or put {target.name} in {target.parent} (LABUTILS_DATA_DIR), or run with LAB_PROFILE=quick"
    error = ValueError if all(bad for _, bad, _ in failures) else OSError  # OSError: trying again may help
    if len(failures) == 1:
        ((source, bad, detail),) = failures
        raise error(f"{source}: the download was bad {detail}; it was deleted. {hint}" if bad
                    else f"could not download {source} {detail}. {hint}")
    listed = "".join(
        f"\n  - {source}: " + ("the download was bad" if bad else "could not download it") + f" {detail}"
        + ("; it was deleted" if bad else "")
        for source, bad, detail in failures
    )
    described = entry.description or target.name
    raise error(f"could not download {described} from any of its {len(failures)} sources:{listed}\n{hint}")
