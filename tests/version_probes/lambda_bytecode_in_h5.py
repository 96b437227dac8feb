"""Lambda(lambda x: ...) saved to .h5 stores the function's bytecode, and load_model of that file in
a fresh process, with no custom objects and no safe_mode argument, loads it with equal outputs."""

import json
import os

from probe_common import failure, model_of, outputs, recall, remember, same


def save(keras, work):
    model = model_of(keras, keras.layers.Lambda(lambda x: x * 2.0))
    try:
        model.save("m.h5")
    except Exception as exc:
        return {"holds": False, "observed": f"save: {failure(exc)}"}
    remember(work, expected=outputs(model).tolist())


def stored_function():
    import h5py

    with h5py.File("m.h5", "r") as handle:
        config = handle.attrs["model_config"]
    config = json.loads(config.decode() if isinstance(config, bytes) else config)
    layer = [item for item in config["config"]["layers"] if item["class_name"] == "Lambda"][0]
    return layer["config"]["function"]


def load(keras, work):
    if not os.path.exists(os.path.join(work, "saved.json")):
        return None
    function = stored_function()
    bytecode = json.dumps(function)[:80]
    try:
        model = keras.models.load_model("m.h5", compile=False)
    except Exception as exc:
        return {"holds": False, "observed": f"stored {bytecode}...; load: {failure(exc)}"}
    equal = same(model, recall(work)["expected"])
    return {"holds": equal, "observed": f"stored {bytecode}...; loaded, outputs equal: {equal}"}
