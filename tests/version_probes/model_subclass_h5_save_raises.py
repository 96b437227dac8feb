"""A keras.Model subclass without get_config cannot be saved to .h5 at all: a functional model nesting
`Stack()`, a subclass whose __init__ takes no argument, raises NotImplementedError at model.save("m.h5")
(Model.get_config raises for every subclass). Where the save goes through, Model.get_config answers for
a subclass (an empty config, or the automatic one)."""

from probe_common import failure, model_of


def make_stack(keras):
    class Stack(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

        def compute_output_shape(self, input_shape):  # multi-backend Keras nests a Model subclass only with it
            return tuple(input_shape[:-1]) + (2,)

    return Stack


def save(keras, work):
    try:
        model = model_of(keras, make_stack(keras)())
    except Exception as exc:
        return {"holds": None, "observed": f"nesting it in a functional model: {failure(exc)}"}
    try:
        model.save("m.h5")
    except NotImplementedError as exc:
        return {"holds": True, "observed": f"save m.h5: {failure(exc)}"}
    except Exception as exc:
        return {"holds": False, "observed": f"save m.h5: {failure(exc)}"}
    return {"holds": False, "observed": "saved"}
