"""labutils.models: shapes, parameter counts, encoder/decoder halves, the scaling layer."""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest

from labutils import models


def dense_parameters(sizes):
    return sum(inputs * outputs + outputs for inputs, outputs in itertools.pairwise(sizes))


def conv_parameters(kernel, inputs, outputs):
    return kernel * inputs * outputs + outputs


def test_dense_autoencoder_shapes_and_parameters():
    model = models.dense_ecg_autoencoder()
    assert model.input_shape == (None, 140) and model.output_shape == (None, 140)
    assert model.encoder.output_shape == (None, 8) and model.decoder.input_shape == (None, 8)
    expected = dense_parameters([140, 32, 16, 8, 16, 32, 140])
    assert sum(int(np.prod(weight.shape)) for weight in model.trainable_weights) == expected == 10484
    assert model.count_params() == expected + 2  # the shared scaling layer's minimum and maximum, once
    assert model.loss == "mae"


def test_dense_autoencoder_for_toy_data():
    model = models.dense_autoencoder(2, (32, 16), latent_dim=1, code_activation=None, loss="mse", scale_inputs=False)
    assert model.input_shape == (None, 2) and model.encoder.output_shape == (None, 1)
    assert model.count_params() == dense_parameters([2, 32, 16, 1, 16, 32, 2])  # no scaling layer
    assert model.encoder.get_layer("code").activation.__name__ == "linear"
    assert model.loss == "mse"


def test_conv1d_autoencoder_shapes_and_parameters():
    model = models.conv1d_ecg_autoencoder()
    assert model.input_shape == (None, 140, 1) and model.output_shape == (None, 140, 1)
    assert model.encoder.output_shape == (None, 8)
    expected = (
        conv_parameters(7, 1, 32) + conv_parameters(7, 32, 16) + (35 * 16 * 8 + 8)  # encoder
        + (8 * 35 * 16 + 35 * 16) + conv_parameters(7, 16, 16) + conv_parameters(7, 16, 32)
        + conv_parameters(7, 32, 1)  # decoder
    )
    assert model.count_params() == expected + 2


def test_original_lab_conv1d_autoencoder_has_no_compression():
    model = models.original_lab_conv1d_ecg_autoencoder()
    assert model.encoder.output_shape == (None, 10, 16)  # 160 numbers for a 140-sample beat
    assert model.output_shape == (None, 140, 1)
    assert model.decoder.layers[-2].activation.__name__ == "relu"


@pytest.mark.parametrize(
    "builder",
    [
        models.dense_ecg_autoencoder,
        models.conv1d_ecg_autoencoder,
        models.vanilla_autoencoder,
        models.deep_autoencoder,
        models.conv_autoencoder,
        lambda: models.frame_autoencoder(60, code_size=64),
        lambda: models.frame_autoencoder(60, code_size=None),
        lambda: models.spatiotemporal_autoencoder(35, clip_length=3, filters=(4, 4), lstm_filters=(4, 2, 4)),
    ],
)
def test_encoder_then_decoder_equals_the_model(builder):
    keras.utils.set_random_seed(0)
    model = builder()
    inputs = np.random.default_rng(0).uniform(size=(3, *model.input_shape[1:])).astype("float32")
    whole = keras.ops.convert_to_numpy(model(inputs))
    halves = keras.ops.convert_to_numpy(model.decoder(model.encoder(inputs)))
    np.testing.assert_allclose(whole, halves, rtol=1e-5, atol=1e-6)
    assert whole.min() >= 0.0 and whole.max() <= 1.0  # sigmoid outputs (the ECG scaling is unfitted here)


def test_mnist_builders_shapes_and_parameters():
    vanilla, deep, conv = models.vanilla_autoencoder(), models.deep_autoencoder(), models.conv_autoencoder()
    assert vanilla.input_shape == vanilla.output_shape == (None, 28, 28)
    assert vanilla.count_params() == dense_parameters([784, 128, 784]) == 201616
    assert vanilla.encoder.output_shape == (None, 128)
    assert deep.encoder.output_shape == (None, 3)
    assert deep.count_params() == dense_parameters([784, 128, 64, 12, 3, 12, 64, 128, 784])
    assert deep.encoder.get_layer("code").activation.__name__ == "linear"
    assert conv.input_shape == conv.output_shape == (None, 28, 28, 1)
    assert conv.encoder.output_shape == (None, 32)
    expected = (
        conv_parameters(9, 1, 16) + conv_parameters(9, 16, 32) + (7 * 7 * 32 * 32 + 32)  # encoder
        + (32 * 7 * 7 * 32 + 7 * 7 * 32) + conv_parameters(9, 32, 32) + conv_parameters(9, 32, 16)
        + conv_parameters(9, 16, 1)  # decoder
    )
    assert conv.count_params() == expected == 120769
    for model in (vanilla, deep, conv):
        output_layer = [layer for layer in model.decoder.layers if hasattr(layer, "activation")][-1]
        assert output_layer.activation.__name__ == "sigmoid"  # pixels lie in [0, 1]


