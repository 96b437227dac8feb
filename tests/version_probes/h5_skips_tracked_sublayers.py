"""A `.h5` save serializes the layers of a functional model, not the layers a custom layer builds and
tracks itself: `Outer(factor)`, which has its own get_config and builds `Scale(factor)` (a layer with an
argument and no get_config) in its `__init__`, saves to .h5 and reloads in a fresh process given only
`Outer`, with equal outputs -- also where a Scale in the model's graph makes the save raise
(h5_requires_get_config) or the load fail (layer_config_drops_arguments). KL202's tf.keras <= 2.10
finding is therefore about classes that are layers of a model's graph (analysis/argument_kinds
built_only_nested)."""

import os

from probe_common import failure, make_scale, model_of, outputs, recall, remember, same


def make_outer(keras):
    scale = make_scale(keras)

    class Outer(keras.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor
            self.inner = scale(factor)

        def call(self, inputs):
            return self.inner(inputs) + 1.0

        def get_config(self):
            config = super().get_config()
            config.update({"factor": self.factor})
            return config

    return Outer


def save(keras, work):
    model = model_of(keras, make_outer(keras)(3.0))
    try:
        model.save("m.h5")
    except Exception as exc:
        return {"holds": False, "observed": f"save m.h5: {failure(exc)}"}
    remember(work, expected=outputs(model).tolist())


def load(keras, work):
    if not os.path.exists(os.path.join(work, "saved.json")):
        return None
    expected = recall(work)["expected"]
    outer = make_outer(keras)
    try:
        model = keras.models.load_model("m.h5", custom_objects={"Outer": outer}, compile=False)
    except Exception as exc:
        return {"holds": False, "observed": f"load m.h5: {failure(exc)}"}
    if not same(model, expected):
        return {"holds": False, "observed": "load m.h5: other outputs"}
    return {"holds": True, "observed": "saved and reloaded given Outer only, equal outputs"}
