"""model.save("m.h5") of a model holding a Layer whose __init__ takes a plain argument and that has
no get_config raises NotImplementedError asking for get_config."""

from probe_common import failure, make_scale, model_of


def save(keras, work):
    model = model_of(keras, make_scale(keras)(3.0))
    try:
        model.save("m.h5")
    except NotImplementedError as exc:
        return {"holds": "get_config" in str(exc), "observed": failure(exc)}
    except Exception as exc:
        return {"holds": False, "observed": failure(exc)}
    return {"holds": False, "observed": "saved"}
