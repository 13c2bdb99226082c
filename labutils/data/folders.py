"""Where the course's data lives: the data folder, the real subsets shipped inside labutils,
stand-ins, and the lock that keeps two writers out of one place.

Every data set module asks here where to look first and where to cache downloads. Used by
every chapter through :mod:`labutils.data`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from labutils import env


#: Where Colab mounts Google Drive.
DRIVE_MOUNT = "/content/drive"

#: The folder inside Drive that holds the data and trained models (Colab, Drive mounted).
DRIVE_FOLDER = "MyDrive/labutils-data"


def data_dir() -> Path:
    """Return the folder where real data files are looked for first and downloads cached.

    ``LABUTILS_DATA_DIR`` when set; on Colab with Google Drive mounted, a folder on
    Drive (so a download survives the session); otherwise ``~/.cache/labutils``.
    """
    configured = os.environ.get("LABUTILS_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    drive = Path(DRIVE_MOUNT) / DRIVE_FOLDER
    if env.on_colab() and drive.parent.is_dir():
        return drive
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "labutils"


def use_drive(folder: str = DRIVE_FOLDER) -> str | None:
    """On Colab, mount Google Drive and keep the data and trained models there; elsewhere do nothing.

    Mounts Drive at :data:`DRIVE_MOUNT` (Colab asks for permission once), creates
    ``folder`` inside it and points ``LABUTILS_DATA_DIR`` at it, so downloads, stand-ins
    and the weights :func:`labutils.saved_models.trained_model` saves outlive the session.
    The default is the folder :func:`data_dir` already uses on Colab when Drive is
    mounted. Returns the folder, or None (with a line saying so) when not on Colab.
    Chapters 4 and 6 call it before they load data.
    """
    from pathlib import PurePosixPath

    if not isinstance(folder, str) or not folder.strip() or PurePosixPath(folder).is_absolute() or (
        ".." in PurePosixPath(folder).parts
    ):
        raise ValueError(f"folder must be a path inside Google Drive such as 'MyDrive/labutils-data', got {folder!r}")
    if not env.on_colab():
        print(f"Not on Colab: Google Drive is not mounted; data and models stay in {data_dir()}")
        return None
    from google.colab import drive  # only importable on Colab

    drive.mount(DRIVE_MOUNT)
    target = os.path.join(DRIVE_MOUNT, folder.strip().strip("/"))
    os.makedirs(target, exist_ok=True)
    os.environ["LABUTILS_DATA_DIR"] = target
    print(f"Data and trained models are kept on Google Drive, in {target}")
    return target


def writable_folder(folder: str | Path) -> Path:
    """Create ``folder`` if needed and return it, or say clearly why it cannot be written.

    Raises ``OSError`` naming the folder and ``LABUTILS_DATA_DIR`` when it is a file, is
    read-only or cannot be made, instead of a bare ``NotADirectoryError`` from deep inside.
    Downloads (:func:`labutils.data.remote.fetch`) and stand-ins check their folder with it.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(13, "read-only")
    except OSError as error:
        raise OSError(
            f"cannot write to {folder} ({error.strerror or error}); "
            "set LABUTILS_DATA_DIR to a folder you can write to"
        ) from error
    return folder


def writable_data_dir(subfolder: str | Path = "") -> Path:
    """Create and return ``data_dir() / subfolder``; see :func:`writable_folder` for the errors."""
    return writable_folder(data_dir() / subfolder)


#: The real data subsets shipped inside the package (package data; see ``files/README.md``).
SHIPPED_FOLDER = Path(__file__).resolve().parent / "files"


def shipped_file(name: str) -> Path:
    """Return the path of ``name``, a real data file shipped with labutils in :data:`SHIPPED_FOLDER`.

    The quick profile reads these instead of downloading, on any machine (a clone, Colab, a
    wheel). Raises ``FileNotFoundError`` naming the file when the installation lacks it.
    Used by chapters 2 and 3 through :mod:`.mnist` and :mod:`.ecg`.
    """
    if not name or Path(name).name != name:
        raise ValueError(f"name must be a plain file name, got {name!r}")
    path = SHIPPED_FOLDER / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: this labutils installation lacks its shipped data file; reinstall labutils, "
            "or put the real data in LABUTILS_DATA_DIR"
        )
    return path


