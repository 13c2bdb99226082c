"""Checked exercises: the lab exercises with a definite answer say whether the student's answer is right.

One function per exercise, called after the student has written an answer, in the style of
Kaggle's learntools: it prints "Not attempted yet" while the answer is still ``None``,
"Correct" for a right answer, or what is wrong and a hint that does not give the solution
away. Plain ``print``, so it reads the same in Colab, Jupyter and the built book.

Where the answer depends on the run (numbers the notebook computed), the checker recomputes
the reference from the lab's variables it is given; a bad lab variable (labels that are not
True/False, errors that are not numbers) is a ``ValueError``, while a student's answer of the
wrong kind (text where a number belongs) is reported as a wrong answer.
"""

from __future__ import annotations

import numpy as np

from labutils import _checks, metrics

NOT_ATTEMPTED = "Not attempted yet: replace None by your answer, then run the cell again."
CORRECT = "Correct!"

#: Chapter 4, exercise 1: the original loader's float64 clips and the uint8 frames, in GB (10**9 bytes).
CLIP_MEMORY_GB = {"float64_gb": 680 * 10 * 227 * 227 * 8 / 1e9, "uint8_gb": 34 * 200 * 158 * 238 / 1e9}
#: Chapter 6, exercise 1: the weights of the slides' model with plain 3x3 convolutions for the ConvLSTMs.
CHANNELS_MODEL_WEIGHTS = 793_578
CLIP_SHAPE = (227, 227, 10)
#: Chapter 2, exercise 5: the pooling autoencoder's image, code and weights (3x3 kernels, 16 filters, 8 in the code).
DIGIT_SHAPE, POOLING_CODE_SHAPE = (28, 28, 1), (7, 7, 8)
POOLING_MODEL_WEIGHTS = (9 * 1 * 16 + 16) + 2 * (9 * 16 * 16 + 16) + (9 * 16 * 8 + 8) + (9 * 8 * 16 + 16) + (9 * 16 + 1)


def _close(value: float, reference: float, tolerance: float) -> bool:
    """True when ``value`` is within ``tolerance`` of ``reference``, or within 1% of it (rounded answers)."""
    return abs(value - reference) <= max(tolerance, 0.01 * abs(reference))


def _number(value) -> float | None:
    """``value`` as a float, or None when it is not one finite number."""
    try:
        return _checks.real("answer", value)
    except ValueError:
        return None


def _verdict(
    answers: dict, reference: dict[str, float], mistakes: list[tuple[dict[str, float], str]], hint: str,
    tolerance: float,
) -> str:
    """The message for ``answers`` against ``reference``: not attempted, correct, or what is wrong and a hint.

    ``mistakes`` pairs the values a known mistake gives with the hint for it; ``hint`` is for any other error.
    """
    given = {name: value for name, value in answers.items() if value is not None}
    if not given:
        return NOT_ATTEMPTED
    numbers = {name: _number(value) for name, value in given.items()}
    for name, number in numbers.items():
        if number is None:
            return f"Not yet: {name} should be one number, got {_checks.shown(given[name])}."
    wrong = [name for name, number in numbers.items() if not _close(number, reference[name], tolerance)]
    missing = [name for name in answers if answers[name] is None]
    if not wrong:
        if missing:
            return f"So far so good: {', '.join(given)} right; {', '.join(missing)} still None."
        return CORRECT
    for values, mistake in mistakes:
        if all(_close(numbers[name], values[name], tolerance) for name in wrong):
            return f"Not yet: {', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not right. Hint: {mistake}"
    return f"Not yet: {', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not right. Hint: {hint}"


def _class_metrics(is_anomaly: np.ndarray, flagged: np.ndarray) -> dict[str, float]:
    """Precision, recall and F1 of ``flagged`` against ``is_anomaly`` (0 where nothing is flagged)."""
    counts = metrics.prediction_counts(is_anomaly, flagged)
    return {name: counts[name] for name in ("precision", "recall", "f1")}


