"""Train the course's models on normal data: autoencoders, and chapter 6's clip model.

:func:`fit_autoencoder` trains any autoencoder of :mod:`labutils.models` with its lab's
settings (chapters 2, 3 and 4, :mod:`labutils.detectors`, the benchmarks);
:func:`clip_datasets` and :func:`fit_clip_model` train chapter 6's spatio-temporal
autoencoder on clips with early stopping on held-out videos and a backup that survives a
disconnected session, for notebook ``06_ucsd_lab`` and ``benchmarks/ucsd.py`` alike, so
the benchmark measures what the book runs. Models are fed through
:func:`labutils.inference.as_model_input`, the one owner of the uint8 / float rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np

from labutils import _checks, settings
from labutils.data.ucsd_clips import ucsd_clips
from labutils.deep_svdd import deep_svdd_autoencoder, distance_layer
from labutils.inference import as_model_input, features
from labutils.models import MinMaxScaling
from labutils.progress import progress_bar

#: Share of the normal training examples held out for validation (see :mod:`labutils.settings`).
VALIDATION_FRACTION = settings.VALIDATION_FRACTION


def split_normal(
    x_normal, validation_fraction: float = VALIDATION_FRACTION, seed: int = 42
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle normal examples and split them into (training, validation) parts."""
    x_normal = np.asarray(x_normal)
    _checks.real("validation_fraction", validation_fraction, 0.0, 1.0, open_low=True, open_high=True)
    seed = _checks.whole("seed", seed, 0)
    if x_normal.ndim == 0:
        raise ValueError(f"x_normal must be an array of examples, got shape {x_normal.shape}")
    n_validation = max(1, round(validation_fraction * len(x_normal)))
    if len(x_normal) - n_validation < 1:
        raise ValueError(f"{len(x_normal)} normal examples are too few to split off a validation set")
    order = np.random.default_rng(seed).permutation(len(x_normal))
    return x_normal[order[n_validation:]], x_normal[order[:n_validation]]


def scaling_layers(model: keras.Model) -> list[MinMaxScaling]:
    """The :class:`~labutils.models.MinMaxScaling` layers of ``model`` and of the models inside it, once each."""
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, got {type(model).__name__}")
    found = []
    for layer in model.layers:
        if isinstance(layer, MinMaxScaling) and layer not in found:
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found.extend(inner for inner in scaling_layers(layer) if inner not in found)
    return found


def progress_callback(description: str, epochs: int) -> keras.callbacks.Callback:
    """One progress bar over the epochs of ``model.fit`` (pass ``verbose=0`` to ``fit``).

    Used by :func:`fit_autoencoder` and by the chapters that call ``model.fit``
    themselves (denoising in chapter 2, clips in chapter 6).
    """
    import warnings

    from tqdm.std import TqdmWarning

    description, epochs = _checks.text("description", description), _checks.whole("epochs", epochs, 1)

    with warnings.catch_warnings():  # tqdm.keras imports tqdm.auto, which warns where ipywidgets is missing
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.keras import TqdmCallback

    return TqdmCallback(epochs=epochs, verbose=0, tqdm_class=progress_bar, desc=description)


def training_options(defaults: dict, epochs, batch_size, patience) -> tuple[int, int, int]:
    """``epochs``, ``batch_size`` and ``patience``, each checked, or the settings row's where None.

    :func:`fit_autoencoder`, :func:`fit_clip_model` and :func:`fit_deep_svdd` share it.
    """
    _checks.mapping("defaults", defaults, "{setting: value} (a row of labutils.settings)")
    missing = [key for key in ("epochs", "batch_size", "patience") if key not in defaults]
    if missing:
        raise ValueError(f"defaults lacks {missing}: pass a row of labutils.settings")
    return (
        _checks.whole("epochs", defaults["epochs"] if epochs is None else epochs, 1),
        _checks.whole("batch_size", defaults["batch_size"] if batch_size is None else batch_size, 1),
        _checks.whole("patience", defaults["patience"] if patience is None else patience, 0),
    )


