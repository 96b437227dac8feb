"""Run version probes in one interpreter: `python run.py LINE PHASE WORKDIR FACT[,FACT...]`.

LINE says which Keras to probe: "tf.keras" and "tf_keras" probe `tensorflow.keras` (the caller sets
TF_USE_LEGACY_KERAS=1 for tf_keras, which makes `tf.keras` the tf-keras package), "keras3" probes
`import keras`. PHASE is "save" (a fresh process that builds, saves and answers what it can) or
"load" (a second fresh process, which sees only the files the first one wrote: what a loading
script sees). Each fact is the module `<fact>.py` beside this file, with `save(keras, work)` and
optionally `load(keras, work)`, each returning a verdict {"holds": bool, "observed": str} or, for
`save`, None when `load` decides. The verdicts go to stdout as one JSON line after MARK:
{"keras": version, "module": name, "verdicts": {fact: verdict}}. Written for Python >= 3.7 and every
Keras from multi-backend Keras 2.3 and tf.keras 2.2 on.
"""

import importlib.util
import json
import os
import sys
import traceback

MARK = "@@version_probes@@ "
HERE = os.path.dirname(os.path.abspath(__file__))


def import_keras(line):
    if line in ("keras3", "keras2-multibackend"):
        import keras
        module = keras.layers.Layer.__module__
        if (line == "keras2-multibackend") != module.startswith("keras.engine."):
            raise SystemExit(f"keras here is {module}, not the {line} line")
        return keras
    import tensorflow as tf
    keras = tf.keras
    module = keras.layers.Layer.__module__
    # tf.keras is tensorflow.python.keras up to TF 2.5, the keras package from 2.6 (keras.src from
    # 2.13), tf_keras under the switch on TF >= 2.16, and Keras 3 (keras.src.layers) without it
    wanted = ("tf_keras.",) if line == "tf_keras" else ("keras.", "tensorflow.python.keras.")
    if not module.startswith(wanted) or module.startswith("keras.src.layers"):
        raise SystemExit(f"tf.keras here is {module}, not the {line} line")
    return keras


def keras_version(keras):
    version = getattr(keras, "__version__", None)
    if version is None:
        import tensorflow as tf
        version = tf.__version__  # tf.keras of TF <= 2.12 has no __version__ of its own
    return version


def load_probe(fact):
    spec = importlib.util.spec_from_file_location("version_probe_" + fact, os.path.join(HERE, fact + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main():
    line, phase, workdir, facts = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3]), sys.argv[4].split(",")
    sys.path.insert(0, HERE)
    os.environ["VERSION_PROBE_LINE"] = line
    keras = import_keras(line)
    verdicts = {}
    for fact in facts:
        work = os.path.join(workdir, fact)
        os.makedirs(work, exist_ok=True)
        os.chdir(work)
        probe = load_probe(fact)
        step = getattr(probe, phase, None)
        if step is None:
            continue
        try:
            verdict = step(keras, work)
        except Exception:
            verdict = {"holds": None, "observed": "probe crashed: " + traceback.format_exc()[-1500:]}
        if verdict is not None:
            verdicts[fact] = verdict
    result = {"keras": keras_version(keras), "module": keras.layers.Layer.__module__, "verdicts": verdicts}
    print(MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
