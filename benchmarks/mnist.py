"""Benchmark chapter 2's autoencoders: reconstruction error, speed, and one-class ROC-AUC per digit.

Trains the vanilla, deep and convolutional autoencoders as the chapter does (profile's
epochs, early stopping on 10% of the training images), reports test reconstruction MSE
and seconds per epoch on this machine, then runs the one-class protocol of Ruff et al.
(2018): a convolutional autoencoder per normal digit, ROC-AUC of the reconstruction
error on all test digits, anomaly positive, next to the paper's Table 1.

    python benchmarks/mnist.py --profile quick   # scikit-learn's digits, about 2 minutes on 2 CPU cores
    python benchmarks/mnist.py --profile full    # MNIST (downloads it once), meant for a GPU

Prints the tables and writes them to benchmarks/results/mnist-<profile>.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from labutils import data, env, models, scoring

PUBLISHED_DCAE = [0.976, 0.983, 0.854, 0.867, 0.865, 0.782, 0.946, 0.923, 0.865, 0.904]
PUBLISHED_DEEP_SVDD = [0.980, 0.997, 0.917, 0.919, 0.949, 0.885, 0.983, 0.946, 0.939, 0.965]
SETTINGS = {"full": {"epochs": 30, "batch_size": 128, "one_class_batch_size": 128},
            "quick": {"epochs": 20, "batch_size": 32, "one_class_batch_size": 16}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["quick", "full"], default="quick")
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args()
    settings = SETTINGS[arguments.profile]
    (x_train, y_train), (x_test, y_test), source = data.load_mnist(arguments.profile)

    rows = []
    for name, build in (("vanilla", models.vanilla_autoencoder), ("deep", models.deep_autoencoder),
                        ("convolutional", models.conv_autoencoder)):
        env.setup(seed=arguments.seed, verbose=False)
        model = build()
        start = time.perf_counter()
        history = scoring.fit_autoencoder(model, x_train, epochs=settings["epochs"], batch_size=settings["batch_size"],
                                          patience=5, progress=False)
        seconds = time.perf_counter() - start
        mse = float(((scoring.reconstruct(model, x_test) - x_test) ** 2).mean())
        rows.append({"model": name, "weights": model.count_params(), "epochs run": len(history.history["loss"]),
                     "s/epoch": round(seconds / len(history.history["loss"]), 2), "test MSE": round(mse, 4)})
    models_table = pd.DataFrame(rows)

    auc = []
    for digit in range(10):
        x_normal, x_scored, is_anomaly = data.one_class_split(x_train, y_train, x_test, y_test, digit)
        env.setup(seed=arguments.seed, verbose=False)
        model = models.conv_autoencoder()
        scoring.fit_autoencoder(model, x_normal, epochs=settings["epochs"],
                                batch_size=settings["one_class_batch_size"], patience=5, progress=False)
        auc.append(scoring.detection_metrics(is_anomaly, scoring.reconstruction_errors(model, x_scored))["roc_auc"])
    digits = pd.DataFrame({"normal digit": [*range(10), "mean"],
                           "our conv AE": [*auc, np.mean(auc)],
                           "DCAE (Ruff et al.)": [*PUBLISHED_DCAE, np.mean(PUBLISHED_DCAE)],
                           "Deep SVDD (Ruff et al.)": [*PUBLISHED_DEEP_SVDD, np.mean(PUBLISHED_DEEP_SVDD)]}).round(3)

    text = (f"Profile {arguments.profile}: {source}; seed {arguments.seed}; {time.strftime('%Y-%m-%d')}\n\n"
            f"{models_table.to_markdown(index=False)}\n\n{digits.to_markdown(index=False)}\n")
    output = Path(__file__).parent / "results" / f"mnist-{arguments.profile}.md"
    output.parent.mkdir(exist_ok=True)
    output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
