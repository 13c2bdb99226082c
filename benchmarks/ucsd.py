"""Benchmark the video chapters: the UCSD loader's speed and memory, and the detectors.

Loader: writes a generated folder the size of UCSD Ped1's training set (34 videos of
200 frames, 238x158 pixels) and streams one epoch of 10-frame uint8 clips at the frames'
own size (the model's 227x227 lives in the model) through ``labutils.data.ucsd_clips``,
batch 16, in a fresh process per run (``--repeats``, default 3), measuring clips per
second and the extra peak memory (resident set size over the process's size before
loading), against the 2.8 GB float64 array of the slides' loader. Each run also times
what the model's own preprocessing costs per batch on this machine (its Rescaling and
Resizing of 10 uint8 frames to 227x227, and its resize back, timed as parts of chapter 6's
model).

Detectors: on the quick profile's generated stand-in, trains chapter 6's small
spatio-temporal autoencoder, chapter 4's frame autoencoder (with and without its
bottleneck) and chapter 6's frame autoencoder at the spatio-temporal model's resolution,
as the chapters do (uint8 frames at their own size in, the quick rows ``ucsd_video`` and
``ucsd_frames`` of ``labutils.settings``, early stopping on whole held-out training
videos), with several seeds, and reports the frame-level ROC-AUC per kind of anomaly
(object, speed, direction, all), the EER and seconds per epoch on this machine.
``--only gpu`` times
one epoch of the full-size model (227x227 inside, Chong & Tay's filters) on random uint8
clips of Ped1's size, for a GPU machine.

    python benchmarks/ucsd.py                  # everything, 10-20 minutes on 2 CPU cores
    python benchmarks/ucsd.py --only loader
    python benchmarks/ucsd.py --smoke          # the detectors' code on a tiny stand-in, 1 epoch
    python benchmarks/ucsd.py --only real --data-dir DIR --subset UCSDped2   # real video, see ucsd_real.py
    python benchmarks/ucsd.py --only rehearsal --data-dir DIR   # the full profile end to end, ucsd_rehearsal.py

Prints the tables and writes them to benchmarks/results/ucsd-<what>.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling modules, however it is started
import ucsd_real

RESULTS = Path(__file__).parent / "results"
SEED_LOADER_BYTES = 680 * 10 * 227 * 227 * 8  # the slides' float64 array of Ped1's training clips

LOADER_CHILD = """
import json, resource, sys, time
import tensorflow as tf
from labutils import data
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS"))
# Start the libraries before the baseline, so that it measures the data and not them: the same
# loader once on a tiny generated folder (TensorFlow's ops and tf.data, PIL's TIFF decoder).
import tempfile
tiny = tempfile.mkdtemp()
data.make_ucsd_standin(tiny, train_videos=1, test_videos=1, frames=20, frame_size=(48, 48))
for _ in data.ucsd_clips(tiny, clip_length=10, batch_size=2, pairs=True, progress=False):
    pass
before = rss()
start = time.perf_counter()
dataset = data.ucsd_clips(sys.argv[1], clip_length=10, batch_size=16, pairs=True, progress=False)
loaded = time.perf_counter()
decoded = rss()
clips = 0
for inputs, targets in dataset:
    clips += int(inputs.shape[0])
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"clips": clips, "shape": list(inputs.shape[1:]), "dtype": inputs.dtype.name,
                  "decode_s": loaded - start, "epoch_s": done - loaded, "extra_peak_bytes": peak - before,
                  "after_decoding_bytes": decoded - before}))
"""

PREPROCESS_CHILD = """
import json, sys, time
import keras, numpy as np, tensorflow as tf
from labutils import models, settings
height, width, size, batch, repeats = map(int, sys.argv[1:6])
# chapter 6's own model (full profile, frames of height x width); its first and last layers timed alone
row = settings.get("ucsd_video", "full") | {"image_size": (size, size)}
model = models.spatiotemporal_autoencoder_from(row, frame_size=(height, width))
into = tf.function(keras.Model(model.encoder.input, model.encoder.get_layer("resize").output), jit_compile=False)
resize_back = model.decoder.get_layer("resize_back")
rebuilt = keras.Input(resize_back.input.shape[1:])
back = tf.function(keras.Model(rebuilt, resize_back(rebuilt)))
uint8 = tf.constant(np.random.default_rng(0).integers(0, 256, (batch, 10, height, width, 1), dtype=np.uint8))
unit = tf.random.uniform((batch, *resize_back.input.shape[1:]))
result = {}
for name, function, argument in (("in", into, uint8), ("back", back, unit)):
    function(argument).numpy()  # trace once
    start = time.perf_counter()
    for _ in range(repeats):
        function(argument).numpy()
    result[name] = (time.perf_counter() - start) / repeats
