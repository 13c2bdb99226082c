"""Helpers for the course *Anomaly Detection with Autoencoders*.

Each module does one thing, in layers: a module imports only modules of the layers above
it (``tests/test_structure.py`` checks there is no circle).

- helpers: ``frames`` (video frames), ``progress`` (one style of progress bar).
- ``env``: set up a notebook (Colab, versions, GPU, seeds) and read the profile;
  ``settings``: one table of training settings per lab and profile.
- ``data``: load, download and generate the data sets; Google Drive (``use_drive``).
- ``models`` and ``video_models``: Keras 3 autoencoders, built with the functional API;
  ``deep_svdd``: Deep SVDD's networks.
- ``inference``: model input (the one owner of the uint8 / float rule), batched prediction,
  reconstructions and reconstruction errors.
- ``training``: ``fit_autoencoder``, Deep SVDD's fit and chapter 6's clip training; beside
  it ``saved_models`` (train once, load next time) and ``tracking`` (TensorBoard, W&B).
- ``metrics``: thresholds, detection metrics and the equal error rate (numpy and scikit-learn).
- ``detectors``: the one detector contract (``fit`` on normal examples, ``score`` any set,
  larger = more anomalous) and ``threshold``; ``baselines`` (classical detectors) and
  ``one_class`` (the hybrid and Deep SVDD) follow it.
- evaluation: ``video`` (per-frame errors, regularity, frame-level metrics, training
  videos), ``video_scores`` (the four per-frame scores of chapters 4 and 6),
  ``video_detectors`` (the detector contract on video: a detector scores each frame of a
  video; the autoencoders and two detectors without a model), ``rates``
  (metrics at the rare anomaly rates met in use), ``costs`` (what a detector stores, how
  long it takes to score), ``windows`` (long signals, events), ``published`` and ``results``.
- figures: ``plotting`` (the notebooks' figures), ``diagrams`` (the reading pages').
- exercises: ``exercises`` (one check per exercise with a definite answer, chapters 1, 3, 4
  and 6) and ``explorer`` (chapter 3's threshold table, histograms and slider).
- ``scoring``: an index of the names chapter 3 and the design's checks call, in one import.
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
