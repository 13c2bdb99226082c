"""labutils.explorer: the numbers for one threshold on hand-made errors, and the slider redrawing the view."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from labutils import explorer

IS_ANOMALY = np.array([False, False, False, True, True])
ERRORS = np.array([0.1, 0.2, 0.5, 0.4, 0.9])
SETS = {"validation": (IS_ANOMALY, ERRORS), "test": (IS_ANOMALY[:3], ERRORS[:3])}


def test_the_table_counts_each_set_at_each_threshold():
    table = explorer.threshold_table(SETS, {"low": 0.3, "high": 0.95})
    low = table.loc["low", "validation"]
    # flagged above 0.3: 0.5 (normal), 0.4 and 0.9 (anomalies)
    assert low[["flagged", "true positives", "false positives", "false negatives", "true negatives"]].tolist() == [
        3, 2, 1, 0, 2]
    assert low["precision"] == pytest.approx(2 / 3) and low["recall"] == 1.0
    assert table.loc["low", "test"][["true positives", "false positives", "true negatives"]].tolist() == [0, 1, 2]
    high = table.loc["high", "validation"]
    assert high["flagged"] == 0 and high["precision"] == 0.0 and high["recall"] == 0.0
    assert table.loc["high", "test"]["recall"] == 0.0  # no anomaly in that set: 0, not a division error
    assert list(table.index.names) == ["threshold rule", "beats"]


def test_the_view_of_one_threshold():
    table, figure = explorer.threshold_view(SETS, 0.45)
    assert table["threshold"].tolist() == [0.45, 0.45]
    assert isinstance(figure, Figure) and len(figure.axes) == 2
    assert [line.get_xdata()[0] for line in figure.axes[0].lines] == [0.45]


def test_moving_the_slider_recomputes_the_view(monkeypatch):
    pytest.importorskip("ipywidgets")
    calls = []
    real_view = explorer.threshold_view

    def recording(sets, threshold, examples="beats"):
        calls.append(threshold)
        return real_view(sets, threshold, examples)

    monkeypatch.setattr(explorer, "threshold_view", recording)
    box = explorer.threshold_explorer(SETS, {"rule": 0.3})
    assert calls == [0.3] and box.children == (box.slider, box.output)
    assert (box.slider.min, box.slider.max) == (0.1, 0.9)
    box.slider.value = 0.7
    assert calls == [0.3, 0.7]


def test_colab_gets_its_widget_manager_for_ipywidgets_8(monkeypatch):
    """Outside Colab nothing happens; in Colab with ipywidgets 8 the custom widget manager is turned on."""
    import sys
    import types

    ipywidgets = pytest.importorskip("ipywidgets")
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert explorer.use_colab_widgets() is False
    enabled = []
    colab = types.ModuleType("google.colab")
    colab.output = types.SimpleNamespace(enable_custom_widget_manager=lambda: enabled.append(True))
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setattr(ipywidgets, "__version__", "8.1.5")
    assert explorer.use_colab_widgets() is True and enabled == [True]
    explorer.threshold_explorer(SETS, {"rule": 0.3})  # the explorer turns it on itself
    assert enabled == [True, True]
    monkeypatch.setattr(ipywidgets, "__version__", "7.7.1")  # Colab's own: its built-in manager renders it
    assert explorer.use_colab_widgets() is False and len(enabled) == 2


@pytest.mark.parametrize("call, message", [
    (lambda: explorer.threshold_table({}, {"a": 0.5}), "sets is empty"),
    (lambda: explorer.threshold_table({"a": ERRORS}, {"a": 0.5}), r"sets\['a'\] must be a pair"),
    (lambda: explorer.threshold_table(SETS, {"a": float("nan")}), r"thresholds\['a'\] must be a finite"),
    (lambda: explorer.threshold_table(SETS, {str(k): 0.1 for k in range(5)}), "1 to 4 thresholds"),
    (lambda: explorer.plot_thresholds(SETS, {"a": 0.5}, examples=""), "examples must be"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