print(json.dumps(result))
"""

PED1_FRAME = (158, 238)  # height, width of Ped1's frames
MODEL_SIZE = 227  # the spatio-temporal autoencoder's frames (Chong & Tay, 2017)
BATCH = 16


def _child(code: str, *arguments) -> dict:
    finished = subprocess.run(
        [sys.executable, "-c", code, *map(str, arguments)], check=True, capture_output=True, text=True
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])


def loader_benchmark(folder: Path, repeats: int = 3) -> pd.DataFrame:
    from labutils import data

    if not (folder / data.UCSD_FOLDER).is_dir():
        print(f"writing a Ped1-sized generated folder in {folder} ...")
        data.make_ucsd_standin(folder, train_videos=34, test_videos=1, frames=200, frame_size=PED1_FRAME)
    rows = []
    for run in range(1, repeats + 1):
        measured = _child(LOADER_CHILD, folder)
        preprocessing = _child(PREPROCESS_CHILD, *PED1_FRAME, MODEL_SIZE, BATCH, 20)
        extra = measured["extra_peak_bytes"]
        rows.append({
            "run": run,
            "load (1 min)": round(os.getloadavg()[0], 2),
            "clips per epoch": measured["clips"],
            "batch": f"{BATCH}x{'x'.join(map(str, measured['shape']))} {measured['dtype']}",
            "decode once (s)": round(measured["decode_s"], 1),
            "one epoch of clips (s)": round(measured["epoch_s"], 2),
            "clips/s": round(measured["clips"] / measured["epoch_s"]),
            "extra memory after decoding (MB)": round(measured["after_decoding_bytes"] / 1e6),
            "extra peak memory (MB)": round(extra / 1e6),
            "share of the slides' 2803 MB": f"{extra / SEED_LOADER_BYTES:.1%}",
            f"in-model scale + resize to {MODEL_SIZE} (ms/batch)": round(1000 * preprocessing["in"], 1),
            "in-model resize back (ms/batch)": round(1000 * preprocessing["back"], 1),
        })
    return pd.DataFrame(rows)


def detector_benchmark(
    seeds: list[int], root: Path | None = None, epochs: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train and score the chapters' models as the notebooks do, per kind of anomaly and seed.

    The rows ``settings.video_lab`` picks for the stand-in (the quick entries of
    ``ucsd_frames`` and ``ucsd_video``); uint8 frames at their own size in, the fit videos'
    mean frame subtracted inside the models; whole training videos held out for early
    stopping; the clip model trained by ``training`` and every model scored by
    ``video_detectors.score_videos`` (raw error, regularity, motion error, motion regularity).
    Models: chapter 6's spatio-temporal autoencoder; chapter 4's frame autoencoder with and
    without its bottleneck; chapter 6's frame autoencoder at ``models.comparison_size`` of
    the clip model (chapter 4's own model when the sizes agree: trained once). Returns (one
    row per detector, score and seed; one row per score and seed with the spatio-temporal
    model's ROC-AUC minus chapter 6's frame model's, per kind). ``epochs`` overrides the
    rows' (a smoke run).
    """
    from labutils import data, env, models, settings, training, video, video_detectors, video_scores

    frame_lab, clip_lab = (settings.video_lab(lab, False, "quick") for lab in ("ucsd_frames", "ucsd_video"))
    frame_row, clip_row = settings.get(frame_lab, "quick"), settings.get(clip_lab, "quick")
    frame_size, clip_size = tuple(frame_row["image_size"]), tuple(clip_row["image_size"])
    comparison_size = models.comparison_size(clip_size)
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="ucsd-benchmark-"))
        data.make_ucsd_standin(root)  # the quick profile's stand-in
    truth, kinds = data.ucsd_ground_truth(root), data.ucsd_anomaly_kinds(root)
    train_frames = data.ucsd_frames(root, progress=False)
    test_frames = data.ucsd_frames(root, split="Test", progress=False)
    fit_videos, validation_videos = video.split_videos(train_frames, frame_row["validation_fraction"])
    mean = video.mean_frame(train_frames, fit_videos)  # of the fit videos only, as the chapters
    clips = training.clip_datasets(root, "UCSDped1", fit_videos, validation_videos, clip_row, progress=False)
    fit_frames = video.stack_frames(train_frames, fit_videos, unit=False)
    validation_frames = video.stack_frames(train_frames, validation_videos, unit=False)
    rows = []

    def timed(fit, *arguments):
        """Run a detector's ``fit`` on ``arguments`` and say how long it took and how far it got."""
        load, wall, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
        history = fit(*arguments).history.history  # fit returns the detector; its Keras history's dict
        return {"train s": time.perf_counter() - wall, "train CPU s": time.process_time() - cpu,
                "load (1 min)": load, "epochs": len(history["loss"]), "best val MSE": min(history["val_loss"])}

    def record(name, seed, scores_by_name, timing=None):
        for score_name, scores in scores_by_name.items():
            by_kind = video.roc_auc_by_kind(truth, kinds, scores)
            eer = video.frame_level_evaluation(truth, scores)["eer"]
            rows.append({"detector": name, "score": score_name, "seed": seed, **by_kind, "eer": eer, **(timing or {})})

    def evaluate(name, detector, seed, timing):
        record(name, seed, video_detectors.score_videos(detector, test_frames), timing)

    def size_name(size):
        return "x".join(map(str, size))

    clip_name = f"spatio-temporal AE ({size_name(clip_size)})"
    shared = comparison_size == frame_size  # chapter 6 compares with chapter 4's own model
    chapters = "chapters 4 and 6" if shared else "chapter 6"
    comparison_name = f"frame AE, bottleneck 2000 ({size_name(comparison_size)}, {chapters})"
    chapter_4_name = comparison_name if shared else f"frame AE, bottleneck 2000 ({size_name(frame_size)}, chapter 4)"
    for seed in seeds:
        env.setup(seed=seed, verbose=False)
        model = models.spatiotemporal_autoencoder_from(clip_row, frame_size=mean.shape, mean_frame=mean)
        detector = video_detectors.VideoAutoencoderDetector(model, lab_settings=clip_row, epochs=epochs,
                                                            progress=False)
        timing = timed(detector.fit, *clips)
        evaluate(clip_name, detector, seed, timing)
        frame_models = [
            (frame_size, 2000, chapter_4_name),
            (frame_size, None, f"frame AE, no bottleneck ({size_name(frame_size)}, chapter 4)"),
        ] + ([] if shared else [(comparison_size, 2000, comparison_name)])
        for size, code_size, name in frame_models:
            env.setup(seed=seed, verbose=False)
            model = models.frame_autoencoder(size, code_size=code_size, frame_size=mean.shape, mean_frame=mean)
            detector = video_detectors.VideoAutoencoderDetector(model, profile="quick", lab=frame_lab, epochs=epochs,
                                                                validation_data=validation_frames, progress=False)
            timing = timed(detector.fit, fit_frames)
            evaluate(name, detector, seed, timing)
    for name, detector in ucsd_real.no_model_detectors(mean).items():  # what counting and differencing find
        record(name, "-", video_detectors.score_videos(detector, test_frames))
    results = pd.DataFrame(rows)
    columns = [kind for kind in (*data.ANOMALY_KINDS, "all") if kind in results]
    clip, frame = (results[results["detector"] == name].set_index(["score", "seed"])[columns]
                   for name in (clip_name, comparison_name))
    gains = (clip - frame).reset_index()
    gains.insert(0, "difference", f"{clip_name} minus {comparison_name}")
    order = {name: index for index, name in enumerate(dict.fromkeys(results["detector"]))}
    scores = {name: index for index, name in enumerate(video_scores.SCORE_NAMES)}
    results = results.assign(order=results["detector"].map(order), rank=results["score"].map(scores))
    results = results.sort_values(["order", "rank"], kind="stable").drop(columns=["order", "rank"])
    decimals = {"train s": 1, "train CPU s": 1, "load (1 min)": 1, "best val MSE": 5}
    results = results.round({column: decimals.get(column, 3) for column in results})
    gains = gains.assign(rank=gains["score"].map(scores)).sort_values(["rank", "seed"]).drop(columns="rank")
    return results.reset_index(drop=True), gains.round(3).reset_index(drop=True)


