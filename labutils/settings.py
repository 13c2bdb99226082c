"""One table of training settings per lab and profile, read by the notebooks, the benchmarks and
:func:`labutils.training.fit_autoencoder`, so a benchmark measures what the book runs.

Rows are named after what they train; each has a ``full`` profile (real data, meant for a GPU)
and a ``quick`` one (small data, a CPU, minutes). Change a number here and every notebook and
benchmark that trains that model follows.

==============================  =======  ==========================================================
row                             chapter  what it trains
==============================  =======  ==========================================================
``toy``                         1        the toy autoencoder on two half-moons
``mnist``                       2        vanilla, deep and convolutional autoencoders, code sizes,
                                         denoising
``one_class_mnist``             2        one convolutional autoencoder per normal digit, and which
                                         digits take turns as the normal class
``deep_svdd_mnist``             2        one Deep SVDD encoder per normal digit (:mod:`labutils.one_class`):
                                         Ruff et al.'s pretrained recipe in full, random weights in quick
``deep_svdd_mnist_pretrained``  2        Ruff et al.'s pretrained recipe in both profiles (the benchmark's
                                         second Deep SVDD column)
``ecg``                         3        the ECG lab's dense and Conv1D autoencoders (the default of
                                         :func:`~labutils.training.fit_autoencoder`)
``ecg_original``                3        the original lab's Conv1D model, trained as it was
``ucsd_frames``                 4, 6     the frame autoencoder on UCSD frames: full on a GPU, quick on
                                         the generated stand-in
``ucsd_video``                  6        the spatio-temporal (ConvLSTM) autoencoder on UCSD clips: full
                                         on a GPU, quick on the generated stand-in
``ucsd_frames_cpu``             4, 6     the frame autoencoder on real UCSD video without a GPU (or in
                                         the quick profile): at most 30 minutes on 2 CPU cores
``ucsd_video_cpu``              6        the spatio-temporal autoencoder on real UCSD video without a
                                         GPU (or in the quick profile): at most 30 minutes on 2 CPU cores
==============================  =======  ==========================================================

Chapters 4 and 6 choose between a video row and its ``_cpu`` row with :func:`video_lab`.
"""

from __future__ import annotations

import copy

import warnings

from labutils import _checks, env

#: Share of the normal training examples (or videos) held out for validation, in every lab.
VALIDATION_FRACTION = 0.15

#: The fewest gradient steps per epoch a row trains with unless it says otherwise (its
#: ``min_steps_per_epoch``); see :func:`batch_size_for`.
MIN_STEPS_PER_EPOCH = 4

# Real UCSD video on a CPU: what benchmarks/ucsd.py --only real measures on real Ped2, and what a
# student without a GPU (or in the quick profile with the real data) trains; each model trains in at
# most 30 minutes on 2 CPU cores. (get() returns copies, so the two profiles may share one dict.)
# The frame model at the clip model's size rounded up to a multiple of 4 (chapter 6 compares them at one
# size); on real Ped2 its validation error is lowest after 3-5 epochs, hence the short patience.
_FRAMES_CPU = {"image_size": (100, 148), "epochs": 15, "batch_size": 32, "patience": 4}
_VIDEO_CPU = {
    "image_size": (99, 147), "clip_length": 10, "filters": (32, 16), "lstm_filters": (32, 16, 32),
    "learning_rate": 1e-3, "strides": (1, 2), "step": 5, "epochs": 30, "batch_size": 4, "patience": 8,
}

_DEEP_SVDD_PUBLISHED = {
    "epochs": 150, "batch_size": 200, "patience": 0, "learning_rate": 1e-4, "lr_milestone": 50,
    "pretrain_epochs": 100, "pretrain_learning_rate": 1e-4,
}

