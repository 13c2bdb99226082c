"""What every course figure shares: its colours, and how a figure is finished and its panels counted.

:mod:`labutils.plotting` (the notebooks' figures), :mod:`labutils.plotting_video` (chapters 4
and 6) and :mod:`labutils.diagrams` (the reading pages') all draw with these.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
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
    columns = min(columns, panels)
    rows = -(-panels // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(MAX_WIDTH_INCHES, panel_height * rows), squeeze=False,
                                **options)
    for axis in axes.flat[panels:]:
        axis.set_visible(False)
    return figure, list(axes.flat[:panels])


def smallest_text(figure: Figure) -> float:
    """The size in points of the smallest visible, non-empty text in ``figure`` (inf when it has none)."""
    sizes = [text.get_fontsize() for text in figure.findobj(Text)
             if text.get_visible() and text.get_text().strip() and _shown(text)]
    return float(min(sizes, default=np.inf))


def _shown(text: Text) -> bool:
    """False for text whose axes are hidden."""
    axes = text.axes
    return axes is None or axes.get_visible()


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
