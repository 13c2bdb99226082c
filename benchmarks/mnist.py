"""Benchmark chapter 2's autoencoders: reconstruction error, speed, and one-class ROC-AUC per digit.

Trains the vanilla, deep and convolutional autoencoders as the chapter does (row
``mnist`` of ``labutils.settings`` for the profile: epochs, batch size, early stopping on
the settings' validation share of the training images), reports test reconstruction
MSE and seconds per epoch on this machine, then runs the one-class protocol of Ruff et
al. (2018) with the slides' four types of model, as the chapter does: per normal digit a
convolutional autoencoder (row ``one_class_mnist``; its reconstruction error), a hybrid
(its codes fed to a One-Class SVM, ``labutils.one_class.fit_hybrid``), a Deep SVDD (row
``deep_svdd_mnist``, ``labutils.one_class``) and the classical detectors
(``labutils.baselines.LAB_DETECTORS``) on the pixels; ROC-AUC on all test digits, anomaly
positive, next to the paper's Table 1 (``labutils.published``), and each model's mean
seconds per digit (fit and score).

Runs all ten digits as the normal class unless ``--digits`` says otherwise (the chapter's
quick profile runs the first five: row ``one_class_mnist``, ``normal_digits``).

    python benchmarks/mnist.py --profile quick   # the 2,000 shipped real digits, 5-10 min on 2 CPU cores
    python benchmarks/mnist.py --profile full    # MNIST (downloads it once), meant for a GPU

Prints the tables and writes them to benchmarks/results/mnist-<profile>.md.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from pathlib import Path

import pandas as pd

from labutils import baselines, data, env, models, one_class, published, scoring, settings


class Timer:
    """``with timer(name):`` adds the block's seconds to ``seconds[name]`` (a list per name)."""

    def __init__(self, seconds: dict[str, list[float]]):
        self.seconds = seconds

    @contextlib.contextmanager
    def __call__(self, name: str):
        start = time.perf_counter()
        yield
        self.seconds.setdefault(name, []).append(time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["quick", "full"], default="quick")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--digits", type=int, nargs="+", default=list(range(10)), choices=range(10),
                        help="the normal digits to run (default: all ten)")
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

    auc, one_class_seconds = {}, {}
    for digit in arguments.digits:
        x_normal, x_scored, is_anomaly = data.one_class_split(x_train, y_train, x_test, y_test, digit)
        scores, timer = {}, Timer(one_class_seconds)
        with timer("our conv AE"):
            env.setup(seed=arguments.seed, verbose=False)
            autoencoder = models.conv_autoencoder()
            scoring.fit_autoencoder(autoencoder, x_normal, profile, lab="one_class_mnist", progress=False)
            scores["our conv AE"] = scoring.reconstruction_errors(autoencoder, x_scored)
        with timer("hybrid: AE codes + OC-SVM"):  # on top of the autoencoder's training
            hybrid = one_class.fit_hybrid(autoencoder.encoder, x_normal, "One-Class SVM", seed=arguments.seed)
            scores["hybrid: AE codes + OC-SVM"] = hybrid.score(x_scored)
        with timer("our Deep SVDD"):
            env.setup(seed=arguments.seed, verbose=False)
            svdd = one_class.deep_svdd(one_class.deep_svdd_encoder(), profile=profile)
            one_class.fit_deep_svdd(svdd, x_normal, profile, seed=arguments.seed, progress=False)
            scores["our Deep SVDD"] = one_class.deep_svdd_scores(svdd, x_scored)
        for name in baselines.LAB_DETECTORS:  # what baselines.fit_detectors fits, one at a time to time each
            with timer(name):
                scores[name] = baselines.DETECTORS[name](seed=arguments.seed).fit(x_normal).score(x_scored)
        auc[digit] = {name: scoring.detection_metrics(is_anomaly, values)["roc_auc"] for name, values in scores.items()}
        print(f"normal digit {digit}: " + ", ".join(f"{name} {value:.3f}" for name, value in auc[digit].items()))
    digits = pd.DataFrame(auc).T.rename_axis("normal digit").join(published.ruff2018_mnist())
    digits.loc["mean"] = digits.mean()
    digits = digits.round(3).reset_index()
    timing = pd.DataFrame({"seconds per digit (fit + score)": {
        name: round(sum(values) / len(values), 2) for name, values in one_class_seconds.items()
    }}).rename_axis("model").reset_index()

    used = {lab: settings.get(lab, profile) for lab in ("mnist", "one_class_mnist", "deep_svdd_mnist")}
    text = (f"Profile {profile}: {source}; seed {arguments.seed}; {time.strftime('%Y-%m-%d')}\n\n"
            f"Settings (labutils.settings): {used}\n\n"
            f"{models_table.to_markdown(index=False)}\n\n"
            f"One-class ROC-AUC, normal digits {arguments.digits} (the published columns: Ruff et al. 2018, "
            f"Table 1, the mean over the same digits):\n\n{digits.to_markdown(index=False)}\n\n"
            f"{timing.to_markdown(index=False)}\n")
    output = Path(__file__).parent / "results" / f"mnist-{profile}.md"
    output.parent.mkdir(exist_ok=True)
    output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
