"""keras.utils.register_keras_serializable exists."""


def save(keras, work):
    found = callable(getattr(keras.utils, "register_keras_serializable", None))
    return {"holds": found, "observed": "keras.utils.register_keras_serializable " + ("exists" if found else "missing")}
