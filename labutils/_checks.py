"""Argument checks that every public function shares: each names the argument and what is wrong.

Private, and NumPy only, so that every layer uses the same checks: the data readers, the
metrics, the evaluation helpers (:mod:`labutils.rates`, :mod:`labutils.windows`, ...) and the
figures. A check returns the value in the form its caller computes with (a Python ``int`` or
``float``, a float64 or int64 array, so that a small integer dtype can never overflow, a bool
array) or raises ``ValueError`` naming the argument: never a raw error from deep inside NumPy,
scikit-learn or Keras, and never a NaN that flows on silently.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np


def shown(value) -> str:
    """``repr(value)``, cut to 60 characters for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _scalar(value) -> bool:
    """True for a single number: not a bool, a string, None or an array of several values."""
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)):
        return False
    try:
        return np.ndim(value) == 0
    except (TypeError, ValueError):
        return False


def whole(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an ``int``: a whole number (an int or NumPy integer, never a float or a bool) in range."""
    valid = _scalar(value) and np.issubdtype(np.asarray(value).dtype, np.integer)
    number = int(value) if valid else None
    if number is None or (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        if minimum is not None and maximum is not None:
            wanted = f"a whole number from {minimum} to {maximum}"
        elif minimum is not None:
            wanted = f"a whole number of at least {minimum}"
        else:
            wanted = "a whole number"
        raise ValueError(f"{name} must be {wanted}, got {shown(value)}")
    return number


def real(
    name: str, value, low: float | None = None, high: float | None = None, *, open_low: bool = False,
    open_high: bool = False, what: str = "a number",
) -> float:
    """``value`` as a finite ``float`` (never NaN, inf, None, a bool or a string), between ``low`` and ``high``.

    ``open_low`` / ``open_high`` exclude the bound itself; ``what`` names the kind of number in the message.
    """
    try:
        number = float(value) if _scalar(value) else None
    except (TypeError, ValueError):
        number = None
    below = low is not None and number is not None and (number <= low if open_low else number < low)
    above = high is not None and number is not None and (number >= high if open_high else number > high)
    if number is None or not np.isfinite(number) or below or above:
        if low is not None and high is not None:
            wanted = f"{what} in {'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
        elif low is not None:
            wanted = f"{what} {'above' if open_low else 'of at least'} {low:g}"
        elif high is not None:
            wanted = f"{what} {'below' if open_high else 'of at most'} {high:g}"
        else:
            wanted = f"{what}, finite" if what != "a number" else "a finite number"
        raise ValueError(f"{name} must be {wanted}, got {shown(value)}")
    return number


def flag(name: str, value) -> bool:
    """``value`` as a ``bool``: only True or False (a string such as ``"no"`` would count as True)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {shown(value)}")
    return bool(value)


def text(name: str, value, choices=None) -> str:
    """``value`` as a non-empty string, one of ``choices`` when given."""
    if not isinstance(value, str) or not value or (choices is not None and value not in choices):
        wanted = f"one of {list(choices)}" if choices is not None else "a non-empty string"
        raise ValueError(f"{name} must be {wanted}, got {shown(value)}")
    return value


def path(name: str, value) -> Path:
    """``value`` as a ``Path``: a non-empty string or path (``""`` would mean the current folder)."""
    if not isinstance(value, (str, os.PathLike)) or not str(os.fspath(value)).strip():
        raise ValueError(f"{name} must be a file or folder path, got {shown(value)}")
    return Path(value).expanduser()


def numbers(
    name: str, values, *, ndim: int | None = None, at_least: int = 1, finite: bool = True, positive: bool = False,
    float32: bool = False,
) -> np.ndarray:
    """``values`` as a float64 array of finite numbers with ``ndim`` axes and at least ``at_least`` rows.

    Text, ``None``, ragged lists and objects are refused; booleans become 0 and 1. With
    ``positive``, every value must be above 0 (what a log axis can draw); with ``float32``,
    every value must fit float32 (for a caller that computes in float32, where 1e39 is inf).
    """
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):  # NumPy 2 refuses ragged lists itself
        raise ValueError(f"{name} must be an array of numbers, got a ragged {type(values).__name__}") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be an array of numbers, got {array.dtype} values ({shown(values)})")
    array = array.astype(np.float64)
    if (ndim is not None and array.ndim != ndim) or array.ndim == 0 or len(array) < at_least:
        length = "non-empty" if at_least == 1 else f"at least {at_least} long"
        axes = "" if ndim is None else f"{ndim}-D "
        raise ValueError(f"{name} must be a {length} {axes}array, got shape {array.shape}")
    if finite and not np.isfinite(array).all():
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} holds {bad} NaN or infinite value{'s' if bad > 1 else ''} (shape {array.shape})")
    if float32 and (huge := beyond_float32(array)):
        plural = "s" if huge > 1 else ""
        raise ValueError(f"{name} holds {huge} value{plural} beyond float32's range (±3.4e38) (shape {array.shape})")
    if positive and (array <= 0).any():
        raise ValueError(f"{name} must be above 0, got a smallest value of {array.min():g}")
    return array