def check_do_nothing(is_anomaly, precision, recall, f1) -> None:
    """Chapter 1, exercise 3: precision, recall and F1 (anomaly positive) of a detector that flags nothing.

    The reference is recomputed from ``is_anomaly`` (the toy points' labels), with every score
    zero and a threshold of 0.5, as the exercise says.
    """
    is_anomaly = metrics.checked_labels(is_anomaly)
    reference = _class_metrics(is_anomaly, np.zeros(len(is_anomaly), bool))
    normal_class = _class_metrics(~is_anomaly, np.ones(len(is_anomaly), bool))
    print(_verdict(
        {"precision": precision, "recall": recall, "f1": f1}, reference,
        [(normal_class, "these are the scores of the normal class. With anomaly as the positive class, "
                        "count the anomalies among the points the detector flags, and among all anomalies.")],
        "a point is flagged when its score is above the threshold. How many points score above 0.5 here, "
        "and what do precision and F1 become when nothing is flagged (scikit-learn's zero_division=0)?",
        tolerance=0.0015,
    ))


def check_anomaly_precision_recall(is_anomaly, errors, threshold: float, precision, recall) -> None:
    """Chapter 3, exercise 1: precision and recall with anomaly as the positive class at ``threshold``.

    The reference is recomputed from the lab's test labels, test errors and threshold.
    """
    is_anomaly, errors = metrics.labels_and_scores(is_anomaly, errors, needs_both="the exercise's reference")
    flagged = metrics.predict_anomalies(errors, threshold)
    reference = _class_metrics(is_anomaly, flagged)
    normal_class = _class_metrics(~is_anomaly, ~flagged)
    swapped = {"precision": reference["recall"], "recall": reference["precision"]}
    below = _class_metrics(is_anomaly, errors < threshold)
    print(_verdict(
        {"precision": precision, "recall": recall}, reference,
        [(normal_class, "these still measure how well normal beats are found: both the labels and the "
                        "predictions must say True for an abnormal beat."),
         (swapped, "precision and recall are swapped: precision is about the beats you flagged, recall "
                   "about the abnormal beats."),
         (below, "an anomaly is a beat the model rebuilds badly: its error is above the threshold.")],
        "flag the beats with metrics.predict_anomalies(test_errors, lab_threshold), and pass the labels "
        "first and the predictions second to precision_score and recall_score.",
        tolerance=0.0015,
    ))


def check_clip_memory(float64_gb, uint8_gb) -> None:
    """Chapter 4, exercise 1: the size in GB of the original loader's float64 clips and of the uint8 frames."""
    gib = {name: value * 1e9 / 2**30 for name, value in CLIP_MEMORY_GB.items()}
    one_byte = {"float64_gb": CLIP_MEMORY_GB["float64_gb"] / 8, "uint8_gb": CLIP_MEMORY_GB["uint8_gb"] * 8}
    resized = {"float64_gb": CLIP_MEMORY_GB["float64_gb"], "uint8_gb": 34 * 200 * 227 * 227 / 1e9}
    print(_verdict(
        {"float64_gb": float64_gb, "uint8_gb": uint8_gb}, CLIP_MEMORY_GB,
        [(gib, "a GB here is 10**9 bytes (your numbers are in GiB, 2**30 bytes)."),
         (one_byte, "how many bytes does one float64 value take, and how many one uint8 value?"),
         (resized, "data.ucsd_clips keeps the frames at Ped1's own size, 238x158 pixels, not 227x227.")],
        "multiply clips (or videos) x frames x pixels x bytes per pixel, and divide by 10**9.",
        tolerance=0.005,
    ))


def _not_a_model(model) -> str | None:
    """The message for an answer that is None or not a Keras model; None for a model."""
    if model is None:
        return NOT_ATTEMPTED
    if not all(hasattr(model, name) for name in ("count_params", "input_shape", "output_shape", "layers")):
        return (f"Not yet: the answer should be a Keras model (keras.Model(inputs, outputs)), got "
                f"{_checks.shown(model)}.")
    return None


