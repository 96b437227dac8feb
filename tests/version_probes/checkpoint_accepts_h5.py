"""ModelCheckpoint("m.h5", save_weights_only=False) saves the whole model to an .h5 file during fit
(Keras 3 first accepted only .keras there: research/user-pain.md, keras PR #20561)."""

import h5py

from probe_common import X, dense_model, failure


def save(keras, work):
    model = dense_model(keras)
    model.compile(optimizer="sgd", loss="mse")
    try:
        checkpoint = keras.callbacks.ModelCheckpoint("m.h5", save_weights_only=False)
        model.fit(X, X[:, :2], epochs=1, verbose=0, callbacks=[checkpoint])
    except Exception as exc:
        return {"holds": False, "observed": failure(exc)}
    written = h5py.is_hdf5("m.h5")
    return {"holds": written, "observed": "an HDF5 file written" if written else "no HDF5 file written"}