def test_minmax_scaling_round_trip_and_range():
    scaling = models.MinMaxScaling()
    training = np.array([[-2.0, 0.0, 6.0]], dtype="float32")
    scaling.adapt(training)
    scaled = keras.ops.convert_to_numpy(scaling(training))
    np.testing.assert_allclose(scaled, [[0.0, 0.25, 1.0]])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(scaling(scaled, inverse=True)), training)
    with pytest.raises(ValueError, match=r"cannot scale constant data \(minimum = maximum = 1.0\)"):
        scaling.adapt(np.ones((3, 4)))
    with pytest.raises(ValueError, match="cannot fit the scaling on empty data"):
        scaling.adapt(np.ones((0, 140)))
    with pytest.raises(ValueError, match="data must be finite to fit the scaling, got minimum nan"):
        scaling.adapt(np.array([1.0, np.nan, 3.0]))


def test_decoder_output_spans_the_training_range():
    model = models.dense_ecg_autoencoder()
    model.encoder.get_layer("minmax_scaling").adapt(np.array([-5.0, 3.0]))
    outputs = keras.ops.convert_to_numpy(model(np.zeros((2, 140), "float32")))
    assert outputs.min() > -5.0 and outputs.max() < 3.0  # sigmoid output, scaled back


# A bad argument and labutils' message for it: an error Keras raises deep inside would not match.
BAD_SIZES = [
    (models.dense_autoencoder, {"input_shape": 0}, r"input_shape must be 1 positive integer, got \(0,\)"),
    (models.dense_autoencoder, {"input_shape": (28, -1)}, r"input_shape must be 2 positive integers, got \(28, -1\)"),
    (models.dense_autoencoder, {"input_shape": 2, "hidden_units": 32}, r"hidden_units must be a tuple .*, got 32"),
    (models.dense_autoencoder, {"input_shape": 2, "hidden_units": (32, 0)}, r"hidden_units must be .*\(32, 0\)"),
    (models.dense_autoencoder, {"input_shape": 2, "latent_dim": 2.5}, "latent_dim must be a positive integer, got 2.5"),
    (models.dense_ecg_autoencoder, {"latent_dim": 0}, "latent_dim must be a positive integer, got 0"),
    (models.dense_ecg_autoencoder, {"input_length": 0}, "input_length must be a positive integer, got 0"),
    (models.dense_ecg_autoencoder, {"learning_rate": 0.0}, "learning_rate must be positive, got 0.0"),
    (models.vanilla_autoencoder, {"code_size": 0}, "code_size must be a positive integer, got 0"),
    (models.deep_autoencoder, {"code_size": -3}, "code_size must be a positive integer, got -3"),
    (models.conv_autoencoder, {"image_shape": (28, 28)}, r"image_shape must be 3 positive integers, got \(28, 28\)"),
    (models.conv_autoencoder, {"image_shape": (30, 28, 1)}, r"multiples of 4, got \(30, 28, 1\)"),
    (models.conv_autoencoder, {"filters": (16,)}, r"filters must be 2 positive integers, got \(16,\)"),
    (models.conv_autoencoder, {"code_size": 0}, "code_size must be a positive integer, got 0"),
    (models.conv1d_ecg_autoencoder, {"input_length": 142}, "input_length must be a positive multiple of 4.*got 142"),
    (models.conv1d_ecg_autoencoder, {"input_length": 0}, "input_length must be a positive integer, got 0"),
    (models.conv1d_ecg_autoencoder, {"latent_dim": -1}, "latent_dim must be a positive integer, got -1"),
    (models.conv1d_ecg_autoencoder, {"learning_rate": -1e-3}, "learning_rate must be positive, got -0.001"),
    (models.original_lab_conv1d_ecg_autoencoder, {"input_length": 100}, "input_length must be a multiple of 14.*100"),
    (models.original_lab_conv1d_ecg_autoencoder, {"input_length": 0}, "input_length must be a positive integer"),
    (models.frame_autoencoder, {"image_size": 98}, "image_size must be a multiple of 4.*got 98"),
    (models.frame_autoencoder, {"filters": 0}, "filters must be a positive integer, got 0"),
    (models.frame_autoencoder, {"code_size": 0}, "code_size must be positive or None, got 0"),
    (models.spatiotemporal_autoencoder, {"image_size": 26}, "image_size must be at least 27.*got 26"),
    (models.spatiotemporal_autoencoder, {"frame_size": (158,)}, r"frame_size must be 2 positive integers"),
    (models.frame_autoencoder, {"frame_size": (0, 238)}, r"frame_size must be 2 positive integers, got \(0, 238\)"),
    (models.spatiotemporal_autoencoder, {"clip_length": 1}, "clip_length must be at least 2 frames, got 1"),
    (models.spatiotemporal_autoencoder, {"filters": (128, 0)}, r"filters must be 2 positive integers, got \(128, 0\)"),
    (models.spatiotemporal_autoencoder, {"lstm_filters": (64, 32)}, r"lstm_filters must be 3 positive integers"),
]


