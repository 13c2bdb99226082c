"""Train chapter 6's clip model as the chapter does: clips of the fit videos, early stopping on held-out videos.

Notebook ``06_ucsd_lab`` and ``benchmarks/ucsd.py`` both train the spatio-temporal autoencoder
with these two functions, so the benchmark measures what the book runs. (Frame models train with
:func:`labutils.scoring.fit_autoencoder`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import keras

from labutils import _checks
from labutils.data.ucsd_clips import ucsd_clips
from labutils.scoring import progress_callback, training_options


def clip_datasets(
    root: str | Path,
    subset: str,
    fit_videos: Sequence[str],
    validation_videos: Sequence[str],
    lab_settings: dict,
    progress: bool = True,
):
    """The training and validation clips of a settings row: ``(train_clips, validation_clips)``.

    Both are :func:`labutils.data.ucsd_clips` datasets of uint8 ``(clip, clip)`` pairs in
    batches of the row's ``batch_size``, ``clip_length`` frames long, starting every
    ``step`` frames. The training clips come from ``fit_videos`` at every one of the row's
    temporal ``strides`` (Chong & Tay's augmentation), in a new order every epoch; the
    validation clips from ``validation_videos`` (whole videos held out, see
    :func:`labutils.video.split_videos`) at stride 1, in order.
    """
    fit_videos = _checks.strings("fit_videos", fit_videos)
    validation_videos = _checks.strings("validation_videos", validation_videos)
    if not fit_videos or not validation_videos:
        raise ValueError("fit_videos and validation_videos must each name at least one video")
    both = sorted(set(fit_videos) & set(validation_videos))
    if both:
        raise ValueError(f"a video cannot be fitted and validated on: {both}")
    missing = [key for key in ("clip_length", "step", "batch_size", "strides") if key not in lab_settings]
    if missing:
        raise ValueError(f"lab_settings lacks {missing}: pass a row of labutils.settings such as ucsd_video")
    options = {
        "clip_length": lab_settings["clip_length"], "step": lab_settings["step"],
        "batch_size": lab_settings["batch_size"], "pairs": True, "progress": progress,
    }
    train_clips = ucsd_clips(root, subset, "Train", videos=list(fit_videos), strides=lab_settings["strides"], **options)
    validation_clips = ucsd_clips(root, subset, "Train", videos=list(validation_videos), shuffle=False, **options)
    return train_clips, validation_clips


def fit_clip_model(
    model: keras.Model,
    train_clips,
    validation_clips,
    lab_settings: dict,
    backup_folder: str | Path | None = None,
    epochs: int | None = None,
    progress: bool = True,
) -> keras.callbacks.History:
    """Train a clip model for the row's ``epochs`` (or ``epochs``), stopping early on the validation clips.

    EarlyStopping waits ``patience`` epochs for a better validation error and restores the
    best weights. With ``backup_folder``, ``keras.callbacks.BackupAndRestore`` saves the
    training state there after every epoch, so a run that was cut off (a Colab session
    that disconnected) resumes from its last finished epoch; EarlyStopping's memory is not
    part of that state. One progress bar over the epochs.
    """
    epochs, _, patience = training_options(lab_settings, epochs, None, None)
    progress = _checks.flag("progress", progress)
    callbacks = [keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)] if patience else []
    if backup_folder is not None:
        callbacks.insert(0, keras.callbacks.BackupAndRestore(str(backup_folder)))
    if progress:
        callbacks.append(progress_callback(model.name, epochs))
    return model.fit(  # ucsd_clips draws a new order every epoch itself
        train_clips, validation_data=validation_clips, epochs=epochs, verbose=0, shuffle=False, callbacks=callbacks
    )
