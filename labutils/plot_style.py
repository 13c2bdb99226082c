"""What every course figure shares: its colours, its size and text, how it is finished and its panels counted.

:mod:`labutils.plotting` (the notebooks' figures), :mod:`labutils.plotting_images` and
:mod:`labutils.plotting_video` (chapters 2, 4 and 6), :mod:`labutils.explorer` (chapter 3) and
:mod:`labutils.diagrams` and :mod:`labutils.diagrams_video` (the reading pages') all draw with
these: each of their figure functions is wrapped in :func:`styled` (:data:`STYLE`), is at most
:data:`MAX_WIDTH_INCHES` wide and lays several panels out with :func:`panel_grid`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from labutils import _checks

NORMAL_COLOUR, ANOMALY_COLOUR, ERROR_COLOUR = "tab:blue", "tab:red", "lightcoral"

#: The widest figure, in inches, and its resolution. The book's column is about 740 px wide at
#: 1280 px and 750 px at 768 px, so a figure of at most 650 px is shown at its own size.
MAX_WIDTH_INCHES, DPI = 6.5, 100
#: The smallest text in any figure, in points: 11 pt at 100 dpi is 15.3 px, above the book's
#: small print (14.4 px). ``tools/check_rendering.py`` checks the book shows figures at that size.
SMALLEST_POINTS = 11
STYLE = {
    "font.size": SMALLEST_POINTS, "axes.titlesize": 12, "axes.labelsize": SMALLEST_POINTS,
    "xtick.labelsize": SMALLEST_POINTS, "ytick.labelsize": SMALLEST_POINTS, "legend.fontsize": SMALLEST_POINTS,
    "legend.title_fontsize": SMALLEST_POINTS, "figure.titlesize": 13, "figure.dpi": DPI, "savefig.dpi": DPI,
}


def styled(draw: Callable) -> Callable:
    """Draw a course figure with :data:`STYLE`: every plotting function of labutils is wrapped in this."""

    if not callable(draw):
        raise ValueError(f"draw must be a function that returns a figure, got {_checks.shown(draw)}")

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with plt.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def panel_grid(panels: int, panel_height: float, columns: int = 2, **options) -> tuple[Figure, list]:
    """A figure :data:`MAX_WIDTH_INCHES` wide with ``panels`` axes, ``columns`` to a row (fewer when fewer).

    Returns the figure and the axes in reading order; the grid's unused axes are hidden.
    ``options`` go to ``plt.subplots`` (``sharey=True``...).
    """
    panels, columns = _checks.whole("panels", panels, 1), _checks.whole("columns", columns, 1)
    panel_height = _checks.real("panel_height", panel_height, 0.0, open_low=True)
    columns = min(columns, panels)
    rows = -(-panels // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(MAX_WIDTH_INCHES, panel_height * rows), squeeze=False,
                                **options)
    for axis in axes.flat[panels:]:
        axis.set_visible(False)
    return figure, list(axes.flat[:panels])


def smallest_text(figure: Figure) -> float:
    """The size in points of the smallest visible, non-empty text in ``figure`` (inf when it has none).

    Text of hidden axes (their titles, labels and tick labels) does not count.
    """
    if not isinstance(figure, Figure):
        raise ValueError(f"figure must be a matplotlib Figure, got {_checks.shown(figure)}")
    hidden = {id(text) for axis in figure.axes if not axis.get_visible() for text in axis.findobj(Text)}
    sizes = [text.get_fontsize() for text in figure.findobj(Text)
             if text.get_visible() and text.get_text().strip() and id(text) not in hidden]
    return float(min(sizes, default=np.inf))


def draw_error_histograms(axis, normal_errors: np.ndarray, anomalous_errors: np.ndarray, thresholds: dict,
                          bins: np.ndarray, counted: bool = True) -> None:
    """Overlay the histograms of normal and anomalous errors on ``axis``, with a black line per threshold.

    The one drawing of chapter 2 and 3's error histograms (:func:`labutils.plotting.plot_error_histograms`)
    and of the threshold explorer (:func:`labutils.explorer.plot_thresholds`); at most 4 thresholds,
    told apart by their line style. ``counted`` puts each class's count in its label. The errors
    and thresholds are checked by the callers, before they make the figure.
    """
    if not isinstance(axis, Axes):
        raise ValueError(f"axis must be a matplotlib Axes, got {_checks.shown(axis)}")
    for errors, colour, name in ((normal_errors, NORMAL_COLOUR, "normal"), (anomalous_errors, ANOMALY_COLOUR,
                                                                           "anomalous")):
        axis.hist(errors, bins=bins, alpha=0.6, color=colour, label=f"{name} ({len(errors)})" if counted else name)
    for (name, value), style in zip(thresholds.items(), ("-", "--", ":", "-.")):
        axis.axvline(value, color="black", linestyle=style, label=f"{name}: {value:.3f}")


def finish(figure: Figure) -> Figure:
    """Lay out and close ``figure`` before returning it.

    Closed, it is shown exactly once in a notebook (as the cell's value) and does not
    pile up in scripts; ``figure.savefig`` still works.
    """
    if not isinstance(figure, Figure):
        raise ValueError(f"figure must be a matplotlib Figure, got a {type(figure).__name__}")
    figure.tight_layout()
    plt.close(figure)
    return figure


def panel_count(items: dict, name: str) -> int:
    """Return how many panels ``items`` asks for; a ValueError naming ``name`` when it is empty or not a dict."""
    if isinstance(items, Mapping) and not items:
        raise ValueError(f"{name} is empty: nothing to plot")
    return len(_checks.mapping(name, items))
