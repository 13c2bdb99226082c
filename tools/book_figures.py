"""A Sphinx extension: the reading pages' figures, drawn by labutils while the book builds.

A reading page (``book/*.md``) asks for a figure with the ``labutils-figure`` directive::

    ```{labutils-figure} labutils.diagrams.anomaly_types
    :alt: What the figure shows, for a reader who cannot see it.
    :name: fig-anomaly-types

    The caption.
    ```

The argument names a function of ``labutils`` that takes no arguments and returns a
matplotlib ``Figure`` (:mod:`labutils.diagrams` holds the pages' figures). The directive
calls it, writes the figure as SVG into the build (``<build>/labutils_figures/``, beside
the doctrees, so it is never committed and is removed with the build), and then behaves
as Sphinx's own ``figure`` directive with that file: ``:alt:`` becomes the ``alt``
attribute of the ``<img>`` and the content its caption. Both are required; the build
stops with an error naming the page and line when either is missing or the function
does not exist. Nothing is executed by a kernel, so ``make book``'s rule that
jupyter-book executes no notebook still holds. Sphinx reads a page again when the module
that drew its figure or this file changes, and ``tools/execute_notebooks.py`` removes the
whole build when anything under ``labutils/`` changes, so no page keeps an old figure.

``_config.yml`` loads it (``sphinx: local_extensions``); ``tools/make_slides.py`` uses
:func:`slide_markdown` to put the same figures on the reading pages' slides.
"""

from __future__ import annotations

import base64
import importlib
import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display while the book builds

from matplotlib.figure import Figure
from sphinx.directives.patches import Figure as SphinxFigure

#: The folder of the build (beside ``.doctrees``) where the figures are written.
FOLDER = "labutils_figures"
#: The directive in a page: its function, its options (``:alt:`` ...) and its caption.
DIRECTIVE = re.compile(r"```\{labutils-figure\}[ \t]+(\S+)[ \t]*\n(.*?)\n```", re.DOTALL)


def resolve(target: str) -> tuple[ModuleType, Callable[[], Figure]]:
    """The module and function that ``target`` (``labutils.module.function``) names."""
    module_name, _, name = target.rpartition(".")
    if not module_name.startswith("labutils"):
        raise ValueError(f"{target!r}: name a function of labutils, as labutils.diagrams.anomaly_types")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ValueError(f"{target!r}: cannot import {module_name} ({error})") from error
    function = getattr(module, name, None)
    if not callable(function):
        raise ValueError(f"{target!r}: {module_name} has no function {name!r}")
    return module, function


def render(target: str) -> Figure:
    """Call the function ``target`` names; a TypeError unless it returns a matplotlib Figure."""
    _, function = resolve(target)
    figure = function()
    if not isinstance(figure, Figure):
        raise TypeError(f"{target} returned {type(figure).__name__}, not a matplotlib Figure")
    return figure


def svg(figure: Figure) -> bytes:
    """The figure as SVG, the same bytes for the same figure (no date, fixed element ids)."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "labutils"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()


def parse(body: str) -> tuple[dict[str, str], str]:
    """A directive's body as ``(options, caption)``: ``:key: value`` lines first, then the caption."""
    options, lines = {}, body.strip("\n").splitlines()
    while lines and (match := re.match(r"\s*:([\w-]+):\s*(.*)$", lines[0])):
        options[match[1]] = match[2].strip()
        lines.pop(0)
    return options, "\n".join(lines).strip()


def slide_markdown(match: re.Match) -> str:
    """For ``DIRECTIVE.sub``: the figure as a Markdown image (an SVG data URI), its caption below it."""
    options, caption = parse(match[2])
    encoded = base64.b64encode(svg(render(match[1]))).decode("ascii")
    alt = options.get("alt", "").replace("]", ")").replace("[", "(")
    caption = " ".join(caption.split())
    return f"![{alt}](data:image/svg+xml;base64,{encoded})\n\n{caption}"


class LabutilsFigure(SphinxFigure):
    """``figure`` whose image a labutils function draws at build time (see the module's docstring)."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = False
    has_content = True

    def run(self):
        target = self.arguments[0]
        if not self.options.get("alt", "").strip():
            raise self.error(f"labutils-figure {target}: give the figure its alt text (:alt:)")
        if not "\n".join(self.content).strip():
            raise self.error(f"labutils-figure {target}: give the figure a caption (the directive's content)")
        try:
            module, _ = resolve(target)
        except ValueError as error:
            raise self.error(f"labutils-figure: {error}") from error
        env = self.state.document.settings.env
        env.note_dependency(module.__file__)  # the page is read again when the module drawing it
        env.note_dependency(__file__)  # or this file changes
        path = Path(env.app.doctreedir).parent / FOLDER / f"{target}.svg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(svg(render(target)))
        # Sphinx reads an image path that starts with "/" as relative to the source folder.
        self.arguments[0] = "/" + os.path.relpath(path, env.srcdir).replace(os.sep, "/")
        return super().run()


def setup(app):
    app.add_directive("labutils-figure", LabutilsFigure)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
