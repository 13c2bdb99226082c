"""labutils.rates: resampled test sets hold the asked rate; metrics follow base rates on hand-made scores."""

from __future__ import annotations

import numpy as np
import pytest

from labutils import rates

#: 99 normal examples (indices 0-98), then 50 anomalies (99-148).
LABELS = np.r_[np.zeros(99, bool), np.ones(50, bool)]


def test_keeping_every_normal_adds_just_enough_anomalies():
    for rate, anomalies in [(0.5, 99), (0.25, 33), (0.1, 11), (0.01, 1)]:
        if anomalies > 50:
            with pytest.raises(ValueError, match=r"rate=0.5 needs 99 anomalies per draw, but is_anomaly has only 50"):
                rates.resample_to_rate(LABELS, rate)
            continue
        drawn = rates.resample_to_rate(LABELS, rate, draws=30, seed=1)
        assert drawn.shape == (30, 99 + anomalies)
        for row in drawn:
            np.testing.assert_array_equal(row[:99], np.arange(99))  # every normal, once
            assert len(set(row[99:])) == anomalies and LABELS[row[99:]].all()  # distinct anomalies
        assert LABELS[drawn].mean(axis=1) == pytest.approx(np.full(30, anomalies / (99 + anomalies)))
    assert LABELS[rates.resample_to_rate(LABELS, 0.05)].mean() == pytest.approx(5 / 104)  # 5.2 rounds to 5


def test_draws_are_seeded_and_differ_from_each_other():
    first = rates.resample_to_rate(LABELS, 0.1, draws=20, seed=7)
    np.testing.assert_array_equal(first, rates.resample_to_rate(LABELS, 0.1, draws=20, seed=7))
    assert not np.array_equal(first, rates.resample_to_rate(LABELS, 0.1, draws=20, seed=8))
    assert len({tuple(row) for row in first}) > 10  # the anomalies drawn vary between draws


def test_a_fixed_size_draws_both_classes_with_or_without_replacement():
    drawn = rates.resample_to_rate(LABELS, 0.1, draws=5, size=60)
    assert drawn.shape == (5, 60)
    assert (LABELS[drawn].sum(axis=1) == 6).all()
    assert all(len(set(row)) == 60 for row in drawn)  # without replacement: no repeats
    too_many = r"size=200 at rate=0.01 needs 198 normal examples per draw, but is_anomaly has only 99"
    with pytest.raises(ValueError, match=too_many):
        rates.resample_to_rate(LABELS, 0.01, size=200)
    bootstrap = rates.resample_to_rate(LABELS, 0.01, draws=5, size=200, replace=True)
    assert bootstrap.shape == (5, 200)
    assert (LABELS[bootstrap].sum(axis=1) == 2).all()
    assert all(len(set(row)) < 200 for row in bootstrap)  # 198 draws from 99 normals repeat some


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"rate": 0.0}, r"rate must be a share strictly between 0 and 1 \(0.01 for 1% anomalies\), got 0.0"),
        ({"rate": 1.0}, r"rate must be a share strictly between 0 and 1"),
        ({"rate": 5}, r"rate must be a share strictly between 0 and 1 .*got 5"),
        ({"rate": "1%"}, r"rate must be a share strictly between 0 and 1 .*got '1%'"),
        ({"rate": 0.1, "draws": 0}, r"draws must be a whole number of at least 1, got 0"),
        ({"rate": 0.001}, r"rate=0.001 with all 99 normal examples kept rounds to no anomaly per draw; "
                          r"pass size \(at least 500"),
        ({"rate": 0.1, "size": 1}, r"size must be a whole number of at least 2 examples per draw, got 1"),
        ({"rate": 0.01, "size": 40}, r"size=40 at rate=0.01 rounds to 0 anomalies per draw: size must be at least 50"),
        ({"rate": 0.9, "size": 100}, r"size=100 needs 90 anomalies per draw, but is_anomaly has only 50"),
    ],
)
def test_bad_arguments_are_named(arguments, message):
    with pytest.raises(ValueError, match=message):
        rates.resample_to_rate(LABELS, **arguments)


def test_labels_need_both_classes():
    with pytest.raises(ValueError, match="is_anomaly must hold both normal and anomalous examples, got 5 normal and 0"):
        rates.resample_to_rate(np.zeros(5, bool), 0.1)
    with pytest.raises(ValueError, match="is_anomaly must be a 1-D array of booleans"):
        rates.resample_to_rate([0, 2, 1], 0.1)


def test_perfect_scores_stay_perfect_at_every_rate():
    scores = LABELS.astype(float) + np.linspace(0.0, 0.5, len(LABELS))
    table = rates.metrics_at_rates(LABELS, {"perfect": scores}, {"perfect": 0.9}, rates=[0.25, 0.01], draws=20)
    assert list(table.index) == [("perfect", "as given"), ("perfect", "25%"), ("perfect", "1%")]
    assert table.index.names == ["model", "test set"]
    for metric in rates.DEFAULT_METRICS:
        np.testing.assert_allclose(table[(metric, "mean")], 1.0)
        np.testing.assert_allclose(table[(metric, "std")].iloc[1:], 0.0, atol=1e-12)
    assert np.isnan(table[("precision", "std")].iloc[0])  # one set as given: no spread
    np.testing.assert_allclose(table[("anomaly rate", "mean")], [50 / 149, 33 / 132, 1 / 100])


