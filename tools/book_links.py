"""A Sphinx extension: links to the published book become links inside the book being built.

Notebook markdown links to other chapters with absolute URLs under ``html.baseurl`` of
``_config.yml`` (the published book), because a notebook opened in Colab has no
neighbouring files and a relative link goes nowhere there. In the book itself the same
links should stay inside the build (offline, and on a branch's build): this extension
rewrites every reference whose URL starts with the base URL into a relative link to that
page of the build being made (``notebooks/03_ecg_lab.html#thresholds`` from any page),
and leaves a URL under the base that names no page of the book untouched, so that
``tools/check_links.py`` and the link tests can find it. ``_config.yml`` loads it
(``sphinx: local_extensions``); ``tests/test_notebook_links.py`` checks the notebooks'
links against the same base URL.
"""

from __future__ import annotations

from docutils import nodes


def page_of(url: str, base: str) -> tuple[str, str] | None:
    """``(docname, "#anchor" or "")`` for a URL of the published book, or None for any other URL.

    ``https://…/book/notebooks/03_ecg_lab.html#x`` under ``https://…/book/`` is
    ``("notebooks/03_ecg_lab", "#x")``; the book's root is ``"intro"``'s ``index.html``.
    """
    base = base.rstrip("/") + "/"
    if not url.startswith(base):
        return None
    path, _, anchor = url[len(base):].partition("#")
    path = path or "index.html"
    if not path.endswith(".html"):
        return None
    return path[: -len(".html")], f"#{anchor}" if anchor else ""


def _rewrite(app, doctree, docname: str) -> None:
    base = app.config.html_baseurl
    if not base or app.builder.format != "html":
        return
    for reference in doctree.findall(nodes.reference):
        found = page_of(reference.get("refuri", ""), base)
        if found is None:
            continue
        target, anchor = found
        if target == "index":
            target = app.config.root_doc
        if target not in app.env.all_docs:
            continue  # a page the book does not have: left absolute, for the link checks to report
        reference["refuri"] = app.builder.get_relative_uri(docname, target) + anchor
        reference["internal"] = True


def setup(app):
    app.connect("doctree-resolved", _rewrite)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
