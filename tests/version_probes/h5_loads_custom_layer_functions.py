"""A project function passed to a layer as `activation=` and `kernel_initializer=`, saved to .h5, loads
in a fresh process given the functions (in a custom_object_scope, which every Keras honours on the .h5
path; Keras 3.0-3.2 ignore custom_objects= there: h5_load_honours_custom_objects); and, where Keras
has register_keras_serializable, a registered function passed as `activation=` loads once the loading
process registers it too. Both must agree: the fact is one behaviour of the .h5 format, and a Keras
where they differ needs a second look (the probe then fails)."""

import os

import numpy as np
from probe_common import failure, model_of, outputs, recall, remember, same


def probe_act(x):
    return x * 2.0 + 1.0


def probe_init(shape, dtype=None):
    return np.full(tuple(int(n) for n in shape), 0.25, dtype="float32")


def registered_act(keras):
    """A function registered under "probe_package>probe_registered_act", or None without the API."""
    saving = getattr(keras, "saving", None)
    register = (getattr(saving, "register_keras_serializable", None)
                or getattr(keras.utils, "register_keras_serializable", None))
    if register is None:  # multi-backend Keras: nothing to register with
        return None

    def probe_registered_act(x):
        return x * 3.0 - 1.0

    return register(package="probe_package")(probe_registered_act)


def save(keras, work):
    plain = model_of(keras, keras.layers.Dense(2, activation=probe_act, kernel_initializer=probe_init))
    try:
        plain.save("plain.h5")
    except Exception as exc:
        return {"holds": False, "observed": f"save: {failure(exc)}"}
    values = {"plain": outputs(plain).tolist()}
    act = registered_act(keras)
    if act is not None:
        registered = model_of(keras, keras.layers.Dense(2, activation=act))
        try:
            registered.save("registered.h5")
        except Exception as exc:
            return {"holds": False, "observed": f"save (registered): {failure(exc)}"}
        values["registered"] = outputs(registered).tolist()
    remember(work, **values)


def _load(keras, path, expected, given=None):
    """(loaded with equal outputs, what happened)."""
    try:
        if given:
            with keras.utils.custom_object_scope(given):
                model = keras.models.load_model(path, compile=False)
        else:
            model = keras.models.load_model(path, compile=False)
    except Exception as exc:
        text = failure(exc)
        cause = str(exc).split("Exception encountered:")[-1].strip().splitlines()
        return False, f"{text} ({cause[0][:120]})" if "Exception encountered:" in str(exc) and cause else text
    equal = same(model, expected)
    return equal, f"loaded, outputs equal: {equal}"


def load(keras, work):
    if not os.path.exists(os.path.join(work, "saved.json")):
        return None
    expected = recall(work)
    plain, seen = _load(keras, "plain.h5", expected["plain"], {"probe_act": probe_act, "probe_init": probe_init})
    observed = f"plain, in a custom_object_scope: {seen}"
    if "registered" not in expected:
        return {"holds": plain, "observed": observed}
    registered_act(keras)
    registered, seen = _load(keras, "registered.h5", expected["registered"])
    observed += f"; registered: {seen}"
    if plain != registered:
        return {"holds": None, "observed": "the plain and the registered function disagree: " + observed}
    return {"holds": plain, "observed": observed}
