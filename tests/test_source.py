"""labutils.source: the model code shown on the page is the code that runs."""

from __future__ import annotations

import pytest

from labutils import models
from labutils.source import show_source


def test_shows_the_builders_own_keras_code():
    code = show_source(models.conv1d_ecg_autoencoder)
    assert code.data.startswith("def conv1d_ecg_autoencoder(")
    assert "layers.Conv1D(" in code.data and "layers.Dense(latent_dim" in code.data
    html = code._repr_html_()
    assert "<span" in html  # highlighted in Colab and the book
    assert 'white-space: pre-wrap' in html  # long lines wrap instead of running off the page


def test_several_functions_and_bad_input():
    code = show_source(models.dense_ecg_autoencoder, models.dense_autoencoder)
    assert "def dense_ecg_autoencoder(" in code.data and "def dense_autoencoder(" in code.data
    with pytest.raises(ValueError, match="at least one function"):
        show_source()
    with pytest.raises(ValueError, match="no Python source"):
        show_source(len)
