"""One style of progress bar for every long step: downloads, frame decoding, training.

A plain-text bar on stdout renders alike in Colab, a terminal and the built book (the book
drops stderr, where TensorFlow's C++ start-up messages go, and a widget bar would need
ipywidgets and leave widget state in the notebook). ``make book`` sets ``TQDM_MININTERVAL``
so that the pages show only a bar's first and last state.
"""

from __future__ import annotations

import sys

from tqdm.std import tqdm


def progress_bar(iterable=None, **options) -> tqdm:
    """A tqdm bar in the course's style: plain text on stdout. ``options`` go to tqdm."""
    options.setdefault("file", sys.stdout)
    return tqdm(iterable, **options)