def fit_autoencoder(
    model: keras.Model,
    x_normal,
    profile: str | None = None,
    *,
    lab: str | None = None,
    validation_data=None,
    epochs: int | None = None,
    batch_size: int | None = None,
    patience: int | None = None,
    callbacks: list | None = None,
    seed: int = 42,
    progress: bool = True,
) -> keras.callbacks.History:
    """Train an autoencoder to reconstruct normal examples, with the lab's defaults.

    Fits the model's :class:`~labutils.models.MinMaxScaling` on the training examples
    only, keeps ``validation_data`` (or :data:`VALIDATION_FRACTION` of ``x_normal``) of
    *normal* examples for early stopping, and restores the
    weights of the best validation epoch. The defaults come from row ``lab`` of
    :mod:`labutils.settings` for ``profile``; without ``lab``, the row that trains this
    labutils model (:data:`labutils.settings.MODEL_LABS`, e.g. ``one_class_mnist`` for
    ``conv_autoencoder``; the ECG lab's for any other model). ``epochs``, ``batch_size``
    and ``patience`` override them. A batch too large for a handful of steps per epoch is
    made smaller, with a warning (:func:`labutils.settings.batch_size_for`; the row's
    ``min_steps_per_epoch`` of 1 opts out). Shows one progress bar over the epochs.
    """
    defaults = settings.get(settings.lab_for(model.name) if lab is None else lab, profile)
    epochs, batch_size, patience = training_options(defaults, epochs, batch_size, patience)
    seed, progress = _checks.whole("seed", seed, 0), _checks.flag("progress", progress)
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        raise ValueError(f"callbacks must be a list of Keras callbacks or None, got {_checks.shown(callbacks)}")

    x_normal = as_model_input(model, x_normal, "x_normal")  # checked as the caller passed it
    if validation_data is None:
        x_train, x_validation = split_normal(x_normal, defaults["validation_fraction"], seed=seed)
    else:
        x_train, x_validation = x_normal, as_model_input(model, validation_data, "validation_data")
    batch_size = settings.batch_size_for(len(x_train), batch_size, defaults["min_steps_per_epoch"])  # warns if changed
    for scaling in scaling_layers(model):
        scaling.adapt(x_train)

    all_callbacks = [keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)] if patience else []
    if progress:
        all_callbacks.append(progress_callback(model.name, epochs))
    all_callbacks.extend(callbacks or [])
    return model.fit(
        x_train,
        x_train,
        validation_data=(x_validation, x_validation),
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        callbacks=all_callbacks,
        verbose=0,
    )


# --------------------------------------------------------------------------- chapter 6's clip model


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
    both = sorted(set(fit_videos) & set(validation_videos))
    if both:
        raise ValueError(f"a video cannot be fitted and validated on: {both}")
    _checks.mapping("lab_settings", lab_settings, "{setting: value} (a row of labutils.settings)")
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
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, got a {type(model).__name__}")
    _checks.mapping("lab_settings", lab_settings, "{setting: value} (a row of labutils.settings)")
    epochs, _, patience = training_options(lab_settings, epochs, None, None)
    progress = _checks.flag("progress", progress)
    if backup_folder is not None:
        backup_folder = _checks.path("backup_folder", backup_folder)
    callbacks = [keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)] if patience else []
    if backup_folder is not None:
        callbacks.insert(0, keras.callbacks.BackupAndRestore(str(backup_folder)))
    if progress:
        callbacks.append(progress_callback(model.name, epochs))
    return model.fit(  # ucsd_clips draws a new order every epoch itself
        train_clips, validation_data=validation_clips, epochs=epochs, verbose=0, shuffle=False, callbacks=callbacks
    )


# --------------------------------------------------------------------------- Deep SVDD (chapter 2)


def pretrain_deep_svdd(
    encoder: keras.Model, x_normal, profile: str | None = None, *, lab: str = "deep_svdd_mnist",
    epochs: int | None = None, seed: int = 42, progress: bool = True,
) -> keras.callbacks.History:
    """Pretrain a Deep SVDD ``encoder`` in Ruff et al.'s autoencoder, as they do (chapter 2).

    The autoencoder is :func:`labutils.deep_svdd.deep_svdd_autoencoder`.

    Trains the autoencoder on the normal examples with :func:`labutils.training.fit_autoencoder`
    (row ``lab``: its batch size, patience and validation share; ``pretrain_epochs`` epochs,
    or ``epochs`` where that is 0, at ``pretrain_learning_rate``, unless ``epochs`` says otherwise). Call it before
    :func:`fit_deep_svdd`, which then fixes the center with the pretrained encoder;
    ``fit_deep_svdd(..., pretrain=True)`` does both.
    """
    defaults = settings.get(lab, profile)
    epochs = defaults["pretrain_epochs"] or defaults["epochs"] if epochs is None else epochs
    epochs = _checks.whole("epochs", epochs, 1)
    autoencoder = deep_svdd_autoencoder(encoder, defaults["pretrain_learning_rate"])
    return fit_autoencoder(autoencoder, x_normal, profile, lab=lab, epochs=epochs, seed=seed, progress=progress)


