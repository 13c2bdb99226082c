"""Load, download and generate the course's data sets: one module per data set.

=====================  ====================================================================
module                 what lives there
=====================  ====================================================================
``folders``            :func:`data_dir` (``LABUTILS_DATA_DIR``), the real subsets shipped in
                       ``files/`` (:func:`shipped_file`), the folder stand-ins are written to
``remote``             the registry of every file the course downloads (URL, SHA-256,
                       resumable) and :func:`~labutils.data.remote.fetch`, the one download
``toy``                chapter 1's half-moons with outliers
``mnist``              chapter 2's MNIST, its shipped real subset, the one-class split
``ecg``                the ECG lab's ECG5000: both file formats, which file per profile
``ecg_standin``        generated beats in the ``ecg.csv`` format, for tests of the reader
``ucsd_layout``        the UCSD data set's folders, videos and numbered frames on disk
``ucsd``               the UCSD download and safe extraction; which folder per profile
``ucsd_frames``        decoded UCSD frames, frame-level ground truth and pixel masks
``ucsd_clips``         UCSD clips as a ``tf.data.Dataset`` of uint8 frames at their own size
                       (chapter 6; the model scales and resizes them)
``ucsd_standin``       a generated data set in the UCSD layout, with a kinds file
``ucsd_kinds``         the stand-in's kind of each anomalous frame: object, speed, direction
=====================  ====================================================================

Every public name is importable from here, as ``labutils.data.load_ecg`` and so on; the frame
helpers :func:`as_unit_frames` and :func:`clip_starts` live in :mod:`labutils.frames`.
"""

from labutils.data.ecg import ECG_SUBSET, download_ecg, load_ecg, locate_ecg
from labutils.data.ecg_standin import ECG_LENGTH, make_ecg_standin
from labutils.data.folders import (
    DRIVE_FOLDER,
    DRIVE_MOUNT,
    SHIPPED_FOLDER,
    DataSource,
    data_dir,
    describe,
    shipped_file,
    standin_folder,
    use_drive,
    writable_data_dir,
)
from labutils.data.mnist import MNIST_SUBSET, load_mnist, one_class_split
from labutils.data.remote import REMOTE_FILES, RemoteFile, fetch
from labutils.data.toy import make_toy_2d
from labutils.data.ucsd import download_ucsd, locate_ucsd
from labutils.data.ucsd_clips import ucsd_clips
from labutils.data.ucsd_frames import (
    UCSDSubset,
    load_ucsd,
    read_ucsd_video,
    ucsd_frames,
    ucsd_ground_truth,
    ucsd_pixel_masks,
)
from labutils.data.ucsd_kinds import ANOMALY_KINDS, ucsd_anomaly_kinds
from labutils.data.ucsd_layout import UCSD_FOLDER, UCSD_SPLITS, UCSD_SUBSETS, ucsd_dataset_folder, ucsd_videos
from labutils.data.ucsd_standin import UCSD_STANDIN_VERSION, make_ucsd_standin
from labutils.frames import as_unit_frames, clip_starts

__all__ = [
    "ANOMALY_KINDS",
    "DRIVE_FOLDER",
    "DRIVE_MOUNT",
    "ECG_LENGTH",
    "ECG_SUBSET",
    "MNIST_SUBSET",
    "REMOTE_FILES",
    "SHIPPED_FOLDER",
    "UCSD_FOLDER",
    "UCSD_SPLITS",
    "UCSD_STANDIN_VERSION",
    "UCSD_SUBSETS",
    "DataSource",
    "RemoteFile",
    "UCSDSubset",
    "as_unit_frames",
    "clip_starts",
    "data_dir",
    "describe",
    "download_ecg",
    "download_ucsd",
    "fetch",
    "load_ecg",
    "load_mnist",
    "load_ucsd",
    "locate_ecg",
    "locate_ucsd",
    "make_ecg_standin",
    "make_toy_2d",
    "make_ucsd_standin",
    "one_class_split",
    "read_ucsd_video",
    "shipped_file",
    "standin_folder",
    "ucsd_anomaly_kinds",
    "ucsd_clips",
    "ucsd_dataset_folder",
    "ucsd_frames",
    "ucsd_ground_truth",
    "ucsd_pixel_masks",
    "ucsd_videos",
    "use_drive",
    "writable_data_dir",
]
