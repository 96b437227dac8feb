"""model.save("m.keras") writes the Keras v3 format, a zip archive (tf.keras before 2.13 wrote an
HDF5 file under that name)."""

import zipfile

from probe_common import dense_model, failure


def save(keras, work):
    try:
        dense_model(keras).save("m.keras")
    except Exception as exc:
        return {"holds": False, "observed": failure(exc)}
    written = zipfile.is_zipfile("m.keras")
    return {"holds": written, "observed": "a zip archive" if written else "not a zip archive (HDF5 or a folder)"}