@pytest.mark.parametrize(
    ("builder", "arguments", "message"),
    BAD_SIZES,
    ids=[f"{builder.__name__}-" + ",".join(f"{key}={value}" for key, value in arguments.items())
         for builder, arguments, _ in BAD_SIZES],
)
def test_bad_sizes_raise_value_error_naming_the_argument(builder, arguments, message):
    """labutils' own check answers, naming the argument and the value (not a Keras error from deep inside)."""
    with pytest.raises(ValueError, match=message):
        builder(**arguments)


def test_numpy_integers_are_accepted_as_sizes():
    model = models.dense_autoencoder(np.int64(6), (np.int64(4),), np.int64(2), scale_inputs=False)
    assert model.input_shape == (None, 6) and model.encoder.output_shape == (None, 2)
    assert models.conv1d_ecg_autoencoder(np.int64(140), np.int64(8)).encoder.output_shape == (None, 8)


def test_video_models_are_re_exported():
    from labutils import video_models

    for name in ("FrameMSE", "frame_autoencoder", "spatiotemporal_autoencoder", "spatiotemporal_sizes"):
        assert getattr(models, name) is getattr(video_models, name)


def test_frame_autoencoder_with_and_without_bottleneck():
    with_code = models.frame_autoencoder()  # the slides' model on 100x100 frames
    assert with_code.input_shape == with_code.output_shape == (None, 100, 100, 1)
    assert with_code.encoder.output_shape == (None, 2000)
    assert with_code.count_params() == 62_022_385  # two 15488x2000 dense layers dominate
    without = models.frame_autoencoder(code_size=None)
    assert without.encoder.output_shape == (None, 22, 22, 32)  # 15,488 numbers for 10,000 pixels
    assert without.output_shape == (None, 100, 100, 1) and without.count_params() == 52_897
    assert models.frame_autoencoder(60, code_size=64).output_shape == (None, 60, 60, 1)


def test_spatiotemporal_autoencoder_matches_chong_and_tay():
    model = models.spatiotemporal_autoencoder()
    assert model.input_shape == model.output_shape == (None, 10, 227, 227, 1)
    assert model.encoder.get_layer("spatial_2").output.shape == (None, 10, 26, 26, 64)  # 227 -> 55 -> 26
    assert model.encoder.output_shape == (None, 10, 26, 26, 32)
    assert model.count_params() == 1_068_225
    optimizer = model.optimizer
    assert float(optimizer.learning_rate) == pytest.approx(1e-4)
    assert optimizer.epsilon == pytest.approx(1e-6) and optimizer.weight_decay == pytest.approx(1e-5)
    small = models.spatiotemporal_autoencoder(99, clip_length=6, filters=(8, 4), lstm_filters=(4, 2, 4))
    clips = np.random.default_rng(0).random((2, 6, 99, 99, 1), dtype=np.float32)
    assert small(clips).shape == (2, 6, 99, 99, 1)
    assert models.spatiotemporal_sizes(120)[-3:] == [99, 107, 115]


# --------------------------------------------------------------------------- uint8 frames at their own size


