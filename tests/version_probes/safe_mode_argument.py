"""load_model accepts safe_mode= (a parameter of its own, not swallowed by **kwargs)."""

import inspect

from probe_common import dense_model, failure


def save(keras, work):
    dense_model(keras).save("m.h5")
    named = "safe_mode" in inspect.signature(keras.models.load_model).parameters
    try:
        keras.models.load_model("m.h5", compile=False, safe_mode=True)
    except Exception as exc:
        return {"holds": False, "observed": f"load_model(..., safe_mode=True): {failure(exc)}"}
    return {"holds": named, "observed": f"load_model(..., safe_mode=True) ran; a named parameter: {named}"}
