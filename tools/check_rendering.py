"""Check the built book as a reader sees it: nothing cut at 1280 and 768 px, equations typeset, figures labelled.

Each page of the book is opened in headless Chromium (offline: every request to the network
goes to a closed port) at each width, after its equations are typeset and its fonts loaded,
with every ``<details>`` opened. On the page's article it reports:

- a table, image, figure, SVG, video, display equation or block of code or output that
  reaches past the article's column (or its left edge), unless a scroll box inside the
  article holds it (``overflow-x: auto`` or ``scroll``, scrollbar not hidden): the reader
  would see it cut by the window or running under the sidebar;
- one that an ancestor with ``overflow-x: hidden`` (or ``clip``) cuts;
- a page that scrolls sideways as a whole;
- an equation that MathJax did not typeset (the reader would see its LaTeX);
- an image without alt text (or with its file name as alt text), a notebook figure
  without a caption, and a figure shown so much smaller than it was drawn that its
  smallest text falls under the book's small print: labutils draws figures at most
  :data:`FIGURE_WIDTH_PX` wide with text of :data:`SMALLEST_TEXT_PX`, so one shown at
  less than :data:`SMALL_PRINT_PX` / :data:`SMALLEST_TEXT_PX` of that width is too small
  (``tests/test_rendered_pages.py`` holds these numbers to ``labutils.plot_style``'s).

It talks to Chromium over ``--remote-debugging-pipe`` (the DevTools protocol on two file
descriptors), so it needs nothing beyond the standard library and a ``chromium`` binary
(Debian: ``apt-get install chromium``; ``CHROMIUM`` names another). ``make book`` runs it
after the link check; without Chromium it says so and checks nothing (exit status 0,
unless ``--require`` is given). ``tests/test_rendered_pages.py`` tests it on hand-made
pages and runs it on the built book when there is one.

    python tools/check_rendering.py _build/quick/_build/html
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WIDTHS = (1280, 768)
SMALL_PRINT_PX = 14.4  # the theme's small print (0.9 rem), as measured at both widths
FIGURE_WIDTH_PX = 650  # labutils.plot_style: 6.5 inches at 100 dpi
SMALLEST_TEXT_PX = 11 * 100 / 72  # labutils.plot_style: 11 points at 100 dpi
SVG_RATIO = 96 / 100  # an SVG figure (the reading pages') counts 96 CSS px per inch, not 100 dpi
HEIGHT = 900
TIMEOUT_SECONDS = 60  # one page: load, typeset, measure

# Runs in the page; returns a list of problems, each {"what": ..., "problem": ...}.
MEASURE = r"""
(async () => {
  for (const details of document.querySelectorAll('details')) details.open = true;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const problems = [];
  const article = document.querySelector('article.bd-article') || document.querySelector('main')
    || document.body;
  const column = article.getBoundingClientRect();
  const viewport = document.documentElement.clientWidth;
  const left = Math.max(column.left, 0), right = Math.min(column.right, viewport);
  const text = el => (el.getAttribute('alt') || el.getAttribute('src') || el.textContent || '')
    .replace(/\s+/g, ' ').trim().slice(0, 60);
  const heading = el => {
    const section = el.closest('section');
    const title = section && section.querySelector('h1, h2, h3, h4');
    return title ? ` under "${title.textContent.replace(/[#¶]/g, '').trim().slice(0, 50)}"` : '';
  };
  const describe = el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
    `${heading(el)} ("${text(el)}")`;
  const style = el => getComputedStyle(el);
  const scrolls = el => ['auto', 'scroll'].includes(style(el).overflowX) && style(el).scrollbarWidth !== 'none';
  const clips = el => ['hidden', 'clip'].includes(style(el).overflowX);
  const px = value => Math.round(value);
  const selector = 'table, img, figure, svg, video, iframe, canvas, mjx-container[display="true"], pre';
  for (const el of article.querySelectorAll(selector)) {
    if (!el.getClientRects().length || el.closest('mjx-container') && el.tagName !== 'MJX-CONTAINER') continue;
    if (el.tagName === 'svg' && el.closest('a, button, figure, img')) continue;  // icons; figures count once
    const box = el.getBoundingClientRect();
    if (box.width < 2) continue;
    if (clips(el) && el.scrollWidth > el.clientWidth + 1) {
      problems.push({what: describe(el), problem: `its content is ${px(el.scrollWidth)} px wide, ` +
        `cut at ${px(el.clientWidth)} px (overflow hidden)`});
      continue;
    }
    let verdict = null;
    for (let parent = el.parentElement; parent && parent !== article; parent = parent.parentElement) {
      if (scrolls(parent)) {
        const outer = parent.getBoundingClientRect();
        if (outer.right > right + 1 || outer.left < left - 1)
          verdict = `its scroll box is ${px(outer.width)} px wide, past the ${px(right - left)} px column`;
        else verdict = 'ok';
        break;
      }
      if (clips(parent) && (box.right > parent.getBoundingClientRect().right + 1 ||
                            box.left < parent.getBoundingClientRect().left - 1)) {
        verdict = `${px(box.width)} px wide, cut by ${parent.tagName.toLowerCase()}.` +
          `${[...parent.classList].join('.')} at ${px(parent.getBoundingClientRect().width)} px (overflow hidden)`;
        break;
      }
    }
    if (verdict === null && (box.right > right + 1 || box.left < left - 1))
      verdict = `${px(box.width)} px wide, past the ${px(right - left)} px column with no scroll box`;
    if (verdict && verdict !== 'ok') problems.push({what: describe(el), problem: verdict});
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1)
    problems.push({what: 'the page', problem: `scrolls sideways: ${page.scrollWidth} px in a ` +
      `${page.clientWidth} px window`});
  for (const img of article.querySelectorAll('img')) {
    if (!img.getClientRects().length || img.closest('a')) continue;  // badges and links have their own text
    const alt = (img.getAttribute('alt') || '').trim();
    const file = (img.getAttribute('src') || '').split('/').pop().split('?')[0];
    if (!alt || alt === file || /\.(png|gif|svg|jpe?g)$/i.test(alt) || /^[0-9a-f]{16,}$/i.test(alt))
      problems.push({what: describe(img), problem: `no alt text for a reader who cannot see it (alt "${alt}")`});
    const figure = img.closest('figure');
    if (img.closest('.cell_output') && !(figure && figure.querySelector('figcaption')))
      problems.push({what: describe(img), problem: 'a notebook figure without a caption'});
    if (img.naturalWidth > 100) {
      const shown = img.getBoundingClientRect().width;
      const scale = /^data:image\/svg|\.svg([?#]|$)/i.test(img.getAttribute('src') || '') ? SVG_RATIO : 1;
      const text = SMALLEST_TEXT_PX * scale, widest = FIGURE_WIDTH_PX * scale;
      if (shown + 1 < Math.min(img.naturalWidth, widest) * SMALL_PRINT_PX / text)
        problems.push({what: describe(img), problem: `shown ${px(shown)} px wide of the ${img.naturalWidth} px ` +
          `it was drawn: its smallest text shrinks to ${(text * shown / img.naturalWidth).toFixed(1)} px, ` +
          `under the book's ${SMALL_PRINT_PX} px small print`});
    }
  }
  for (const math of article.querySelectorAll('.math')) {
    if (!math.querySelector('mjx-container') && math.getClientRects().length)
      problems.push({what: `equation${heading(math)} ("${text(math)}")`, problem: 'not typeset (LaTeX shown)'});
  }
  return problems;
})()
"""


def find_chromium() -> str | None:
    """The Chromium binary: ``$CHROMIUM``, else ``chromium`` or ``chromium-browser`` on PATH."""
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (the DevTools protocol, fds 3 and 4)."""

    def __init__(self, chromium: str) -> None:
        to_chromium_r, to_chromium_w = os.pipe()
        from_chromium_r, from_chromium_w = os.pipe()
        # high numbers, so that moving them to 3 and 4 in the child never overwrites one of them
        child_in = fcntl.fcntl(to_chromium_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_chromium_w, fcntl.F_DUPFD, 10)
        for fd in (to_chromium_r, from_chromium_w):
            os.close(fd)

        def use_pipes() -> None:  # in the child, before exec: fd 3 = commands, fd 4 = answers
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.profile = tempfile.mkdtemp(prefix="check-rendering-")
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
            "--no-first-run", "--no-default-browser-check",
            "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",  # offline: the network is a closed port
            f"--user-data-dir={self.profile}", "about:blank",
        ]
        self.process = subprocess.Popen(  # preexec_fn is safe here: no threads yet
            command, preexec_fn=use_pipes, close_fds=False,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for fd in (child_in, child_out):
            os.close(fd)
        self.writer, self.reader = to_chromium_w, from_chromium_r
        self.buffer, self.next_id, self.events = b"", 0, []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.reader], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.reader, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe (did it start?)")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.writer, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            answer = self._message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            if any(message.get("method") == event for message in self.events):
                self.events = [message for message in self.events if message.get("method") != event]
                return
            self.events.append(self._message(deadline))

    def problems(self, url: str, width: int) -> list[dict]:
        """What :data:`MEASURE` finds on ``url`` in a window ``width`` px wide."""
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, session=True)
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")
        constants = (f"const FIGURE_WIDTH_PX = {FIGURE_WIDTH_PX}, SMALLEST_TEXT_PX = {SMALLEST_TEXT_PX}, "
                     f"SMALL_PRINT_PX = {SMALL_PRINT_PX}, SVG_RATIO = {SVG_RATIO};")
        result = self.call("Runtime.evaluate", {"expression": MEASURE.replace("(async () => {", "(async () => {"
                           + constants, 1), "awaitPromise": True, "returnByValue": True}, session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{url}: the check's script failed: {result['exceptionDetails']}")
        return result["result"]["value"]

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self.writer, self.reader):
            os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def pages(root: Path) -> list[Path]:
    """The book's pages: HTML files outside ``_static``, less Sphinx's search and index pages and
    redirects (the root ``index.html`` that sends the reader to the landing page)."""
    skipped = ("search.html", "genindex.html")
    return sorted(path for path in root.rglob("*.html")
                  if "_static" not in path.relative_to(root).parts and path.name not in skipped
                  and not re.search(r"http-equiv=[\"']?refresh", path.read_text(encoding="utf-8", errors="replace"),
                                    flags=re.IGNORECASE))


