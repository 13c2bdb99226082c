"""Probes of every public function of the evaluation and figure modules: wrong types and ranges.

Strings where numbers belong, floats where whole numbers belong, NaN and inf, empty and
one-element inputs, small integer dtypes that would overflow, mismatched lengths and names:
each must end in a ``ValueError`` that names the argument, never a raw error from NumPy,
scikit-learn, matplotlib or Keras, and never a silently different result. The last test
checks that every public function of the modules in ``MODULES`` has at least one probe here.
Counted in benchmarks/README.md.
"""

from __future__ import annotations

import importlib
import inspect

import keras
import numpy as np
import pandas as pd
import pytest
from keras import layers

from labutils import (
    baselines,
    costs,
    deep_svdd,
    detectors,
    exercises,
    explorer,
    frames,
    inference,
    metrics,
    one_class,
    plot_style,
    plotting,
    plotting_images,
    plotting_video,
    rates,
    results,
    saved_models,
    settings,
    training,
    video,
    video_detectors,
    video_scores,
    windows,
)

RNG = np.random.default_rng(0)
LABELS = np.array([False, False, True, True, False, True])
SCORES = np.array([0.1, 0.3, 0.8, 0.9, 0.2, 0.7])
X = RNG.normal(size=(12, 4))
FRAMES = RNG.integers(0, 256, (4, 6, 8), dtype=np.uint8)
NAN = float("nan")


def tiny_model() -> keras.Model:
    inputs = keras.Input((4,))
    return keras.Model(inputs, layers.Dense(4)(inputs), name="tiny")


def frame_model() -> keras.Model:
    inputs = keras.Input((6, 8, 1))
    return keras.Model(inputs, layers.Conv2D(1, 1, activation="sigmoid")(inputs), name="frames")


def fitted(name: str = "k-nearest neighbours"):
    return baselines.DETECTORS[name]().fit(X)


def svdd():
    model = one_class.deep_svdd(one_class.deep_svdd_encoder((8, 8, 1), filters=(2,), code_size=3), 1e-3)
    model.get_layer("squared_distance").center.assign(np.ones(3, np.float32))
    return model


def rates_table():
    return rates.metrics_at_rates(LABELS, {"a": SCORES}, rates=[0.4], draws=2, size=5)


GT = {"Test001": LABELS}
KINDS = {"Test001": np.where(LABELS, "object", "normal")}

