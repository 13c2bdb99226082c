"""labutils.one_class: Deep SVDD (bias-free, fixed center, falling loss, distances) and the hybrid detector."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from labutils import baselines, detectors, env, models, one_class, scoring


def small_encoder(code_size: int = 4) -> keras.Model:
    return one_class.deep_svdd_encoder((8, 8, 1), filters=(2,), code_size=code_size)


@pytest.fixture
def blobs():
    """Normal 8x8 images: a bright square top left, with noise; far away: the square bottom right."""
    rng = np.random.default_rng(0)
    normal = rng.normal(0.0, 0.05, size=(60, 8, 8, 1)).astype(np.float32)
    normal[:, :4, :4] += 1.0
    other = rng.normal(0.0, 0.05, size=(10, 8, 8, 1)).astype(np.float32)
    other[:, 4:, 4:] += 1.0
    return normal, other


def test_encoder_shapes_and_parameters():
    encoder = one_class.deep_svdd_encoder()
    assert encoder.input_shape == (None, 28, 28, 1) and encoder.output_shape == (None, 32)
    # 5x5 convolutions 1 -> 8 -> 4 filters, 28 -> 14 -> 7, a dense code of 32: weights only, no biases
    assert encoder.count_params() == 5 * 5 * 1 * 8 + 5 * 5 * 8 * 4 + 7 * 7 * 4 * 32 == 7272
    assert one_class.deep_svdd_encoder((8, 8, 1), filters=(3,), code_size=5).output_shape == (None, 5)


def test_no_layer_has_a_bias():
    model = one_class.deep_svdd(one_class.deep_svdd_encoder())
    weighted = [layer for layer in model.encoder.layers if layer.weights]
    assert [type(layer).__name__ for layer in weighted] == ["Conv2D", "Conv2D", "Dense"]
    for layer in weighted:
        assert layer.use_bias is False and len(layer.weights) == 1, layer.name
    # so the all-zero network maps every image to zero, which is why the center avoids zero
    for weight in model.encoder.weights:
        weight.assign(np.zeros(weight.shape))
    assert not np.any(model.encoder.predict(np.random.default_rng(0).random((3, 28, 28, 1)), verbose=0))


def test_initial_center_is_the_mean_code_with_no_coordinate_near_zero(blobs):
    normal, _ = blobs
    env.setup(seed=0, verbose=False)
    encoder = small_encoder(code_size=6)
    codes = encoder.predict(normal, verbose=0)
    center = one_class.initial_center(encoder, normal, eps=0.1)
    mean = codes.mean(axis=0)
    far = np.abs(mean) >= 0.1
    np.testing.assert_allclose(center[far], mean[far], rtol=1e-5)
    np.testing.assert_allclose(np.abs(center[~far]), 0.1)
    assert np.all(np.sign(center[~far]) == np.where(mean[~far] < 0, -1, 1))
    assert center.shape == (6,) and center.dtype == np.float32
    # by hand: a mean of (0.05, -0.02, 0.0, 0.5) becomes (0.1, -0.1, 0.1, 0.5)
    identity = keras.Sequential([keras.Input((4,)), keras.layers.Identity()])
    np.testing.assert_allclose(
        one_class.initial_center(identity, [[0.1, -0.04, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0]]), [0.1, -0.1, 0.1, 0.5]
    )


def test_center_is_fixed_before_training_and_never_trained(blobs):
    normal, _ = blobs
    env.setup(seed=0, verbose=False)
    model = one_class.deep_svdd(small_encoder(), learning_rate=1e-2)
    layer = model.get_layer("squared_distance")
    assert not np.any(keras.ops.convert_to_numpy(layer.center))  # not set before training
    assert all(weight is not layer.center for weight in model.trainable_weights)
    # the center the trainer must fix: the untrained encoder's mean code on the training part
    training_part, _ = scoring.split_normal(normal, 0.15, seed=42)
    expected = one_class.initial_center(model.encoder, training_part)
    before = [keras.ops.convert_to_numpy(weight).copy() for weight in model.encoder.weights]
    one_class.fit_deep_svdd(model, normal, "quick", epochs=5, batch_size=8, patience=0, progress=False)
    center = keras.ops.convert_to_numpy(layer.center)
    np.testing.assert_allclose(center, expected, rtol=1e-6)
    assert any(not np.allclose(old, keras.ops.convert_to_numpy(new)) for old, new in zip(before, model.encoder.weights))
    # a second call goes on training towards the same center
    one_class.fit_deep_svdd(model, normal, "quick", epochs=2, batch_size=8, patience=0, progress=False)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.center), center)


def test_loss_falls_and_is_the_mean_squared_distance(blobs):
    normal, _ = blobs
    env.setup(seed=0, verbose=False)
    model = one_class.deep_svdd(small_encoder(), learning_rate=1e-2)
    history = one_class.fit_deep_svdd(model, normal, "quick", epochs=15, batch_size=8, patience=0, progress=False)
    losses = history.history["loss"]
    assert len(losses) == 15 and losses[-1] < 0.5 * losses[0]
    assert history.history["val_loss"][-1] < history.history["val_loss"][0]  # held-out normal images too
    # the validation loss is the held-out images' mean squared distance to the center, by hand
    _, held_out = scoring.split_normal(normal, 0.15, seed=42)
    center = keras.ops.convert_to_numpy(model.get_layer("squared_distance").center)
    by_hand = np.mean(np.sum((model.encoder.predict(held_out, verbose=0) - center) ** 2, axis=1))
    assert one_class.deep_svdd_scores(model, held_out).mean() == pytest.approx(by_hand, rel=1e-5)
    assert model.evaluate(held_out, np.zeros(len(held_out)), verbose=0) == pytest.approx(by_hand, rel=1e-4)


def test_out_of_distribution_images_are_farther_from_the_center(blobs):
    normal, other = blobs
    env.setup(seed=0, verbose=False)
    model = one_class.deep_svdd(small_encoder(), learning_rate=1e-2)
    one_class.fit_deep_svdd(model, normal, "quick", epochs=15, batch_size=8, patience=0, progress=False)
    scores = one_class.deep_svdd_scores(model, np.concatenate([normal[:10], other]))
    assert scores.shape == (20,) and scores.dtype == np.float64 and np.all(scores >= 0)
    assert scores[10:].min() > scores[:10].max()
    # images are reshaped to the model's input: flat rows score the same
    np.testing.assert_allclose(one_class.deep_svdd_scores(model, other.reshape(10, 64)), scores[10:], rtol=1e-6)


def test_deep_svdd_errors_on_bad_input(blobs):
    normal, _ = blobs
    with pytest.raises(ValueError, match="image_shape"):
        one_class.deep_svdd_encoder((30, 30, 1))  # two poolings need multiples of 4
    with pytest.raises(ValueError, match="filters"):
        one_class.deep_svdd_encoder(filters=(8, 0))
    with pytest.raises(ValueError, match="code_size"):
        one_class.deep_svdd_encoder(code_size=0)
    with pytest.raises(ValueError, match="encoder"):
        one_class.deep_svdd("not a model")
    with pytest.raises(ValueError, match="flat code"):
        one_class.deep_svdd(keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Identity()]))
    with pytest.raises(ValueError, match="learning_rate"):
        one_class.deep_svdd(small_encoder(), learning_rate=0)
    with pytest.raises(ValueError, match="eps"):
        one_class.initial_center(small_encoder(), normal, eps=0)
    model = one_class.deep_svdd(small_encoder())
    with pytest.raises(ValueError, match="not set yet"):
        one_class.deep_svdd_scores(model, normal)
    with pytest.raises(ValueError, match="x_normal"):
        one_class.fit_deep_svdd(model, np.zeros((5, 7, 7, 1)), "quick", progress=False)
    with pytest.raises(ValueError, match="x_normal"):
        one_class.fit_deep_svdd(model, np.full((5, 8, 8, 1), np.nan), "quick", progress=False)
    with pytest.raises(ValueError, match="epochs"):
        one_class.fit_deep_svdd(model, normal, "quick", epochs=0, progress=False)
    autoencoder = models.conv_autoencoder()
    with pytest.raises(ValueError, match="Deep SVDD model"):
        one_class.fit_deep_svdd(autoencoder, np.zeros((5, 28, 28, 1)), "quick", progress=False)
    with pytest.raises(ValueError, match="Deep SVDD model"):
        one_class.deep_svdd_scores(autoencoder, np.zeros((5, 28, 28, 1)))


# --------------------------------------------------------------------------- hybrid


def encoder_of_two_pixels() -> keras.Model:
    """A fixed 'encoder' of 3x3 images: its code is pixels (0, 0) and (2, 2), times 10."""
    image = keras.Input((3, 3), name="image")
    code = keras.layers.Lambda(lambda x: 10.0 * keras.ops.stack([x[:, 0, 0], x[:, 2, 2]], axis=-1))(image)
    return keras.Model(image, code, name="two_pixels")


def test_hybrid_scores_the_codes_with_the_classical_detector():
    rng = np.random.default_rng(0)
    normal = rng.normal(0.0, 1.0, size=(200, 3, 3))
    test = rng.normal(0.0, 1.0, size=(23, 3, 3))
    test[20:, 0, 0] = 8.0  # far out in the code
    test[:20, 1, 1] = 50.0  # far out in a pixel the code ignores: not an anomaly to the hybrid
    encoder = encoder_of_two_pixels()
    for name in baselines.DETECTORS:
        hybrid = one_class.fit_hybrid(encoder, normal, detector=name, seed=1)
        scores = hybrid.score(test)
        assert scores.shape == (23,), name
        assert scores[20:].min() > scores[:20].max(), name
        # the same as the detector fitted on the standardised codes by hand
        codes = 10.0 * np.stack([normal[:, 0, 0], normal[:, 2, 2]], axis=1)
        mean, std = codes.mean(axis=0), codes.std(axis=0)
        by_hand = baselines.DETECTORS[name](seed=1).fit((codes - mean) / std)
        test_codes = 10.0 * np.stack([test[:, 0, 0], test[:, 2, 2]], axis=1)
        np.testing.assert_allclose(scores, by_hand.score((test_codes - mean) / std), rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(hybrid.features(test), (test_codes - mean) / std, rtol=1e-5, atol=1e-6)


def test_hybrid_on_a_trained_autoencoder_codes():
    env.setup(seed=0, verbose=False)
    autoencoder = models.conv_autoencoder(code_size=8)
    images = np.random.default_rng(0).random((30, 28, 28)).astype(np.float32)
    hybrid = one_class.HybridDetector(autoencoder.encoder).fit(images)
    assert hybrid.detector == "One-Class SVM"
    assert hybrid.features(images[:5]).shape == (5, 8)
    np.testing.assert_allclose(hybrid.features(images).mean(axis=0), 0.0, atol=1e-5)  # standardised on the normal
    assert hybrid.score(images[:4, ..., None]).shape == (4,)  # with or without the channel axis


def test_hybrid_errors_on_bad_input():
    with pytest.raises(ValueError, match="encoder"):
        one_class.HybridDetector("an encoder")
    with pytest.raises(ValueError, match="detector must be one of"):
        one_class.HybridDetector(encoder_of_two_pixels(), detector="Random Forest")
    hybrid = one_class.HybridDetector(encoder_of_two_pixels())
    with pytest.raises(ValueError, match="not fitted yet"):
        hybrid.score(np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match="x_normal"):
        hybrid.fit(np.zeros((0, 3, 3)))
    hybrid.fit(np.random.default_rng(0).random((20, 3, 3)))
    with pytest.raises(ValueError, match="4 values per example"):
        hybrid.score(np.zeros((2, 2, 2)))


def test_deep_svdd_detector_follows_the_contract(blobs):
    normal, other = blobs
    env.setup(seed=0, verbose=False)
    model = one_class.deep_svdd(small_encoder(), learning_rate=1e-2)
    detector = one_class.DeepSVDDDetector(model, profile="quick", epochs=15, batch_size=8, patience=0,
                                          progress=False)
    assert isinstance(detector, detectors.Detector)
    assert detector.fit(normal) is detector and detector.model is model
    assert len(detector.history.history["loss"]) == 15
    scores = detector.score(np.concatenate([normal[:10], other]))
    np.testing.assert_allclose(scores, one_class.deep_svdd_scores(model, np.concatenate([normal[:10], other])))
    assert scores[10:].min() > scores[:10].max()
    assert detector.storage()["numbers"] == model.count_params()
    with pytest.raises(ValueError, match="model must be a Deep SVDD model"):
        one_class.DeepSVDDDetector(small_encoder())


def test_hybrid_on_the_feature_map_as_it_is():
    env.setup(seed=0, verbose=False)
    autoencoder = models.conv_autoencoder(code_size=8)
    images = np.random.default_rng(0).random((30, 28, 28)).astype(np.float32)
    hybrid = one_class.fit_hybrid(autoencoder.encoder, images, layer="feature_map", standardise=False)
    features = hybrid.features(images[:5])
    assert features.shape == (5, 7 * 7 * 32)  # the map the code is computed from
    feature_map = keras.Model(autoencoder.encoder.input, autoencoder.encoder.get_layer("feature_map").output)
    np.testing.assert_allclose(features, feature_map.predict(images[:5, ..., None], verbose=0).reshape(5, -1),
                               rtol=1e-5, atol=1e-6)  # not standardised
    assert hybrid.score(images[:4]).shape == (4,)
    with pytest.raises(ValueError, match="layer must be None"):
        one_class.HybridDetector(autoencoder.encoder, layer="no such layer")
    with pytest.raises(ValueError, match="standardise"):
        one_class.HybridDetector(autoencoder.encoder, standardise="yes")


# --------------------------------------------------------------------------- Deep SVDD as published


def test_pretraining_autoencoder_mirrors_the_encoder_without_biases():
    encoder = one_class.deep_svdd_encoder()
    autoencoder = one_class.deep_svdd_autoencoder(encoder)
    assert autoencoder.encoder is encoder and autoencoder.output_shape == (None, 28, 28, 1)
    for layer in autoencoder.decoder.layers:
        assert not getattr(layer, "use_bias", False), layer.name
    convolutions = [layer for layer in autoencoder.decoder.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [layer.filters for layer in convolutions] == [8, 1]  # 4 -> 8 -> the image's 1 channel
    assert float(keras.ops.convert_to_numpy(autoencoder.optimizer.learning_rate)) == pytest.approx(1e-4)
    with pytest.raises(ValueError, match="Deep SVDD encoder"):
        one_class.deep_svdd_autoencoder(models.conv_autoencoder().encoder)


def test_pretrained_deep_svdd_takes_its_center_from_the_pretrained_encoder_and_drops_the_rate():
    images = np.random.default_rng(0).random((48, 28, 28, 1)).astype(np.float32)
    env.setup(seed=0, verbose=False)
    encoder = one_class.deep_svdd_encoder()
    untrained = [weight.copy() for weight in encoder.get_weights()]
    model = one_class.deep_svdd(encoder, profile="quick", lab="deep_svdd_mnist_pretrained")
    history = one_class.fit_deep_svdd(model, images, "quick", lab="deep_svdd_mnist_pretrained", epochs=12,
                                      progress=False)
    assert len(history.history["loss"]) == 12
    # Ruff et al.'s schedule: 1e-4, divided by 10 after the row's milestone (10 epochs)
    rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    assert rate == pytest.approx(1e-5)
    assert history.history["learning_rate"][9] == pytest.approx(1e-4) and history.history["learning_rate"][10] == \
        pytest.approx(1e-5)
    # pretraining moved the encoder before the center was fixed: center = mean code of the pretrained encoder
    assert any(not np.allclose(a, b) for a, b in zip(untrained, encoder.get_weights()))
    env.setup(seed=0, verbose=False)
    again = one_class.deep_svdd_encoder()
    one_class.pretrain_deep_svdd(again, images, "quick", lab="deep_svdd_mnist_pretrained", progress=False)
    training_part, _ = scoring.split_normal(images, 0.15, seed=42)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model.get_layer("squared_distance").center),
                               one_class.initial_center(again, training_part), rtol=1e-4, atol=1e-5)
