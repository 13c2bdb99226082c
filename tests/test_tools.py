"""tools/: the internal link check of the built book."""

from __future__ import annotations

from tools import check_links


def test_link_check_reports_missing_files_and_anchors(tmp_path):
    (tmp_path / "b.html").write_text('<h1 id="x">B</h1><a href="a.html">back</a>')
    (tmp_path / "img.png").write_bytes(b"png")
    (tmp_path / "a.html").write_text(
        '<a href="b.html#x">ok</a> <a href="b.html#y">bad anchor</a> <a href="c.html">missing</a>'
        '<img src="img.png"> <a href="https://example.org/nowhere">external</a> <a href="#top">self</a>'
        '<span id="top"></span>'
    )
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "template.html").write_text('<a href="{{ pathto(x) }}">theme template</a>')
    assert sorted(check_links.broken_links(tmp_path)) == [
        "a.html: b.html#y (no such anchor)",
        "a.html: c.html (no such file)",
    ]