def cut_elements(root: Path, widths=WIDTHS, chromium: str | None = None) -> list[str]:
    """``"page @ width px: element: problem"`` for everything cut (or not typeset) on the book's pages."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise FileNotFoundError("no Chromium: install it (apt-get install chromium) or name it in $CHROMIUM")
    found = []
    with Browser(chromium) as browser:
        for page in pages(root):
            for width in widths:
                for problem in browser.problems(page.resolve().as_uri(), width):
                    found.append(f"{page.relative_to(root)} @ {width} px: {problem['what']}: {problem['problem']}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the built book's HTML folder")
    parser.add_argument("--require", action="store_true", help="fail, not skip, when there is no Chromium")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        message = ("check_rendering: SKIPPED, no Chromium here (apt-get install chromium, or set $CHROMIUM): "
                   "tables and figures were NOT checked for being cut")
        print(message, file=sys.stderr)
        return 1 if args.require else 0
    started = time.monotonic()
    found = cut_elements(args.html, chromium=chromium)
    count = len(pages(args.html))
    for line in found:
        print(line)
    print(f"check_rendering: {count} pages at {' and '.join(map(str, WIDTHS))} px in "
          f"{time.monotonic() - started:.0f} s: {len(found) or 'nothing'} cut, untypeset, unlabelled or too small",
          file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
