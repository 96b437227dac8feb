"""A Layer whose __init__ takes a plain argument and that has no get_config saves to every format
of its line (.h5, .keras, and a SavedModel folder where the line has one) and reloads, in a fresh
process given the class, as that class with the same argument."""

import os

from probe_common import X, failure, make_scale, model_of, outputs, recall, remember, same

TARGETS = ("m.h5", "m.keras", "m_savedmodel")


def targets(keras):
    # Keras 3 has no SavedModel format for model.save (research/keras-probe-tables.md)
    return TARGETS[:2] if keras.layers.Layer.__module__.startswith("keras.src.layers") else TARGETS


def save(keras, work):
    model = model_of(keras, make_scale(keras)(3.0))
    for target in targets(keras):
        try:
            model.save(target)
        except Exception as exc:
            return {"holds": False, "observed": f"save {target}: {failure(exc)}"}
    remember(work, expected=outputs(model).tolist())


def load(keras, work):
    if not os.path.exists(os.path.join(work, "saved.json")):
        return None
    expected = recall(work)["expected"]
    scale = make_scale(keras)
    seen = []
    for target in targets(keras):
        try:
            # both ways of handing over the class: the .h5 loader of Keras 3.0-3.2 ignores custom_objects=
            # (h5_load_honours_custom_objects), a failure that is not about configs
            with keras.utils.custom_object_scope({"Scale": scale}):
                model = keras.models.load_model(target, custom_objects={"Scale": scale}, compile=False)
        except Exception as exc:
            return {"holds": False, "observed": f"load {target}: {failure(exc)}"}
        layer = model.layers[-1]
        if not (isinstance(layer, scale) and getattr(layer, "factor", None) == 3.0 and same(model, expected)):
            factor = getattr(layer, "factor", None)
            return {"holds": False, "observed": f"load {target}: {type(layer).__name__} factor={factor}"}
        seen.append(target)
    return {"holds": True, "observed": "saved and reloaded as Scale(factor=3.0): " + ", ".join(seen)}
