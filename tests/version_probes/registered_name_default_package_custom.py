"""register_keras_serializable() with no package registers a class as "Custom>ClassName"."""


def save(keras, work):
    saving = getattr(keras, "saving", None)
    register = (getattr(saving, "register_keras_serializable", None)
                or getattr(keras.utils, "register_keras_serializable", None))
    if register is None:  # multi-backend Keras: nothing to register with
        return {"holds": False, "observed": "no register_keras_serializable"}

    @register()
    class Probed(keras.layers.Layer):
        def get_config(self):
            return super().get_config()

    if hasattr(keras.utils, "get_registered_name"):
        name = keras.utils.get_registered_name(Probed)
    else:  # TF 2.1 has no get_registered_name: the key it is registered under
        name = " ".join(key for key, value in keras.utils.get_custom_objects().items() if value is Probed)
    return {"holds": name == "Custom>Probed", "observed": f"registered as {name!r}"}
