"""Helpers for the course *Anomaly Detection with Autoencoders*.

Each module does one thing:

- ``env``: set up a notebook (Colab, versions, GPU, seeds, Google Drive) and read the profile.
- ``data``: load, download and generate the data sets.
- ``models``: Keras 3 autoencoders, built with the functional API (the video models live
  in ``video_models``; ``models`` re-exports them).
- ``settings``: one table of training settings per lab and profile.
- ``progress``: one style of progress bar for downloads, decoding and training.
- ``scoring``: train autoencoders, reconstruction errors, thresholds and metrics.
- ``rates``: metrics on test sets resampled to the rare anomaly rates met in use.
- ``video``: reconstruct videos and score them frame by frame, split training videos, the
  mean frame, pick an example.
- ``video_scores``: the four per-frame anomaly scores of chapters 4 and 6 (raw error,
  regularity, motion error, motion regularity).
- ``video_training``: chapter 6's clip training (clips, early stopping on held-out videos).
- ``frames``: small helpers for video frames.
- ``baselines``: classical detectors from scikit-learn, fitted once, scoring any set.
- ``costs``: what a detector stores and how long it takes to score.
- ``windows``: slide a window along a long signal; evaluate detections per event.
- ``one_class``: the hybrid detector (codes fed to a classical detector) and Deep SVDD.
- ``published``: published results the chapters compare with.
- ``plotting``: every figure the notebooks show.
- ``diagrams``: the reading pages' figures, drawn when the book is built.
- ``tracking``: TensorBoard and optional Weights & Biases callbacks.
- ``saved_models``: train a model once, save its weights, load them next time (chapters 4, 6).
"""

import os

# TensorFlow's C++ start-up chatter (CUDA probing, oneDNN notices) is not meant for
# students; errors still show. Must be set before TensorFlow is first imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

#: The package version: pyproject.toml reads it from here (setuptools dynamic version).
__version__ = "0.1.0"

#: The course repository. Notebooks' badges and setup cells and ``_config.yml`` use the
#: same address; ``tests/test_book.py`` checks they agree.
REPOSITORY_URL = "https://github.com/anomaly-course/anomaly-detection-autoencoders"


#: The branch or tag of this repository that the notebooks' Colab setup cells install
#: ``labutils`` from. Every notebook repeats it (it runs before labutils exists);
#: ``tests/test_notebooks.py`` checks they agree, and ``tools/set_revision.py`` changes all
#: of them for a release (see CONTRIBUTING.md).
REVISION = "main"
