"""Chapters 4 and 6 on real UCSD video: train the chapters' models as they do, score every test frame.

Run through ``benchmarks/ucsd.py --only real --data-dir DIR [--subset UCSDped2]``, where DIR holds
``UCSD_Anomaly_Dataset.v1p2/`` (or ``ucsd/UCSD_Anomaly_Dataset.v1p2/``), for example the folder
``../shared/data/ucsd_ped2/write_ucsd_layout.py`` writes. The benchmark points
``LABUTILS_DATA_DIR`` at DIR, so ``labutils.data.locate_ucsd`` finds the real data exactly as
a notebook would, and trains with the rows that ``labutils.settings.video_lab`` picks for real
video on this machine (``ucsd_frames_cpu`` / ``ucsd_video_cpu`` without a GPU or with
``--profile quick``; the full rows on a GPU in the full profile):

- chapter 4's frame autoencoder, with and without its dense bottleneck, on uint8 frames at their
  own size with the training mean frame subtracted, early stopping on whole held-out videos;
- chapter 6's spatio-temporal autoencoder (``labutils.training``), and the frame
  autoencoder at its size (chapter 4's model when the sizes agree, as in the CPU rows);
- two detectors without a model, for scale: each frame's squared difference from the mean frame
  ("foreground") and from the previous frame ("frame difference").

Every model is scored as a detector of the course's contract (``labutils.video_detectors``: raw
error, regularity, motion error, motion regularity). Writes ``results/ucsd-real.md``
(frame-level ROC-AUC, PR-AUC and EER pooled and per test video, seconds per epoch, machine,
commit, date, command) and
``results/ucsd-real-scores.csv`` (one row per test frame: video, frame, anomalous, one column per
detector and score), which chapters 4 and 6 show.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parents[1]


def commit_label() -> str:
    """The checkout's short commit, "with uncommitted changes" where labutils or benchmarks differ."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "labutils", "benchmarks"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}{' with uncommitted changes' if dirty else ''}"


def _train_frame_model(frame_lab, profile, train_frames, fit_videos, validation_videos, mean, epochs, size, code_size,
                       seed):
    from labutils import env, models, video, video_detectors

    row = {**_settings(frame_lab, profile), "image_size": size}
    env.setup(seed=seed, verbose=False)
    model = models.frame_autoencoder(size, code_size=code_size, frame_size=mean.shape, mean_frame=mean)
    detector = video_detectors.VideoAutoencoderDetector(model, profile=profile, lab=frame_lab, seed=seed,
                                                        epochs=epochs)
    start = time.perf_counter()
    detector.fit(video.stack_frames(train_frames, fit_videos, unit=False),
                 validation_data=video.stack_frames(train_frames, validation_videos, unit=False))
    return model, detector.history, time.perf_counter() - start, row


def _size_text(size) -> str:
    """``(100, 148)`` or ``227`` as "100x148" / "227x227"."""
    return "x".join(map(str, (size, size) if isinstance(size, int) else size))


def _settings(lab, profile):
    from labutils import settings

    return settings.get(lab, profile)


def no_model_detectors(mean: np.ndarray) -> dict:
    """The detectors without a model (``labutils.video_detectors``): the squared difference from the
    mean training frame ("foreground", about what counting dark pixels finds) and from the previous
    frame ("frame difference"). This benchmark and the stand-in's detector benchmark (``ucsd.py``)
    put them beside the models."""
    from labutils import video_detectors

    return {"no model, foreground": video_detectors.Foreground(mean_frame=mean),
            "no model, frame difference": video_detectors.FrameDifference()}


def _baselines(test_frames, mean) -> dict[str, dict[str, np.ndarray]]:
    """Scores without a model (:func:`no_model_detectors`), raw and as regularity."""
    from labutils import video_detectors

    scores = {}
    for label, detector in no_model_detectors(mean).items():
        for kind, values in video_detectors.score_videos(detector, test_frames).items():
            scores[f"{label}: {'raw' if kind == 'raw error' else kind}"] = values
    return scores


