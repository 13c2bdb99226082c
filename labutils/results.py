"""The course's own benchmark results, read where a notebook runs instead of typed into its prose.

``benchmarks/*.py`` write their tables to ``benchmarks/results/<name>.md`` (and ``.csv``).
A notebook shows them with :func:`benchmark_table` (or reads their tables with
:func:`benchmark_tables`): from this checkout when the repository is
there (the book build, a local clone), else, in the full profile only, from the course
repository at :data:`labutils.REVISION` (Colab installs labutils without the benchmarks).
Used by the ECG lab and the UCSD chapters.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import labutils
from labutils import env

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
TIMEOUT_SECONDS = 10


def _raw_url(name: str) -> str:
    repository = labutils.REPOSITORY_URL.removeprefix("https://github.com/")
    return f"https://raw.githubusercontent.com/{repository}/{labutils.REVISION}/benchmarks/results/{name}"


def _result(name: str, suffix: str, profile: str | None) -> tuple[str | None, str]:
    """``benchmarks/results/<name><suffix>`` as text, or None and one line saying why it is not at hand."""
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"name must be a result's file name such as 'ecg-full', got {name!r}")
    local = RESULTS / f"{name}{suffix}"
    if local.is_file():
        return local.read_text(encoding="utf-8"), ""
    if env.resolve_profile(profile) == "quick":
        return None, f"*The benchmark result `{name}` is not in this installation (the quick profile stays offline).*"
    try:
        with urllib.request.urlopen(_raw_url(name + suffix), timeout=TIMEOUT_SECONDS) as response:
            return response.read().decode("utf-8"), ""
    except (urllib.error.URLError, OSError) as error:
        return None, (
            f"*The benchmark result `{name}` could not be fetched ({error}); "
            "see benchmarks/results/ in the course repository.*"
        )


def benchmark_text(name: str, profile: str | None = None) -> str:
    """The markdown of ``benchmarks/results/<name>.md``, or one line saying why it is not at hand.

    ``name`` is a result's file name without ``.md`` (``"ecg-full"``); anything else raises
    ``ValueError``. The quick profile never touches the network.
    """
    text, reason = _result(name, ".md", profile)
    return reason if text is None else text


def stored_video_scores(name: str, profile: str | None = None):
    """The per-frame scores a benchmark stored in ``benchmarks/results/<name>.csv``: ``(ground_truth, scores)``.

    ``ground_truth`` maps each test video to its bool array of anomalous frames, ``scores``
    each stored column (``"spatio-temporal AE (99x147): motion regularity"``, ...) to
    ``{video: one score per frame}``, as the notebooks hold their own. Chapters 4 and 6
    draw the real-video curves of ``benchmarks/ucsd.py --only real`` from them, with no
    frame of video. Returns ``(None, reason)`` when the file is not at hand (the quick
    profile stays offline); a file that is not such a table raises ``ValueError``.
    """
    import io

    import pandas as pd

    text, reason = _result(name, ".csv", profile)
    if text is None:
        return None, reason
    table = pd.read_csv(io.StringIO(text))
    if list(table.columns[:3]) != ["video", "frame", "anomalous"] or len(table.columns) < 4:
        raise ValueError(f"{name}.csv must have the columns video, frame, anomalous and one per score")
    videos = list(dict.fromkeys(table["video"]))
    by_video = {video: table[table["video"] == video] for video in videos}
    ground_truth = {video: rows["anomalous"].to_numpy().astype(bool) for video, rows in by_video.items()}
    scores = {column: {video: rows[column].to_numpy(dtype=float) for video, rows in by_video.items()}
              for column in table.columns[3:]}
    return ground_truth, scores


def benchmark_tables(name: str, profile: str | None = None):
    """The tables of ``benchmarks/results/<name>.md`` as DataFrames: ``(paragraphs, tables)``.

    ``paragraphs[i]`` is the text just before ``tables[i]`` (what ran, where and when);
    columns that hold only numbers (or nan) come as numbers. Returns ``(None, reason)`` when
    the file is not at hand, as :func:`stored_video_scores` does. Chapters 4 and 6 show the
    stand-in's detector benchmark from it, seeds summed up by :func:`seed_ranges`.
    """
    import pandas as pd

    text, reason = _result(name, ".md", profile)
    if text is None:
        return None, reason
    paragraphs, tables = [], []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines()]
        if len(lines) < 2 or not all(line.startswith("|") for line in lines) or not set(lines[1]) <= set("|:- "):
            continue
        rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
        table = pd.DataFrame(rows[2:], columns=rows[0])
        for column in table.columns:
            numbers = pd.to_numeric(table[column], errors="coerce")
            if numbers.notna().sum() == (table[column].str.lower() != "nan").sum():
                table[column] = numbers
        before = text[: text.index(block)].strip().split("\n\n")
        paragraphs.append(before[-1] if before and not before[-1].startswith("|") else "")
        tables.append(table)
    if not tables:
        raise ValueError(f"{name}.md holds no markdown table")
    return paragraphs, tables


def seed_ranges(table, by: list[str], columns: list[str]):
    """Per group of ``by`` (in the table's order), each of ``columns`` as its smallest and largest
    value over the group's rows, ``"0.975–0.980"`` (one value where they agree): a benchmark's
    seeds summed up in one row (chapters 4 and 6)."""
    missing = [column for column in [*by, *columns] if column not in getattr(table, "columns", ())]
    if missing:
        raise ValueError(f"table must be a DataFrame with the columns {missing}")
    import pandas as pd

    words = [column for column in columns if not pd.api.types.is_numeric_dtype(table[column])]
    if words:
        raise ValueError(f"columns must hold numbers, but {words} do not")

    def span(values) -> str:
        low, high = values.min(), values.max()
        return f"{low:.3f}" if round(low, 3) == round(high, 3) else f"{low:.3f}–{high:.3f}"

    return table.groupby(by, sort=False)[columns].agg(span)


def _without_headings(text: str) -> str:
    """``text`` with each markdown heading line (``# ECG benchmark``) turned into a bold line.

    A heading in a cell's output would be a heading of the page that shows it: the book
    would give the notebook a second title (or a new section) in the middle of a chapter.
    Lines inside fenced code blocks are left as they are.
    """
    lines, fenced = [], False
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else re.fullmatch(r" {0,3}#{1,6}[ \t]+(.*?)[ \t#]*(\r?\n)?", line)
        lines.append(f"**{heading.group(1)}**{heading.group(2) or ''}" if heading else line)
    return "".join(lines)


def benchmark_table(name: str, profile: str | None = None):
    """:func:`benchmark_text` as rendered markdown for a notebook cell (Colab and the book).

    The file's headings come as bold lines, so the table never adds a heading to the page
    that shows it (the chapter keeps its one title).
    """
    from IPython.display import Markdown

    return Markdown(_without_headings(benchmark_text(name, profile)))
