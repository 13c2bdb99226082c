"""The names the design's outside checks call, in one import: an index, no code.

Each lives in the module of its layer, where the labs and the package call it:

- :mod:`labutils.training`: ``fit_autoencoder``, ``split_normal``, ``progress_callback``,
  ``training_options``, ``VALIDATION_FRACTION``;
- :mod:`labutils.inference`: ``as_model_input``, ``takes_uint8``, ``reconstruct``,
  ``reconstruction_errors``, ``reconstruction_mse``, ``reconstruct_video``;
- :mod:`labutils.metrics`: thresholds, ``predict_anomalies``, ``detection_metrics``,
  ``equal_error_rate``;
- :mod:`labutils.video`: ``frame_errors``, ``regularity_scores``, ``frame_level_evaluation``.

Nothing inside labutils imports this module (a test checks it), so it can never close an
import circle.
"""

from labutils.inference import (  # noqa: F401
    as_model_input,
    reconstruct,
    reconstruct_video,
    reconstruction_errors,
    reconstruction_mse,
    takes_uint8,
)
from labutils.metrics import (  # noqa: F401
    detection_metrics,
    equal_error_rate,
    predict_anomalies,
    threshold_best_f1,
    threshold_mean_std,
    threshold_percentile,
)
from labutils.training import (  # noqa: F401
    VALIDATION_FRACTION,
    fit_autoencoder,
    progress_callback,
    split_normal,
    training_options,
)
from labutils.video import frame_errors, frame_level_evaluation, regularity_scores  # noqa: F401
