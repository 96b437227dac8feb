"""model.save_weights("w.h5") raises: the file name must end in .weights.h5."""

from probe_common import dense_model, failure


def save(keras, work):
    try:
        dense_model(keras).save_weights("w.h5")
    except Exception as exc:
        return {"holds": ".weights.h5" in str(exc), "observed": failure(exc)}
    return {"holds": False, "observed": "saved"}
