"""model.save(path, save_format=...) is accepted: save_format="tf" to a folder and save_format="h5"
to an .h5 file both save. (Keras 3 accepts only a save_format that matches the extension, with a
deprecation warning, and raises for "tf": research/keras-probe-tables.md.)"""

from probe_common import dense_model, failure


def save(keras, work):
    model = dense_model(keras)
    seen = []
    for target, fmt in (("m_tf", "tf"), ("m_fmt.h5", "h5")):
        try:
            model.save(target, save_format=fmt)
        except Exception as exc:
            return {"holds": False, "observed": f"save({target!r}, save_format={fmt!r}): {failure(exc)}"}
        seen.append(fmt)
    return {"holds": True, "observed": "saved with save_format=" + " and ".join(seen)}