def initial_center(encoder: keras.Model, x_normal, eps: float = 0.1) -> np.ndarray:
    """The center ``c`` of Deep SVDD: the mean code of the normal examples ``x_normal``.

    Call it before training, as :func:`fit_deep_svdd` does. A coordinate closer to zero
    than ``eps`` is moved to ``±eps`` (Ruff et al.): a bias-free network maps everything
    to zero when its weights are zero, so a center at zero could be reached without
    learning anything.
    """
    eps = _checks.real("eps", eps, 0.0, open_low=True)
    center = features(encoder, x_normal, name="x_normal").mean(axis=0)
    near_zero = np.abs(center) < eps
    return np.where(near_zero, np.where(center < 0, -eps, eps), center).astype(np.float32)


def fit_deep_svdd(
    model: keras.Model,
    x_normal,
    profile: str | None = None,
    *,
    lab: str = "deep_svdd_mnist",
    epochs: int | None = None,
    batch_size: int | None = None,
    patience: int | None = None,
    seed: int = 42,
    progress: bool = True,
    pretrain: bool | None = None,
) -> keras.callbacks.History:
    """Train a :func:`labutils.deep_svdd.deep_svdd` model on normal examples only (chapter 2).

    Holds out the settings' validation share of ``x_normal``; on the first call, fixes
    the center as :func:`initial_center` of the untrained encoder on the rest (a later
    call keeps it); then trains the encoder to bring those images close to the center,
    which itself never moves. With ``patience``, stops when the held-out normal images'
    mean squared distance stops falling and keeps the best epoch's weights. Defaults
    come from row ``lab`` of :mod:`labutils.settings` for ``profile``; with the row's
    ``lr_milestone`` the learning rate is divided by 10 after that many epochs (Ruff et al.'s
    schedule). With ``pretrain`` (default: whether the row's ``pretrain_epochs`` is above 0),
    the encoder is first trained as an autoencoder (:func:`pretrain_deep_svdd`), so that the
    center is the mean code of the pretrained encoder, as in Ruff et al.
    """
    layer = distance_layer(model)
    defaults = settings.get(lab, profile)
    epochs, batch_size, patience = training_options(defaults, epochs, batch_size, patience)
    seed, progress = _checks.whole("seed", seed, 0), _checks.flag("progress", progress)
    x_normal = as_model_input(model, x_normal, "x_normal")
    x_train, x_validation = split_normal(x_normal, defaults["validation_fraction"], seed=seed)
    batch_size = settings.batch_size_for(len(x_train), batch_size, defaults["min_steps_per_epoch"])  # warns if changed
    if not np.any(keras.ops.convert_to_numpy(layer.center)):  # not set yet: fix it before any training
        if defaults["pretrain_epochs"] > 0 if pretrain is None else _checks.flag("pretrain", pretrain):
            pretrain_deep_svdd(model.encoder, x_normal, profile, lab=lab, seed=seed, progress=progress)
        layer.center.assign(initial_center(model.encoder, x_train))
    callbacks = [keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)] if patience else []
    if milestone := defaults["lr_milestone"]:
        callbacks.append(keras.callbacks.LearningRateScheduler(lambda epoch, rate: rate / 10 if epoch == milestone
                                                               else rate))
    if progress:
        callbacks.append(progress_callback(model.name, epochs))
    no_targets = np.zeros(len(x_train), dtype=np.float32)  # the loss ignores them
    return model.fit(
        x_train, no_targets,
        validation_data=(x_validation, np.zeros(len(x_validation), dtype=np.float32)),
        epochs=epochs, batch_size=batch_size, shuffle=True, callbacks=callbacks, verbose=0,
    )