CASES = [
    # detectors (the contract)
    ("detectors.flat_examples", lambda: detectors.flat_examples(X[0], "x"), r"x must be a non-empty array of examples"),
    ("detectors.arrays_stored", lambda: detectors.arrays_stored(3, [X]), "what must be a non-empty string"),
    ("detectors.keras_storage", lambda: detectors.keras_storage(fitted()), "model must be a Keras model"),
    ("detectors.AutoencoderDetector", lambda: detectors.AutoencoderDetector("model"), "model must be a Keras"),
    ("detectors.AutoencoderDetector", lambda: detectors.AutoencoderDetector(tiny_model(), trained=1),
     "trained must be True or False"),
    ("detectors.threshold", lambda: detectors.threshold(fitted(), X, "mean"), "rule must be one of"),
    ("detectors.threshold", lambda: detectors.threshold(fitted(), X, "percentile", 101), "value must be a percentile"),
    ("detectors.threshold", lambda: detectors.threshold(fitted(), X, "mean+std", NAN), "value must be a finite number"),
    ("detectors.threshold", lambda: detectors.threshold(fitted(), X, "percentile", "95"), "value must be a percentile"),
    ("detectors.threshold", lambda: detectors.threshold(fitted(), X[:0]), "x_normal must hold at least 2"),
    ("detectors.threshold", lambda: detectors.threshold(fitted(), X[:1]), "x_normal must hold at least 2"),
    ("detectors.threshold", lambda: detectors.threshold(fitted(), np.full((3, 4), NAN)), "x_normal: x holds 12 NaN"),
    ("detectors.AutoencoderDetector", lambda: detectors.AutoencoderDetector(tiny_model(), error="squared"),
     "error must be one of"),
    # inference
    ("inference.takes_uint8", lambda: inference.takes_uint8("model"), "model must be a Keras model"),
    ("inference.as_model_input", lambda: inference.as_model_input(tiny_model(), X[:, :3]), "tiny takes examples"),
    ("inference.predict", lambda: inference.predict(tiny_model(), X, batch_size=0), "batch_size must be a whole"),
    ("inference.structural_errors", lambda: inference.structural_errors(tiny_model(), X), "at least 7x7 pixels"),
    ("inference.structural_errors", lambda: inference.structural_errors(tiny_model(), X, window=1),
     "window must be a whole number"),
    ("inference.features", lambda: inference.features(tiny_model(), X, batch_size=0), "batch_size must be a whole"),
    ("inference.reconstruct", lambda: inference.reconstruct(tiny_model(), np.full((2, 4), NAN)), "x .* holds 8 NaN"),
    ("inference.reconstruction_errors", lambda: inference.reconstruction_errors(tiny_model(), X[:0]), "x is empty"),
    ("inference.reconstruction_mse", lambda: inference.reconstruction_mse(tiny_model(), X, X[:3]),
     "targets must be shaped like x"),
    ("inference.reconstruction_mse", lambda: inference.reconstruction_mse(tiny_model(), X, np.where(X > 1, 1e39, X)),
     r"targets holds \d+ values? beyond float32's range"),  # the mean would be inf
    ("inference.reconstruction_mse", lambda: inference.reconstruction_mse(tiny_model(), np.where(X > 1, 1e300, X)),
     r"x holds \d+ values? beyond float32's range"),  # was named as NaN in targets
    # metrics
    ("metrics.checked_labels", lambda: metrics.checked_labels([0, 2]), "is_anomaly must be a 1-D array of booleans"),
    ("metrics.checked_scores", lambda: metrics.checked_scores([0.1, NAN]), "scores holds 1 NaN"),
    ("metrics.labels_and_scores", lambda: metrics.labels_and_scores(LABELS, SCORES[:3]), "6 labels but 3 scores"),
    ("metrics.labels_and_scores", lambda: metrics.labels_and_scores(~LABELS & False, SCORES, needs_both="this"),
     "this needs both normal and anomalous"),
    ("metrics.threshold_mean_std", lambda: metrics.threshold_mean_std(SCORES, k="1"), "k must be a finite number"),
    ("metrics.threshold_percentile", lambda: metrics.threshold_percentile(SCORES, 120), "percentile must be"),
    ("metrics.threshold_best_f1", lambda: metrics.threshold_best_f1(LABELS & False, SCORES), "needs both normal"),
    ("metrics.predict_anomalies", lambda: metrics.predict_anomalies(SCORES, NAN), "threshold must be a finite"),
    ("metrics.detection_metrics", lambda: metrics.detection_metrics(LABELS, SCORES, "0.5"), "threshold must be"),
    ("metrics.prediction_counts", lambda: metrics.prediction_counts(LABELS, SCORES), "predicted must be a 1-D array"),
    ("metrics.roc_auc", lambda: metrics.roc_auc(LABELS | True, SCORES), "ROC-AUC needs both normal"),
    # training
    ("training.split_normal", lambda: training.split_normal(X, 1.5), "validation_fraction must be"),
    ("training.scaling_layers", lambda: training.scaling_layers("model"), "model must be a Keras model"),
    ("training.progress_callback", lambda: training.progress_callback("fit", 0), "epochs must be a whole"),
    ("training.training_options", lambda: training.training_options({"epochs": 3}, None, None, None),
     "defaults lacks"),
    ("training.fit_autoencoder", lambda: training.fit_autoencoder(tiny_model(), X, lab="toy", epochs=0),
     "epochs must be a whole"),
    ("training.clip_datasets", lambda: training.clip_datasets(".", "UCSDped1", ["a"], ["a"], {}),
     "a video cannot be fitted and validated on"),
    ("training.fit_clip_model", lambda: training.fit_clip_model(tiny_model(), None, None, {"epochs": 1}),
     "defaults lacks"),
    ("training.fit_clip_model", lambda: training.fit_clip_model("model", None, None, settings.get(
        "ucsd_video", "quick")), "model must be a Keras model"),
    ("training.fit_clip_model", lambda: training.fit_clip_model(tiny_model(), None, None, [1]),
     "lab_settings must be a non-empty dict"),
    ("training.fit_clip_model", lambda: training.fit_clip_model(tiny_model(), None, None, settings.get(
        "ucsd_video", "quick"), backup_folder=""), "backup_folder must be a file or folder path"),
    ("training.clip_datasets", lambda: training.clip_datasets(".", "UCSDped1", ["a"], ["b"], 3),
     "lab_settings must be a non-empty dict"),
    ("one_class.DeepSVDDDetector", lambda: one_class.DeepSVDDDetector(tiny_model()), "model must be a Deep SVDD"),
    ("video_detectors.VideoDetector", lambda: video_detectors.VideoDetector("motion"), "kind must be one of"),
    ("video_detectors.VideoAutoencoderDetector", lambda: video_detectors.VideoAutoencoderDetector(fitted()),
     "model must be a Keras frame or clip autoencoder"),
    ("video_detectors.FrameDifference", lambda: video_detectors.FrameDifference().fit(FRAMES * 2.0),
     "x_normal must be uint8 or floats in"),
    ("video_detectors.Foreground", lambda: video_detectors.Foreground("motion error"), "kind must be one of"),
    ("video_detectors.Foreground", lambda: video_detectors.Foreground().fit(FRAMES[:0]),
     "x_normal must hold at least 1 frame"),  # the mean of no frames would be NaN
    ("video_detectors.Foreground", lambda: video_detectors.Foreground().fit(FRAMES).score(FRAMES[:0]),
     "frames must hold at least 1 frame"),
    ("video_detectors.FrameDifference", lambda: video_detectors.FrameDifference().fit(FRAMES[:0]),
     "x_normal must hold at least 1 frame"),
    ("video_detectors.score_videos", lambda: video_detectors.score_videos(video_detectors.FrameDifference(), []),
     "frames_by_video must be a non-empty dict"),
    ("video_detectors.score_videos", lambda: video_detectors.score_videos(video_detectors.FrameDifference(), {}),
     "frames_by_video must be a non-empty dict"),
    ("video_detectors.score_videos", lambda: video_detectors.score_videos(fitted(), {"a": FRAMES}),
     "detector must be a labutils.video_detectors detector"),
    # frames (the uint8 / [0, 1] rule and clip starts)
    ("frames.as_unit_frames", lambda: frames.as_unit_frames(FRAMES.astype(np.int16)), "frames must be uint8 or floats"),
    ("frames.grey_images", lambda: frames.grey_images(np.zeros((2, 4, 4, 3), np.uint8)), "images must be grey images"),
    ("frames.clip_starts", lambda: frames.clip_starts(10, 2.5), "clip_length must be a whole number of at least 1"),
    ("frames.clip_starts", lambda: frames.clip_starts("10", 2), "length must be a whole number of at least 0"),
    ("frames.clip_starts", lambda: frames.clip_starts(10, 2, step=NAN), "step must be a whole number of at least 1"),
    # figures and video helpers
    ("plotting_video.plot_ucsd_examples", lambda: plotting_video.plot_ucsd_examples([], {}, GT), "train_frames must"),
    ("video.anomaly_window", lambda: video.anomaly_window(GT, None, frames=2.5), "frames must be a whole"),
    # saved_models
    ("saved_models.model_key", lambda: saved_models.model_key(tiny_model(), 3), "lab must be one of"),
    ("saved_models.model_key", lambda: saved_models.model_key(tiny_model(), "ucsd_frames", "quick", [1]),
     "details must be a dict"),
    ("saved_models.key_hash", lambda: saved_models.key_hash("key"), "key must be a dict"),
    ("saved_models.trained_model", lambda: saved_models.trained_model(tiny_model, lambda m: None, "ecg", "quick",
                                                                       retrain=1), "retrain must be True or False"),
    # rates
    ("rates.rate_label", lambda: rates.rate_label("5%"), "rate must be a share"),
    ("rates.rate_label", lambda: rates.rate_label(NAN), "rate must be a share"),
    ("rates.resample_to_rate", lambda: rates.resample_to_rate(LABELS, 0.3, draws=2.0), "draws must be a whole"),
    ("rates.resample_to_rate", lambda: rates.resample_to_rate(LABELS, 0.3, replace="yes"), "replace must be True"),
    ("rates.resample_to_rate", lambda: rates.resample_to_rate(LABELS, 0.3, seed=-1), "seed must be"),
    ("rates.metrics_at_rates", lambda: rates.metrics_at_rates(LABELS, {"a": np.where(LABELS, NAN, SCORES)}),
     r"scores_by_model\['a'\] holds 3 NaN"),
    ("rates.metrics_at_rates", lambda: rates.metrics_at_rates(LABELS, {"a": SCORES}, {"a": NAN}),
     r"thresholds\['a'\] must be a finite number"),
    ("rates.metrics_at_rates", lambda: rates.metrics_at_rates(LABELS, {"a": SCORES}, rates=[0.05, 0.05]),
     "rates must not repeat"),
    ("rates.metrics_at_rates", lambda: rates.metrics_at_rates(LABELS, {"a": SCORES}, metrics="roc_auc"),
     "metrics must be some of"),
    ("rates.metrics_at_rates", lambda: rates.metrics_at_rates(LABELS, {"a": SCORES}, rates="0.05"),
     "rates must be a non-empty list"),
    # windows
    ("windows.join_beats", lambda: windows.join_beats([[0.0, NAN]]), "beats holds 1 NaN"),
    ("windows.join_beats", lambda: windows.join_beats([["a", "b"]]), "beats must be an array of numbers"),
    ("windows.join_beats", lambda: windows.join_beats([[0.0, 1e39]]), "beats holds 1 value beyond float32's range"),
    ("windows.sliding_windows", lambda: windows.sliding_windows([1.0, 1e300, 2.0], 2, 1),
     "trace holds 1 value beyond float32's range"),  # the windows held inf
    ("windows.sliding_windows", lambda: windows.sliding_windows([1.0, np.inf, 2.0], 2, 1), "trace holds 1 NaN"),
    ("windows.sliding_windows", lambda: windows.sliding_windows(np.zeros(20), 2.0, 1), "window must be a whole"),
    ("windows.lowest_nearby", lambda: windows.lowest_nearby([0.1, NAN], 1), "window_scores holds 1 NaN"),
    ("windows.event_detection", lambda: windows.event_detection(
        np.array([[100, 200]], np.uint8), np.array([0, 250], np.uint8), [True, False], 10, 255),
     "every window of 10 samples must fit in trace_length"),  # 250 + 10 wraps to 4 in uint8
    ("windows.event_detection", lambda: windows.event_detection([[0, 5]], [0, 5], [True, False], 5, 20, "0.5"),
     "min_overlap must be a share"),
    # costs
    ("costs.model_storage", lambda: costs.model_storage("knn"), "detector must be a fitted detector"),
    ("costs.scoring_seconds", lambda: costs.scoring_seconds(fitted(), X, repeats=1.5), "repeats must be a whole"),
    ("costs.scoring_seconds", lambda: costs.scoring_seconds(fitted(), np.full((2, 4), NAN)), "x must hold finite"),
    ("costs.cost_table", lambda: costs.cost_table([fitted()], X), "detectors must be a non-empty dict"),
    # one_class
    ("one_class.HybridDetector", lambda: one_class.HybridDetector(tiny_model(), ["One-Class SVM"]),
     "detector must be one of"),
    ("one_class.HybridDetector", lambda: one_class.HybridDetector(tiny_model(), seed=0.5), "seed must be a whole"),
    ("one_class.fit_hybrid", lambda: one_class.fit_hybrid(tiny_model(), X[:1]), "at least 2"),
    ("one_class.fit_hybrid", lambda: one_class.fit_hybrid(tiny_model(), np.full((3, 4), np.inf)), "NaN or infinite"),
    ("one_class.deep_svdd_encoder", lambda: one_class.deep_svdd_encoder(code_size=2.5), "code_size must be a pos"),
    ("one_class.SquaredDistance", lambda: one_class.SquaredDistance("3"), "code_size must be a positive"),
    ("one_class.deep_svdd", lambda: one_class.deep_svdd(one_class.deep_svdd_encoder(), np.inf),
     "learning_rate must be a number above 0"),
    ("one_class.deep_svdd", lambda: one_class.deep_svdd(one_class.deep_svdd_encoder(), "1e-3"),
     "learning_rate must be a number above 0"),
    ("one_class.initial_center", lambda: one_class.initial_center(one_class.deep_svdd_encoder(), np.zeros((2, 28, 28)),
                                                                   eps=NAN), "eps must be a number above 0"),
    ("one_class.fit_deep_svdd", lambda: one_class.fit_deep_svdd(svdd(), np.zeros((8, 8, 8)), "quick", batch_size=0),
     "batch_size must be a whole number of at least 1"),
    ("one_class.fit_deep_svdd", lambda: one_class.fit_deep_svdd(svdd(), np.zeros((8, 8, 8)), "quick", epochs=1.5),
     "epochs must be a whole number"),
    ("one_class.deep_svdd_scores", lambda: one_class.deep_svdd_scores(svdd(), np.zeros((2, 8, 8)), batch_size=-1),
     "batch_size must be a whole number of at least 1"),
    ("one_class.deep_svdd_autoencoder", lambda: one_class.deep_svdd_autoencoder(tiny_model()),
     "encoder must be a Deep SVDD encoder"),
    ("one_class.pretrain_deep_svdd", lambda: one_class.pretrain_deep_svdd(one_class.deep_svdd_encoder(),
                                                                          np.zeros((8, 28, 28)), "quick", epochs=0),
     "epochs must be a whole number of at least 1"),
    ("deep_svdd.deep_svdd_autoencoder", lambda: deep_svdd.deep_svdd_autoencoder("encoder"),
     "encoder must be a Deep SVDD encoder"),
    ("deep_svdd.deep_svdd_autoencoder", lambda: deep_svdd.deep_svdd_autoencoder(
        deep_svdd.deep_svdd_encoder((8, 8, 1), filters=(2,), code_size=3), np.inf), "learning_rate must be a number"),
    ("deep_svdd.distance_layer", lambda: deep_svdd.distance_layer(tiny_model()), "model must be a Deep SVDD model"),
    ("settings.batch_size_for", lambda: settings.batch_size_for(0, 16), "examples must be a whole number"),
    ("settings.batch_size_for", lambda: settings.batch_size_for(10, 16, min_steps=0), "min_steps must be a whole"),
    ("one_class.mean_squared_distance", None, "a Keras loss: Keras passes it tensors"),
    # baselines
    ("baselines.Detector", lambda: fitted().score(np.full((2, 4), NAN)), "x holds 8 NaN"),
    ("baselines.Detector", lambda: baselines.KNNDistance().fit(X[:1]), "at least 2 of them"),
    ("baselines.KNNDistance", lambda: baselines.KNNDistance(2.5), "n_neighbors must be a whole"),
    ("baselines.PCAReconstruction", lambda: baselines.PCAReconstruction("8"), "n_components must be a whole"),
    ("baselines.isolation_forest", lambda: baselines.isolation_forest(n_estimators=0), "n_estimators must be"),
    ("baselines.isolation_forest", lambda: baselines.isolation_forest(seed=1.5), "seed must be a whole"),
    ("baselines.one_class_svm", lambda: baselines.one_class_svm(nu=0.0), "nu must be a share in"),
    ("baselines.one_class_svm", lambda: baselines.one_class_svm(nu=NAN), "nu must be a share in"),
    ("baselines.local_outlier_factor", lambda: baselines.local_outlier_factor(n_neighbors=0), "n_neighbors must be"),
    ("baselines.k_nearest_neighbours", lambda: baselines.k_nearest_neighbours(seed="0"), "seed must be a whole"),
    ("baselines.pca_reconstruction", lambda: baselines.pca_reconstruction(n_components=-1), "n_components must be"),
    ("baselines.fit_detectors", lambda: baselines.fit_detectors(X, names="Isolation Forest"), "names must be a list"),
    ("baselines.fit_detectors", lambda: baselines.fit_detectors(np.where(X > 1, NAN, X)), "x_train_normal holds"),
    ("baselines.score_detectors", lambda: baselines.score_detectors([fitted()], X), "fitted must be a non-empty dict"),
    ("baselines.baseline_scores", lambda: baselines.baseline_scores(X, X, seed=None), "seed must be a whole"),
    # video
    ("video.reconstruct_video", lambda: video.reconstruct_video("model", FRAMES), "model must be a Keras model"),
    ("video.reconstruct_video", lambda: video.reconstruct_video(frame_model(), FRAMES, batch_size=0),
     "batch_size must be a whole number"),
    ("video.frame_errors", lambda: video.frame_errors(FRAMES.astype(np.float32), FRAMES / 255.0),
     r"frames must be uint8 or floats in \[0, 1\]"),
    ("video.frame_errors", lambda: video.frame_errors(FRAMES.astype(np.int8), FRAMES / 255.0), "got int8"),
    ("video.video_errors", lambda: video.video_errors(frame_model(), {"a": FRAMES}, batch_size=2.5),
     "batch_size must be a whole number"),
    ("video.split_videos", lambda: video.split_videos({"a": FRAMES, "b": FRAMES}, "0.5"),
     "validation_fraction must be a number in"),
    ("video.stack_frames", lambda: video.stack_frames({"a": FRAMES}, "a"), "names must be a list"),
    ("video.stack_frames", lambda: video.stack_frames({"a": FRAMES}, unit="no"), "unit must be True or False"),
    ("video_scores.motion_errors", lambda: video_scores.motion_errors(FRAMES * 2.0, FRAMES / 255.0), "frames"),
    ("video_scores.motion_errors", lambda: video_scores.motion_errors(FRAMES[:1], FRAMES[:1] / 255.0), "2 frames"),
    ("video_scores.score_from_errors", lambda: video_scores.score_from_errors(SCORES, "motion"), "kind must be one of"),
    ("video_scores.score_from_errors", lambda: video_scores.score_from_errors([NAN, 0.2], "raw error"),
     "errors holds 1 NaN"),
    ("video_scores.anomaly_scores", lambda: video_scores.anomaly_scores({"a": FRAMES}, {}), "same videos"),
    ("video.mean_frame", lambda: video.mean_frame({"a": FRAMES}, "a"), "names must be a list"),
    ("video.mean_frame", lambda: video.mean_frame({"a": FRAMES}, ["b"]), "unknown"),
    ("video.mean_frame", lambda: video.mean_frame({"a": FRAMES * 300.0}), r"frames_by_video\['a'\]"),
    ("video.example_frames", lambda: video.example_frames({"a": [0, 2]}), r"ground_truth\['a'\] must be"),
    ("video.example_frames", lambda: video.example_frames(GT, masks=[1]), "masks must be a dict"),
    ("video.example_frames", lambda: video.example_frames(GT, offsets="2"), "offsets must be a list of whole"),
    ("video.regularity_scores", lambda: video.regularity_scores([0.1, NAN]), "errors holds 1 NaN"),
    ("video.regularity_scores", lambda: video.regularity_scores([0.1], ["max"]), "normalisation must be one of"),
    ("video.equal_error_rate", lambda: video.equal_error_rate(LABELS, SCORES[:5]), "6 labels but 5 scores"),
    ("video.frame_level_evaluation", lambda: video.frame_level_evaluation({}, {}), "ground_truth is an empty dict"),
    ("video.frame_level_evaluation", lambda: video.frame_level_evaluation(GT, {"Test001": np.where(LABELS, NAN, 0)}),
     r"anomaly_scores\['Test001'\] holds 3 NaN"),
    ("video.frame_level_evaluation", lambda: video.frame_level_evaluation({"Test001": LABELS * 2}, {"Test001": SCORES}),
     r"ground_truth\['Test001'\] must be a 1-D array of booleans"),
    ("video.roc_auc_by_kind", lambda: video.roc_auc_by_kind(GT, KINDS, {"Test001": 0.5}), r"scores\['Test001'\]"),
    ("video.roc_auc_by_kind", lambda: video.roc_auc_by_kind(GT, KINDS, {"Test002": SCORES}), "must hold the same"),
    # results and settings
    ("results.stored_video_scores", lambda: results.stored_video_scores("../x", "quick"), "name must be"),
    ("results.benchmark_text", lambda: results.benchmark_text(5), "name must be a result's file name"),
    ("results.benchmark_text", lambda: results.benchmark_text(["ecg-full"]), "name must be a result's file name"),
    ("results.benchmark_table", lambda: results.benchmark_table(None), "name must be a result's file name"),
    ("results.benchmark_tables", lambda: results.benchmark_tables("a b"), "name must be a result's file name"),
    ("results.seed_ranges", lambda: results.seed_ranges([1, 2], ["detector"], ["object"]), "must be a DataFrame"),
    ("settings.video_lab", lambda: settings.video_lab("ucsd_video", real=1), "real must be True or False"),
    ("settings.get", lambda: settings.get(["ecg"]), "lab must be one of"),
    ("settings.get", lambda: settings.get("ecg", "fast"), "profile 'fast' is not one of"),
    ("settings.lab_for", lambda: settings.lab_for(tiny_model()), "model_name must be a model's name"),
    ("settings.table", lambda: settings.table(3), "profile 3 is not one of"),
    # plotting: wrong input is refused, never drawn differently
    ("plotting.plot_beats", lambda: plotting.plot_beats({"a": [0.1, NAN]}), r"beats_by_title\['a'\] holds 1 NaN"),
    ("plotting.plot_beats", lambda: plotting.plot_beats([X]), "beats_by_title must be a non-empty dict"),
    ("plotting.plot_reconstructions", lambda: plotting.plot_reconstructions(X[:3], X[:3], "abc"),
     "titles must be a list of names"),
    ("plotting.plot_error_histograms", lambda: plotting.plot_error_histograms(SCORES, [], None), "anomalous_errors"),
    ("plotting.plot_error_histograms", lambda: plotting.plot_error_histograms(SCORES, SCORES, {"t": "0.5"}),
     r"thresholds\['t'\] must be a finite number"),
    ("plotting.plot_error_histograms",
     lambda: plotting.plot_error_histograms(SCORES, SCORES, dict.fromkeys("abcde", 1)), "at most 4 lines"),
    ("plotting.plot_training_histories", lambda: plotting.plot_training_histories({"m": {"loss": [1.0, 0.0]}}),
     "must be above 0"),
    ("plotting.plot_training_histories", lambda: plotting.plot_training_histories({"m": {"val_loss": [1.0]}}),
     "a dict with 'loss'"),
    ("plotting.plot_confusion_matrix", lambda: plotting.plot_confusion_matrix([0, 2], [True, False]),
     "is_anomaly must be a 1-D array of booleans"),
    ("plotting.plot_confusion_matrix", lambda: plotting.plot_confusion_matrix(LABELS, LABELS[:3]),
     r"predicted must hold one boolean per example \(6\)"),
    ("plotting.plot_roc_pr_curves", lambda: plotting.plot_roc_pr_curves(LABELS, {"a": np.where(LABELS, NAN, 0)}),
     "holds 3 NaN"),
    ("plotting.plot_roc_pr_curves", lambda: plotting.plot_roc_pr_curves(~LABELS | True, {"a": SCORES}),
     "needs both normal and anomalous"),
    ("plotting.plot_decision_regions", lambda: plotting.plot_decision_regions(
        {"d": np.linalg.norm}, X[:, :2], LABELS.repeat(2), resolution=1), "resolution must be a whole number"),
    ("plotting.plot_decision_regions", lambda: plotting.plot_decision_regions(
        {"d": "norm"}, X[:, :2], LABELS.repeat(2)), r"score_functions\['d'\] must be a detector or a function"),
    ("plotting.plot_decision_regions", lambda: plotting.plot_decision_regions(
        {"d": np.linalg.norm}, X[:, :2], LABELS[:4]), "is_anomaly must hold one boolean per example"),
    ("plotting.plot_image_rows", lambda: plotting.plot_image_rows({"a": FRAMES.astype(float)}),
     r"rows\['a'\] must be uint8 or floats in \[0, 1\]"),
    ("plotting.plot_image_rows", lambda: plotting.plot_image_rows({"a": FRAMES}, columns=2.0), "columns must be"),
    ("plotting.plot_image_rows", lambda: plotting.plot_image_rows({"a": FRAMES}, titles=["1"]), "at least 4 name"),
    ("plotting.plot_codes_3d", lambda: plotting.plot_codes_3d({"a": X[:, :3]}, np.arange(12)), "labels must be digits"),
    ("plotting.plot_codes_3d", lambda: plotting.plot_codes_3d({"a": X[:10, :3]}, np.arange(10), points=0), "points"),
    ("plotting.plot_error_vs_code_size", lambda: plotting.plot_error_vs_code_size([0, 4], {"a": [1, 2]}),
     "code_sizes must be a whole number of at least 1"),
    ("plotting.plot_error_vs_code_size", lambda: plotting.plot_error_vs_code_size([2, 4], {"a": [1]}),
     r"errors_by_model\['a'\]: need one error per code size"),
    ("plotting.plot_error_heatmaps", lambda: plotting.plot_error_heatmaps(FRAMES, FRAMES / 255.0, [-1]),
     "frame_indices must be a whole number from 0 to 3"),
    ("plotting.plot_error_heatmaps", lambda: plotting.plot_error_heatmaps(FRAMES, FRAMES / 255.0, [0], labels="a"),
     "labels must be a list"),
    ("plotting.plot_error_heatmaps", lambda: plotting.plot_error_heatmaps(FRAMES, FRAMES * 1.0, [0]),
     "reconstructions must be uint8 or floats"),
    ("plotting.plot_regularity", lambda: plotting.plot_regularity({"a": SCORES}, {"a": LABELS}, columns=0),
     "columns must be a whole number of at least 1"),
    ("plotting.plot_regularity", lambda: plotting.plot_regularity({"a": SCORES}, {"a": SCORES}),
     r"ground_truth\['a'\] must be a 1-D array of booleans"),
    ("plotting.save_inference_gif", lambda: plotting.save_inference_gif("x.gif", FRAMES, FRAMES / 255.0, fps=0),
     "fps must be a whole number of at least 1"),
    ("plotting.save_inference_gif", lambda: plotting.save_inference_gif("x.gif", FRAMES, FRAMES / 200.0),
     "reconstructions must be uint8 or floats in"),
    ("plotting.plot_autoencoder_diagram", lambda: plotting.plot_autoencoder_diagram([784, 3.5, 784]),
     "layer_sizes must be a whole number"),
    ("plotting.plot_autoencoder_diagram", lambda: plotting.plot_autoencoder_diagram([784, 3, 784], code_index=3),
     "code_index must be a whole number from 0 to 2"),
    ("plotting.plot_metrics_at_rates", lambda: plotting.plot_metrics_at_rates(pd.DataFrame()), "table must be"),
    ("plotting.plot_metrics_at_rates", lambda: plotting.plot_metrics_at_rates(rates_table(), "roc_auc"),
     "metrics must be a list"),
    ("plotting.plot_signal_detections", lambda: plotting.plot_signal_detections(
        np.zeros(20), [], [0, 10], 10, [0.1, 0.2], NAN), "threshold must be a finite number"),
    ("plotting.plot_signal_detections", lambda: plotting.plot_signal_detections(
        np.zeros(20), [], [0.0, 10.0], 10, [0.1, 0.2], 0.5), "window_starts must be an array of whole"),
    ("plotting.plot_signal_detections", lambda: plotting.plot_signal_detections(
        np.zeros(20), [], [0, 10], 10, [0.1, 0.2], 0.5, samples=(10, 5)), "samples must be"),
    # exercises: the lab's variables are checked; the student's answers are reported, never raised
    ("exercises.check_do_nothing", lambda: exercises.check_do_nothing([0, 1, 2], 0, 0, 0), "is_anomaly must be"),
    ("exercises.check_anomaly_precision_recall", lambda: exercises.check_anomaly_precision_recall(
        LABELS, SCORES[:3], 0.5, 0.5, 0.5), "must match"),
    ("exercises.check_anomaly_precision_recall", lambda: exercises.check_anomaly_precision_recall(
        LABELS, SCORES, "0.5", 0.5, 0.5), "threshold must be a finite number"),
    # explorer (chapter 3's threshold explorer)
    ("explorer.checked_sets", lambda: explorer.checked_sets({"test": (LABELS, SCORES[:2])}), "must match"),
    ("explorer.checked_sets", lambda: explorer.checked_sets([(LABELS, SCORES)]), "sets must be a non-empty dict"),
    ("explorer.checked_thresholds", lambda: explorer.checked_thresholds({}), "1 to 4 thresholds"),
    ("explorer.threshold_table", lambda: explorer.threshold_table({"test": (LABELS, SCORES)}, {"a": "x"}),
     r"thresholds\['a'\] must be a finite number"),
    ("explorer.plot_thresholds", lambda: explorer.plot_thresholds({"test": (SCORES, SCORES)}, {"a": 0.5}),
     "is_anomaly must be"),
    ("explorer.threshold_view", lambda: explorer.threshold_view({"test": (LABELS, SCORES)}, NAN),
     "threshold must be a finite number, got nan"),
    ("plot_style.finish", lambda: plot_style.finish("figure"), "figure must be a matplotlib Figure"),
    ("plot_style.panel_count", lambda: plot_style.panel_count({}, "rows"), "rows is empty"),
    ("plot_style.panel_count", lambda: plot_style.panel_count([SCORES], "rows"), "rows must be a non-empty dict"),
    ("plot_style.panel_grid", lambda: plot_style.panel_grid(0, 3.0), "panels must be a whole number"),
    ("plot_style.panel_grid", lambda: plot_style.panel_grid(2, 3.0, columns=0), "columns must be a whole number"),
    ("plot_style.panel_grid", lambda: plot_style.panel_grid(2.5, 3.0), "panels must be a whole number"),
    ("plot_style.panel_grid", lambda: plot_style.panel_grid(2, float("nan")), "panel_height must be"),
    ("plot_style.panel_grid", lambda: plot_style.panel_grid(2, -1.0), "panel_height must be"),
    ("plot_style.draw_error_histograms", lambda: plot_style.draw_error_histograms(None, SCORES, SCORES, {}, 5),
     "axis must be a matplotlib Axes"),
    ("plot_style.smallest_text", lambda: plot_style.smallest_text("figure"), "figure must be a matplotlib Figure"),
    ("plot_style.styled", lambda: plot_style.styled("not a function"), "draw must be a function"),
    ("explorer.threshold_explorer", lambda: explorer.threshold_explorer({"test": (LABELS, SCORES)}, examples=3),
     "examples must be"),
]


