"""Benchmark the video chapters: the UCSD loader's speed and memory, and the detectors.

Loader: writes a generated folder the size of UCSD Ped1's training set (34 videos of
200 frames, 238x158 pixels) and streams one epoch of 10-frame clips at 227x227 through
``labutils.data.ucsd_clips`` in a fresh process, measuring clips per second and the
extra peak memory (resident set size over the process's size before loading), against
the 2.8 GB float64 array of the slides' loader.

Detectors: on the quick profile's generated stand-in, trains chapter 6's small
spatio-temporal autoencoder and chapter 4's frame autoencoder (with and without its
bottleneck) as the chapters do, with the quick rows ``ucsd_video`` and ``ucsd_frames`` of
``labutils.settings`` (the frame model with early stopping on whole held-out training
videos), with several seeds, and reports frame-level ROC-AUC and EER, and seconds per
epoch on this machine. ``--gpu-size`` also times one epoch of the full-size model
(227x227, Chong & Tay's filters) on random clips, for a GPU machine.

    python benchmarks/ucsd.py                  # everything, 10-20 minutes on 2 CPU cores
    python benchmarks/ucsd.py --only loader

Prints the tables and writes them to benchmarks/results/ucsd-<what>.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).parent / "results"
SEED_LOADER_BYTES = 680 * 10 * 227 * 227 * 8  # the slides' float64 array of Ped1's training clips

LOADER_CHILD = """
import json, resource, sys, time
import tensorflow as tf
from labutils import data
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS"))
tf.constant(0)  # start TensorFlow's runtime before the baseline
before = rss()
start = time.perf_counter()
dataset = data.ucsd_clips(sys.argv[1], clip_length=10, image_size=227, batch_size=16, progress=False)
loaded = time.perf_counter()
clips = sum(int(batch.shape[0]) for batch in dataset)
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"clips": clips, "decode_s": loaded - start, "epoch_s": done - loaded,
                  "extra_peak_bytes": peak - before}))
