"""labutils.published: Ruff et al. (2018)'s Table 1 numbers, as chapter 2 and the benchmark show them."""

from __future__ import annotations

import pytest

from labutils import published


def test_ruff_table_has_one_row_per_digit_and_the_published_means():
    table = published.ruff2018_mnist()
    assert table.shape == (10, 2) and table.index.name == "normal digit"
    assert list(table.columns) == ["DCAE (Ruff et al.)", "Deep SVDD (Ruff et al.)"]
    assert table.loc[5, "DCAE (Ruff et al.)"] == 0.782  # the hardest digit for DCAE
    assert table.loc[1, "Deep SVDD (Ruff et al.)"] == 0.997
    assert table.mean().round(4).tolist() == [pytest.approx(0.8965), pytest.approx(0.9480)]
