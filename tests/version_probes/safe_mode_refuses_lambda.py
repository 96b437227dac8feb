"""A model with Lambda(lambda x: ...) saved to "m.keras" fails to load by default (safe mode), in a
fresh process, with an error naming safe_mode."""

import os

from probe_common import failure, model_of, remember


def save(keras, work):
    model = model_of(keras, keras.layers.Lambda(lambda x: x * 2.0))
    try:
        model.save("m.keras")
    except Exception as exc:
        return {"holds": False, "observed": f"save: {failure(exc)}"}
    remember(work)


def load(keras, work):
    if not os.path.exists(os.path.join(work, "saved.json")):
        return None
    try:
        keras.models.load_model("m.keras", compile=False)
    except Exception as exc:
        return {"holds": "safe_mode" in str(exc), "observed": failure(exc)}
    return {"holds": False, "observed": "loaded"}