_TABLE: dict[str, dict[str, dict]] = {
    "toy": {
        "full": {"epochs": 300, "batch_size": 16, "patience": 30, "learning_rate": 3e-3},
        "quick": {"epochs": 120, "batch_size": 16, "patience": 30, "learning_rate": 3e-3},
    },
    "mnist": {
        "full": {"epochs": 30, "batch_size": 128, "patience": 5},
        "quick": {"epochs": 20, "batch_size": 32, "patience": 5},
    },
    "one_class_mnist": {
        # normal_digits: the digits that take turns as the normal class (chapter 2 trains one
        # model of each type per digit); the quick profile runs the first five to stay within
        # the book's time budget, the full profile all ten, as Ruff et al. (2018) did
        "full": {"epochs": 30, "batch_size": 128, "patience": 5, "normal_digits": tuple(range(10))},
        # about 150 training images per digit in the quick profile: small batches (7 steps per epoch),
        # and 60 epochs: at 20 every digit's model was still improving when training stopped, and the
        # mean ROC-AUC over the shipped test digits rose from 0.870 to 0.903 at 60 (issue 20, seed 42)
        "quick": {"epochs": 60, "batch_size": 16, "patience": 10, "normal_digits": (0, 1, 2, 3, 4)},
    },
    "deep_svdd_mnist": {
        # full: Ruff et al.'s (2018) recipe, shortened from their 250 + 150 epochs: pretrain the
        # encoder as an autoencoder (pretrain_epochs at pretrain_learning_rate), center from it, then
        # Adam at 1e-4 divided by 10 after lr_milestone epochs, batch 200, no early stopping
        "full": _DEEP_SVDD_PUBLISHED,
        # quick (about 130 digits, 8 steps per epoch): from random weights at 1e-3, no pretraining;
        # on the shipped digits this scored higher than the pretrained recipe's row below
        # (benchmarks/results/mnist-quick.md)
        "quick": {"epochs": 20, "batch_size": 16, "patience": 5, "learning_rate": 1e-3, "lr_milestone": 0,
                  "pretrain_epochs": 0, "pretrain_learning_rate": 1e-3},
    },
    "deep_svdd_mnist_pretrained": {
        # Ruff et al.'s recipe in both profiles; quick: 40 epochs of pretraining at 1e-3 (at 1e-4 the
        # autoencoder barely learns in 300 steps), then their 1e-4 with the drop after 10 of 20 epochs
        "full": _DEEP_SVDD_PUBLISHED,
        "quick": {"epochs": 20, "batch_size": 16, "patience": 0, "learning_rate": 1e-4, "lr_milestone": 10,
                  "pretrain_epochs": 40, "pretrain_learning_rate": 1e-3},
    },
    "ecg": {
        # train to convergence; early stopping on normal validation beats picks the epoch
        "full": {"epochs": 300, "batch_size": 16, "patience": 30},
        "quick": {"epochs": 120, "batch_size": 16, "patience": 30},
    },
    "ecg_original": {
        # the original lab's training, kept as a lesson: 20 epochs of batch 512, no early stopping, and
        # min_steps_per_epoch 1: its single step per epoch is the lesson, so batch_size_for keeps it
        "full": {"epochs": 20, "batch_size": 512, "patience": 0, "min_steps_per_epoch": 1},
        "quick": {"epochs": 20, "batch_size": 512, "patience": 0, "min_steps_per_epoch": 1},
    },
    "ucsd_frames": {
        # the slides resize frames to 100x100
        "full": {"image_size": (100, 100), "epochs": 40, "batch_size": 32, "patience": 8},
        # the quick stand-in (version 3) at 60x92, its frames' proportions and the clip model's
        # size rounded up to a multiple of 4, so chapters 4 and 6 train the same frame model
        "quick": {"image_size": (60, 92), "epochs": 15, "batch_size": 32, "patience": 8},
    },
    "ucsd_video": {
        # the paper's model and the slides' training: 227x227, 10 frames, batch 16, 80 epochs; learning
        # rate 1e-3, not the paper's 1e-4: the paper scales its mean-subtracted frames to unit variance,
        # ours stay in [0, 1] units (a residual about 20 times smaller), and 1e-3 is what the CPU row
        # learns with on real Ped2. It starts slowly, like the CPU row's model: on real Ped2 its
        # validation loss stayed at the mean frame's for 2 epochs (80 steps of 16 clips), then fell
        # by a third in the next 2 (at 1e-4 it had not moved after 60 steps; see
        # benchmarks/results/ucsd-full-rehearsal.md and benchmarks/README.md)
        "full": {
            "image_size": (227, 227), "clip_length": 10, "filters": (128, 64), "lstm_filters": (64, 32, 64),
            "learning_rate": 1e-3, "strides": (1, 2, 3), "step": 10, "epochs": 80, "batch_size": 16,
            "patience": 10,
        },
        # a small model for a CPU: fewer filters, smaller frames (59x91 keeps the stand-in's
        # proportions, no padding), a larger learning rate, few epochs, strides 1 only (the
        # stand-in's walkers all walk at one speed; strides 1 and 2 were not tried on version 3).
        # On stand-in version 3 it stays at the mean frame for its first 3-4 epochs (seeds 0, 1,
        # 2, 42): patience 10 waits
        "quick": {
            "image_size": (59, 91), "clip_length": 10, "filters": (32, 16), "lstm_filters": (32, 16, 32),
            "learning_rate": 2e-3, "strides": (1,), "step": 5, "epochs": 30, "batch_size": 4,
            "patience": 10,
        },
    },
    # Real UCSD video on a CPU (see _FRAMES_CPU and _VIDEO_CPU): one setting in both profiles.
    "ucsd_frames_cpu": {"full": _FRAMES_CPU, "quick": _FRAMES_CPU},
    "ucsd_video_cpu": {"full": _VIDEO_CPU, "quick": _VIDEO_CPU},
}

#: The names of the rows, in the order of the chapters.
LABS = tuple(_TABLE)

