"""Every file the course downloads, and the one way it downloads them.

:data:`REMOTE_FILES` is the registry: for each file its URL, its SHA-256 where it is known
and whether the server lets a broken transfer resume. :func:`fetch` downloads one of them
into the data folder: staged in a ``.part`` file beside the target, with one progress bar,
resumed with an HTTP ``Range`` request where allowed, checked against the hash and by the
loader's own ``validate`` function, and only then renamed into place, so an interrupted,
corrupt or wrong download never leaves a file that a later run would trust. A lock file
keeps two downloads from writing into the same target at once. Used by the ECG lab,
chapter 2 (MNIST) and the UCSD chapters.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.client
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from labutils.data.folders import download_lock, writable_folder
from labutils.progress import progress_bar

CHUNK_BYTES = 1 << 20
TIMEOUT_SECONDS = 60


@dataclasses.dataclass(frozen=True)
class RemoteFile:
    """One downloadable file: where it is, how to check it, whether a transfer can resume."""

    url: str
    sha256: str | None = None
    resumable: bool = False
    description: str = ""


#: The registry of every download. The UCSD archive's SHA-256 is the one other projects
#: pin for the same URL (anomalib's UCSDped download); MNIST's is the one Keras checks.
#: TensorFlow publishes no hash for ``ecg.csv``: the ECG reader checks its content instead.
REMOTE_FILES: dict[str, RemoteFile] = {
    "ecg": RemoteFile(
        url="https://storage.googleapis.com/download.tensorflow.org/data/ecg.csv",
        description="TensorFlow's ecg.csv (ECG5000, 4,998 beats, 2.6 MB)",
    ),
    "mnist": RemoteFile(
        url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        description="Keras's mnist.npz (70,000 digits, 11 MB)",
    ),
    "ucsd": RemoteFile(
        url="http://www.svcl.ucsd.edu/projects/anomaly/UCSD_Anomaly_Dataset.tar.gz",
        sha256="2329af326951f5097fdd114c50e853957d3e569493a49d22fc082a9fd791915b",
        resumable=True,
        description="the UCSD Anomaly Detection archive (about 700 MB)",
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


def _transfer(url: str, part: Path, resumable: bool, label: str) -> None:
    """Append ``url``'s bytes to ``part`` (from its current size when ``resumable``), with a progress bar."""
    have = part.stat().st_size if resumable and part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:  # nothing left to fetch: the part file is complete
            error.close()
            return
        raise
    with response:
        resumed = have > 0 and getattr(response, "status", None) == 206
        if not resumed:
            have = 0
        remaining = response.headers.get("Content-Length")
        total = have + int(remaining) if remaining is not None else None
        with open(part, "ab" if resumed else "wb") as file, progress_bar(
            total=total, initial=have, unit="B", unit_scale=True, unit_divisor=1024, desc=label
        ) as bar:
            while chunk := response.read(CHUNK_BYTES):
                file.write(chunk)
                bar.update(len(chunk))
    size = part.stat().st_size
    if total is not None and size != total:
        raise OSError(f"the transfer stopped at {size:,} of {total:,} bytes")


def fetch(
    name: str,
    target: str | Path,
    *,
    url: str | None = None,
    validate: Callable[[Path], object] | None = None,
    hint: str | None = None,
) -> Path:
    """Download registry entry ``name`` to ``target`` once, and return ``target``.

    ``url`` replaces the registry's (any URL urllib understands, ``file://`` included; the
    registry's hash is then checked only if the URL is the registry's own). ``validate(path)``
    is the loader's check of the content and must raise ``ValueError`` for bad content;
    ``hint`` replaces the failure message's advice on providing the file by hand.
    Nothing is fetched when ``target`` exists. Raises ``OSError`` when the transfer fails
    (naming the URL, what was kept for a resume, and how to provide the file by hand) and
    ``ValueError`` when the file arrives but is wrong (hash or content); a wrong file is
    deleted.
    """
    entry = remote_file(name)
    target = Path(target)
    if target.is_file():
        return target
    url = url or entry.url
    expected = entry.sha256 if url == entry.url else None
    writable_folder(target.parent)
    part = target.with_name(target.name + ".part")
    with download_lock(target):
        if target.is_file():  # another process finished it while we waited
            return target
        try:
            _transfer(url, part, entry.resumable, target.name)
        except (OSError, http.client.HTTPException, ValueError) as error:
            if not entry.resumable:
                part.unlink(missing_ok=True)
            kept = f"; {part.name} is kept and the next call resumes from it" if part.exists() else ""
            hint = hint or (
                f"Or put {target.name} in {target.parent} (LABUTILS_DATA_DIR), or run with LAB_PROFILE=quick"
            )
            raise OSError(f"could not download {url} ({error}){kept}. {hint}") from error
        try:
            if expected is not None and (actual := sha256_of(part)) != expected:
                raise ValueError(f"{url}: SHA-256 {actual} differs from the expected {expected}; deleted, run again")
            if validate is not None:
                validate(part)
        except Exception:
            part.unlink(missing_ok=True)
            raise
        os.replace(part, target)
    return target
