"""A Sphinx extension: a page's ``title:`` in ``_toc.yml`` names it everywhere the book names it.

sphinx-external-toc shows an entry's ``title:`` only in the sidebar; the breadcrumbs, the
"Previous" / "Next" links, ``{doc}`` links and the browser tab keep the page's own first
heading. When a chapter's reading page and its notebook share a heading (chapter 2:
"Autoencoders" and "Autoencoders"), the book would read "Autoencoders › Autoencoders" and
"Next" would go from Autoencoders to Autoencoders. With this extension the TOC's title is
the page's title for all of those (its heading on the page itself is left as written), so
the book tells the two pages apart without editing the notebook.

``_config.yml`` loads it (``sphinx: local_extensions``); ``tests/test_book.py`` checks it
in a small build and that no two pages of the TOC share a title.
"""

from __future__ import annotations

from docutils import nodes


def _use_toc_title(app, doctree) -> None:
    site_map = getattr(app.env, "external_site_map", None)
    docname = app.env.docname
    if site_map is None or docname not in site_map:
        return
    title = site_map[docname].title
    if title:
        app.env.titles[docname] = nodes.title(title, title)
        app.env.longtitles[docname] = nodes.title(title, title)


def setup(app):
    # after Sphinx's own title collector (priority 500) has read the page's first heading
    app.connect("doctree-read", _use_toc_title, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
