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
    assert seen == [results._raw_url("ecg-full")] and seen[0].endswith("/main/benchmarks/results/ecg-full.md")


@pytest.mark.parametrize("name", ["", "../secrets", "ecg full", None])
def test_bad_names(name):
    with pytest.raises(ValueError, match="name must be"):
        results.benchmark_text(name, "quick")
