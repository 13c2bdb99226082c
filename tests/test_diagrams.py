"""labutils.diagrams: the reading pages' figures have their panels and labels, and read shapes from the model."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from labutils import diagrams, settings, video

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "book").glob("*.md"))
FIGURE_FUNCTIONS = [name for name, function in inspect.getmembers(diagrams, inspect.isfunction)  # chapter 5 re-exported
                    if function.__module__.startswith(diagrams.__name__) and not name.startswith("_")
                    and inspect.signature(function).return_annotation in (Figure, "Figure")]


def visible_axes(figure: Figure) -> list:
    return [axis for axis in figure.axes if axis.get_visible()]


def strings(figure: Figure) -> list[str]:
    """Every piece of text drawn on the figure: titles, axis labels, texts and annotations."""
    found = [text.get_text() for text in figure.texts]
    for axis in figure.axes:
        found += [axis.get_title(), axis.get_xlabel(), axis.get_ylabel()]
        found += [text.get_text() for text in axis.texts]
    return found


def test_each_figure_names_its_chapter_and_appears_on_that_page():
    assert set(FIGURE_FUNCTIONS) == {"anomaly_types", "autoencoder_diagram", "bottleneck_reconstructions",
                                     "lstm_and_convlstm", "spatiotemporal_layers", "regularity_example"}
    pages = {page.name: page.read_text(encoding="utf-8") for page in PAGES}
    chapter_pages = {"1": "anomaly_detection.md", "2": "autoencoders.md", "5": "video_anomalies.md"}
    for name in FIGURE_FUNCTIONS:
        chapter = re.search(r"\(chapter (\d)\)", getattr(diagrams, name).__doc__)
        assert chapter, f"{name}: the docstring does not name its chapter"
        assert f"{{labutils-figure}} labutils.diagrams.{name}\n" in pages[chapter_pages[chapter[1]]], name


def test_anomaly_types_three_panels_of_the_three_kinds():
    figure = diagrams.anomaly_types()
    assert isinstance(figure, Figure) and figure.number not in plt.get_fignums()
    point, context, collective = visible_axes(figure)
    assert [axis.get_title() for axis in (point, context, collective)] == [
        "Point anomalies", "Contextual anomaly", "Collective anomaly"]
    assert [axis.get_xlabel() for axis in (point, context, collective)] == ["feature 1", "month (3 years)", "sample"]
    normal, anomalies = (collection.get_offsets() for collection in point.collections)
    distances = np.linalg.norm(anomalies[:, None] - normal[None], axis=-1)
    assert distances.min() > 0.5  # the point anomalies lie apart from every normal point
    months, temperatures = context.lines[0].get_data()
    (july, marked), = context.collections[0].get_offsets()
    assert months[int(july)] % 12 == 6  # a July
    other_julys = temperatures[(months % 12 == 6) & (months != july)]
    assert marked < other_julys.min() - 10  # far colder than the other Julys ...
    assert temperatures[months % 12 == 0].min() <= marked + 2  # ... about as cold as the Januaries
    samples, signal = collective.lines[0].get_data()
    (span,) = collective.patches
    left, right = span.get_x(), span.get_x() + span.get_width()
    inside = (samples >= left) & (samples < right)
    assert signal[inside].max() < 0.1 < signal[~inside].max()  # flat gap: no beat inside, beats outside
    np.testing.assert_array_equal(diagrams.anomaly_types().axes[0].collections[1].get_offsets(), anomalies)


def test_autoencoder_diagram_reads_its_sizes_from_the_deep_autoencoder():
    from labutils import models

    sizes = diagrams.deep_autoencoder_sizes()
    assert sizes == [784, 128, 64, 12, 3, 12, 64, 128, 784]  # the page's table and the slides
    assert models.deep_autoencoder().encoder.output.shape[-1] == sizes[len(sizes) // 2]
    figure = diagrams.autoencoder_diagram()
    assert len(visible_axes(figure)) == 1
    drawn = [int(text) for text in strings(figure) if text.isdigit()]
    assert drawn == sizes
    assert {"encoder", "code", "decoder"} <= set(strings(figure))


def test_pca_reconstructions_are_exact_with_every_component_and_improve_with_the_code():
    rng = np.random.default_rng(0)
    train, images = rng.random((60, 4, 4)), rng.random((10, 4, 4))
    codes, exact = diagrams.pca_reconstructions(images, train, 16)
    assert codes.shape == (10, 16) and exact.shape == images.shape
    np.testing.assert_allclose(exact, images, atol=1e-4)
    errors = [np.mean((diagrams.pca_reconstructions(images, train, size)[1] - images) ** 2) for size in (1, 4, 8, 16)]
    assert errors == sorted(errors, reverse=True) and errors[0] > 10 * errors[-1]
    with pytest.raises(ValueError, match="code_size must be between 1 and 16, got 0"):
        diagrams.pca_reconstructions(images, train, 0)
    with pytest.raises(ValueError, match=r"images \(4, 5\) and train_images \(4, 4\) differ"):
        diagrams.pca_reconstructions(rng.random((3, 4, 5)), train, 2)


def test_bottleneck_reconstructions_rows_of_inputs_codes_and_reconstructions():
    figure = diagrams.bottleneck_reconstructions((2, 20), examples=5)
    axes = np.array(visible_axes(figure)).reshape(5, 5)  # input, code 2, rebuilt 2, code 20, rebuilt 20
    labels = [row[0].get_ylabel() for row in axes]
    assert labels[:2] == ["input\n784 pixels", "code\n2 numbers"] and labels[3] == "code\n20 numbers"
    assert [image.get_array().shape for image in (axes[1, 0].images[0], axes[3, 0].images[0])] == [(1, 2), (1, 20)]
    small, large = (float(re.search(r"MSE ([\d.]+)", labels[row])[1]) for row in (2, 4))
    assert small > large  # a larger code keeps more
    assert "PCA" in figure.texts[0].get_text() and "no network trained" in figure.texts[0].get_text()
    with pytest.raises(ValueError, match="code_sizes must not be empty"):
        diagrams.bottleneck_reconstructions(())


def test_lstm_and_convlstm_fully_connected_chain_above_a_3x3_neighbourhood():
    figure = diagrams.lstm_and_convlstm()
    fc_axis, conv_axis = visible_axes(figure)
    assert fc_axis.get_position().y0 > conv_axis.get_position().y0  # stacked, as the page's caption says
    assert "Fully connected LSTM" in fc_axis.get_title() and "ConvLSTM" in conv_axis.get_title()
    assert sum(text.get_text() == "LSTM" for text in fc_axis.texts) == 3  # a chain of three cells
    full_matrix = [line for line in fc_axis.lines if line.get_color() == "grey"]
    assert len(full_matrix) == 5 * 7  # every input number joined to every unit of the middle cell
    planes = {r"input $\mathcal{X}_t$", r"state $\mathcal{H}_t$", r"state $\mathcal{H}_{t-1}$",
              r"input $\mathcal{X}_{t-1}$"}
    assert planes <= set(strings(figure))
    neighbourhood = [line for line in conv_axis.lines if line.get_color() == "tab:orange"]
    assert len(neighbourhood) == 2 * 4  # the corners of the 3x3 window in X_t and in H_{t-1}
    assert len({tuple(line.get_xydata()[1]) for line in neighbourhood}) == 1  # ... all meet at one cell of H_t


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_spatiotemporal_layers_take_their_shapes_from_the_lab_model(profile):
    row = settings.get("ucsd_video", profile)
    table = diagrams.spatiotemporal_layer_table(profile)
    frames, (height, width) = row["clip_length"], row["image_size"]
    assert table[0]["shape"] == table[-1]["shape"] == (frames, height, width, 1)
    first = [(side - 11) // 4 + 1 for side in (height, width)]
    second = [(side - 5) // 2 + 1 for side in first]
    assert [entry["shape"] for entry in table[1:-1]] == [
        (frames, *first, row["filters"][0]), (frames, *second, row["filters"][1]),
        *[(frames, *second, filters) for filters in row["lstm_filters"]],
        (frames, *first, row["filters"][0])]
    assert [entry["part"] for entry in table] == [
        "input", "spatial encoder", "spatial encoder", "temporal encoder", "code", "temporal decoder",
        "spatial decoder", "spatial decoder"]
    assert [entry["kind"] for entry in table][3:6] == ["ConvLSTM2D"] * 3
    figure = diagrams.spatiotemporal_layers(profile)
    drawn = strings(figure)
    for entry in table:
        assert diagrams.shape_label(entry["shape"]) in drawn
    weights = sum(entry["weights"] for entry in table)
    assert f"{weights:,} weights" in figure.axes[0].get_title() and f"({profile} profile)" in figure.axes[0].get_title()


def test_the_video_page_table_matches_the_full_profile_model():
    page = (ROOT / "book" / "video_anomalies.md").read_text(encoding="utf-8")
    shapes = re.findall(r"^\|[^|\n]*\|[^|\n]*\| (\d+) × (\d+) × (\d+) × (\d+) \|$", page, flags=re.MULTILINE)
    table = diagrams.spatiotemporal_layer_table("full")
    assert [tuple(map(int, shape)) for shape in shapes] == [entry["shape"] for entry in table[1:]]


def test_regularity_example_curve_dips_inside_its_annotated_interval():
    figure = diagrams.regularity_example(frames=100, anomalous=(40, 60))
    error_axis, regularity_axis = visible_axes(figure)
    frames, errors = error_axis.lines[0].get_data()
    _, regularity = regularity_axis.lines[0].get_data()
    np.testing.assert_allclose(regularity, video.regularity_scores(errors))  # the lab's formula
    assert list(frames[[0, -1]]) == [1, 100]
    assert 41 <= frames[np.argmin(regularity)] <= 60  # lowest inside the annotated frames 41-60
    assert "not a lab result" in error_axis.get_title()
    assert any("frames 41–60" in text for text in strings(figure))
    with pytest.raises(ValueError, match="anomalous must be"):
        diagrams.regularity_example(frames=100, anomalous=(60, 40))