def looks_like_html(raw: bytes) -> bool:
    """Whether ``raw`` (a file's first bytes) is an HTML page: what a web server sends instead of an error code."""
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (b"<html" in head or b"<!doctype html" in head)


#: The largest float32: models and the data loaders compute in float32, where larger values become inf.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def beyond_float32(values: np.ndarray) -> int:
    """How many finite values of a float64 array would become inf as float32 (1e39, 1e300)."""
    if values.dtype.kind != "f" or values.itemsize <= 4:
        return 0
    return int(np.count_nonzero(np.abs(values[np.isfinite(values)]) > FLOAT32_MAX))


def integers(name: str, values, *, ndim: int | None = None) -> np.ndarray:
    """``values`` as an int64 array of whole numbers (so that sums and differences cannot overflow)."""
    array = np.asarray(values)
    if array.dtype.kind not in "iu" and not (array.size == 0 and array.dtype.kind == "f"):
        raise ValueError(f"{name} must be an array of whole numbers, got {array.dtype} values")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array of whole numbers, got shape {array.shape}")
    return array.astype(np.int64)


def booleans(name: str, values, length: int | None = None) -> np.ndarray:
    """``values`` as a 1-D bool array: booleans, or 0 and 1 (True = anomaly), ``length`` of them when given."""
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):
        array = np.asarray(None)
    if array.ndim != 1 or array.dtype.kind not in "biuf" or not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name} must be a 1-D array of booleans (True = anomaly), got {shown(values)}")
    if length is not None and len(array) != length:
        raise ValueError(f"{name} must hold one boolean per example ({length}), got {len(array)}")
    return array.astype(bool)


def both_classes(what: str, is_anomaly: np.ndarray, name: str = "is_anomaly") -> None:
    """Refuse labels that hold only normal or only anomalous examples: ``what`` needs both."""
    if is_anomaly.all() or not is_anomaly.any():
        raise ValueError(
            f"{what} needs both normal and anomalous examples; {name} has {int(is_anomaly.sum())} anomalous "
            f"of {len(is_anomaly)}"
        )


def mapping(name: str, value, what: str = "{name: values}") -> Mapping:
    """``value`` as a non-empty dict (any ``Mapping``); ``what`` says what it maps in the message."""
    if not isinstance(value, Mapping):
        kind, shape = type(value).__name__, getattr(value, "shape", None)
        shaped = f" of shape {shape}" if shape else ""
        raise ValueError(f"{name} must be a non-empty dict {what}, got a {kind}{shaped}")
    if not value:
        raise ValueError(f"{name} must be a non-empty dict {what}, got an empty dict")
    return value


def sequence(name: str, values) -> list:
    """``values`` as a non-empty list (a string or a single number is refused by name)."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") or not (values := list(values)):
        raise ValueError(f"{name} must be a non-empty list, got {shown(values)}")
    return values


def strings(name: str, values, at_least: int = 1, count: int | None = None, what: str = "entry") -> list[str]:
    """``values`` as a list of strings (a single string is refused: it would be read letter by letter).

    With ``count``, exactly that many: one per ``what`` (a panel, a column, a frame...).
    """
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name} must be a list of names, got {shown(values)}")
    values = list(values)
    if count is not None and len(values) != count:
        raise ValueError(f"{name}: need one per {what} ({count}), got {len(values)}")
    if not values and at_least:
        raise ValueError(f"{name} is empty: choose at least {at_least}")
    if len(values) < at_least or not all(isinstance(value, str) for value in values):
        raise ValueError(f"{name} must be a list of at least {at_least} name(s), got {shown(values)}")
    return values