#: The row that trains each labutils model (by ``model.name``) when
#: :func:`~labutils.training.fit_autoencoder` is not told ``lab``; any other model gets ``ecg``.
MODEL_LABS = {
    "toy_autoencoder": "toy",
    "vanilla_autoencoder": "mnist",
    "deep_autoencoder": "mnist",
    "conv_autoencoder": "one_class_mnist",  # chapter 2 trains it per normal digit
    "dense_ecg_autoencoder": "ecg",
    "conv1d_ecg_autoencoder": "ecg",
    "original_lab_conv1d_ecg_autoencoder": "ecg_original",
    "frame_autoencoder": "ucsd_frames",
    "frame_autoencoder_no_bottleneck": "ucsd_frames",
}


def lab_for(model_name: str) -> str:
    """The row of the table that trains the labutils model called ``model_name`` (``ecg`` otherwise)."""
    if not isinstance(model_name, str):
        raise ValueError(f"model_name must be a model's name (a string), got {model_name!r}")
    return MODEL_LABS.get(model_name, "ecg")


def get(lab: str, profile: str | None = None) -> dict:
    """Return the settings of ``lab`` (a row of the table above) for ``profile``, as a new dict.

    ``profile`` defaults to :func:`labutils.env.profile`. Every row also carries
    ``validation_fraction`` (:data:`VALIDATION_FRACTION`) and ``min_steps_per_epoch``
    (:data:`MIN_STEPS_PER_EPOCH` unless the row sets it). Raises ``ValueError`` naming the
    known rows for an unknown ``lab``.
    """
    if not isinstance(lab, str) or lab not in _TABLE:
        raise ValueError(f"lab must be one of {LABS}, got {lab!r}")
    values = copy.deepcopy(_TABLE[lab][env.resolve_profile(profile)])
    values.setdefault("validation_fraction", VALIDATION_FRACTION)
    values.setdefault("min_steps_per_epoch", MIN_STEPS_PER_EPOCH)
    return values


def batch_size_for(examples: int, batch_size: int, min_steps: int = MIN_STEPS_PER_EPOCH) -> int:
    """The batch size that gives at least ``min_steps`` gradient steps per epoch over ``examples``.

    ``batch_size`` itself when it does; otherwise the largest batch that does (at least 1),
    with a warning that says so. A row's ``min_steps_per_epoch`` of 1 keeps any batch size:
    chapter 3's ``ecg_original`` trains with one step per epoch on purpose. Used by
    :func:`labutils.training.fit_autoencoder` and :func:`labutils.training.fit_deep_svdd`
    (chapters 2, 3 and 4), so that a row's batch size made for a large data set (the full
    profile's 128) cannot silently leave a small one a single step per epoch.
    """
    examples = _checks.whole("examples", examples, 1)
    batch_size = _checks.whole("batch_size", batch_size, 1)
    min_steps = _checks.whole("min_steps", min_steps, 1)
    steps = -(-examples // batch_size)
    if steps >= min_steps:
        return batch_size
    adapted = max(1, examples // min_steps)
    warnings.warn(
        f"batch_size {batch_size} on {examples} training examples would give {steps} gradient step(s) per epoch; "
        f"training with batch_size {adapted} instead ({-(-examples // adapted)} steps per epoch). A settings "
        "row with min_steps_per_epoch 1 (such as ecg_original) keeps its batch size.",
        UserWarning, stacklevel=3,
    )
    return adapted


VIDEO_LABS = ("ucsd_frames", "ucsd_video")


def video_lab(lab: str, real: bool, profile: str | None = None, gpu: bool | None = None) -> str:
    """The row that trains chapter 4's or 6's model (``lab``: one of :data:`VIDEO_LABS`) here.

    The lab's own row in the full profile on a GPU (the paper-sized models) and on the
    generated stand-in (its quick entry); its ``_cpu`` row for real video otherwise, that
    is without a GPU or in the quick profile, so that a student without a GPU trains a
    model that still detects in at most 30 minutes. ``real`` is what
    :func:`labutils.data.locate_ucsd` says of the data (``source.real``); ``gpu`` defaults
    to whether TensorFlow sees one.
    """
    if lab not in VIDEO_LABS:
        raise ValueError(f"lab must be one of {VIDEO_LABS}, got {lab!r}")
    if not isinstance(real, bool):
        raise ValueError(f"real must be True or False (source.real), got {real!r}")
    if gpu is None:
        gpu = bool(env.gpu_names())
    elif not isinstance(gpu, bool):
        raise ValueError(f"gpu must be True, False or None, got {gpu!r}")
    if not real or (env.resolve_profile(profile) == "full" and gpu):
        return lab
    return f"{lab}_cpu"


def table(profile: str | None = None) -> dict[str, dict]:
    """Every row for ``profile``: ``{lab: settings}``, for a notebook or a benchmark to print."""
    return {lab: get(lab, profile) for lab in LABS}
