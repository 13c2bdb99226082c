"""Train a model once, keep its weights, load them next time: trained models that survive Colab.

Chapters 4 and 6 train their video models with :func:`trained_model`. The weights go to a
``models/`` folder inside the data folder (:func:`labutils.data.data_dir`, on Google Drive
after :func:`labutils.data.use_drive`), named after a short hash of everything that
shapes the training: the lab's row of :mod:`labutils.settings`, the profile, the model's
name and the shapes of its weights, and the notebook's own ``details``. A change in any
of them trains again; running the notebook again, in a new Colab session too, loads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

import keras
import numpy as np

from labutils import _checks, env, settings

#: Set to 1 (or true, yes) to train again even where saved weights exist.
RETRAIN_VARIABLE = "LABUTILS_RETRAIN"


def models_folder() -> Path:
    """The default folder of saved models: ``models/`` inside the data folder (``LABUTILS_DATA_DIR``)."""
    from labutils.data.folders import data_dir

    return data_dir() / "models"


def _jsonable(value, where: str):
    """``value`` as plain JSON types (tuples become lists, NumPy numbers Python numbers)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = value.item() if isinstance(value, np.generic) else value
        if isinstance(number, float) and not np.isfinite(number):
            return str(number)
        return number
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist(), where)
    if isinstance(value, (list, tuple)):
        return [_jsonable(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item, f"{where}[{key!r}]") for key, item in value.items()}
    raise ValueError(f"{where} must hold numbers, strings, lists or dicts, got a {type(value).__name__}")


def model_key(model: keras.Model, lab: str, profile: str | None = None, details: Mapping | None = None) -> dict:
    """What names a trained model: lab, profile, the lab's settings, ``details``, and the model's shape.

    The shape is the model's name and the shapes of its weights (not the layers' names,
    which Keras numbers by how many models a session built before).
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model, got a {type(model).__name__}")
    if details is not None and not isinstance(details, Mapping):
        raise ValueError(f"details must be a dict of what the notebook varies, got a {type(details).__name__}")
    profile = env.resolve_profile(profile)
    return {
        "lab": lab,
        "profile": profile,
        "settings": _jsonable(settings.get(lab, profile), "settings"),
        "details": _jsonable(dict(details or {}), "details"),
        "model": model.name,
        "weights": [list(weight.shape) for weight in model.weights],
    }


def key_hash(key: Mapping) -> str:
    """A short stable hash of a :func:`model_key`: 12 hexadecimal digits of its SHA-256."""
    if not isinstance(key, Mapping):
        raise ValueError(f"key must be a dict such as model_key returns, got a {type(key).__name__}")
    try:
        text = json.dumps(key, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        raise ValueError(f"key must hold plain JSON values, as model_key returns ({error})") from None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _retrain_requested() -> bool:
    return os.environ.get(RETRAIN_VARIABLE, "").strip().lower() in ("1", "true", "yes")


def _history_dict(result) -> dict[str, list] | None:
    if result is None:
        return None
    if isinstance(result, keras.callbacks.History):
        result = result.history
    if not isinstance(result, Mapping):
        raise ValueError(f"train must return a keras History, a dict of lists or None, got a {type(result).__name__}")
    return {str(name): [float(value) for value in np.ravel(values)] for name, values in result.items()}


def _layers_only(model: keras.Model) -> keras.Model:
    """The same layers without the optimizer: ``save_weights`` of a compiled model stores Adam's state too."""
    return keras.Model(model.inputs, model.outputs, name=model.name)


@contextlib.contextmanager
def _locked(weights: Path):
    """Hold ``<weights>.lock`` (waiting for another process that holds it), where the file system has locks."""
    from labutils.data.folders import download_lock

    with contextlib.ExitStack() as stack:
        with contextlib.suppress(OSError):  # a mount without locks: the SHA-256 in the record still guards
            stack.enter_context(download_lock(weights, wait=True))
        yield


