"""load_model("m.h5", custom_objects={"Scaled": Scaled}) finds a custom layer (one with a get_config
of its own) through custom_objects=, in a fresh process."""

import os

from probe_common import failure, make_scale, model_of, outputs, recall, remember, same


def make_scaled(keras):
    class Scaled(make_scale(keras)):
        def get_config(self):
            config = super().get_config()
            config["factor"] = self.factor
            return config

    Scaled.__name__ = Scaled.__qualname__ = "Scaled"
    return Scaled


def save(keras, work):
    model = model_of(keras, make_scaled(keras)(3.0))
    try:
        model.save("m.h5")
    except Exception as exc:
        return {"holds": False, "observed": f"save: {failure(exc)}"}
    remember(work, expected=outputs(model).tolist())


def load(keras, work):
    if not os.path.exists(os.path.join(work, "saved.json")):
        return None
    scaled = make_scaled(keras)
    try:
        model = keras.models.load_model("m.h5", custom_objects={"Scaled": scaled}, compile=False)
    except Exception as exc:
        return {"holds": False, "observed": failure(exc)}
    equal = same(model, recall(work)["expected"])
    return {"holds": isinstance(model.layers[-1], scaled) and equal, "observed": f"loaded, outputs equal: {equal}"}