class DataSource(str):
    """The one-line description a ``locate_*`` function returns, which also says what the data is.

    It is the sentence a notebook prints (a ``str``, as before), with two attributes a
    notebook reads instead of searching the sentence: ``real`` (True for the real data set,
    a download or a copy in the data folder) and ``name``, a short label for keys and
    tables: ``"real"`` or, for a generated stand-in, ``"generated v3"`` (its version).
    """

    real: bool
    name: str

    def __new__(cls, text: str, real: bool, name: str | None = None) -> DataSource:
        if not isinstance(real, bool):
            raise ValueError(f"real must be True or False, got {real!r}")
        source = super().__new__(cls, text)
        source.real = real
        source.name = name or ("real" if real else "generated")
        return source

    def __reduce__(self):  # pickling keeps the attributes
        return (DataSource, (str(self), self.real, self.name))


def describe(path: str | Path) -> str:
    """``path`` as a notebook prints it: relative to the data folder when inside it, else its name.

    Keeps a machine's absolute paths (a home folder, a build server's checkout) off the
    published pages.
    """
    path = Path(path)
    try:
        return f"{path.relative_to(data_dir())} in the data folder"
    except ValueError:
        return path.name


@contextlib.contextmanager
def download_lock(target: Path, wait: bool = False):
    """Hold ``<target>.lock`` while writing ``target``; a second writer fails clearly, or waits if ``wait``.

    The lock file is removed afterwards; a writer that locked a file just removed by the
    previous holder notices (the path no longer names its file) and locks again.
    """
    lock_path = target.with_name(target.name + ".lock")
    if sys.platform == "win32":  # no fcntl: no lock, as before
        yield
        return
    import fcntl

    while True:
        handle = open(lock_path, "a+")  # closed in the finally below
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise OSError(
                f"another download into {target.parent} is running (it holds {lock_path.name}); "
                "wait for it to finish, then run again"
            ) from None
        except OSError as error:  # a file system without locks (some network or FUSE mounts)
            handle.close()
            raise OSError(f"cannot lock {lock_path} ({error.strerror or error})") from error
        try:
            same = os.stat(lock_path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock_path.unlink()
        handle.close()


STANDIN_MARKER = ".labutils-standin"


def standin_folder(name: str, make: Callable[[Path], object]) -> Path:
    """Return ``data_dir()/standins/<name>``, generating it with ``make(folder)`` when needed.

    The folder counts as generated only when it is a real folder (not a link) holding the
    marker file this function writes after ``make`` succeeded; anything else there (a
    half-written folder from a killed run, a link planted by someone else) is removed and
    generated again. ``make`` writes into a private staging folder that is renamed into
    place, so two notebooks generating at once never see each other's half-written files.
    Put ``name`` after the generator's version so a changed generator never reuses old files.
    """
    if not name or Path(name).name != name:
        raise ValueError(f"name must be a plain folder name, got {name!r}")
    parent = writable_data_dir("standins")
    folder = parent / name
    marker = folder / STANDIN_MARKER

    def generated() -> bool:  # a real folder with the marker this function writes, never a link
        return not folder.is_symlink() and folder.is_dir() and marker.is_file() and not marker.is_symlink()

    if generated():
        return folder
    with download_lock(folder, wait=True):  # one writer at a time; staging folders left by a killed run go
        if generated():
            return folder
        for stale in parent.glob(f".{name}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=parent))
        try:
            make(staging)
            (staging / STANDIN_MARKER).write_text("generated by labutils; safe to delete\n")
            if folder.is_symlink() or folder.is_file():
                folder.unlink()
            elif folder.exists():
                shutil.rmtree(folder)
            os.replace(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return folder