def _output_shapes(model) -> list[tuple]:
    """The output shape (without the batch axis) of each of ``model``'s layers."""
    shapes = []
    for layer in model.layers:
        try:
            shapes.append(tuple(layer.output.shape[1:]))
        except (AttributeError, ValueError):  # a layer never called, or called more than once
            continue
    return shapes


def check_pooling_autoencoder(model) -> None:
    """Chapter 2, exercise 5: the slides' convolutional autoencoder, with pooling and a 7x7x8 feature map as code."""
    message = _not_a_model(model)
    if message:
        print(message)
        return
    dense = [name for name in _layer_names(model) if name == "Dense"]
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", None)
    if tuple(model.input_shape[1:]) != DIGIT_SHAPE:
        message = (f"Not yet: the input has shape {tuple(model.input_shape[1:])}. Hint: one digit is a 28x28 image "
                   "with one channel, keras.Input((28, 28, 1)).")
    elif dense:
        message = ("Not yet: the model has a Dense layer. Hint: this autoencoder's code is a small feature map, "
                   "the output of a Conv2D, so every layer is a convolution, a pooling or an upsampling.")
    elif POOLING_CODE_SHAPE not in _output_shapes(model):
        message = ("Not yet: no layer outputs a 7x7x8 feature map. Hint: two MaxPooling2D(2) take 28 to 14 to 7, "
                   "and the code is a Conv2D with 8 filters and padding='same'.")
    elif tuple(model.output_shape[1:]) != DIGIT_SHAPE:
        message = (f"Not yet: the output has shape {tuple(model.output_shape[1:])}. Hint: two UpSampling2D(2) take "
                   "7 back to 28, and the last Conv2D has a single filter and padding='same'.")
    elif activation != "sigmoid":
        message = (f"Not yet: the last layer's activation is {activation}. Hint: pixels lie in [0, 1], and so "
                   "should the output.")
    elif model.count_params() != POOLING_MODEL_WEIGHTS:
        message = (f"Almost: the shapes are right, but the model has {model.count_params():,} weights. Hint: every "
                   "Conv2D has 3x3 kernels, 16 filters except the code's 8 and the output's 1.")
    else:
        message = CORRECT
    print(message)


def _layer_names(model) -> list[str]:
    """The class names of ``model``'s layers, those inside a ``TimeDistributed`` wrapper included."""
    names = []
    for layer in getattr(model, "layers", []):
        names.append(type(layer).__name__)
        if hasattr(layer, "layer"):
            names.append(type(layer.layer).__name__)
    return names


def check_channels_model(model) -> None:
    """Chapter 6, exercise 1: the slides' clip model, the ten frames as the channels of one image."""
    message = _not_a_model(model)
    if message:
        print(message)
        return
    recurrent = sorted({name for name in _layer_names(model) if "LSTM" in name or name == "TimeDistributed"})
    if tuple(model.input_shape[1:]) != CLIP_SHAPE:
        message = (f"Not yet: the input has shape {tuple(model.input_shape[1:])}. Hint: the ten frames of a clip "
                   "become the channels of one 227x227 image.")
    elif recurrent:
        message = (f"Not yet: the model still has {', '.join(recurrent)}. Hint: with the frames as channels there "
                   "is a single time step, and one step of a ConvLSTM from an empty state keeps no memory: "
                   "what layer does the same to one image?")
    elif tuple(model.output_shape[1:]) != CLIP_SHAPE:
        message = (f"Not yet: the output has shape {tuple(model.output_shape[1:])}. Hint: the decoder mirrors the "
                   "encoder's kernel sizes and strides, and ends with one channel per frame.")
    elif model.count_params() != CHANNELS_MODEL_WEIGHTS:
        message = (f"Almost: the shapes are right, but the model has {model.count_params():,} weights, not the "
                   "count of the lab's layers. Hint: compare the filters and kernel sizes with the spatial "
                   "convolutions and ConvLSTM layers of SETTINGS and the lab's model (padding 'same' for the "
                   "3x3 ones).")
    else:
        message = CORRECT
    print(message)
