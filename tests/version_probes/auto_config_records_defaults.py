"""A Layer without get_config whose __init__ argument defaults to a Keras object (an initializer
instance) and that is built without passing it: the automatic config records the default too, and
refuses it, so model.save("m.h5") raises NotImplementedError ("... non-serializable argument
values"). Where the automatic config records only the arguments passed, the save goes through (and
where there is no automatic config, the save raises for another reason, or saves the base config)."""

from probe_common import failure, model_of


def make_gate(keras):
    class Gate(keras.layers.Layer):
        def __init__(self, gamma_initializer=keras.initializers.Zeros(), **kwargs):
            super().__init__(**kwargs)
            self.gamma_initializer = gamma_initializer

        def build(self, input_shape):
            self.gamma = self.add_weight(name="gamma", shape=(1,), initializer=self.gamma_initializer)

        def call(self, inputs):
            return inputs * self.gamma

    return Gate


def save(keras, work):
    model = model_of(keras, make_gate(keras)())
    try:
        model.save("m.h5")
    except NotImplementedError as exc:
        observed = failure(exc)
        return {"holds": "non-serializable" in str(exc), "observed": f"save m.h5: {observed}"}
    except Exception as exc:
        return {"holds": False, "observed": f"save m.h5: {failure(exc)}"}
    return {"holds": False, "observed": "saved"}
