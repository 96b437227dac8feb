"""model.save("dir") (a path without extension) writes a SavedModel folder instead of raising."""

import os

from probe_common import dense_model, failure


def save(keras, work):
    try:
        dense_model(keras).save("m_noext")
    except Exception as exc:
        return {"holds": False, "observed": failure(exc)}
    written = os.path.isfile(os.path.join("m_noext", "saved_model.pb"))
    return {"holds": written, "observed": "SavedModel folder written" if written else "saved, but no saved_model.pb"}
