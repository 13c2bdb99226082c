"""A rehearsal of what a student runs in Colab in the full profile, on real UCSD video and this machine.

Run through ``benchmarks/ucsd.py --only rehearsal --data-dir DIR [--subset UCSDped2] [--epochs 3]
[--steps 6]``, DIR holding ``UCSD_Anomaly_Dataset.v1p2/`` with real video. End to end, as the
notebooks meet it in the full profile:

1. the subset's folder is packed into a ``.tar.gz`` laid out as the official archive, and
   ``labutils.data.download_ucsd`` fetches it from a ``file://`` URL into an empty data folder
   and extracts it (the download path: staging, checks, safe extraction);
2. ``labutils.data.locate_ucsd("full", subset)`` finds it as real data;
3. the **full** rows a GPU student trains (``ucsd_frames`` and ``ucsd_video``: the slides' frame
   model and Chong & Tay's 227x227 model) train through ``labutils.saved_models.trained_model``
   for a few epochs (the clip model on at most ``--steps`` batches per epoch, drawn anew each
   epoch: on Ped2 a full epoch of the paper's model is 40 batches, minutes on a CPU), showing
   the losses;
4. ``trained_model`` is called again: it must load the saved weights, and the loaded model must
   rebuild a test clip exactly as the trained one did.

Writes ``results/ucsd-full-rehearsal.md``. This is not a measurement of detection: the models
train far too briefly for that.
"""

from __future__ import annotations

import os
import platform
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def _pack(data_dir: Path, subset: str, archive: Path) -> None:
    """The subset's folder as a gzipped tar whose top folder is UCSD_Anomaly_Dataset.v1p2, as the official one."""
    from labutils import data

    source = next(folder for folder in (data_dir, data_dir / "ucsd") if (folder / data.UCSD_FOLDER / subset).is_dir())
    with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
        tar.add(source / data.UCSD_FOLDER / subset, arcname=f"{data.UCSD_FOLDER}/{subset}")


def rehearsal(data_dir: Path, subset: str, epochs: int, steps: int) -> str:
    scratch = Path(tempfile.mkdtemp(prefix="ucsd-rehearsal-"))
    os.environ["LABUTILS_DATA_DIR"] = str(scratch / "data")
    os.environ["LAB_PROFILE"] = "full"
    from labutils import data, env, models, saved_models, settings, training, video, video_detectors

    lines, rows = [], []
    start = time.perf_counter()
    _pack(data_dir, subset, scratch / "UCSD_Anomaly_Dataset.tar.gz")
    packed = time.perf_counter()
    folder = data.download_ucsd(data.data_dir() / "ucsd", url=(scratch / "UCSD_Anomaly_Dataset.tar.gz").as_uri())
    root, source = data.locate_ucsd("full", subset)
    lines.append(f"1-2. Packed {subset} ({(scratch / 'UCSD_Anomaly_Dataset.tar.gz').stat().st_size / 1e6:.0f} MB) "
                 f"in {packed - start:.0f} s; `download_ucsd` fetched it from a file:// URL and extracted it to "
                 f"{folder.name}/ in {time.perf_counter() - packed:.0f} s; `locate_ucsd('full')` says: {source} "
                 f"(real: {source.real}).")
    train_frames = data.ucsd_frames(root, subset, "Train", progress=False)
    test_frames = data.ucsd_frames(root, subset, "Test", progress=False)
    frame_size = next(iter(train_frames.values())).shape[1:]
    clip_row, frame_row = settings.get("ucsd_video", "full"), settings.get("ucsd_frames", "full")
    fit_videos, validation_videos = video.split_videos(train_frames, clip_row["validation_fraction"])
    mean = video.mean_frame(train_frames, fit_videos)
    details = {"subset": subset, "data": source.name, "frame_size": frame_size, "mean_frame": True, "seed": 0,
               "rehearsal": f"{epochs} epochs of {steps} batches"}
    train_clips, validation_clips = training.clip_datasets(root, subset, fit_videos, validation_videos, clip_row,
                                                           progress=False)
    batches = {"train": int(train_clips.cardinality()), "validation": int(validation_clips.cardinality())}
    used = {name: min(steps, count) for name, count in batches.items()}

    def build_clip():
        env.setup(seed=0, verbose=False)
        return models.spatiotemporal_autoencoder_from(clip_row, frame_size=frame_size, mean_frame=mean)

    def train_clip(model):
        detector = video_detectors.VideoAutoencoderDetector(model, lab_settings=clip_row, epochs=epochs,
                                                            progress=False)
        return detector.fit(train_clips.take(steps), validation_clips.take(steps)).history

    def build_frame():
        env.setup(seed=0, verbose=False)
        return models.frame_autoencoder(frame_row["image_size"], code_size=2000, frame_size=frame_size,
                                        mean_frame=mean)

    def train_frame(model):
        detector = video_detectors.VideoAutoencoderDetector(model, profile="full", lab="ucsd_frames", epochs=epochs,
                                                            progress=False)
        return detector.fit(video.stack_frames(train_frames, fit_videos, unit=False),
                            validation_data=video.stack_frames(train_frames, validation_videos, unit=False)).history

    test_clip = next(iter(test_frames.values()))[None, : clip_row["clip_length"], ..., None]
    for name, build, train, lab, inputs in (
        ("frame AE", build_frame, train_frame, "ucsd_frames", test_clip[0]),
        ("spatio-temporal AE", build_clip, train_clip, "ucsd_video", test_clip),
    ):
        began = time.perf_counter()
        model, history = saved_models.trained_model(build, train, lab, "full", details=details)
        seconds = time.perf_counter() - began
        rebuilt = model.predict(inputs, verbose=0)
        again, _ = saved_models.trained_model(build, train, lab, "full", details=details)  # must load, not train
        same = bool(np.array_equal(rebuilt, again.predict(inputs, verbose=0)))
        for epoch, (loss, validation) in enumerate(zip(history["loss"], history["val_loss"]), start=1):
            rows.append({"model": f"{name} (`{lab}`, full: {model.count_params():,} weights)", "epoch": epoch,
                         "loss": round(loss, 6), "validation loss": round(validation, 6),
                         "s/epoch": round(seconds / len(history["loss"]), 1), "reloaded, same output": same})
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, GPU: " + (
        ", ".join(env.gpu_names()) or "none")
    lines.append(f"3-4. The full profile's rows trained for {epochs} epochs (the clip model on {used['train']} of its "
                 f"{batches['train']} batches of {clip_row['batch_size']} clips per epoch and {used['validation']} of "
                 f"{batches['validation']} validation batches, learning rate "
                 f"{clip_row['learning_rate']:g}); then "
                 "`trained_model` was called again and loaded the saved weights. "
                 f"{machine}; {time.strftime('%Y-%m-%d')}; {time.perf_counter() - start:.0f} s in all.")
    return "\n\n".join([*lines, pd.DataFrame(rows).to_markdown(index=False)])
