"""What the version probes share: a tiny model, its input, and the custom layer without get_config."""

import json
import os

import numpy as np

X = np.arange(8, dtype="float32").reshape(2, 4) / 8.0


def model_of(keras, *layers):
    """A functional model, input (batch, 4), through `layers`."""
    inputs = keras.Input(shape=(4,))
    outputs = inputs
    for layer in layers:
        outputs = layer(outputs)
    return keras.Model(inputs, outputs)


def dense_model(keras):
    return model_of(keras, keras.layers.Dense(2))


def outputs(model):
    try:
        return np.asarray(model(X))
    except (ValueError, TypeError):  # multi-backend Keras calls a model on symbolic tensors only
        return np.asarray(model.predict(X))


def same(model, expected):
    return bool(np.allclose(outputs(model), expected, atol=1e-5))


def make_scale(keras):
    """`Scale(factor)`: a layer whose __init__ takes a plain (JSON) argument and that has no
    get_config of its own, the case of the most reported save error."""

    class Scale(keras.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

    return Scale


def failure(exc):
    return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"[:300]


def remember(work, **values):
    with open(os.path.join(work, "saved.json"), "w") as handle:
        json.dump(values, handle)


def recall(work):
    with open(os.path.join(work, "saved.json")) as handle:
        return json.load(handle)
