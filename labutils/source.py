"""Show labutils' own code in a notebook, highlighted, so the model code is on the page.

The labs build their models with :mod:`labutils.models`; :func:`show_source` prints the
builder a lab calls, so what students read is exactly what runs (one source, no copy).
Used by every lab notebook.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable


def show_source(*functions: Callable):
    """Return the source of ``functions`` as highlighted Python for a notebook to display.

    Long lines wrap rather than run off the page (labutils is written to 120 columns, the
    book's code column is narrower). Raises ``ValueError`` when called without a function
    or with something that has no Python source (a built-in, a number).
    """
    from IPython.display import Code

    class WrappedCode(Code):
        def _repr_html_(self) -> str:
            wrapped = '<pre style="white-space: pre-wrap; overflow-wrap: anywhere">'
            return super()._repr_html_().replace("<pre>", wrapped, 1)

    if not functions:
        raise ValueError("show_source needs at least one function, e.g. show_source(models.conv_autoencoder)")
    parts = []
    for function in functions:
        try:
            parts.append(inspect.getsource(function))
        except (OSError, TypeError):
            raise ValueError(f"show_source: {function!r} has no Python source to show") from None
    return WrappedCode("\n\n".join(parts), language="python")