def test_frame_mse_scales_uint8_targets_to_unit():
    loss = models.FrameMSE()
    predicted = np.array([[[0.5], [0.5]]], "float32")
    assert float(loss(np.array([[[0], [255]]], "uint8"), predicted)) == pytest.approx(0.25)
    assert float(loss(np.array([[[0.0], [1.0]]], "float32"), predicted)) == pytest.approx(0.25)
    assert keras.losses.deserialize(keras.losses.serialize(loss)).__class__ is models.FrameMSE


def test_frame_autoencoder_takes_uint8_frames_at_their_own_size():
    model = models.frame_autoencoder(20, filters=4, code_size=8, frame_size=(15, 23))
    assert model.input.dtype == "uint8" and model.input_shape == model.output_shape == (None, 15, 23, 1)
    assert [layer.name for layer in model.encoder.layers[1:3]] == ["scale", "resize"]
    assert model.encoder.get_layer("resize").output.shape == (None, 20, 20, 1)
    assert model.decoder.layers[-1].name == "resize_back"
    frames = np.random.default_rng(0).integers(0, 256, (8, 15, 23, 1), dtype=np.uint8)
    history = model.fit(frames, frames, epochs=1, batch_size=4, verbose=0)
    rebuilt = keras.ops.convert_to_numpy(model(frames))
    assert rebuilt.dtype == np.float32 and 0.0 <= rebuilt.min() and rebuilt.max() <= 1.0
    unit_mse = float(np.mean((rebuilt - frames / 255.0) ** 2))
    assert model.evaluate(frames, frames, verbose=0) == pytest.approx(unit_mse, rel=1e-4)  # loss in [0, 1] units
    assert 0.0 < history.history["loss"][0] < 1.0
    square = models.frame_autoencoder(20, filters=4, code_size=8, frame_size=24)
    assert square.input_shape == (None, 24, 24, 1)
    plain = models.frame_autoencoder(20, filters=4, code_size=8)  # as before: floats at image_size
    assert plain.input.dtype == "float32" and "scale" not in [layer.name for layer in plain.encoder.layers]


def test_fit_autoencoder_trains_a_uint8_frame_model_in_unit_loss():
    from labutils import scoring

    model = models.frame_autoencoder(20, filters=4, code_size=8, frame_size=(15, 23))
    frames = np.random.default_rng(1).integers(0, 256, (12, 15, 23), dtype=np.uint8)
    history = scoring.fit_autoencoder(model, frames, "quick", lab="ucsd_frames", epochs=2, progress=False)
    assert all(0.0 < value < 1.0 for value in history.history["val_loss"])
    errors = scoring.reconstruction_errors(model, frames)
    assert errors.shape == (12,) and errors.max() < 1.0  # compared with frames / 255, not 0-255


def test_spatiotemporal_autoencoder_takes_uint8_clips_and_any_size():
    model = models.spatiotemporal_autoencoder(
        30, clip_length=3, filters=(4, 4), lstm_filters=(2, 2, 2), frame_size=(17, 25)
    )
    assert model.input.dtype == "uint8" and model.input_shape == model.output_shape == (None, 3, 17, 25, 1)
    assert [layer.name for layer in model.encoder.layers[1:4]] == ["scale", "resize", "pad"]
    assert model.encoder.get_layer("pad").output.shape == (None, 3, 35, 35, 1)  # 30 padded to 27 + 8
    assert [layer.name for layer in model.decoder.layers[-2:]] == ["crop", "resize_back"]
    clips = np.random.default_rng(0).integers(0, 256, (2, 3, 17, 25, 1), dtype=np.uint8)
    model.fit(clips, clips, epochs=1, verbose=0)
    assert model(clips).shape == (2, 3, 17, 25, 1)
    for size in (224, 28):  # not 27 + 8k: padded and cropped back
        assert models.spatiotemporal_autoencoder(size, 2, (2, 2), (2, 2, 2)).output_shape == (None, 2, size, size, 1)
    exact = models.spatiotemporal_autoencoder(99, 2, (2, 2), (2, 2, 2))
    assert not {"pad", "crop", "scale"} & {layer.name for layer in [*exact.encoder.layers, *exact.decoder.layers]}


def test_uint8_video_models_keep_a_float32_output_under_mixed_precision():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        frame = models.frame_autoencoder(20, filters=4, code_size=8, frame_size=(15, 23))
        clip = models.spatiotemporal_autoencoder(27, 2, (2, 2), (2, 2, 2), frame_size=(17, 25))
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert frame.output.dtype == clip.output.dtype == "float32"
    assert frame.encoder.get_layer("scale").compute_dtype == "float16"


