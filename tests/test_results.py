"""labutils.results: benchmark tables read where the notebook runs, never retyped."""

from __future__ import annotations

import pytest

from labutils import results


def test_reads_this_checkouts_results():
    text = results.benchmark_text("ecg-full", "quick")
    assert text == (results.RESULTS / "ecg-full.md").read_text()
    assert "Dense autoencoder" in results.benchmark_table("ecg-full", "quick").data


def test_quick_profile_stays_offline_for_a_missing_result(monkeypatch, tmp_path):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: pytest.fail("went online"))
    assert "stays offline" in results.benchmark_text("ecg-full", "quick")


def test_full_profile_fetches_from_the_course_repository(monkeypatch, tmp_path):
    import io

    monkeypatch.setattr(results, "RESULTS", tmp_path)
    seen = []

    def fake_urlopen(url, timeout):
        seen.append(url)
        return io.BytesIO(b"| table |")

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    assert results.benchmark_text("ecg-full", "full") == "| table |"
    assert seen == [results._raw_url("ecg-full.md")] and seen[0].endswith("/main/benchmarks/results/ecg-full.md")


@pytest.mark.parametrize("name", ["", "../secrets", "ecg full", None])
def test_bad_names(name):
    with pytest.raises(ValueError, match="name must be"):
        results.benchmark_text(name, "quick")


def test_stored_video_scores_reads_a_benchmarks_per_frame_table(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    (tmp_path / "scores.csv").write_text(
        "video,frame,anomalous,model: raw error\nTest001,1,0,0.1\nTest001,2,1,0.9\nTest002,1,1,0.5\n"
    )
    ground_truth, scores = results.stored_video_scores("scores", "quick")
    assert list(ground_truth) == ["Test001", "Test002"] and ground_truth["Test001"].tolist() == [False, True]
    assert scores["model: raw error"]["Test001"].tolist() == [0.1, 0.9] and scores["model: raw error"]["Test002"] == 0.5
    assert results.stored_video_scores("missing", "quick") == (None, results.benchmark_text("missing", "quick"))
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="columns video, frame, anomalous"):
        results.stored_video_scores("bad", "quick")


def test_benchmark_tables_reads_every_table_with_the_paragraph_before_it(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    (tmp_path / "bench.md").write_text(
        "Ran on a CPU, seeds [0, 1].\n\n"
        "| detector | seed | object | eer |\n|:--|--:|--:|--:|\n| AE | 0 | 0.9 | nan |\n| AE | 1 | 0.7 | 0.2 |\n"
        "| no model | - | 0.5 | 0.4 |\n\n"
        "Differences:\n\n| score | gain |\n|:--|--:|\n| raw | -0.125 |\n"
    )
    paragraphs, tables = results.benchmark_tables("bench", "quick")
    assert paragraphs == ["Ran on a CPU, seeds [0, 1].", "Differences:"]
    first, second = tables
    assert list(first.columns) == ["detector", "seed", "object", "eer"]
    assert first["object"].tolist() == [0.9, 0.7, 0.5] and first["seed"].tolist() == ["0", "1", "-"]
    assert first["eer"].isna().tolist() == [True, False, False] and second["gain"].tolist() == [-0.125]
    assert results.benchmark_tables("missing", "quick") == (None, results.benchmark_text("missing", "quick"))
    (tmp_path / "prose.md").write_text("No table here.\n")
    with pytest.raises(ValueError, match="no markdown table"):
        results.benchmark_tables("prose", "quick")


def test_seed_ranges_gives_smallest_and_largest_per_group():
    import pandas as pd

    table = pd.DataFrame({
        "detector": ["AE", "AE", "AE", "no model"],
        "score": ["raw", "raw", "regularity", "raw"],
        "object": [0.9754, 0.98, 0.5, 0.97],
    })
    ranges = results.seed_ranges(table, ["detector", "score"], ["object"])
    assert ranges["object"].tolist() == ["0.975–0.980", "0.500", "0.970"]
    assert list(ranges.index) == [("AE", "raw"), ("AE", "regularity"), ("no model", "raw")]
    with pytest.raises(ValueError, match=r"columns \['eer'\]"):
        results.seed_ranges(table, ["detector"], ["eer"])
    with pytest.raises(ValueError, match=r"must hold numbers, but \['score'\]"):
        results.seed_ranges(table, ["detector"], ["score"])


def test_benchmark_table_turns_headings_into_bold_lines(tmp_path, monkeypatch):
    # A heading in a cell's output would be a second title in the middle of a chapter's page.
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    (tmp_path / "bench.md").write_text(
        "# ECG benchmark (full profile)\n\nRan on a CPU.\n\n## Per seed ##\n\n"
        "```\n# a comment in code\n```\n\n| a | b |\n|--|--|\n| #1 | 2 |\n"
    )
    shown = results.benchmark_table("bench", "quick").data
    assert shown == (
        "**ECG benchmark (full profile)**\n\nRan on a CPU.\n\n**Per seed**\n\n"
        "```\n# a comment in code\n```\n\n| a | b |\n|--|--|\n| #1 | 2 |\n"
    )
    assert results.benchmark_text("bench", "quick").startswith("# ECG benchmark")  # the file as it is


def test_the_ecg_benchmark_shows_no_heading_in_the_book():
    import re

    shown = results.benchmark_table("ecg-full", "quick").data
    assert "**ECG benchmark (full profile)**" in shown
    assert not re.search(r"(?m)^ {0,3}#{1,6}\s", shown)
