"""Benchmark the ECG lab's detectors on real heartbeats.

Trains the dense and Conv1D autoencoders with the lab's settings (row ``ecg`` of
``labutils.settings``, read by ``labutils.training.fit_autoencoder``; full profile unless
``--profile quick``) on the normal beats of repeated stratified splits, with several
seeds, next to the original lab's Conv1D model (trained as it was: row
``ecg_original``) and the classical baselines of ``labutils.baselines`` on the same
splits. Every detector goes through the one contract of ``labutils.detectors``: fitted once
on the normal training beats, then scoring test and validation beats. Every detector's
threshold is the lab's rule, mean + 1 std of its scores on held-out normal validation
beats (the settings' validation share); the test beats are used only for the metrics.

    python benchmarks/ecg.py                        # the 300 real beats shipped with labutils
    python benchmarks/ecg.py --data path/to/ecg.csv # any file load_ecg reads
    python benchmarks/ecg.py --profile quick --splits 2 --seeds 2

Prints a table and writes it to benchmarks/results/ecg-<profile>.md.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections import defaultdict
from pathlib import Path

import keras
import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedShuffleSplit

from labutils import baselines, data, detectors, env, metrics, models, settings, training

ORIGINAL = settings.get("ecg_original")  # the same in both profiles
#: name: (builder, row of labutils.settings it trains with)
AUTOENCODERS = {
    "Dense autoencoder": (models.dense_ecg_autoencoder, "ecg"),
    "Conv1D autoencoder": (models.conv1d_ecg_autoencoder, "ecg"),
    f"Original lab's Conv1D ({ORIGINAL['epochs']} epochs, batch {ORIGINAL['batch_size']})": (
        models.original_lab_conv1d_ecg_autoencoder, "ecg_original"
    ),
}


def evaluate(detector: detectors.Detector, test_beats, test_is_anomaly, validation_beats) -> dict[str, float]:
    """ROC-AUC, PR-AUC and F1 at the lab's threshold: mean + 1 std of the validation beats' scores."""
    threshold = detectors.threshold(detector, validation_beats, "mean+std")
    result = metrics.detection_metrics(test_is_anomaly, detector.score(test_beats), threshold)
    return {"roc_auc": result["roc_auc"], "pr_auc": result["pr_auc"], "f1": result["f1"]}


def lab_detectors(profile: str, seed: int, validation_beats) -> dict[str, detectors.Detector]:
    """Every detector the lab compares, unfitted: the three autoencoders (early stopping on the
    normal ``validation_beats``) and the classical ones."""
    found = {}
    for name, (builder, lab) in AUTOENCODERS.items():
        keras.utils.set_random_seed(seed)
        found[name] = detectors.AutoencoderDetector(builder(), profile=profile, lab=lab, progress=False,
                                                    validation_data=validation_beats)
    return found | {name: baselines.DETECTORS[name](seed=seed) for name in baselines.LAB_DETECTORS}


def run(beats, is_anomaly, profile: str, n_splits: int, seeds: list[int], split_seed: int = 1) -> pd.DataFrame:
    rows = []
    validation_fraction = settings.get("ecg", profile)["validation_fraction"]
    splitter = StratifiedShuffleSplit(n_splits=n_splits, test_size=0.3, random_state=split_seed)
    for split, (train_index, test_index) in enumerate(splitter.split(beats, is_anomaly)):
        train_normal = beats[train_index][~is_anomaly[train_index]]
        test_beats, test_is_anomaly = beats[test_index], is_anomaly[test_index]
        fit_beats, validation_beats = training.split_normal(train_normal, validation_fraction, seed=split)
        for seed in seeds:
            for name, detector in lab_detectors(profile, seed, validation_beats).items():
                keras.utils.set_random_seed(seed)
                start = time.perf_counter()
                detector.fit(fit_beats)
                seconds = time.perf_counter() - start
                history = getattr(detector, "history", None)
                rows.append({"detector": name, "split": split, "seed": seed,
                             **evaluate(detector, test_beats, test_is_anomaly, validation_beats),
                             "fit_seconds": seconds, "epochs": len(history.history["loss"]) if history else np.nan})
                print(f"split {split} seed {seed} {name}: ROC-AUC {rows[-1]['roc_auc']:.4f} ({seconds:.0f} s)",
                      flush=True)
    return pd.DataFrame(rows)


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    summary = defaultdict(dict)
    for name, group in results.groupby("detector", sort=False):
        for column in ("roc_auc", "pr_auc", "f1"):
            summary[name][column] = f"{group[column].mean():.3f} ± {group[column].std():.3f}"
        summary[name]["ROC-AUC min–max"] = f"{group['roc_auc'].min():.3f}–{group['roc_auc'].max():.3f}"
        summary[name]["fit seconds"] = f"{group['fit_seconds'].mean():.1f}"
        summary[name]["epochs"] = "" if group["epochs"].isna().all() else f"{group['epochs'].mean():.0f}"
        summary[name]["runs"] = len(group)
    table = pd.DataFrame(summary).T
    table.columns = [
        "ROC-AUC", "PR-AUC", "F1 (mean + std threshold)", "ROC-AUC min–max", "fit seconds", "epochs", "runs"
    ]
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="ECG file or folder (default: the 300 real beats shipped with labutils)")
    parser.add_argument("--profile", choices=env.PROFILES, default="full")
    parser.add_argument("--splits", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--split-seed", type=int, default=1,
                        help="seed of the splits; 0 was used to choose the models' settings, so report another")
    parser.add_argument("--output", type=Path)
    arguments = parser.parse_args()

    source = arguments.data or data.shipped_file(data.ECG_SUBSET)
    beats, is_anomaly = data.load_ecg(source)
    started = time.perf_counter()
    seeds = list(range(arguments.seeds))
    results = run(beats, is_anomaly, arguments.profile, arguments.splits, seeds, arguments.split_seed)
    table = summarise(results)

    output = arguments.output or Path(__file__).parent / "results" / f"ecg-{arguments.profile}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f"# ECG benchmark ({arguments.profile} profile)\n\n"
        f"Data: {Path(source).name}, {len(beats)} beats ({is_anomaly.sum()} abnormal); "
        f"{arguments.splits} stratified 70/30 splits (split seed {arguments.split_seed}) x {arguments.seeds} seeds; "
        f"mean ± std over runs. Machine: {platform.processor() or platform.machine()}, "
        f"GPUs: {len(env.gpu_names())}; TensorFlow {env.versions()['tensorflow']}, "
        f"Keras {keras.__version__}. Total time {time.perf_counter() - started:.0f} s.\n\n"
    )
    output.write_text(header + table.to_markdown() + "\n")
    results.to_csv(output.with_suffix(".csv"), index=False)
    print()
    print(header + table.to_markdown())
    print(f"\nWritten to {output}")


if __name__ == "__main__":
    main()
