"""Slide a window along a long signal, and check its detections against labelled stretches.

A model trained on aligned, pre-cut examples (the ECG lab's beats) meets a continuous
signal as windows: :func:`join_beats` lays beats end to end into one trace with the
spans of the abnormal ones, :func:`sliding_windows` cuts a window every ``stride``
samples, :func:`lowest_nearby` keeps the best-aligned window's score around each window,
and :func:`event_detection` counts the labelled anomalies that flagged windows found and
the false alarms they raised. Used by chapter 3 (the ECG lab).
"""

from __future__ import annotations

import numpy as np

from labutils import _checks


def _whole(value, name: str, minimum: int) -> int:
    return _checks.whole(name, value, minimum)


def _trace(trace) -> np.ndarray:
    if np.ndim(trace) != 1:
        raise ValueError(f"trace must be a non-empty 1-D signal, got shape {np.shape(trace)}")
    return _checks.numbers("trace", trace, ndim=1, float32=True).astype(np.float32)


def join_beats(beats, is_anomaly=None) -> tuple[np.ndarray, np.ndarray]:
    """Lay ``beats`` (n, length) end to end as one trace; return it and the abnormal beats' spans.

    The trace has shape (n * length,); the spans are an int array (abnormal beats, 2) of
    ``[start, stop)`` samples, one row per abnormal beat in the order of ``beats``
    (none when ``is_anomaly`` is None: normal beats only).
    """
    if np.ndim(beats) != 2 or np.size(beats) == 0:
        raise ValueError(f"beats must be a non-empty array (beats, samples), got shape {np.shape(beats)}")
    beats = _checks.numbers("beats", beats, ndim=2, float32=True).astype(np.float32)
    is_anomaly = np.zeros(len(beats), bool) if is_anomaly is None else np.asarray(is_anomaly)
    if is_anomaly.shape != (len(beats),) or not np.isin(is_anomaly, (0, 1)).all():
        raise ValueError(f"is_anomaly must hold one boolean per beat ({len(beats)}), got shape {is_anomaly.shape}")
    length = beats.shape[1]
    starts = np.flatnonzero(is_anomaly.astype(bool)) * length
    return beats.reshape(-1), np.column_stack([starts, starts + length]).astype(np.int64)


def sliding_windows(trace, window: int = 140, stride: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Every ``window`` samples of ``trace`` that start a multiple of ``stride`` samples in.

    Returns (windows (n, window), starts (n,)). The last ``(len(trace) - window) % stride``
    samples lie in no window's start range: choose a stride that divides the trace's
    length minus the window (any divisor of the beat length, for joined beats).
    """
    trace = _trace(trace)
    window, stride = _whole(window, "window", 1), _whole(stride, "stride", 1)
    if window > len(trace):
        raise ValueError(f"window ({window} samples) is longer than the trace ({len(trace)} samples)")
    starts = np.arange(0, len(trace) - window + 1, stride)
    return np.lib.stride_tricks.sliding_window_view(trace, window)[starts].copy(), starts


def lowest_nearby(window_scores, span: int) -> np.ndarray:
    """Each window's score replaced by the lowest of the ``span`` windows centred on it.

    For a model that knows only aligned examples: when ``span`` windows cover one
    example's length (``span = window // stride``), every group holds the best-aligned
    window, so a misaligned window of a normal stretch no longer looks anomalous. At the
    two ends the group is cut short.
    """
    scores = _checks.numbers("window_scores", window_scores, ndim=1)
    span = _whole(span, "span", 1)
    before, after = span // 2, span - 1 - span // 2
    padded = np.pad(scores, (before, after), constant_values=np.inf)
    return np.lib.stride_tricks.sliding_window_view(padded, span).min(axis=1)


def event_detection(
    events, window_starts, flagged, window: int, trace_length: int, min_overlap: float = 0.5
) -> dict[str, float]:
    """Event-level evaluation of flagged windows against labelled ``[start, stop)`` spans.

    A window is *on* an event when at least ``min_overlap`` of it lies inside that event.
    Returns the number of ``events``, how many of them at least one flagged window is on
    (``events_detected``, and their share ``event_recall``: NaN without events), the
    ``false_alarms`` (runs of consecutive flagged windows that are on no event, each
    counted once), ``false_alarms_per_1000_samples`` of the trace outside every event, and
    ``normal_windows_flagged``, the share of the windows on no event that are flagged.
    """
    trace_length = _whole(trace_length, "trace_length", 1)
    window = _whole(window, "window", 1)
    min_overlap = _checks.real("min_overlap", min_overlap, 0.0, 1.0, open_low=True, what="a share")
    events = np.asarray(events)
    if events.size == 0:
        events = np.zeros((0, 2), np.int64)
    if events.ndim != 2 or events.shape[1] != 2 or not np.issubdtype(events.dtype, np.integer) or (
        (events[:, 0] < 0).any() or (events[:, 1] > trace_length).any() or (events[:, 0] >= events[:, 1]).any()
    ):
        raise ValueError(
            f"events must be an integer array of [start, stop) spans (events, 2) with "
            f"0 <= start < stop <= trace_length ({trace_length})"
        )
    events = events.astype(np.int64)  # uint8 spans would wrap around in the sums below
    starts = np.asarray(window_starts)
    flagged = np.asarray(flagged)
    if starts.ndim != 1 or len(starts) == 0 or not np.issubdtype(starts.dtype, np.integer):
        raise ValueError(f"window_starts must be a non-empty 1-D array of sample indices, got shape {starts.shape}")
    starts = starts.astype(np.int64)
    if (np.diff(starts) <= 0).any() or starts[0] < 0 or starts[-1] + window > trace_length:
        raise ValueError(
            f"window_starts must increase, and every window of {window} samples must fit in "
            f"trace_length ({trace_length})"
        )
    if flagged.shape != starts.shape or not np.isin(flagged, (0, 1)).all():
        raise ValueError(f"flagged must hold one boolean per window ({len(starts)}), got shape {flagged.shape}")
    flagged = flagged.astype(bool)

    on_some_event, detected = np.zeros(len(starts), bool), np.zeros(len(events), bool)
    for index, (begin, end) in enumerate(events):  # only the windows that start near the event
        low, high = np.searchsorted(starts, begin - window, "right"), np.searchsorted(starts, end, "left")
        near = starts[low:high]
        on = np.minimum(near + window, end) - np.maximum(near, begin) >= min_overlap * window
        on_some_event[low:high] |= on
        detected[index] = (on & flagged[low:high]).any()
    off_events = ~on_some_event
    false = flagged & off_events
    false_alarms = int(np.count_nonzero(false[1:] & ~false[:-1]) + false[0])
    covered = np.zeros(trace_length, bool)
    for start, stop in events:
        covered[start:stop] = True
    normal_samples = trace_length - int(covered.sum())
    return {
        "events": len(events),
        "events_detected": int(detected.sum()),
        "event_recall": float(detected.mean()) if len(events) else float("nan"),
        "false_alarms": false_alarms,
        "false_alarms_per_1000_samples": 1000 * false_alarms / normal_samples if normal_samples else float("nan"),
        "normal_windows_flagged": float(false.sum() / off_events.sum()) if off_events.any() else float("nan"),
    }
