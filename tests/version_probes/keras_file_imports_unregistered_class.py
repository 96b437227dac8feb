"""A custom layer class that is not registered (but has get_config), defined in an importable module,
saved to "m.keras": a fresh process that could import that module, but neither imports it nor passes
custom_objects, loads the model as that class (the loader imports the module the file names: Keras 3
before 3.9, research/saved-model-files.md; CVE-2025-1550)."""

import os
import sys

from probe_common import failure, model_of, remember

MODULE = '''
import os
if os.environ["VERSION_PROBE_LINE"] == "keras3":
    import keras
else:
    import tensorflow as tf
    keras = tf.keras


class Unregistered(keras.layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        config = super().get_config()
        config["factor"] = self.factor
        return config
'''


def save(keras, work):
    with open(os.path.join(work, "probe_unregistered.py"), "w") as handle:
        handle.write(MODULE)
    sys.path.insert(0, work)
    from probe_unregistered import Unregistered

    try:
        model_of(keras, Unregistered(3.0)).save("m.keras")
    except Exception as exc:
        return {"holds": False, "observed": f"save: {failure(exc)}"}
    remember(work)


def load(keras, work):
    if not os.path.exists(os.path.join(work, "saved.json")):
        return None
    sys.path.insert(0, work)  # importable, not imported
    try:
        model = keras.models.load_model("m.keras", compile=False)
    except Exception as exc:
        return {"holds": False, "observed": failure(exc)}
    layer = model.layers[-1]
    holds = type(layer).__module__ == "probe_unregistered" and getattr(layer, "factor", None) == 3.0
    return {"holds": holds, "observed": f"loaded as {type(layer).__module__}.{type(layer).__name__}"}