"""


def loader_benchmark(folder: Path) -> pd.DataFrame:
    from labutils import data

    if not (folder / data.UCSD_FOLDER).is_dir():
        print(f"writing a Ped1-sized generated folder in {folder} ...")
        data.make_ucsd_standin(folder, train_videos=34, test_videos=1, frames=200, frame_size=(158, 238))
    measured = json.loads(subprocess.run(
        [sys.executable, "-c", LOADER_CHILD, str(folder)], check=True, capture_output=True, text=True
    ).stdout.strip().splitlines()[-1])
    extra = measured["extra_peak_bytes"]
    return pd.DataFrame([{
        "clips per epoch": measured["clips"],
        "decode once (s)": round(measured["decode_s"], 1),
        "one epoch of clips (s)": round(measured["epoch_s"], 1),
        "clips/s": round(measured["clips"] / measured["epoch_s"], 1),
        "extra peak memory (MB)": round(extra / 1e6),
        "slides' float64 array (MB)": round(SEED_LOADER_BYTES / 1e6),
        "share of the slides' array": f"{extra / SEED_LOADER_BYTES:.1%}",
        "target": "< 15%",
    }])


def detector_benchmark(seeds: list[int]) -> pd.DataFrame:
    from labutils import data, env, models, scoring, settings, video

    clip_settings, frame_settings = settings.get("ucsd_video", "quick"), settings.get("ucsd_frames", "quick")
    clip_size, frame_size = clip_settings["image_size"], frame_settings["image_size"]
    root = Path(tempfile.mkdtemp(prefix="ucsd-benchmark-"))
    data.make_ucsd_standin(root)  # the quick profile's stand-in: 6 training, 4 test videos of 60 frames
    truth = data.ucsd_ground_truth(root)
    rows = []
    clips = data.ucsd_clips(
        root, clip_length=clip_settings["clip_length"], image_size=clip_size, strides=clip_settings["strides"],
        step=clip_settings["step"], batch_size=clip_settings["batch_size"], pairs=True, progress=False,
    )
    test_for_clips = data.ucsd_frames(root, split="Test", image_size=clip_size, progress=False)
    train_for_frames = data.ucsd_frames(root, image_size=frame_size, progress=False)
    test_for_frames = data.ucsd_frames(root, split="Test", image_size=frame_size, progress=False)
    fit_videos, validation_videos = video.split_videos(train_for_frames, frame_settings["validation_fraction"])
    fit_frames = video.stack_frames(train_for_frames, fit_videos)
    validation_frames = video.stack_frames(train_for_frames, validation_videos)

    def evaluate(name, model, test, seed, seconds, epochs):
        _, errors = video.video_errors(model, test)
        regular = {video_name: 1 - video.regularity_scores(values) for video_name, values in errors.items()}
        for score_name, scores in (("raw error", errors), ("regularity", regular)):
            result = video.frame_level_evaluation(truth, scores)
            rows.append({"detector": name, "score": score_name, "seed": seed, "roc_auc": result["roc_auc"],
                         "eer": result["eer"], "s/epoch": seconds / epochs, "epochs": epochs})

    for seed in seeds:
        env.setup(seed=seed, verbose=False)
        model = models.spatiotemporal_autoencoder(
            clip_size, clip_settings["clip_length"], clip_settings["filters"], clip_settings["lstm_filters"],
            clip_settings["learning_rate"],
        )
        start = time.perf_counter()
        model.fit(clips, epochs=clip_settings["epochs"], verbose=0, shuffle=False)  # ucsd_clips shuffles itself
        evaluate(f"spatio-temporal AE ({clip_size}x{clip_size}, small)", model, test_for_clips, seed,
                 time.perf_counter() - start, clip_settings["epochs"])
        for code_size, kind in ((2000, "bottleneck 2000"), (None, "no bottleneck")):
            env.setup(seed=seed, verbose=False)
            model = models.frame_autoencoder(frame_size, code_size=code_size)
            start = time.perf_counter()
            history = scoring.fit_autoencoder(model, fit_frames, "quick", lab="ucsd_frames",
                                              validation_data=validation_frames, progress=False)
            evaluate(f"frame AE, {kind} ({frame_size}x{frame_size})", model, test_for_frames, seed,
                     time.perf_counter() - start, len(history.history["loss"]))
    results = pd.DataFrame(rows)
    summary = results.groupby(["detector", "score"], sort=False).agg(
        roc_auc_mean=("roc_auc", "mean"), roc_auc_min=("roc_auc", "min"), roc_auc_max=("roc_auc", "max"),
        eer_mean=("eer", "mean"), seconds_per_epoch=("s/epoch", "mean"), epochs_mean=("epochs", "mean"),
    )
    return summary.round(3).reset_index()


def gpu_benchmark() -> pd.DataFrame:
    import keras

    from labutils import env, models, settings

    full = settings.get("ucsd_video", "full")  # chapter 6's full profile
    env.use_mixed_precision()
    model = models.spatiotemporal_autoencoder(
        full["image_size"], full["clip_length"], full["filters"], full["lstm_filters"], full["learning_rate"]
    )
    size, batch_size = full["image_size"], full["batch_size"]
    clips = np.random.default_rng(0).random((10 * batch_size, full["clip_length"], size, size, 1), dtype=np.float32)
    model.fit(clips[: 2 * batch_size], clips[: 2 * batch_size], batch_size=batch_size, epochs=1, verbose=0)  # warm up
    start = time.perf_counter()
    model.fit(clips, clips, batch_size=batch_size, epochs=1, verbose=0)
    per_clip = (time.perf_counter() - start) / len(clips)
    return pd.DataFrame([{
        "device": ", ".join(env.gpu_names()) or "CPU", "policy": keras.mixed_precision.global_policy().name,
        "s per clip": round(per_clip, 4), "s per Ped1 epoch (680 clips)": round(680 * per_clip, 1),
        "s per Ped1 epoch with strides 1-3 (2040 clips)": round(2040 * per_clip, 1),
    }])


def write(name: str, table: pd.DataFrame, note: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    text = f"{note}\n\n{table.to_markdown(index=False)}\n"
    (RESULTS / f"ucsd-{name}.md").write_text(text)
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["loader", "detectors", "gpu"], action="append")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "ucsd-ped1-sized")
    arguments = parser.parse_args()
    chosen = arguments.only or ["loader", "detectors"]
    machine = f"{platform.processor() or platform.machine()}, {time.strftime('%Y-%m-%d')}"
    if "loader" in chosen:
        note = f"Loader, Ped1-sized generated folder, 227x227, batch 16 ({machine})"
        write("loader", loader_benchmark(arguments.folder), note)
    if "detectors" in chosen:
        write("detectors", detector_benchmark(arguments.seeds),
              f"Detectors on the quick stand-in, quick settings of labutils.settings, "
              f"seeds {arguments.seeds} ({machine})")
    if "gpu" in chosen:
        write("gpu", gpu_benchmark(), f"Full-size spatio-temporal autoencoder, one epoch of random clips ({machine})")


if __name__ == "__main__":
    main()
