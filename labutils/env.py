"""Set up a notebook: profile, Colab detection, versions, GPU report and seeds.

Every chapter's setup cell calls :func:`setup`.
"""

from __future__ import annotations

import numbers
import os
import platform
import sys

PROFILES = ("full", "quick")


def profile() -> str:
    """Return the lab profile from ``LAB_PROFILE``: ``"full"`` (the default) or ``"quick"``.

    ``full`` trains on the real data and is meant for a GPU; ``quick`` uses small
    data, few epochs and never touches the network (the book build and the tests).
    """
    value = os.environ.get("LAB_PROFILE", "").strip().lower() or "full"
    if value not in PROFILES:
        raise ValueError(
            f"LAB_PROFILE={os.environ['LAB_PROFILE']!r} is not a known profile; "
            f"use one of {', '.join(PROFILES)}"
        )
    return value


def resolve_profile(value: str | None) -> str:
    """Return ``value`` if it names a profile, or :func:`profile` when it is ``None``."""
    if value is None:
        return profile()
    if value not in PROFILES:
        raise ValueError(f"profile {value!r} is not one of {', '.join(PROFILES)}")
    return value


def on_colab() -> bool:
    """Return True inside a Google Colab runtime."""
    return "google.colab" in sys.modules


def gpu_names() -> list[str]:
    """Return the names of the GPUs TensorFlow can see (empty on a CPU-only machine)."""
    import tensorflow as tf

    return [device.name for device in tf.config.list_physical_devices("GPU")]


def versions() -> dict[str, str]:
    """Return the versions of Python and of the libraries the labs depend on."""
    import keras
    import numpy
    import sklearn
    import tensorflow

    import labutils

    return {
        "python": platform.python_version(),
        "tensorflow": tensorflow.__version__,
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
        "labutils": labutils.__version__,
    }


#: The oldest versions the labs run with: Keras 3 (its API), and the TensorFlow that ships it.
MINIMUM_VERSIONS = {"keras": "3.3", "tensorflow": "2.16", "python": "3.10"}


def version_problems(found: dict[str, str] | None = None) -> list[str]:
    """What is too old among the libraries the labs need, one sentence each (empty when all is well).

    Versions are compared as versions, not as strings ("3.10" is newer than "3.9").
    ``found`` defaults to :func:`versions`.
    """
    from packaging.version import InvalidVersion, Version

    found = versions() if found is None else found
    problems = []
    for name, minimum in MINIMUM_VERSIONS.items():
        try:
            too_old = Version(found[name]) < Version(minimum)
        except (KeyError, InvalidVersion):
            problems.append(f"{name}: version {found.get(name)!r} could not be read; the labs need {minimum} or newer")
            continue
        if too_old:
            problems.append(f"{name} {found[name]} is too old: the labs need {minimum} or newer "
                            f"(pip install --upgrade {name if name != 'python' else 'a newer Python'})")
    return problems


def setup(seed: int = 42, verbose: bool = True) -> dict:
    """Prepare a lab: seed every random generator and report the environment.

    Prints the profile, whether this is Colab, library versions (and a warning for any
    older than :data:`MINIMUM_VERSIONS`, compared as versions) and the GPUs, with a hint
    on how to get a GPU when the full profile runs without one. Never asks anything.
    Returns the same facts as a dictionary, the warnings under ``"problems"``.
    """
    import keras

    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be a whole number from 0 to 2**32 - 1, got {seed!r}")
    seed = int(seed)  # Keras takes Python ints only
    keras.utils.set_random_seed(seed)  # Python, NumPy and the backend in one call
    report = {
        "profile": profile(),
        "colab": on_colab(),
        "gpus": gpu_names(),
        "versions": versions(),
        "seed": seed,
    }
    report["problems"] = version_problems(report["versions"])
    if verbose:
        print(f"Profile: {report['profile']}" + ("  (on Colab)" if report["colab"] else ""))
        print("Versions: " + ", ".join(f"{name} {version}" for name, version in report["versions"].items()))
        print(f"GPUs: {', '.join(report['gpus']) or 'none'}")
        print(f"Random seed: {seed}")
        for problem in report["problems"]:
            print(f"Warning: {problem}")
        if report["profile"] == "full" and not report["gpus"]:
            if report["colab"]:
                hint = "choose Runtime > Change runtime type > GPU, then run the notebook again."
            else:
                hint = "set LAB_PROFILE=quick for a run of a few minutes."
            print("Warning: the full profile is meant for a GPU and none was found. On a CPU its trainings "
                  "take hours (chapter 6's clip model: about 4 s for each batch of 16 clips on 2 cores, "
                  f"benchmarks/results/ucsd-full-rehearsal.md); {hint}")
    return report


def strategy():
    """Return a ``tf.distribute`` strategy for the hardware present.

    A TPU if the runtime has one, ``MirroredStrategy`` for several GPUs, otherwise the
    default strategy (one GPU or the CPU). Build and compile models under
    ``with strategy().scope():``.
    """
    import tensorflow as tf

    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    except (ValueError, RuntimeError, tf.errors.NotFoundError):
        pass
    if len(tf.config.list_physical_devices("GPU")) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def use_mixed_precision() -> bool:
    """Compute in float16 where a GPU is present (about twice as fast), keep float32 on a CPU.

    Sets Keras's global dtype policy to ``mixed_float16`` when TensorFlow sees a GPU and
    returns whether it did. Call it before building a model; the course's builders keep
    their output layers in float32. Used by chapter 6.
    """
    import keras

    if gpu_names():
        keras.mixed_precision.set_global_policy("mixed_float16")
        return True
    keras.mixed_precision.set_global_policy("float32")
    return False