def test_video_models_take_an_image_size_of_height_and_width():
    frame = models.frame_autoencoder((20, 32), filters=4, code_size=8, frame_size=(15, 23))
    assert frame.encoder.get_layer("resize").output.shape == (None, 20, 32, 1)
    assert frame.output_shape == (None, 15, 23, 1)
    clip = models.spatiotemporal_autoencoder((27, 43), 2, (2, 2), (2, 2, 2), frame_size=(17, 25))
    assert clip.encoder.get_layer("resize").output.shape == (None, 2, 27, 43, 1)
    assert "pad" not in [layer.name for layer in clip.encoder.layers]  # 27 and 43 are both 27 + 8k
    assert clip.output_shape == (None, 2, 17, 25, 1)
    padded = models.spatiotemporal_autoencoder((30, 43), 2, (2, 2), (2, 2, 2), frame_size=(17, 25))
    assert padded.encoder.get_layer("pad").output.shape == (None, 2, 35, 43, 1)
    with pytest.raises(ValueError, match="multiple of 4"):
        models.frame_autoencoder((20, 30), filters=4, code_size=8)
    with pytest.raises(ValueError, match="image_size"):
        models.spatiotemporal_autoencoder((27, 20), 2, (2, 2), (2, 2, 2))
    with pytest.raises(ValueError, match="image_size"):
        models.frame_autoencoder((20, 20, 20), filters=4, code_size=8)


def test_a_mean_frame_is_subtracted_from_the_input_and_added_back_to_the_output():
    mean = np.random.default_rng(0).uniform(0.2, 0.8, (15, 23)).astype(np.float32)
    model = models.frame_autoencoder(20, filters=4, code_size=8, mean_frame=mean)  # implies frame_size
    assert model.input.dtype == "uint8" and model.input_shape == model.output_shape == (None, 15, 23, 1)
    frames = np.random.default_rng(1).integers(0, 256, (4, 15, 23, 1), dtype=np.uint8)
    subtracted = keras.Model(model.encoder.input, model.encoder.get_layer("subtract_mean").output)
    np.testing.assert_allclose(subtracted.predict(frames, verbose=0), frames / 255.0 - mean[..., None], atol=1e-6)
    # a decoder whose convolutions give zero rebuilds the mean frame itself
    for layer in model.decoder.layers:
        if isinstance(layer, keras.layers.Conv2DTranspose):
            layer.set_weights([np.zeros_like(weight) for weight in layer.get_weights()])
    np.testing.assert_allclose(model.predict(frames, verbose=0)[..., 0], np.broadcast_to(mean, (4, 15, 23)), atol=1e-6)
    assert [layer.name for layer in model.decoder.layers[-3:]] == ["resize_back", "add_mean", "clip"]


def test_the_mean_frame_travels_with_the_weights_and_is_checked(tmp_path):
    mean = (np.random.default_rng(0).uniform(0.2, 0.8, (15, 23)) * 255).astype(np.uint8)
    clip = models.spatiotemporal_autoencoder(27, 2, (2, 2), (2, 2, 2), mean_frame=mean)
    clips = np.random.default_rng(1).integers(0, 256, (2, 2, 15, 23, 1), dtype=np.uint8)
    assert clip.predict(clips, verbose=0).shape == (2, 2, 15, 23, 1)
    clip.save_weights(tmp_path / "clip.weights.h5")
    other = models.spatiotemporal_autoencoder(27, 2, (2, 2), (2, 2, 2), mean_frame=np.zeros((15, 23)))
    other.load_weights(tmp_path / "clip.weights.h5")
    stored = other.encoder.get_layer("subtract_mean").frame.numpy()[..., 0]
    np.testing.assert_allclose(stored, mean / 255.0, atol=1e-6)  # uint8 means are scaled to [0, 1]
    with pytest.raises(ValueError, match="mean_frame has shape"):
        models.frame_autoencoder(20, filters=4, code_size=8, frame_size=(16, 23), mean_frame=mean)
    with pytest.raises(ValueError, match=r"mean_frame must be uint8 or floats in \[0, 1\]"):
        models.frame_autoencoder(20, filters=4, code_size=8, mean_frame=np.full((15, 23), 2.0))
    with pytest.raises(ValueError, match="one grey frame"):
        models.frame_autoencoder(20, filters=4, code_size=8, mean_frame=np.zeros((3, 15, 23)))
    with pytest.raises(ValueError, match="sign"):
        models.MeanFrame((15, 23), sign=0.5)
