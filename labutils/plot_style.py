"""What every course figure shares: its colours, and how a figure is finished and its panels counted.

:mod:`labutils.plotting` (the notebooks' figures), :mod:`labutils.plotting_video` (chapters 4
and 6) and :mod:`labutils.diagrams` (the reading pages') all draw with these.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from labutils import _checks

NORMAL_COLOUR, ANOMALY_COLOUR, ERROR_COLOUR = "tab:blue", "tab:red", "lightcoral"


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