@pytest.mark.parametrize("call, message", [case[1:] for case in CASES if case[1]],
                         ids=[f"{case[0]}-{index}" for index, case in enumerate(CASES) if case[1]])
def test_a_bad_argument_is_named(call, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing may be written for a bad call: save_inference_gif included
    with pytest.raises(ValueError, match=message):
        call()
    assert list(tmp_path.iterdir()) == []


MODULES = (saved_models, rates, windows, costs, one_class, deep_svdd, baselines, video, video_scores, results, settings,
           plotting, plotting_video, plotting_images, plot_style, metrics, inference, training, detectors,
           video_detectors, exercises, explorer, frames)
# check_clip_memory and check_channels_model take only the student's answers: a wrong one is
# reported as wrong (tests/test_exercises.py), never raised.
# check_pooling_autoencoder likewise; use_colab_widgets takes no argument (tests/test_explorer.py).
NO_ARGUMENTS = {"saved_models.models_folder", "exercises.check_clip_memory", "exercises.check_channels_model",
                "exercises.check_pooling_autoencoder", "explorer.use_colab_widgets"}


def where_defined(probe: str) -> str:
    """``module.name`` where the function a probe calls is defined: a probe of a re-export counts for its home."""
    module_name, _, name = probe.partition(".")
    value = getattr(importlib.import_module(f"labutils.{module_name}"), name)
    return f"{value.__module__.split('.')[-1]}.{value.__name__}"


def test_every_public_function_of_these_modules_is_probed():
    probed = {where_defined(case[0]) for case in CASES} | {case[0] for case in CASES}
    public = {
        f"{module.__name__.split('.')[-1]}.{name}"
        for module in MODULES
        for name, value in vars(module).items()
        if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == module.__name__
    }
    assert public - probed - NO_ARGUMENTS == set()
