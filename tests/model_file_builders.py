"""The model files the preflight matrix (tests/test_model_files_matrix.py) is built from, and the
loader that tries them: code for fresh Python processes (run with keras_roundtrip.run_python).

`MYLIB` is written as `mylib/layers.py` next to the files: the custom objects a saving process
defines. A builder child imports it, builds every model of its Keras, and saves each under the name
its line says; the loader child loads each (file, compile, safe_mode) given, each in a process of
its own forked after `import keras`, and prints one JSON line:
{"file|compile|safe_mode": the error, or null when it loaded}.
"""

MYLIB = r'''
import os
if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
    import tf_keras as keras
else:
    import keras

@keras.saving.register_keras_serializable(package="mylib")
class RegLayer(keras.layers.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
    def call(self, x):
        return x * 2.0
    def get_config(self):
        return {**super().get_config(), "units": self.units}

class UnregLayer(keras.layers.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
    def call(self, x):
        return x + 1.0
    def get_config(self):
        return {**super().get_config(), "units": self.units}

@keras.saving.register_keras_serializable(package="mylib")
def scale_reg(x):
    return x * 3.0

def scale_unreg(x):
    return x * 4.0

def my_loss_unreg(y_true, y_pred):
    return keras.ops.mean((y_true - y_pred) ** 2) if hasattr(keras, "ops") else keras.backend.mean((y_true - y_pred) ** 2)
'''

BUILD = r'''
import json, os, sys
sys.path.insert(0, os.getcwd())
legacy = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
if legacy:
    import tf_keras as keras
else:
    import keras
from mylib.layers import RegLayer, UnregLayer, scale_reg, scale_unreg, my_loss_unreg
prefix = "tk_" if legacy else "k3_"
done = {}

def functional(*layers):
    inputs = keras.Input(shape=(4,))
    x = inputs
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, x)

def save(name, model, loss="mean_squared_error", formats=(".keras", ".h5")):
    if loss is not None:
        model.compile(optimizer="adam", loss=loss)
    for ext in formats:
        path = prefix + name + ext
        try:
            model.save(path)
            done[path] = None
        except Exception as exc:
            done[path] = f"{type(exc).__name__}: {exc}"[:300]

save("builtin", functional(keras.layers.Dense(3, activation="relu")))
save("sequential", keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)]))
save("nocompile", functional(keras.layers.Dense(3)), loss=None)
save("loss_alias", functional(keras.layers.Dense(3)), loss="mse")
save("registered", functional(RegLayer(3)))
save("unregistered", functional(UnregLayer(3)))
save("lambda", functional(keras.layers.Lambda(lambda t: t * 2.0)))
save("lambda_fn_reg", functional(keras.layers.Lambda(scale_reg)))
save("lambda_fn_unreg", functional(keras.layers.Lambda(scale_unreg)))
save("activation_unreg", functional(keras.layers.Dense(3, activation=scale_unreg)))
save("loss_unreg", functional(keras.layers.Dense(3)), loss=my_loss_unreg)
save("loss_lambda", functional(keras.layers.Dense(3)), loss=lambda y, p: (y - p) ** 2)
embedding = keras.Sequential([keras.Input(shape=(4,), dtype="int32"), keras.layers.Embedding(10, 3)])
save("embedding", embedding)
save("lambda_defaults", functional(keras.layers.Lambda(lambda t, a=2.0: t * a)))
save("lambda_suspicious", functional(keras.layers.Lambda(lambda t: t if hasattr(t, "system") else t)))
# Lambdas reading globals (KL626): a module constant, and `tf` (tf_keras's Lambda module has it, Keras 3's
# rebuilt lambda does not).
SCALE = 3.0
save("lambda_global_scale", functional(keras.layers.Lambda(lambda t: t * SCALE)))
import tensorflow as tf
save("lambda_global_tf", functional(keras.layers.Lambda(lambda t: tf.abs(t))))
save("nested_builtin", functional(functional(keras.layers.Dense(4)), keras.layers.Dense(2)))
inner = functional(keras.layers.Dense(4), UnregLayer(4))
save("nested_unreg", functional(inner, keras.layers.Dense(2)))
save("wrapped_unreg", keras.Sequential([keras.Input(shape=(2, 4)), keras.layers.TimeDistributed(UnregLayer(4))]))
# Lookup layers given their vocabulary as a file (KL615): one kept in exports/, one deleted after saving.
os.makedirs("exports", exist_ok=True)
for name, vocabulary in (("vocab_present", "exports/vocab.txt"), ("vocab_missing", prefix + "vocab_gone.txt")):
    with open(vocabulary, "w") as handle:
        handle.write("a\nb\nc\n")
    lookup = keras.Sequential([keras.Input(shape=(1,), dtype="string"), keras.layers.StringLookup(vocabulary=vocabulary)])
    save(name, lookup, loss=None)
os.remove(prefix + "vocab_gone.txt")
if not legacy:  # a TFSMLayer (KL614): the SavedModel it loads sits in exports/, beside the files
    functional(keras.layers.Dense(3)).export("exports/dense", verbose=False)
    save("tfsm", functional(keras.layers.TFSMLayer("exports/dense", call_endpoint="serve")), loss=None, formats=(".keras",))
if legacy:
    model = functional(UnregLayer(3))
    model.compile(optimizer="adam", loss="mean_squared_error")
    model.save(prefix + "savedmodel_unreg", save_format="tf")
    done[prefix + "savedmodel_unreg"] = None
    model = functional(keras.layers.Dense(3))
    model.compile(optimizer="adam", loss="mean_squared_error")
    model.save(prefix + "savedmodel_builtin", save_format="tf")
    done[prefix + "savedmodel_builtin"] = None
model = functional(keras.layers.Dense(3))
model.save_weights(prefix + "weights_only.weights.h5")
done[prefix + "weights_only.weights.h5"] = None
print("@@built@@ " + json.dumps(done))
'''

LOAD = r'''
import json, os, select, signal, sys
LOAD_TIMEOUT = 60
legacy = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
if legacy:
    import tf_keras as keras
else:
    import keras


def load(path, compile_, safe_mode):
    try:
        keras.models.load_model(path, compile=compile_, safe_mode=safe_mode)
        return None
    except BaseException as exc:
        text = f"{type(exc).__name__}: {exc}"
        return text[:200] + " ... " + text[-300:] if len(text) > 500 else text


# Each load in a child forked from this process, which has imported Keras and nothing else: a load
# that imports or registers something (Keras < 3.9 imports the module a file names) cannot help
# the next one.
results = {}
for path, compile_, safe_mode in json.loads(sys.argv[1]):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, json.dumps(load(path, compile_, safe_mode)).encode())
        os._exit(0)
    os.close(write)
    data = b""
    # A load may hang (Keras 3.6 on a tf_keras HDF5 file with a nested model spins at 100 % CPU):
    # after LOAD_TIMEOUT seconds without an answer the child is killed, and that counts as a failure.
    while select.select([read], [], [], LOAD_TIMEOUT)[0]:
        chunk = os.read(read, 65536)
        if not chunk:
            break
        data += chunk
    else:
        os.kill(pid, signal.SIGKILL)
        data = json.dumps(f"TimeoutError: the load did not finish in {LOAD_TIMEOUT} s").encode()
    os.close(read)
    _, status = os.waitpid(pid, 0)
    results[f"{path}|{compile_}|{safe_mode}"] = json.loads(data) if data else f"the loading process died ({status})"
print("@@loaded@@ " + json.dumps(results))
'''
