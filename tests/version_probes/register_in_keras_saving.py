"""keras.saving.register_keras_serializable exists (tf.keras.saving.register_keras_serializable on
the tf.keras lines)."""


def save(keras, work):
    saving = getattr(keras, "saving", None)
    found = callable(getattr(saving, "register_keras_serializable", None))
    observed = "keras.saving.register_keras_serializable " + ("exists" if found else "missing")
    return {"holds": found, "observed": observed}