def _metrics(ground_truth, scores) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pooled ROC-AUC, PR-AUC and EER per detector and score; and the same per test video.

    Per video, a regularity score ranks the frames exactly as the error it comes from (one
    video, one increasing map), so only the errors get a row there.
    """
    from sklearn import metrics

    from labutils import video

    pooled, per_video = [], []
    mixed = [name for name, labels in ground_truth.items() if labels.any() and not labels.all()]
    for column, values in scores.items():
        result = video.frame_level_evaluation(ground_truth, values)
        pooled.append({"detector: score": column, "ROC-AUC": result["roc_auc"], "PR-AUC": result["pr_auc"],
                       "EER": result["eer"]})
        if "regularity" not in column:
            cells = {}
            for name in mixed:
                labels, ranked = ground_truth[name], values[name]
                cells[name] = (f"{metrics.roc_auc_score(labels, ranked):.3f} / "
                               f"{metrics.average_precision_score(labels, ranked):.3f} / "
                               f"{video.equal_error_rate(labels, ranked):.3f}")
            per_video.append({"detector: score": column, **cells})
    return pd.DataFrame(pooled).round(3), pd.DataFrame(per_video)


def real_benchmark(
    data_dir: Path, subset: str, profile: str, seed: int = 0, epochs: int | None = None
) -> tuple[str, pd.DataFrame]:
    """Train and score the chapters' models on the real videos in ``data_dir``: (markdown, per-frame scores).

    ``epochs`` overrides the rows' (a smoke run).
    """
    os.environ["LABUTILS_DATA_DIR"] = str(data_dir)
    from labutils import data, env, models, settings, training, video, video_detectors

    started = time.perf_counter()
    root, source = data.locate_ucsd(profile, subset)
    if not source.real:
        raise SystemExit(f"{data_dir} holds no real {subset} data (found: {source})")
    gpu = bool(env.gpu_names())
    frame_lab = settings.video_lab("ucsd_frames", True, profile, gpu)
    clip_lab = settings.video_lab("ucsd_video", True, profile, gpu)
    frames_row, clip_row = settings.get(frame_lab, profile), settings.get(clip_lab, profile)
    train_frames = data.ucsd_frames(root, subset, "Train", progress=False)
    test_frames = data.ucsd_frames(root, subset, "Test", progress=False)
    ground_truth = data.ucsd_ground_truth(root, subset)
    fit_videos, validation_videos = video.split_videos(train_frames, frames_row["validation_fraction"])
    mean = video.mean_frame(train_frames, fit_videos)
    arguments = (frame_lab, profile, train_frames, fit_videos, validation_videos, mean, epochs)

    trained = {}  # name -> (model, history, seconds, settings row name)
    size = models.comparison_size(frames_row["image_size"])  # (height, width), multiples of 4 already
    for name, code_size in (("frame AE", 2000), ("frame AE, no bottleneck", None)):
        model, history, seconds, _ = _train_frame_model(*arguments, size, code_size, seed)
        trained[f"{name} ({_size_text(size)})"] = (model, history, seconds, frame_lab)
    env.setup(seed=seed, verbose=False)
    clip_model = models.spatiotemporal_autoencoder_from(clip_row, frame_size=mean.shape, mean_frame=mean)
    clips = training.clip_datasets(root, subset, fit_videos, validation_videos, clip_row, progress=False)
    start = time.perf_counter()
    history = video_detectors.VideoAutoencoderDetector(clip_model, lab_settings=clip_row, epochs=epochs).fit(
        *clips).history
    clip_name = f"spatio-temporal AE ({_size_text(clip_row['image_size'])})"
    trained[clip_name] = (clip_model, history, time.perf_counter() - start, clip_lab)
    comparison = models.comparison_size(clip_row["image_size"])
    if comparison != size:
        model, history, seconds, _ = _train_frame_model(*arguments, comparison, 2000, seed)
        trained[f"frame AE ({_size_text(comparison)})"] = (model, history, seconds, frame_lab)

    scores, timing = {}, []
    for name, (model, history, seconds, lab) in trained.items():
        detector = video_detectors.VideoAutoencoderDetector(model, trained=True)
        for score, values in video_detectors.score_videos(detector, test_frames).items():
            scores[f"{name}: {score}"] = values
        epochs = len(history.history["loss"])
        timing.append({"model": name, "settings row": lab, "weights": model.count_params(), "epochs": epochs,
                       "best epoch": int(np.argmin(history.history["val_loss"])) + 1,
                       "s/epoch": round(seconds / epochs, 1), "s in all": round(seconds)})
    scores.update(_baselines(test_frames, mean))
    pooled, per_video = _metrics(ground_truth, scores)

    videos = sorted(ground_truth)
    table = pd.DataFrame({"video": np.concatenate([[name] * len(ground_truth[name]) for name in videos]),
                          "frame": np.concatenate([np.arange(1, len(ground_truth[name]) + 1) for name in videos]),
                          "anomalous": np.concatenate([ground_truth[name] for name in videos]).astype(int)})
    for column, values in scores.items():
        table[column] = np.concatenate([values[name] for name in videos]).round(6)

    libraries = ", ".join(f"{name} {version}" for name, version in env.versions().items())
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, "
               f"GPU: {', '.join(env.gpu_names()) or 'none'}; {libraries}")
    frames_count = sum(map(len, ground_truth.values()))
    anomalous = int(sum(labels.sum() for labels in ground_truth.values()))
    header = (
        f"Real {subset}: {len(train_frames)} training videos ({sum(map(len, train_frames.values()))} frames), "
        f"{len(videos)} test videos ({frames_count} frames, {anomalous} anomalous). "
        f"Command: `python benchmarks/ucsd.py --only real --data-dir DIR --subset {subset} --profile {profile} "
        f"--seed {seed}`; commit {commit_label()}, {time.strftime('%Y-%m-%d')}; {machine}; "
        f"{time.perf_counter() - started:.0f} s in all. Settings rows: `{frame_lab}`, `{clip_lab}` "
        f"(labutils.settings). Regularity scores normalise each video by its own smallest and largest error: "
        f"offline scores that need the whole video."
    )
    text = _text(header, pooled, per_video, pd.DataFrame(timing).to_markdown(index=False))
    return text, table


def _text(header: str, pooled: pd.DataFrame, per_video: pd.DataFrame, timing: str) -> str:
    return "\n\n".join([
        header,
        "Frame-level detection, pooled over the test videos (anomaly is the positive class):",
        pooled.to_markdown(index=False),
        "Per test video with both normal and anomalous frames, ROC-AUC / PR-AUC / EER (within one video a "
        "regularity score ranks the frames as its error does, so only the errors are listed; the other test videos "
        "are anomalous throughout):",
        per_video.to_markdown(index=False),
        "Training (2 CPU cores unless a GPU is named above):",
        timing,
    ])


def rescore() -> str:
    """The tables of ``results/ucsd-real.md`` again from the stored per-frame scores, without training.

    For a change in how the stored scores are evaluated; the header and the training table stay.
    """
    from labutils import results

    ground_truth, scores = results.stored_video_scores("ucsd-real-scores", "quick")
    if ground_truth is None:
        raise SystemExit(f"no stored scores: {scores}")
    parts = (RESULTS / "ucsd-real.md").read_text().strip().split("\n\n")
    note = " Tables re-evaluated from the stored scores (`--rescore`)."
    header = parts[0] if note in parts[0] else parts[0] + note
    return _text(header, *_metrics(ground_truth, scores), parts[-1])


def write(text: str, table: pd.DataFrame | None) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ucsd-real.md").write_text(text + "\n")
    if table is not None:
        table.to_csv(RESULTS / "ucsd-real-scores.csv", index=False)
    print(text)


if __name__ == "__main__":
    sys.exit("run it as: python benchmarks/ucsd.py --only real --data-dir DIR [--subset UCSDped2]")
