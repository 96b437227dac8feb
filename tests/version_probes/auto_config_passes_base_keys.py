"""A Layer with no get_config whose __init__ takes no **kwargs (`Reverb(trainable=False, factor=3.0,
name="reverb")`) saves to .h5, and load_model in a fresh process, given the class, fails with
`TypeError: ... got an unexpected keyword argument`: the automatic config hands a base key (dtype)
back to an __init__ that does not take it. (Where the .h5 save itself raises, the fact does not hold.)"""

import os

from probe_common import failure, model_of


def make_reverb(keras):
    class Reverb(keras.layers.Layer):
        def __init__(self, trainable=False, factor=3.0, name="reverb"):
            super().__init__(name=name, trainable=trainable)
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

    return Reverb


def save(keras, work):
    try:
        model_of(keras, make_reverb(keras)(factor=2.0)).save("m.h5")
    except Exception as exc:
        return {"holds": False, "observed": f"save m.h5: {failure(exc)}"}
    open(os.path.join(work, "saved.json"), "w").write("{}")


def load(keras, work):
    if not os.path.exists(os.path.join(work, "saved.json")):
        return None
    reverb = make_reverb(keras)
    try:
        with keras.utils.custom_object_scope({"Reverb": reverb}):
            keras.models.load_model("m.h5", custom_objects={"Reverb": reverb}, compile=False)
    except TypeError as exc:
        return {"holds": "unexpected keyword argument" in str(exc), "observed": failure(exc)}
    except Exception as exc:
        return {"holds": False, "observed": f"load m.h5: {failure(exc)}"}
    return {"holds": False, "observed": "saved and reloaded"}
