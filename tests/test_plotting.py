"""labutils.plotting: every figure has the panels it promises, comes back closed, rejects bad input."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from labutils import diagrams, diagrams_video, explorer, plot_style, plotting, plotting_video

RNG = np.random.default_rng(0)
BEATS = RNG.normal(size=(4, 140))
LABELS = np.array([False, False, True, True])
SCORES = np.array([0.1, 0.3, 0.2, 0.9])
IMAGES = RNG.random((4, 8, 8))
DIGITS = np.arange(10)
FRAMES = RNG.integers(0, 256, (3, 12, 16), dtype=np.uint8)


def panels(figure: Figure) -> int:
    return len([axis for axis in figure.axes if axis.get_visible()])


@pytest.mark.parametrize(
    ("make", "expected_panels"),
    [
        (lambda: plotting.plot_beats({"normal": BEATS[:2], "abnormal": BEATS[2:]}), 2),
        (lambda: plotting.plot_reconstructions(BEATS[:3], BEATS[:3] * 0.9, ["a", "b", "c"]), 3),
        (lambda: plotting.plot_error_histograms(SCORES[:2], SCORES[2:], {"t": 0.5}), 1),
        (lambda: plotting.plot_training_histories({"m": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}}), 1),
        (lambda: plotting.plot_confusion_matrix(LABELS, SCORES > 0.25), 1),
        (lambda: plotting.plot_roc_pr_curves(LABELS, {"a": SCORES, "b": -SCORES}), 2),
        (lambda: plotting.plot_autoencoder_diagram([784, 128, 64, 12, 3, 12, 64, 128, 784]), 1),
        (lambda: plotting.plot_image_rows({"in": IMAGES, "out": IMAGES}, columns=3), 6),
        (lambda: plotting.plot_codes_3d({"a": RNG.normal(size=(10, 3)), "b": RNG.normal(size=(10, 3))}, DIGITS), 3),
        (lambda: plotting.plot_error_vs_code_size([2, 4], {"AE": [0.2, 0.1], "PCA": [0.3, 0.2]}), 1),
        (lambda: plotting.plot_error_heatmaps(FRAMES, FRAMES / 255.0, [0, 2], masks=FRAMES > 128), 7),
        (lambda: plotting.plot_regularity({"Test001": SCORES, "Test002": SCORES[:3]},
                                          {"Test001": LABELS, "Test002": LABELS[:3]}, columns=3), 2),
    ],
)
def test_figures_have_their_panels_and_are_closed(make, expected_panels):
    """Each figure also fits the book's column at its own size with text no smaller than the book's small print."""
    figure = make()
    assert isinstance(figure, Figure)
    assert panels(figure) == expected_panels
    assert figure.number not in plt.get_fignums()  # closed: shown once in a notebook, no pile-up
    assert_legible(figure)


def assert_legible(figure: Figure) -> None:
    """At most 6.5 inches (650 px as a notebook shows it) wide, with no text under 11 points."""
    from PIL import Image

    assert plot_style.smallest_text(figure) >= plot_style.SMALLEST_POINTS
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")  # as IPython's inline backend draws it
    width = Image.open(buffer).width
    assert width <= plot_style.MAX_WIDTH_INCHES * plot_style.DPI + 10, f"{width} px wide"


@pytest.mark.parametrize("make", [
    diagrams.anomaly_types, diagrams.autoencoder_diagram, lambda: diagrams.bottleneck_reconstructions(examples=8),
    diagrams_video.lstm_and_convlstm, diagrams_video.spatiotemporal_layers, diagrams_video.regularity_example,
    lambda: plotting.plot_decision_regions({"a": lambda x: x[:, 0], "b": lambda x: x[:, 1], "c": lambda x: -x[:, 0]},
                                           RNG.normal(size=(20, 2)), np.arange(20) < 3),
    lambda: plotting.plot_image_rows({"frames": RNG.random((10, 64, 64))}, titles=[str(n) for n in range(10)]),
    lambda: explorer.plot_thresholds({"validation": (LABELS, SCORES), "test": (LABELS, SCORES)},
                                     {"mean + std": 0.5, "99th percentile": 0.8}),
])
def test_every_course_figure_is_legible(make):
    assert_legible(make())


def test_the_relaid_figures_are_legible():
    from labutils import rates, windows

    trace, events = windows.join_beats(RNG.normal(size=(6, 140)), [0, 0, 1, 0, 0, 0])
    _, starts = windows.sliding_windows(trace, 140, 20)
    assert_legible(plotting.plot_signal_detections(trace, events, starts, 140, RNG.random(len(starts)), 0.5,
                                                   title="a long title above the signal"))
    labels = np.r_[np.zeros(90, bool), np.ones(60, bool)]
    scores = np.r_[RNG.random(90), RNG.random(60) + 0.5]
    table = rates.metrics_at_rates(labels, {"a": scores, "b": -scores}, {"a": 0.5, "b": -0.5}, draws=3)
    assert_legible(plotting.plot_metrics_at_rates(table))
    frames = {"Test001": RNG.integers(0, 256, (30, 60, 90), dtype=np.uint8)}
    truth = {"Test001": np.arange(30) >= 15}
    assert_legible(plotting.plot_ucsd_examples({"Train001": frames["Test001"]}, frames, truth))


def test_every_figure_function_draws_in_the_course_style():
    import inspect

    from labutils import plotting_images

    checked = 0
    for module in (plotting, plotting_images, plotting_video, diagrams, diagrams_video, explorer):
        for name, function in vars(module).items():
            if not inspect.isfunction(function) or function.__module__ != module.__name__ or name.startswith("_"):
                continue  # imported from elsewhere (finish, a re-export), or private
            if inspect.signature(function).return_annotation in (Figure, "Figure"):
                checked += 1
                assert hasattr(function, "__wrapped__"), f"{module.__name__}.{name} is not wrapped in plot_style.styled"
    assert checked >= 20  # every figure of the notebooks and of the reading pages


def test_smallest_text_sees_every_visible_text():
    figure, axis = plt.subplots()
    axis.set_title("big", fontsize=20)
    axis.text(0, 0, "tiny", fontsize=4)
    axis.set_xticks([0, 1], ["a", "b"], fontsize=3)
    figure.canvas.draw()  # tick labels exist once drawn
    assert plot_style.smallest_text(figure) == 3
    axis.set_visible(False)  # its title, texts and tick labels no longer count
    assert plot_style.smallest_text(figure) == np.inf
    plt.close(figure)


def test_reconstruction_titles_carry_the_error():
    figure = plotting.plot_reconstructions(np.zeros((1, 4)), np.ones((1, 4)), ["beat"])
    assert "mean absolute error 1.000" in figure.axes[0].get_title()
    with pytest.raises(ValueError, match=r"titles: need one per beat \(2\), got 1"):
        plotting.plot_reconstructions(np.zeros((2, 4)), np.zeros((2, 4)), ["only one title"])
    with pytest.raises(ValueError, match=r"reconstructions must have the beats' shape \(2, 4\), got \(2, 5\)"):
        plotting.plot_reconstructions(np.zeros((2, 4)), np.zeros((2, 5)), ["a", "b"])


def test_confusion_matrix_counts_anomaly_as_positive():
    figure = plotting.plot_confusion_matrix(LABELS, np.array([False, True, True, True]))
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert texts == ["1", "1", "0", "2"]  # rows: true normal, true anomaly


def test_decision_regions_one_panel_per_detector():
    points = RNG.normal(size=(50, 2))
    is_anomaly = np.zeros(50, bool)
    is_anomaly[:3] = True
    distance = lambda x: np.linalg.norm(x, axis=1)  # noqa: E731
    figure = plotting.plot_decision_regions({"distance": distance, "minus": lambda x: -distance(x)}, points, is_anomaly)
    assert [axis.get_title() for axis in figure.axes] == ["distance", "minus"]
    with pytest.raises(ValueError, match="2-D points"):
        plotting.plot_decision_regions({"d": distance}, RNG.normal(size=(5, 3)), np.zeros(5, bool))


def test_inference_gif_has_one_image_per_frame(tmp_path):
    from PIL import Image

    path = plotting.save_inference_gif(tmp_path / "inference.gif", FRAMES, FRAMES / 255.0 * 0.5, scale=2)
    with Image.open(path) as gif:
        assert gif.n_frames == 3
        # three panels and two 2-pixel gaps, doubled, under a strip that names them in 16 px letters
        strip_height = round(plotting_video.GIF_LABEL_PIXELS * 1.5)
        assert gif.size == ((16 * 3 + 4) * 2, strip_height + 12 * 2)
        strip = np.asarray(gif.convert("L"))[:strip_height]
        assert (strip < 128).any(), "the panels' names are missing"
        assert len(gif.convert("RGB").getcolors(maxcolors=4096)) <= plotting_video.GIF_COLOURS
    with pytest.raises(ValueError, match=r"frames \(3, 12, 16\), reconstructions \(2, 12, 16\) differ"):
        plotting.save_inference_gif(tmp_path / "bad.gif", FRAMES, FRAMES[:2] / 255.0)
    with pytest.raises(ValueError, match=r"frames \(0, 12, 16\), reconstructions \(0, 12, 16\) differ, are empty"):
        plotting.save_inference_gif(tmp_path / "empty.gif", FRAMES[:0], FRAMES[:0] / 255.0)
    with pytest.raises(ValueError, match=r"frames \(3, 12, 16, 1\), reconstructions \(3, 12, 16, 1\) .* not 3-D"):
        plotting.save_inference_gif(tmp_path / "4d.gif", FRAMES[..., None], FRAMES[..., None] / 255.0)
    assert [path.name for path in tmp_path.iterdir()] == ["inference.gif"]  # nothing written for bad input


def test_training_histories_take_history_objects_too():
    import keras

    history = keras.callbacks.History()
    history.history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}
    figure = plotting.plot_training_histories({"object": history, "dict": history.history})
    assert panels(figure) == 2
    for axis in figure.axes:
        assert [list(line.get_ydata()) for line in axis.lines] == [[1.0, 0.5], [1.1, 0.6]]
    legend = figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["training", "validation"]
    assert legend.get_title().get_text() == "normal examples"  # what both sets hold, once
    clips = plotting.plot_training_histories({"clips": history}, examples="normal clips")
    assert clips.axes[0].get_legend().get_title().get_text() == "normal clips"
    with pytest.raises(ValueError, match="examples must be a non-empty string"):
        plotting.plot_training_histories({"clips": history}, examples="")


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: plotting.plot_beats({}), "beats_by_title"),
        (lambda: plotting.plot_training_histories({}), "histories"),
        (lambda: plotting.plot_decision_regions({}, RNG.normal(size=(5, 2)), np.zeros(5, bool)), "score_functions"),
        (lambda: plotting.plot_image_rows({}), "rows"),
        (lambda: plotting.plot_codes_3d({}, DIGITS), "codes_by_title"),
        (lambda: plotting.plot_regularity({}, {}), "scores"),
    ],
    ids=["beats", "histories", "decision-regions", "image-rows", "codes", "regularity"],
)
def test_nothing_to_plot_is_a_clear_error(make, name):
    with pytest.raises(ValueError, match=rf"^{name} is empty: nothing to plot"):
        make()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: plotting.plot_roc_pr_curves(LABELS, {"a": SCORES, "b": SCORES[:3]}),
         r"b: need one score per example \(4,\), got \(3,\)"),
        (lambda: plotting.plot_error_heatmaps(FRAMES, (FRAMES / 255.0)[..., None], [0]),
         r"reconstructions must have the frames' shape \(3, 12, 16\), got \(3, 12, 16, 1\)"),
        (lambda: plotting.plot_regularity({"Test001": SCORES}, {"Test001": LABELS[:3]}),
         r"ground_truth\['Test001'\] must have one flag per score \(4,\)"),
        (lambda: plotting.plot_regularity({"Test001": SCORES}, {"Test002": LABELS}),
         r"ground_truth\['Test001'\] must have one flag per score \(4,\)"),
        (lambda: plotting.plot_codes_3d({"a": RNG.normal(size=(9, 3))}, DIGITS),
         r"a: codes must have shape \(10, 3\), got \(9, 3\)"),
        (lambda: plotting.plot_autoencoder_diagram([784, 3]), "at least an input, a code and an output layer"),
        (lambda: plotting.plot_autoencoder_diagram([784, 0, 784]), "of positive size"),
    ],
    ids=["roc-lengths", "heatmaps-channel", "regularity-length", "regularity-missing", "codes-shape",
         "diagram-too-few", "diagram-zero"],
)
def test_mismatched_inputs_are_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_inference_gif_shares_one_small_palette(tmp_path):
    from PIL import Image

    frames = RNG.integers(0, 256, (2, 30, 40)).astype(np.uint8)  # hundreds of grey levels and heat colours
    path = plotting.save_inference_gif(tmp_path / "noisy.gif", frames, RNG.uniform(0, 1, (2, 30, 40)))
    with Image.open(path) as gif:
        for index in range(gif.n_frames):
            gif.seek(index)
            assert len(gif.convert("RGB").getcolors(maxcolors=100_000)) <= plotting_video.GIF_COLOURS


def test_plot_ucsd_examples_shows_five_training_frames_and_five_of_the_example_test_video():
    train = {"Train001": np.zeros((20, 8, 12), np.uint8)}
    labels = np.zeros(30, bool)
    labels[10:20] = True
    test = {"Test001": np.arange(30, dtype=np.uint8)[:, None, None].repeat(8, 1).repeat(12, 2)}
    figure = plotting.plot_ucsd_examples(train, test, {"Test001": labels})
    assert len(figure.axes) == 10
    assert [axis.get_ylabel() for axis in figure.axes[::5]] == ["training", "Test001"]
    # frames 0 and 1 (normal), then 14, 15, 16 (the middle of the anomaly and either side)
    assert [int(axis.images[0].get_array()[0, 0]) for axis in figure.axes[5:]] == [0, 1, 14, 15, 16]
    with pytest.raises(ValueError, match="train_frames must be a non-empty dict"):
        plotting.plot_ucsd_examples({}, test, {"Test001": labels})