def gpu_benchmark() -> pd.DataFrame:
    import keras

    from labutils import env, models, settings

    full = settings.get("ucsd_video", "full")  # chapter 6's full profile
    env.use_mixed_precision()
    model = models.spatiotemporal_autoencoder_from(full, frame_size=PED1_FRAME)
    batch_size = full["batch_size"]
    shape = (10 * batch_size, full["clip_length"], *PED1_FRAME, 1)  # uint8 clips of Ped1's size, as ucsd_clips
    clips = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    model.fit(clips[: 2 * batch_size], clips[: 2 * batch_size], batch_size=batch_size, epochs=1, verbose=0)  # warm up
    start = time.perf_counter()
    model.fit(clips, clips, batch_size=batch_size, epochs=1, verbose=0)
    per_clip = (time.perf_counter() - start) / len(clips)
    return pd.DataFrame([{
        "device": ", ".join(env.gpu_names()) or "CPU", "policy": keras.mixed_precision.global_policy().name,
        "s per clip": round(per_clip, 4), "s per Ped1 epoch (680 clips)": round(680 * per_clip, 1),
        "s per Ped1 epoch with strides 1-3 (2040 clips)": round(2040 * per_clip, 1),
    }])


def write(name: str, table: pd.DataFrame | None, note: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    text = f"{note}\n" if table is None else f"{note}\n\n{table.to_markdown(index=False)}\n"
    (RESULTS / f"ucsd-{name}.md").write_text(text)
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["loader", "detectors", "gpu", "real", "rehearsal"], action="append")
    parser.add_argument("--data-dir", type=Path, help="real: the folder that holds UCSD_Anomaly_Dataset.v1p2/")
    parser.add_argument("--subset", default="UCSDped2", help="real: UCSDped1 or UCSDped2")
    parser.add_argument("--profile", default="full", choices=["full", "quick"],
                        help="real: which rows labutils.settings.video_lab picks (on a CPU both give the _cpu rows)")
    parser.add_argument("--seed", type=int, default=0, help="real: the seed of every model")
    parser.add_argument("--rescore", action="store_true",
                        help="real: re-evaluate the stored per-frame scores (no training, no data needed)")
    parser.add_argument("--epochs", type=int, default=3, help="rehearsal: epochs of the full rows")
    parser.add_argument("--steps", type=int, default=6, help="rehearsal: batches of clips per epoch")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "ucsd-ped1-sized")
    parser.add_argument("--repeats", type=int, default=3, help="loader runs (each in a fresh process)")
    parser.add_argument("--smoke", action="store_true",
                        help="detectors: one seed, one epoch, a tiny stand-in; checks the code, writes no results")
    arguments = parser.parse_args()
    if arguments.smoke and "real" not in (arguments.only or []):
        from labutils import data

        root = Path(tempfile.mkdtemp(prefix="ucsd-smoke-"))
        data.make_ucsd_standin(root, train_videos=3, test_videos=2, frames=30, frame_size=(48, 64))
        for table in detector_benchmark(arguments.seeds[:1], root=root, epochs=1):
            print(table.to_markdown(index=False))
        return
    chosen = arguments.only or ["loader", "detectors"]
    machine = f"{platform.processor() or platform.machine()}, {time.strftime('%Y-%m-%d')}"
    if "loader" in chosen:
        note = (f"Loader, Ped1-sized generated folder (34 videos x 200 frames, 238x158), uint8 clips of 10 frames "
                f"at the frames' own size, batch {BATCH}, each run in a fresh process; in-model preprocessing "
                f"timed on this CPU ({machine}). Targets: >= 2,000 clips/s, extra peak memory <= 10% (280 MB)")
        write("loader", loader_benchmark(arguments.folder, arguments.repeats), note)
    if "detectors" in chosen:
        from labutils.data import UCSD_STANDIN_VERSION

        commit = ucsd_real.commit_label()

        results, gains = detector_benchmark(arguments.seeds)
        write("detectors", results,
              f"Detectors on the quick stand-in (version {UCSD_STANDIN_VERSION}), trained as chapters 4 and 6 train "
              f"them (quick rows ucsd_video and ucsd_frames of labutils.settings, the fit videos' mean frame "
              f"subtracted), seeds {arguments.seeds}: frame-level ROC-AUC per kind of anomaly and seed, EER, "
              f"training seconds (wall and CPU, with the 1-minute load average when training began) on this "
              f"{os.cpu_count()}-core CPU ({machine}, commit {commit})")
        with open(RESULTS / "ucsd-detectors.md", "a") as file:
            file.write(f"\nSpatio-temporal minus frame model, same resolution, per seed:\n\n"
                       f"{gains.to_markdown(index=False)}\n")
        print(gains.to_markdown(index=False))
    if "real" in chosen and arguments.rescore:
        ucsd_real.write(ucsd_real.rescore(), None)
    elif "real" in chosen:
        if arguments.data_dir is None:
            parser.error("--only real needs --data-dir, the folder that holds UCSD_Anomaly_Dataset.v1p2/")
        measured = ucsd_real.real_benchmark(arguments.data_dir.resolve(), arguments.subset, arguments.profile,
                                            arguments.seed, epochs=1 if arguments.smoke else None)
        if arguments.smoke:  # checks the code; writes no results
            print(measured[0])
        else:
            ucsd_real.write(*measured)
    if "rehearsal" in chosen:
        if arguments.data_dir is None:
            parser.error("--only rehearsal needs --data-dir, the folder that holds UCSD_Anomaly_Dataset.v1p2/")
        import ucsd_rehearsal

        write("full-rehearsal", None, ucsd_rehearsal.rehearsal(arguments.data_dir.resolve(), arguments.subset,
                                                              arguments.epochs, arguments.steps))
    if "gpu" in chosen:
        write("gpu", gpu_benchmark(), f"Full-size spatio-temporal autoencoder, one epoch of random clips ({machine})")


if __name__ == "__main__":
    main()
