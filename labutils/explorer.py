"""Chapter 3's threshold explorer: what a threshold does to the validation and test beats.

``threshold_table`` and ``plot_thresholds`` are pure (numbers and a figure for given
thresholds): the book shows them at the lab's four thresholds, since a widget's state is not
saved in the built page. ``threshold_explorer`` wraps them in an ipywidgets slider for a
running notebook (Colab, Jupyter): each move of the slider calls ``threshold_view`` again.

Colab renders the widgets of its own ipywidgets 7 (``pip install labutils`` keeps it); where
ipywidgets 8 was installed there, Colab shows them only through its custom widget manager,
which :func:`use_colab_widgets` turns on.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from labutils import _checks, metrics
from labutils.plot_style import draw_error_histograms, finish, panel_grid, styled

COLUMNS = ["threshold", "flagged", "true positives", "false positives", "false negatives", "true negatives",
           "precision", "recall"]


def checked_sets(sets) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``sets`` (a name -> ``(is_anomaly, errors)`` dict, e.g. validation and test) with checked arrays."""
    if isinstance(sets, Mapping) and not sets:
        raise ValueError("sets is empty: give at least one (is_anomaly, errors) pair")
    checked = {}
    for name, pair in _checks.mapping("sets", sets).items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"sets[{name!r}] must be a pair (is_anomaly, errors), got {_checks.shown(pair)}")
        checked[name] = metrics.labels_and_scores(*pair)
    return checked


def checked_thresholds(thresholds) -> dict[str, float]:
    """``thresholds`` (a name -> value dict, 1 to 4 of them: lines a figure can tell apart) with checked values."""
    if isinstance(thresholds, Mapping) and not 1 <= len(thresholds) <= 4:
        raise ValueError(f"thresholds must hold 1 to 4 thresholds, got {len(thresholds)}")
    return {name: _checks.real(f"thresholds[{name!r}]", value) for name, value in
            _checks.mapping("thresholds", thresholds).items()}


def threshold_table(sets, thresholds) -> pd.DataFrame:
    """Confusion counts, precision and recall (anomaly positive) per threshold and set.

    Rows are indexed by (threshold name, set name); precision is 0 where nothing is flagged.
    """
    sets, thresholds = checked_sets(sets), checked_thresholds(thresholds)
    rows = {}
    for name, threshold in thresholds.items():
        for set_name, (is_anomaly, errors) in sets.items():
            counts = metrics.prediction_counts(is_anomaly, metrics.predict_anomalies(errors, threshold))
            flagged = counts["true positives"] + counts["false positives"]
            rows[name, set_name] = [threshold, flagged, *(counts[column] for column in COLUMNS[2:])]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=COLUMNS)
    table.index = pd.MultiIndex.from_tuples(table.index, names=["threshold rule", "beats"])
    return table.astype({column: int for column in COLUMNS[1:6]})


@styled
def plot_thresholds(sets, thresholds, examples: str = "beats") -> Figure:
    """Histograms of the normal and anomalous errors, one panel per set, with each threshold marked."""
    sets, thresholds = checked_sets(sets), checked_thresholds(thresholds)
    examples = _checks.text("examples", examples)
    figure, axes = panel_grid(len(sets), 3.0, columns=1)
    for axis, (set_name, (is_anomaly, errors)) in zip(axes, sets.items()):
        bins = np.histogram_bin_edges(np.r_[errors, list(thresholds.values())], bins=40)
        draw_error_histograms(axis, errors[~is_anomaly], errors[is_anomaly], thresholds, bins, counted=False)
        axis.set(title=f"{set_name} {examples}: {np.count_nonzero(~is_anomaly)} normal, "
                       f"{np.count_nonzero(is_anomaly)} anomalous", xlabel="reconstruction error", ylabel=examples)
    figure.legend(*axes[0].get_legend_handles_labels(), loc="upper center", ncol=2, bbox_to_anchor=(0.5, 0.0))
    return finish(figure)


def threshold_view(sets, threshold: float, examples: str = "beats") -> tuple[pd.DataFrame, Figure]:
    """The table and the figure for one threshold: what the explorer shows for a position of its slider."""
    chosen = {"threshold": _checks.real("threshold", threshold)}
    return threshold_table(sets, chosen), plot_thresholds(sets, chosen, examples)


def use_colab_widgets() -> bool:
    """In Colab with ipywidgets 8 or later, turn on Colab's custom widget manager; True when it did.

    Colab's built-in manager renders ipywidgets 7; for 8 it asks for
    ``google.colab.output.enable_custom_widget_manager()``. Elsewhere this does nothing.
    """
    import ipywidgets

    if "google.colab" not in sys.modules or int(ipywidgets.__version__.split(".")[0]) < 8:
        return False
    from google.colab import output

    output.enable_custom_widget_manager()
    return True


def threshold_explorer(sets, thresholds=None, examples: str = "beats"):
    """An ipywidgets slider over the errors of ``sets``, with the table and histograms of ``threshold_view``.

    Used by chapter 3. The slider runs from the smallest to the largest error and starts at
    the first of ``thresholds`` (the median error without them); each move redraws the view.
    Returns the ``VBox`` to display; its ``.slider`` and ``.output`` are the parts.
    """
    import ipywidgets
    from IPython.display import display

    sets = checked_sets(sets)
    examples = _checks.text("examples", examples)
    use_colab_widgets()
    errors = np.concatenate([errors for _, errors in sets.values()])
    start = next(iter(checked_thresholds(thresholds).values())) if thresholds is not None else np.median(errors)
    low, high = float(errors.min()), float(errors.max())
    slider = ipywidgets.FloatSlider(
        value=float(np.clip(start, low, high)), min=low, max=high, step=(high - low) / 200 or 1.0,
        description="threshold", readout_format=".4f", continuous_update=False,
        layout=ipywidgets.Layout(width="90%"),
    )
    output = ipywidgets.Output()

    def show(threshold: float) -> None:
        table, figure = threshold_view(sets, threshold, examples)
        output.clear_output(wait=True)
        with output:
            display(table.round(3))
            display(figure)

    slider.observe(lambda change: show(change["new"]), names="value")
    show(slider.value)
    box = ipywidgets.VBox([slider, output])
    box.slider, box.output = slider, output
    return box
