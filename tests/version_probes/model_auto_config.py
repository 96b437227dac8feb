"""A keras.Model subclass whose __init__ takes a plain argument and that has no get_config, nested in
a functional model saved to .h5, records that argument (as passed) in the file and reloads, in a fresh
process given the class, as that class with the same argument and outputs. Where it does not, the
file holds an empty config for it (tf.keras <= 2.11: load_model raises `TypeError: Unable to revive
model from config`)."""

import os

from probe_common import failure, model_of, outputs, recall, remember, same


def make_widen(keras):
    class Widen(keras.Model):
        def __init__(self, units):
            super().__init__()
            self.units = units
            self.dense = keras.layers.Dense(units)

        def call(self, inputs):
            return self.dense(inputs)

    return Widen


def save(keras, work):
    try:
        model = model_of(keras, make_widen(keras)(5))
    except Exception as exc:  # multi-backend Keras: a Model subclass without compute_output_shape
        return {"holds": False, "observed": f"nesting it in a functional model: {failure(exc)}"}
    try:
        model.save("m.h5")
    except Exception as exc:
        return {"holds": False, "observed": f"save m.h5: {failure(exc)}"}
    remember(work, expected=outputs(model).tolist())


def load(keras, work):
    if not os.path.exists(os.path.join(work, "saved.json")):
        return None
    expected = recall(work)["expected"]
    widen = make_widen(keras)
    try:
        with keras.utils.custom_object_scope({"Widen": widen}):
            model = keras.models.load_model("m.h5", custom_objects={"Widen": widen}, compile=False)
    except Exception as exc:
        return {"holds": False, "observed": f"load m.h5: {failure(exc)}"}
    inner = model.layers[-1]
    if not (isinstance(inner, widen) and getattr(inner, "units", None) == 5 and same(model, expected)):
        return {"holds": False, "observed": f"load m.h5: {type(inner).__name__} units={getattr(inner, 'units', None)}"}
    return {"holds": True, "observed": "saved and reloaded as Widen(units=5)"}