def test_precision_follows_the_base_rate_exactly_on_a_constructed_example():
    # 9 of the 99 normal examples and every anomaly score above the threshold: recall 1,
    # false positive rate 9/99; precision = rate / (rate + (1 - rate) * 9/99) at every rate.
    scores = np.r_[np.ones(9), np.zeros(90), np.linspace(1.0, 2.0, 50)]
    table = rates.metrics_at_rates(LABELS, {"detector": scores}, {"detector": 0.5}, rates=[0.25, 0.1, 0.01], draws=10)
    precision = table.loc["detector", ("precision", "mean")]
    expected = {rate: rate / (rate + (1 - rate) * 9 / 99) for rate in (0.25, 0.1, 0.01)}
    assert precision["25%"] == pytest.approx(expected[0.25]) == pytest.approx(33 / 42)
    assert precision["10%"] == pytest.approx(expected[0.1]) == pytest.approx(11 / 20)
    assert precision["1%"] == pytest.approx(expected[0.01]) == pytest.approx(1 / 10)
    assert precision["as given"] == pytest.approx(50 / 59)
    np.testing.assert_allclose(table.loc["detector", ("recall", "mean")], 1.0)
    assert list(precision) == sorted(precision, reverse=True)  # falls as the rate falls


def test_random_scores_give_chance_roc_auc_and_pr_auc_near_the_rate():
    labels = np.r_[np.zeros(2000, bool), np.ones(2000, bool)]
    scores = np.random.default_rng(0).random(4000)
    table = rates.metrics_at_rates(labels, {"random": scores}, rates=[0.05], draws=100, size=1000)
    assert list(table.columns.get_level_values("metric").unique()) == ["anomaly rate", "pr_auc", "roc_auc"]
    assert table.loc[("random", "5%"), ("roc_auc", "mean")] == pytest.approx(0.5, abs=0.03)
    assert table.loc[("random", "5%"), ("pr_auc", "mean")] == pytest.approx(0.05, abs=0.015)
    assert table.loc[("random", "as given"), ("pr_auc", "mean")] == pytest.approx(0.5, abs=0.03)


def test_recall_at_a_fixed_threshold_does_not_depend_on_the_rate():
    # 40 of the 50 anomalies score above the threshold: recall 0.8 on average at any rate.
    scores = np.r_[np.zeros(99), np.ones(40), np.zeros(10)]
    table = rates.metrics_at_rates(LABELS, {"detector": scores}, {"detector": 0.5}, rates=[0.25, 0.05], draws=150)
    np.testing.assert_allclose(table[("recall", "mean")], 0.8, atol=0.04)


def test_every_model_is_scored_on_the_same_draws():
    scores = np.random.default_rng(1).random(len(LABELS))
    table = rates.metrics_at_rates(LABELS, {"a": scores, "b": scores.copy()}, {"a": 0.5, "b": 0.5}, draws=15)
    np.testing.assert_array_equal(table.loc["a"].to_numpy(), table.loc["b"].to_numpy())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"scores_by_model": {}}, r"scores_by_model must be a non-empty dict \{name: scores\}, got an empty dict"),
        ({"scores_by_model": {"a": np.zeros(3)}},
         r"scores_by_model\['a'\] must hold one score per example of is_anomaly \(149\), got shape \(3,\)"),
        ({"thresholds": {"b": 0.5}}, r"thresholds has no threshold for \['a'\]"),
        ({"thresholds": None, "metrics": ["recall"]}, r"thresholds are needed for \['recall'\]"),
        ({"metrics": ["auc"]},
         r"metrics must be some of \['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc'\], got \['auc'\]"),
        ({"rates": []}, r"rates must be a non-empty list of shares such as \[0.05, 0.01\], got \[\]"),
        ({"rates": 0.05}, r"rates must be a non-empty list"),
        ({"rates": [0.05, 2.0]}, r"rate must be a share strictly between 0 and 1"),
    ],
)
def test_bad_arguments_of_metrics_at_rates_are_named(arguments, message):
    given = {"scores_by_model": {"a": LABELS.astype(float)}, "thresholds": {"a": 0.5}} | arguments
    with pytest.raises(ValueError, match=message):
        rates.metrics_at_rates(LABELS, **given)


def test_plot_metrics_at_rates_draws_one_panel_per_metric():
    import matplotlib.pyplot as plt

    from labutils import plotting

    scores = np.r_[np.ones(9), np.zeros(90), np.linspace(1.0, 2.0, 50)]
    table = rates.metrics_at_rates(LABELS, {"a": scores, "b": -scores}, {"a": 0.5, "b": -0.5}, draws=5)
    figure = plotting.plot_metrics_at_rates(table)
    assert len(figure.axes) == 4 and not plt.fignum_exists(figure.number)
    assert [axis.get_title() for axis in figure.axes] == ["precision", "recall", "PR-AUC", "ROC-AUC"]
    assert [label.get_text() for label in figure.axes[0].get_xticklabels()] == ["33.6%", "4.8%", "1.0%"]
    assert figure.axes[-1].get_xlabel() == "anomalies in the test set"
    with pytest.raises(ValueError, match=r"metrics must be columns of table, got \['f1'\] \(missing \['f1'\]\)"):
        plotting.plot_metrics_at_rates(table, metrics=("f1",))
