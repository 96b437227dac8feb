"""ModelCheckpoint to a path without .keras/.h5, saving the whole model (save_weights_only=False),
raises (when made, or when it first saves during fit) with an error asking for .keras."""

import os

from probe_common import X, dense_model, failure


def save(keras, work):
    model = dense_model(keras)
    model.compile(optimizer="sgd", loss="mse")
    try:
        checkpoint = keras.callbacks.ModelCheckpoint("ckpt_noext", save_weights_only=False)
        model.fit(X, X[:, :2], epochs=1, verbose=0, callbacks=[checkpoint])
    except Exception as exc:
        return {"holds": ".keras" in str(exc), "observed": failure(exc)}
    return {"holds": False, "observed": f"fit saved it; a SavedModel: {os.path.isfile('ckpt_noext/saved_model.pb')}"}