def _save(model: keras.Model, weights: Path, record: Path, content: dict) -> None:
    """Write the weights and the JSON under temporary names, then rename both into place, under one lock.

    The JSON records the weights file's SHA-256, so a record is only ever believed beside the
    weights it was written with. A failure (a full Drive, an interrupted session) leaves the
    folder as it was: no half-written file under a name :func:`trained_model` would load; and
    two processes saving at once take turns, so neither leaves its history beside the
    other's weights.
    """
    from labutils.data.remote import sha256_of

    unique = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    partial = {path: path.with_name(f".{path.name.split('.')[0]}.{unique}.partial{suffix}")
               for path, suffix in ((weights, ".weights.h5"), (record, ".json"))}  # Keras insists on .weights.h5
    try:
        _layers_only(model).save_weights(partial[weights])
        content = {**content, "weights_sha256": sha256_of(partial[weights])}
        partial[record].write_text(json.dumps(content, indent=1), encoding="utf-8")
        with _locked(weights):
            os.replace(partial[record], record)
            os.replace(partial[weights], weights)
    finally:
        for path in partial.values():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _record_of(weights: Path, record: Path, key: Mapping) -> dict | None:
    """The saved record when ``weights`` are this model's: same key, and the SHA-256 it recorded; else None.

    A record from another run (or an older labutils, which recorded no SHA-256) is None: a
    model is only reported as loaded with the weights it was saved with.
    """
    from labutils.data.remote import sha256_of

    try:
        content = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(content, dict) or any(content.get(name) != value for name, value in key.items()):
        return None
    return content if content.get("weights_sha256") == sha256_of(weights) else None


def trained_model(
    build: Callable[[], keras.Model],
    train: Callable[[keras.Model], object],
    lab: str,
    profile: str | None = None,
    *,
    details: Mapping | None = None,
    retrain: bool = False,
    folder: str | Path | None = None,
) -> tuple[keras.Model, dict[str, list] | None]:
    """Build a model with ``build()``, then load its saved weights or train it with ``train(model)`` and save them.

    Returns ``(model, history)``: ``history`` is the dict of per-epoch lists that
    ``model.fit`` records (``history["loss"]``, ...), saved beside the weights so a loaded
    model still shows its training curves (None where ``train`` returned None).
    ``lab`` is the row of :mod:`labutils.settings` that trains the model (e.g.
    ``"ucsd_frames"``, ``"ucsd_video"``), ``profile`` its profile (default: the
    notebook's); ``details`` is a dict of anything else the notebook varies (frame size,
    seed, code size...). These and the model's shape are hashed into the file name,
    ``<model name>-<lab>-<profile>-<hash>.weights.h5``, with a JSON file beside it that
    records them and the history; change one and the model trains again. Only the
    weights are saved (not the optimizer's state, which for chapter 6's Adam would triple
    the file), written to a temporary name and renamed, so an interrupted save leaves no
    half-written file; the JSON records the weights file's SHA-256, and weights are only
    loaded (and reported as loaded) beside the record they were saved with, so a file from
    another run, a sync gone wrong or two notebooks saving at once never passes for this
    model's (weights saved by an older labutils, without that record, train once more).
    ``retrain=True`` or ``LABUTILS_RETRAIN=1`` trains even where saved
    weights exist. ``folder`` defaults to :func:`models_folder`. Prints one line saying
    which it did. Used by chapters 4 and 6.
    """
    if not callable(build):
        raise ValueError(f"build must be a function that returns a new keras.Model, got {build!r}")
    if not callable(train):
        raise ValueError(f"train must be a function that trains the model it is given, got {train!r}")
    retrain = _checks.flag("retrain", retrain)
    if folder is not None:
        folder = _checks.path("folder", folder)
    model = build()
    if not isinstance(model, keras.Model):
        raise ValueError(f"build must return a keras.Model, it returned a {type(model).__name__}")
    key = model_key(model, lab, profile, details)
    name = f"{model.name}-{lab}-{key['profile']}-{key_hash(key)}"
    if folder is None:
        folder = models_folder()
    from labutils.data.folders import describe, writable_folder

    folder = writable_folder(folder)
    weights, record = folder / f"{name}.weights.h5", folder / f"{name}.json"

    if weights.is_file() and not (retrain or _retrain_requested()):
        with _locked(weights):  # not while another process is between its two renames
            content = _record_of(weights, record, key)
            loaded = content is not None
            if not loaded:
                print(f"{model.name}: {describe(weights)} is not recorded as this model's weights "
                      "(its record is missing or from another run); training again")
            else:
                try:
                    _layers_only(model).load_weights(weights)
                except (OSError, ValueError) as error:  # a damaged file (a sync gone wrong): train again
                    print(f"{model.name}: cannot load {describe(weights)} ({error}); training again")
                    loaded = False
        if loaded:
            print(f"{model.name}: loaded the trained weights from {describe(weights)}")
            history = content.get("history")
            return model, history if isinstance(history, dict) else None

    history = _history_dict(train(model))
    content = {**key, "history": history, "saved": time.strftime("%Y-%m-%d %H:%M:%S")}
    _save(model, weights, record, content)
    print(f"{model.name}: trained, weights saved to {describe(weights)}")
    return model, history
