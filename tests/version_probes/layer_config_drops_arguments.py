"""Layer.get_config carries name, trainable and dtype only: the model holding `Scale(3.0)` (a plain
argument, no get_config) saves to .h5, and load_model given the class raises TypeError for the missing
`factor` (multi-backend Keras). Elsewhere the save raises (tf.keras <= 2.10) or the load rebuilds
Scale(factor=3.0) (automatic config)."""

import os

from probe_common import failure, make_scale, model_of, remember


def save(keras, work):
    model = model_of(keras, make_scale(keras)(3.0))
    try:
        model.save("m.h5")
    except Exception as exc:
        return {"holds": False, "observed": f"save m.h5: {failure(exc)}"}
    remember(work, saved=True)


def load(keras, work):
    if not os.path.exists(os.path.join(work, "saved.json")):
        return None
    scale = make_scale(keras)
    try:
        with keras.utils.custom_object_scope({"Scale": scale}):
            keras.models.load_model("m.h5", custom_objects={"Scale": scale}, compile=False)
    except TypeError as exc:
        return {"holds": "factor" in str(exc), "observed": failure(exc)}
    except Exception as exc:
        return {"holds": False, "observed": f"load m.h5: {failure(exc)}"}
    return {"holds": False, "observed": "loaded"}
