"""labutils.windows: joining, windowing and event evaluation on hand-made signals; its figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from labutils import plotting, windows


def test_join_beats_lays_beats_end_to_end_with_the_abnormal_spans():
    beats = np.arange(12.0).reshape(3, 4)
    trace, spans = windows.join_beats(beats, [False, True, True])
    np.testing.assert_array_equal(trace, np.arange(12.0))
    np.testing.assert_array_equal(spans, [[4, 8], [8, 12]])
    assert windows.join_beats(beats)[1].shape == (0, 2)  # normal beats only
    with pytest.raises(ValueError, match=r"beats must be a non-empty array \(beats, samples\), got shape \(12,\)"):
        windows.join_beats(np.arange(12.0))
    with pytest.raises(ValueError, match=r"is_anomaly must hold one boolean per beat \(3\), got shape \(2,\)"):
        windows.join_beats(beats, [True, False])


def test_sliding_windows_start_every_stride_samples():
    cut, starts = windows.sliding_windows(np.arange(10.0), window=4, stride=3)
    np.testing.assert_array_equal(starts, [0, 3, 6])
    np.testing.assert_array_equal(cut, [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]])
    cut[0, 0] = 99.0  # a copy, not a view of the trace
    assert windows.sliding_windows(np.arange(10.0), 4, 3)[0][0, 0] == 0.0
    assert windows.sliding_windows(np.arange(280.0), 140, 10)[1][-1] == 140  # the last window ends the trace


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"trace": np.zeros((2, 5))}, r"trace must be a non-empty 1-D signal, got shape \(2, 5\)"),
        ({"window": 11}, r"window \(11 samples\) is longer than the trace \(10 samples\)"),
        ({"window": 0}, r"window must be a whole number of at least 1, got 0"),
        ({"stride": 0}, r"stride must be a whole number of at least 1, got 0"),
        ({"stride": 2.5}, r"stride must be a whole number of at least 1, got 2.5"),
    ],
)
def test_sliding_windows_name_bad_arguments(arguments, message):
    given = {"trace": np.arange(10.0), "window": 4, "stride": 2} | arguments
    with pytest.raises(ValueError, match=message):
        windows.sliding_windows(**given)


def test_lowest_nearby_takes_the_minimum_of_the_centred_group():
    scores = np.array([5.0, 1.0, 4.0, 3.0, 9.0, 0.0])
    np.testing.assert_array_equal(windows.lowest_nearby(scores, 3), [1, 1, 1, 3, 0, 0])
    np.testing.assert_array_equal(windows.lowest_nearby(scores, 4), [1, 1, 1, 1, 0, 0])  # 2 before, 1 after
    np.testing.assert_array_equal(windows.lowest_nearby(scores, 1), scores)
    with pytest.raises(ValueError, match="span must be a whole number of at least 1, got 0"):
        windows.lowest_nearby(scores, 0)
    with pytest.raises(ValueError, match=r"window_scores must be a non-empty 1-D array, got shape \(0,\)"):
        windows.lowest_nearby([], 3)


def test_lowest_nearby_removes_the_phase_of_a_model_that_knows_aligned_beats():
    # Windows every 10 samples over beats of 140: only every 14th window is aligned and
    # scores low on a normal beat; the 10th beat is abnormal and scores high even aligned.
    offsets = np.arange(14 * 19 + 1) % 14  # the windows of 20 joined beats: the last starts the last beat
    beat = np.arange(14 * 19 + 1) // 14
    scores = np.where(offsets == 0, 0.2, 0.8) + np.where(beat == 10, 0.5, 0.0)
    lowest = windows.lowest_nearby(scores, 14)
    assert lowest[offsets != 0].max() <= 0.7  # every misaligned window now scores as its aligned beat
    flagged = lowest > 0.5
    starts = np.arange(len(scores)) * 10
    result = windows.event_detection([[1400, 1540]], starts, flagged, 140, 20 * 140)
    assert result["events_detected"] == 1 and result["false_alarms"] == 0
    assert windows.event_detection([[1400, 1540]], starts, scores > 0.5, 140, 20 * 140)["false_alarms"] > 15


def test_event_detection_counts_hits_and_false_alarms():
    starts = np.arange(0, 91, 5)  # 19 windows of 10 samples over 100 samples
    events = [[20, 30], [60, 70]]
    flagged = np.isin(starts, [20, 40, 45, 80])  # one hit, then two false alarms (40-45 is one run)
    result = windows.event_detection(events, starts, flagged, window=10, trace_length=100)
    assert result == {
        "events": 2, "events_detected": 1, "event_recall": 0.5, "false_alarms": 2,
        "false_alarms_per_1000_samples": 1000 * 2 / 80,
        "normal_windows_flagged": 3 / 13,  # 15, 20, 25, 55, 60, 65 are on an event
    }
    half_in = np.isin(starts, [15])  # half of the window lies in the first event
    assert windows.event_detection(events, starts, half_in, 10, 100)["events_detected"] == 1
    strict = windows.event_detection(events, starts, half_in, 10, 100, min_overlap=1.0)
    assert strict["events_detected"] == 0 and strict["false_alarms"] == 1
    no_events = windows.event_detection(np.zeros((0, 2), int), starts, flagged, 10, 100)
    assert np.isnan(no_events["event_recall"]) and no_events["false_alarms"] == 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"events": [[30, 20]]}, r"events must be an integer array of \[start, stop\) spans"),
        ({"events": [[90, 110]]}, r"0 <= start < stop <= trace_length \(100\)"),
        ({"events": [20, 30, 40]}, r"events must be an integer array"),
        ({"window_starts": np.array([0, 10, 5])}, r"window_starts must increase"),
        ({"window_starts": np.array([0.0, 5.0])}, r"window_starts must be a non-empty 1-D array of sample indices"),
        ({"window_starts": np.array([0, 95])}, r"every window of 10 samples must fit in trace_length \(100\)"),
        ({"flagged": [True]}, r"flagged must hold one boolean per window \(2\), got shape \(1,\)"),
        ({"min_overlap": 0.0}, r"min_overlap must be a share in \(0, 1\], got 0.0"),
        ({"trace_length": 0}, r"trace_length must be a whole number of at least 1, got 0"),
    ],
)
def test_event_detection_names_bad_arguments(arguments, message):
    given = {"events": [[20, 30]], "window_starts": np.array([0, 20]), "flagged": [False, True],
             "window": 10, "trace_length": 100} | arguments
    with pytest.raises(ValueError, match=message):
        windows.event_detection(**given)


def test_plot_signal_detections_marks_the_flagged_windows():
    trace, events = windows.join_beats(np.random.default_rng(0).normal(size=(6, 140)), [0, 0, 1, 0, 0, 0])
    _, starts = windows.sliding_windows(trace, 140, 20)
    scores = np.where((starts >= 210) & (starts <= 350), 1.0, 0.1)
    figure = plotting.plot_signal_detections(trace, events, starts, 140, scores, 0.5, samples=(0, 560), title="t")
    assert len(figure.axes) == 2 and not plt.fignum_exists(figure.number)
    assert figure.axes[0].get_xlim() == (0, 560)
    labels = figure.axes[0].get_legend_handles_labels()[1]
    assert labels == ["signal", "labelled anomaly", "flagged windows (middles)"]
    with pytest.raises(ValueError, match="scores must hold one score per window start"):
        plotting.plot_signal_detections(trace, events, starts, 140, scores[:-1], 0.5)
