"""Benchmark chapter 2's autoencoders: reconstruction error, speed, and one-class ROC-AUC per digit.

Trains the vanilla, deep and convolutional autoencoders as the chapter does (row
``mnist`` of ``labutils.settings`` for the profile: epochs, batch size, early stopping on
the settings' validation share of the training images), reports test reconstruction
MSE and seconds per epoch on this machine, then runs the one-class protocol of Ruff et
al. (2018): a convolutional autoencoder per normal digit (row ``one_class_mnist``),
ROC-AUC of the reconstruction error on all test digits, anomaly positive, next to the
paper's Table 1 (``labutils.published``).

    python benchmarks/mnist.py --profile quick   # the 2,000 real digits shipped with labutils
    python benchmarks/mnist.py --profile full    # MNIST (downloads it once), meant for a GPU

Prints the tables and writes them to benchmarks/results/mnist-<profile>.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from labutils import data, env, models, published, scoring, settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["quick", "full"], default="quick")
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args()
    profile = arguments.profile
    (x_train, y_train), (x_test, y_test), source = data.load_mnist(profile)

    rows = []
    for name, build in (("vanilla", models.vanilla_autoencoder), ("deep", models.deep_autoencoder),
                        ("convolutional", models.conv_autoencoder)):
        env.setup(seed=arguments.seed, verbose=False)
        model = build()
        start = time.perf_counter()
        history = scoring.fit_autoencoder(model, x_train, profile, lab="mnist", progress=False)
        seconds = time.perf_counter() - start
        epochs = len(history.history["loss"])
        rows.append({"model": name, "weights": model.count_params(), "epochs run": epochs,
                     "s/epoch": round(seconds / epochs, 2),
                     "test MSE": round(scoring.reconstruction_mse(model, x_test), 4)})
    models_table = pd.DataFrame(rows)

    auc = []
    for digit in range(10):
        x_normal, x_scored, is_anomaly = data.one_class_split(x_train, y_train, x_test, y_test, digit)
        env.setup(seed=arguments.seed, verbose=False)
        model = models.conv_autoencoder()
        scoring.fit_autoencoder(model, x_normal, profile, lab="one_class_mnist", progress=False)
        auc.append(scoring.detection_metrics(is_anomaly, scoring.reconstruction_errors(model, x_scored))["roc_auc"])
    digits = published.ruff2018_mnist()
    digits.insert(0, "our conv AE", auc)
    digits.loc["mean"] = digits.mean()
    digits = digits.round(3).reset_index()

    used = {lab: settings.get(lab, profile) for lab in ("mnist", "one_class_mnist")}
    text = (f"Profile {profile}: {source}; seed {arguments.seed}; {time.strftime('%Y-%m-%d')}\n\n"
            f"Settings (labutils.settings): {used}\n\n"
            f"{models_table.to_markdown(index=False)}\n\n{digits.to_markdown(index=False)}\n")
    output = Path(__file__).parent / "results" / f"mnist-{profile}.md"
    output.parent.mkdir(exist_ok=True)
    output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
