"""tools/check_rendering.py: the built pages in headless Chromium, at 1280 and 768 px, with nothing cut.

The check is tested on hand-made pages (a wide table with and without a scroll box, an image
cut by ``overflow: hidden``, an equation MathJax never typeset), then run on the book that
`make book` built, when there is one. Without Chromium the tests are skipped and say so:
they never pass without having looked.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tools import check_rendering

ROOT = Path(__file__).resolve().parents[1]
BUILT = ROOT / "_build" / "quick" / "_build" / "html"
CHROMIUM = check_rendering.find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium (apt-get install chromium, or set $CHROMIUM): pages NOT checked"
)

PAGE = """<!doctype html><html><head><meta name="viewport" content="width=device-width">
<style>
body { margin: 0; }
.layout { display: flex; }
.sidebar { width: 300px; flex: none; }
@media (max-width: 900px) { .sidebar { display: none; } }
article.bd-article { flex: 1; min-width: 0; max-width: 800px; padding: 0 10px; }
.scroll { overflow-x: auto; }
.hidden-scrollbar { overflow-x: auto; scrollbar-width: none; }
.clip { overflow: hidden; }
td { white-space: nowrap; }
</style></head><body><div class="layout"><nav class="sidebar">menu</nav>
<article class="bd-article"><section><h1>A page</h1>
<table id="narrow"><tr><td>a</td><td>b</td></tr></table>
<table id="wide"><tr><td><div style="width: 1000px">a wide table</div></td></tr></table>
<div class="scroll"><table id="scrolled"><tr><td>
  <div style="width: 1000px">wide, in a scroll box</div></td></tr></table></div>
<div class="hidden-scrollbar"><table id="no-scrollbar"><tr><td>
  <div style="width: 1000px">no bar</div></td></tr></table></div>
<div class="clip"><img id="clipped" alt="cut" style="width: 1000px; height: 20px"
  src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"></div>
<img id="fits" alt="fits" style="max-width: 100%; width: 1000px; height: 20px"
  src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">
<div id="medium"><svg width="790" height="10"></svg></div>
<div class="math notranslate nohighlight">\\[ x^2 \\]</div>
</section></article></div></body></html>
"""


@needs_chromium
def test_the_check_reports_what_is_cut_and_nothing_that_fits(tmp_path):
    (tmp_path / "page.html").write_text(PAGE)
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "theme.html").write_text("<table style='width: 5000px'></table>")  # not a page
    found = check_rendering.cut_elements(tmp_path, widths=(1280, 768), chromium=CHROMIUM)
    at = {width: [line for line in found if f"@ {width} px" in line] for width in (1280, 768)}
    for width, lines in at.items():
        assert any("table#wide" in line and "no scroll box" in line for line in lines), (width, lines)
        assert any("table#no-scrollbar" in line for line in lines), (width, lines)  # a hidden scrollbar is no scroll
        assert any("img#clipped" in line and "overflow hidden" in line for line in lines), (width, lines)
        assert any("equation" in line and "not typeset" in line for line in lines), (width, lines)
        assert not any(name in line for line in lines for name in ("#narrow", "#scrolled", "#fits")), lines
    # 790 px of SVG fits the 820 px column at 1280 px, not the 768 px window (no sidebar there)
    assert not any("svg" in line for line in at[1280]) and any("svg" in line for line in at[768]), found
    assert all(line.startswith("page.html @ ") for line in found), found


def png(width: int, height: int = 10) -> str:
    """A blank PNG ``width`` px wide, as a data URI."""
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


FIGURES = """<!doctype html><html><body><article class="bd-article" style="width: 700px"><section><h1>Figures</h1>
<div class="cell_output"><figure><img id="good" alt="A line plot of loss against epoch." src="{600}">
  <figcaption>The loss.</figcaption></figure></div>
<div class="cell_output"><img id="uncaptioned" alt="A histogram of errors." src="{600}"></div>
<img id="hashed" alt="3f2a9c0d1e4b5a6f7e8d9c0b1a2f3e4d.png" src="{600}">
<img id="no-alt" src="{600}">
<img id="shrunk" alt="A figure drawn wide." style="width: 300px" src="{900}">
<img id="wide-gif" alt="An animation wider than the column." style="max-width: 100%" src="{1000}">
<img id="svg-shrunk" alt="A diagram drawn 624 px wide." style="width: 600px" src="{svg624}">
<img id="svg-fits" alt="A diagram shown at its size." src="{svg624}">
<a href="https://colab.research.google.com"><img id="badge" src="{120}"></a>
</section></article></body></html>
"""


@needs_chromium
def test_the_check_reports_unlabelled_and_shrunk_figures(tmp_path):
    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" width="468pt" height="20pt"></svg>').decode()
    page = FIGURES.replace("{600}", png(600)).replace("{900}", png(900)).replace("{1000}", png(1000))
    page = page.replace("{svg624}", "data:image/svg+xml;base64," + svg)  # 6.5 inches of SVG: 624 px
    (tmp_path / "figures.html").write_text(page.replace("{120}", png(120)))
    found = check_rendering.cut_elements(tmp_path, widths=(1280,), chromium=CHROMIUM)
    assert any("img#uncaptioned" in line and "without a caption" in line for line in found), found
    assert any("img#hashed" in line and "no alt text" in line for line in found), found
    assert any("img#no-alt" in line and "no alt text" in line for line in found), found
    assert any("img#shrunk" in line and "shown 300 px wide of the 900 px" in line for line in found), found
    # an SVG's 11 points are 14.7 px: shown at 600 of its 624 px, they fall to 14.1 px
    assert any("img#svg-shrunk" in line and "shrinks to 14.1 px" in line for line in found), found
    # 1000 px shown at the column's 700 px: still at least 94% of the 650 px a figure may take
    assert not any(name in line for line in found for name in ("#good", "#wide-gif", "#badge", "#svg-fits")), found


def test_the_figure_numbers_are_labutils_own():
    from labutils import plot_style

    assert check_rendering.FIGURE_WIDTH_PX == plot_style.MAX_WIDTH_INCHES * plot_style.DPI
    assert check_rendering.SMALLEST_TEXT_PX == plot_style.SMALLEST_POINTS * plot_style.DPI / 72
    assert check_rendering.SMALLEST_TEXT_PX >= check_rendering.SMALL_PRINT_PX  # shown at its size, it is legible


def test_the_check_says_it_skipped_without_chromium(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHROMIUM", "no-such-browser-here")
    assert check_rendering.find_chromium() is None
    assert check_rendering.main([str(tmp_path)]) == 0
    assert "SKIPPED" in capsys.readouterr().err
    assert check_rendering.main([str(tmp_path), "--require"]) == 1
    with pytest.raises(FileNotFoundError, match="no Chromium"):
        check_rendering.cut_elements(tmp_path)


@needs_chromium
def test_nothing_is_cut_on_the_built_book():
    if not (BUILT / "index.html").is_file():
        pytest.skip(f"no built book in {BUILT.relative_to(ROOT)}: `make book` builds it (and runs this check)")
    found = check_rendering.cut_elements(BUILT, chromium=CHROMIUM)
    assert not found, "cut or not typeset on the built pages:\n" + "\n".join(found)
