"""Every fact about Keras the rules rely on, as data, in one place: where Keras lives (its module
spellings), which Keras classes make a subclass a custom object and what their configs carry, how
things are registered and loaded, and the names a saved function reloads as. A new Keras release
touches this file. Each fact says where it was read or measured (the Keras source, or a test that
saves and loads a real model).

Paths such as `layers.Layer` are public paths: what `names.keras_path` folds every spelling onto
(`keras.layers.Layer`, `tf.keras.layers.Layer`, `tf_keras.src.engine.base_layer.Layer`, ...).
"""

# -- where Keras lives -----------------------------------------------------------------------------

# Prefixes under which a module *is* Keras, longest first so the most specific one wins.
KERAS_ROOTS = sorted(
    [
        "keras",
        "keras_core",  # the Keras 3 preview (2023): the Keras 3 API under another name
        "tf_keras",
        "tensorflow.keras",
        "tensorflow.python.keras",
        "tensorflow.compat.v1.keras",
        "tensorflow.compat.v2.keras",
        "tensorflow._api.v2.keras",
    ],
    key=len,
    reverse=True,
)
# Inner package levels that say nothing about which public module a symbol belongs to.
INNER_PREFIXES = ("src.", "api._v2.keras.", "_tf_keras.keras.", "api.", "python.")

# Top-level packages that are Keras 3 (`import keras_core as keras`: the same API, judged as `keras`).
KERAS3_PACKAGES = ("keras", "keras_core")
# Keras 2 spellings: a file that imports one of these is judged as Keras 2 when no target is set.
# Besides tf_keras and TensorFlow's internal copy, the modules of the `keras` package that Keras 3
# no longer has (each `import` raises ModuleNotFoundError under Keras 3.15.1; measured): a file
# importing one cannot run on Keras 3.
KERAS2_MODULES = (
    "tf_keras", "keras.engine", "tensorflow.python.keras",
    "keras.utils.generic_utils", "keras.utils.np_utils", "keras.utils.vis_utils", "keras.utils.data_utils",
    "keras.utils.layer_utils", "keras.layers.merge", "keras.layers.core", "keras.layers.convolutional",
    "keras.layers.recurrent", "keras.layers.advanced_activations", "keras.layers.normalization",
    "keras.layers.embeddings", "keras.layers.pooling", "keras.layers.wrappers", "keras.backend.tensorflow_backend",
    "keras.wrappers.scikit_learn", "keras.preprocessing.text", "keras.callbacks.callbacks", "keras.saving.hdf5_format",
)
# TensorFlow's legacy switch: with it on ("1", "true", "True"), `tf.keras` is tf_keras (Keras 2);
# `import keras` is still the keras package (Keras 3).
LEGACY_SWITCH = "TF_USE_LEGACY_KERAS"
SWITCH_ON = ("1", "true", "True")


# -- custom-object bases ---------------------------------------------------------------------

# Keras base classes that make a subclass a custom object, by public path (see names.path_matches).
CUSTOM_OBJECT_BASES = {
    "layer": ("Layer", "layers.Layer", "engine.base_layer.Layer", "layers.layer.Layer"),
    "model": (
        "Model", "Sequential", "models.Model", "models.Sequential", "models.functional.Functional",
        "engine.training.Model", "engine.sequential.Sequential", "engine.functional.Functional",
    ),
    "loss": ("Loss", "losses.Loss"),
    "metric": ("Metric", "metrics.Metric"),
    "initializer": ("Initializer", "initializers.Initializer"),
    "regularizer": ("Regularizer", "regularizers.Regularizer"),
    "constraint": ("Constraint", "constraints.Constraint"),
    "schedule": ("optimizers.schedules.LearningRateSchedule", "optimizers.LearningRateSchedule"),
    "optimizer": ("Optimizer", "optimizers.Optimizer"),
}
# Public modules whose capitalised exports are all custom-object bases of one kind (`layers.Dense`).
KIND_BY_MODULE = {
    "layers": "layer", "models": "model", "losses": "loss", "metrics": "metric",
    "initializers": "initializer", "regularizers": "regularizer", "constraints": "constraint",
    "optimizers": "optimizer",
}
# Keras classes under those modules that are no base class at all.
NOT_CUSTOM_OBJECT_BASES = ("layers.InputSpec", "optimizers.schedules.serialize", "layers.Input")
# Keras's plain Layer and Model: a subclass that overrides no get_config gets the automatic config.
PLAIN_BASES = (
    "Layer", "layers.Layer", "engine.base_layer.Layer", "layers.layer.Layer",
    "Model", "models.Model", "engine.training.Model",
)
# Keras bases whose from_config does not simply call `cls(**config)`: nothing is claimed for them.
OWN_FROM_CONFIG_BASES = (
    "Sequential", "models.Sequential", "engine.sequential.Sequential",
    "models.functional.Functional", "engine.functional.Functional", "Functional",
)
KERAS_OWN = PLAIN_BASES + OWN_FROM_CONFIG_BASES
# Built-in layers that own trainable weights: a class built on one, or holding one, is affected by
# `trainable`; a class with no weights at all (a preprocessing or dropout layer) is not.
WEIGHTED_LAYERS = frozenset(
    """Dense EinsumDense Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose Conv3DTranspose
    Convolution1D Convolution2D Convolution3D Convolution2DTranspose Convolution3DTranspose
    DepthwiseConv1D DepthwiseConv2D SeparableConv1D SeparableConv2D SeparableConvolution1D
    SeparableConvolution2D Embedding LSTM GRU SimpleRNN LSTMCell GRUCell SimpleRNNCell Bidirectional
    ConvLSTM1D ConvLSTM2D ConvLSTM3D MultiHeadAttention GroupedQueryAttention LayerNormalization
    BatchNormalization GroupNormalization RMSNormalization UnitNormalization PReLU""".split()
)
# Keras bases whose get_config cannot serialize anything: it raises NotImplementedError.
RAISING_BASES = (
    "regularizers.Regularizer", "Regularizer",
    "optimizers.schedules.LearningRateSchedule", "optimizers.LearningRateSchedule",
)
# Keras bases whose get_config returns {} (both majors): a config of the class's own needs no super().
EMPTY_CONFIG_BASES = ("initializers.Initializer", "constraints.Constraint")


# `__init__` parameters Keras passes back by itself (Layer/Model config) or that never need a key.
EXEMPT_PARAMS = frozenset({"name", "trainable", "dtype", "weights"})  # weights: initial values, loaded from the file
# Keras's own Layer/Model: the keys their get_config writes (Keras 3 and tf_keras).
LAYER_CONFIG_KEYS = frozenset({"name", "trainable", "dtype", "activity_regularizer"})
# Keras's plain Layer, and built-ins that keep its get_config (their subclasses get the automatic config)
LAYER_BASES = (*CUSTOM_OBJECT_BASES["layer"], "layers.AbstractRNNCell")
MODEL_BASES = ("Model", "models.Model", "engine.training.Model")  # Keras's plain Model


# -- registering, saving and loading ---------------------------------------------------------

# `register_keras_serializable`, as Keras 3 (saving.) and Keras 2 (utils.) export it.
# register_keras_serializable's `package` when none is given: "Custom" ("Custom>Name").
DEFAULT_REGISTRATION_PACKAGE = "Custom"
REGISTER_KERAS_SERIALIZABLE = ("saving.register_keras_serializable", "utils.register_keras_serializable")
# Everything whose call registers what it decorates.
REGISTER_FUNCTIONS = (
    *REGISTER_KERAS_SERIALIZABLE,
    "saving.serialization_lib.register_internal_serializable",  # what keras_export calls
    "api_export.keras_export",  # Keras's own sources: registers every class it exports
)
# The registry itself, which `get_custom_objects()[name] = X` writes.
GET_CUSTOM_OBJECTS = ("saving.get_custom_objects", "utils.get_custom_objects")

# Roots of bases that make a class provably not a Keras layer or model (test cases, ABCs, plain objects;
# TensorFlow's own classes such as tf.test.TestCase and tf.Module, once its Keras paths are set apart).
NON_KERAS_BASE_ROOTS = (
    "object", "abc", "unittest", "absl", "parameterized", "typing", "enum", "collections", "tensorflow",
)
# Functions that turn a nested object into its config.
SERIALIZE_FUNCTIONS = ("serialize_keras_object", "serialize")
# Keras's loaders of a whole model.
LOADERS = (
    "models.load_model", "saving.load_model", "models.model_from_json", "models.model_from_config",
    "models.model_from_yaml",
)
# Deserializers of one object: mostly called inside a `from_config`, where the loader's
# `custom_objects` are already in scope; judged only outside classes and wrappers.
DESERIALIZERS = ("layers.deserialize", "saving.deserialize_keras_object", "utils.deserialize_keras_object")
# Scopes that hand custom objects to every load inside them.
SCOPES = (
    "utils.custom_object_scope", "saving.custom_object_scope", "utils.CustomObjectScope", "saving.CustomObjectScope",
)


# Keywords under which Keras saves a callable by name: a layer's activations and its
# *_initializer / *_regularizer / *_constraint, and compile()'s losses and metrics.
LAYER_KEYWORDS = ("activation", "recurrent_activation")
LAYER_KEYWORD_SUFFIXES = ("_initializer", "_regularizer", "_constraint")
COMPILE_KEYWORDS = ("loss", "metrics", "weighted_metrics")
COMPILE_MARKERS = ("loss", "optimizer", "metrics")  # keywords that make `<x>.compile(...)` Keras's
NOT_LAYERS = ("Input", "InputSpec")


# -- what an argument passed to a constructor is (index/arguments.py, analysis/argument_kinds.py) --

# Calls that make an array or a tensor: Keras 3's automatic config refuses them (measured).
ARRAY_MAKERS = frozenset(
    [f"numpy.{n}" for n in "array asarray zeros ones full eye identity arange linspace zeros_like ones_like "
     "full_like".split()]
    + [f"tensorflow.{n}" for n in "constant Variable zeros ones fill eye range convert_to_tensor".split()]
    + ["keras.Input", "keras.layers.Input", "keras.ops.convert_to_tensor", "keras.Variable"]
)
# TensorFlow's own initializer objects (tensorflow.python.ops.init_ops_v2, no Keras class): the automatic
# config refuses them -- Keras 3.15.1 at the save even as an untouched default, tf.keras 2.11.1/2.15.1
# and tf_keras 2.21 when passed ("... non-serializable argument values"; measured for zeros, ones,
# constant and random_normal).
TF_INITIALIZER_MAKERS = frozenset(
    f"tensorflow.{n}_initializer" for n in "zeros ones constant random_normal random_uniform truncated_normal "
    "glorot_uniform glorot_normal orthogonal variance_scaling".split()
)
# Builtins whose result is a str/int/float/bool: a plain value.
PLAIN_BUILTINS = frozenset("int float str bool len round abs min max sum repr format ord chr".split())
# The public Keras paths whose instances an argument may hold, by the kind argument_kinds gives them
# (the rest of a Keras class's kind comes from base_kind: a layer or model, else serializable).
TENSOR_CLASSES = ("Input", "layers.Input", "Variable", "KerasTensor")
# Public functions that rebuild an object from its config (or name), by the custom-object kind of what
# they return ("function" for an activation): a from_config's `config["x"] = keras.layers.deserialize(...)`
# says what `cls(**config)` gives `x`.
REBUILDERS = {
    **{f"{module}.{name}": kind for module, kind in (
        ("layers", "layer"), ("initializers", "initializer"), ("regularizers", "regularizer"),
        ("constraints", "constraint"), ("losses", "loss"), ("metrics", "metric"), ("optimizers", "optimizer"),
        ("activations", "function"),
    ) for name in ("deserialize", "get")},
    "models.model_from_json": "model", "models.clone_model": "model", "saving.load_model": "model",
    "models.load_model": "model",
}

# -- a Layer's own names ----------------------------------------------------------------------

# Attributes and methods of Keras's Layer (Keras 3 and 2): a captured value stored under one of these
# names would break the layer.
LAYER_ATTRIBUTES = frozenset(
    """activity_regularizer add_loss add_metric add_update add_variable add_weight apply autocast build
    build_from_config built call call_signature_parameters compute_dtype compute_mask compute_output_shape
    compute_output_signature compute_output_spec count_params dtype dtype_policy dynamic finalize_state
    from_config get_build_config get_config get_input_at get_output_at get_weights inbound_nodes input
    input_dtype input_mask input_shape input_spec kwargs load_own_variables losses metrics metrics_variables
    name name_scope non_trainable_variables non_trainable_weights outbound_nodes output output_mask
    output_shape path quantization_mode quantize quantized_build quantized_call rematerialized_call
    save_own_variables self set_weights stateful stateless_call submodules super supports_jit
    supports_masking symbolic_call trainable trainable_variables trainable_weights tuple updates
    variable_dtype variables weights""".split()
)


# -- names a saved function reloads as ---------------------------------------------------------

# A saved function is stored by bare name; Keras 3 finds it on load only if that name is one of its
# built-ins in activations, losses, metrics, initializers, ... (serialization_lib.BUILTIN_MODULES),
# measured with `Lambda(keras.activations.relu)` (loads) and `Lambda(keras.ops.sum)` (does not). Only
# names exported as functions count: `identity`, `swish`, `l2`, `zeros`, ... do not resolve on load
# (tests/test_keras_proof_functions.py asks Keras's own lookup for every name).
KERAS_BUILTIN_FUNCTION_NAMES = frozenset(
    """binary_accuracy binary_crossentropy binary_focal_crossentropy categorical_accuracy
    categorical_crossentropy categorical_focal_crossentropy categorical_generalized_cross_entropy
    categorical_hinge celu circle concordance_correlation cosine_similarity ctc dice elu
    exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_tanh hinge huber kl_divergence
    leaky_relu linear log_cosh log_sigmoid log_softmax mean_absolute_error
    mean_absolute_percentage_error mean_squared_error mean_squared_logarithmic_error mish
    pearson_correlation poisson relu relu6 selu sigmoid silu soft_shrink softmax softplus softsign
    sparse_categorical_accuracy sparse_categorical_crossentropy sparse_plus sparse_sigmoid
    sparse_top_k_categorical_accuracy sparsemax squared_hinge squareplus tanh tanh_shrink threshold
    top_k_categorical_accuracy tversky""".split()
)
# Names the modules' own `get()` lookups know (snake_case aliases of classes such as `orthogonal`,
# `l2`, `zeros`; `swish`) that the bare-function lookup above does not find: KL301 judges layer and
# compile keywords, which go through those lookups.
KERAS_MODULE_ONLY_NAMES = frozenset(
    """constant glorot_normal glorot_uniform hard_swish he_normal he_uniform identity l1 l1_l2 l2
    lecun_normal lecun_uniform max_norm min_max_norm non_neg ones orthogonal orthogonal_regularizer
    random_normal random_uniform stft swish truncated_normal unit_norm variance_scaling zeros""".split()
)
KERAS_KEYWORD_NAMES = KERAS_BUILTIN_FUNCTION_NAMES | KERAS_MODULE_ONLY_NAMES
# Functions outside those modules whose bare name reloads as a Keras built-in that computes the same
# (measured: equal outputs after save/load). `keras.ops.gelu` is NOT here: it reloads as
# `keras.activations.gelu`, whose `approximate` default differs -- outputs silently change.
SAME_AS_BUILTIN = frozenset(
    "relu leaky_relu hard_sigmoid hard_silu sparse_plus squareplus celu elu log_softmax glu sigmoid".split()
)
# The modules whose functions Keras saves by bare name (serialization_lib.BUILTIN_MODULES).
BUILTIN_MODULES = ("activations", "losses", "metrics", "initializers", "regularizers", "constraints", "optimizers")


# == Keras versions: which Keras a project's declared TensorFlow / Keras runs (issue 18) =========
# Read by keras_lint/dependencies, which turns a project's requirements into the Keras lines and versions
# it is judged against. A version here is a minor release ("2.10"); a range is a run of them.


def _minors(major: int, first: int, last: int) -> tuple:
    return tuple(f"{major}.{minor}" for minor in range(first, last + 1))


# Every minor release the version facts know, oldest first. The newest are the ones measured here
# (TensorFlow 2.21.0, Keras 3.15.1, tf_keras 2.21.0: research/keras-semantics.md section 0); a
# declaration that allows only newer releases is judged as the newest known.
TENSORFLOW_VERSIONS = _minors(1, 0, 15) + _minors(2, 0, 21)
KERAS_VERSIONS = _minors(1, 0, 2) + _minors(2, 0, 15) + _minors(3, 0, 15)
TF_KERAS_VERSIONS = _minors(2, 14, 21)  # the tf-keras package was first released as 2.14

# PyPI (and conda) distributions that install TensorFlow itself, with TensorFlow's version
# numbers, as PEP 503 normalises their names (tensorflow's setup.py names the -intel and -cpu-aws
# builds it installs on Windows and Linux/aarch64).
TENSORFLOW_DISTRIBUTIONS = frozenset(
    """tensorflow tensorflow-cpu tensorflow-gpu tensorflow-macos tensorflow-intel tensorflow-aarch64
    tensorflow-cpu-aws tensorflow-rocm tensorflow-base tf-nightly tf-nightly-cpu tf-nightly-gpu
    tf-nightly-macos tf-nightly-intel tf-nightly-cpu-aws""".split()
)
KERAS_DISTRIBUTIONS = frozenset({"keras", "keras-nightly"})
TF_KERAS_DISTRIBUTIONS = frozenset({"tf-keras", "tf-keras-nightly"})  # `tf_keras` normalises to tf-keras

# TensorFlow 2.16 made `tf.keras` Keras 3 (its release notes; under TF 2.21 `tf.keras.X is keras.X`,
# research/keras-semantics.md section 2). Every earlier TensorFlow has its own Keras 2, whose
# version is the TensorFlow version.
FIRST_TF_WITH_KERAS3 = "2.16"
# The lowest Keras 3 each TensorFlow requires (its `keras>=` requirement); a TensorFlow between two
# entries has the earlier entry's floor (floors only rise, so this never excludes a valid pair).
# Read from each release's METADATA (`pip install --dry-run --no-deps --report - tensorflow-cpu==X`):
# 2.16.2 keras>=3.0.0, 2.17.1 keras>=3.2.0, 2.18.1 and 2.19.1 keras>=3.5.0, 2.20.0 keras>=3.10.0,
# 2.21.0 keras>=3.12.0.
KERAS3_FLOOR_BY_TF = {"2.16": "3.0", "2.17": "3.2", "2.18": "3.5", "2.20": "3.10", "2.21": "3.12"}
# The `keras` distribution by version: up to 2.3 the multi-backend Keras; 2.4 and 2.5 a shim that
# re-exports tf.keras; 2.6 to 2.15 tf.keras's own code, split out of TensorFlow (TF 2.X requires
# keras 2.X: TF 2.11's setup.py pins `keras >= 2.11.0rc1, < 2.12`); 3.x Keras 3.
LAST_MULTIBACKEND_KERAS = "2.3"
FIRST_KERAS_AS_TF_KERAS = "2.6"
# tf-keras 2.X requires tensorflow 2.X (tf_keras-2.21.0 METADATA: tensorflow<2.22,>=2.21).
# A range with no lower bound (`tensorflow<2.11`, `keras<3`) starts where the era of its newest
# allowed release starts: tf.keras 2.0-2.10, not TensorFlow 1.0; keras 2.4-2.15, not 1.0.
VERSION_ERAS = {"tensorflow": ("1.0", "2.0"), "keras": ("1.0", "2.0", "2.4", "3.0"), "tf-keras": ("2.14",)}

# The Keras lines a project can run, oldest first, as messages name them.
KERAS_LINES = {
    "keras2-multibackend": "multi-backend Keras",  # standalone keras <= 2.3
    "tf.keras": "tf.keras",  # TensorFlow's own Keras 2 (TF < 2.16), also the keras 2.4-2.15 package
    "tf_keras": "tf_keras",  # the tf-keras package: `tf.keras` on TF >= 2.16 under the legacy switch
    "keras3": "Keras",  # Keras 3 (keras >= 3; `tf.keras` on TF >= 2.16)
}


# == Versioned facts (issue 18, step 4) ==
# fact -> {keras line: PEP 440 specifier of the minor versions of that line where the fact HOLDS}
# Lines: "tf.keras" (TensorFlow's own Keras 2, TF 2.0-2.15), "tf_keras" (the tf-keras package 2.14+),
# "keras3" (Keras 3.x), "keras2-multibackend" (standalone keras <= 2.3). A line absent: never holds there.
# A specifier is one of ">=A.B", "<=A.B", ">=A.B,<=C.D", "==A.B", or "" (every minor of the line), A.B
# a minor version; fact_holds compares them as integer pairs, without `packaging` (this module stays
# import-light). A minor is included when the fact holds on its latest patch release, the one
# `pip install "keras==3.11.*"` installs.
# How each was measured: the probe tests/version_probes/<fact>.py (a tiny functional model, input
# (batch, 4); saving in one fresh process, loading in another), run by tests/test_versioned_facts.py on
# tf.keras 2.10 (TF 2.10.1, Python 3.10), tf.keras 2.15 (TF 2.15.1), tf_keras 2.21 (TF 2.21.0,
# TF_USE_LEGACY_KERAS=1), Keras 3.6.0 (TF 2.18.1) and Keras 3.15.1 (TF 2.21.0); the boundaries between
# them bisected by hand with the same probes on TF 2.11.1, 2.12.1, 2.13.1, 2.14.1 and on Keras 3.0.5,
# 3.1.1, 3.2.1, 3.3.3, 3.4.1, 3.5.0 (TF 2.16.2) and 3.7.0, 3.8.0, 3.9.2, 3.10.0, 3.11.3, 3.12.4, 3.13.2,
# 3.14.1 (TF 2.18.1), and spot-checked on TF 2.1.4 (Python 3.7). tf.keras 2.8 (TF 2.8.4, Python 3.8)
# is in the test matrix too; every probe was also run by hand on TF 2.2.3, 2.3.4 (whose tf.keras says
# 2.3.0-tf and 2.4.0), 2.4.4, 2.5.3, 2.6.5, 2.7.4 and 2.9.3 (Python 3.8): every fact agreed. Every fact
# not commented otherwise had one answer on all Keras 3 minors and on all tf.keras minors measured
# (2.1-2.15; tf.keras 2.0 has no tensorflow-cpu wheel). tf_keras was measured at 2.21 only (2.14-2.20 taken as 2.21, which agrees with tf.keras
# 2.15 on every fact). The multi-backend Keras line (standalone keras <= 2.3) was measured on Keras 2.3.1
# only (TensorFlow 2.1.4 backend, Python 3.7), every probe in the test matrix (interpreter kmb23 of
# tests/test_versioned_facts.py). 2.0-2.2 are taken as 2.3. It
# has no register_keras_serializable (keras.utils nor keras.saving), no safe_mode, no save_format
# (TypeError), no SavedModel (a path without extension is an HDF5 file) and no automatic config:
# Layer.get_config carries name, trainable and dtype only, so a Layer with arguments and without
# get_config saves to .h5 and then fails to load even given the class ("TypeError: __init__() missing
# 1 required positional argument: 'factor'"), and a nested Model subclass raises NotImplementedError
# at the .h5 save.
VERSIONED_FACTS = {
    # A Layer whose __init__ takes a plain argument and that has no get_config saves to .h5, .keras and
    # a SavedModel folder (Keras 3: .h5, .keras) and reloads, given the class, as Scale(factor=3.0).
    # TF 2.1.4-2.10.1 (every minor): the .h5 save raises NotImplementedError; TF 2.11.1 on, tf_keras,
    # every Keras 3: reloads.
    "auto_config": {"tf.keras": ">=2.11", "tf_keras": "", "keras3": ""},
    # model.save("m.h5") of that model raises NotImplementedError: TF 2.10.1 "Layer Scale has arguments
    # ['factor'] in `__init__` and therefore must override `get_config()`", TF 2.7.4-2.9.3 the same
    # naming ['self', 'factor'], TF 2.2.3-2.6.5 "Layer Scale has arguments in `__init__` and therefore
    # must override `get_config`.", TF 2.1.4 "Layers with arguments in `__init__` must override
    # `get_config`."; TF 2.11.1 on save.
    "h5_requires_get_config": {"tf.keras": "<=2.10"},
    # A Layer without get_config whose argument defaults to a Keras object (`gamma_initializer=
    # keras.initializers.Zeros()`), built without passing it: from Keras 3.12 the automatic config
    # records the default too and refuses it, model.save("m.h5") (and "m.keras") raises
    # "NotImplementedError: Object Gate was created by passing non-serializable argument values": Keras
    # 3.12.1, 3.13.2, 3.14.0, 3.15.1. Keras 3.6.0-3.11.3 (bisected on TF 2.18.1: 3.7.0, 3.8.0, 3.9.2,
    # 3.10.0, 3.11.3), tf.keras 2.11.1 and 2.15.1 and tf_keras 2.21 record only the arguments passed:
    # saved (tf_keras reloads it given the class, with the default; also for a layer default,
    # `inner=Dense(2)`); passing such a value raises there too. TF 2.10 and before raise for any
    # argument (h5_requires_get_config); multi-backend Keras saves its base config.
    "auto_config_records_defaults": {"keras3": ">=3.12"},
    # model.save("m_noext") writes a SavedModel folder (saved_model.pb) on every tf.keras and tf_keras;
    # every Keras 3 raises "ValueError: Invalid filepath extension for saving".
    "path_without_extension_savedmodel": {"tf.keras": "", "tf_keras": ""},
    # Lambda(lambda x: x * 2.0) saved to .h5 stores its bytecode, and load_model("m.h5") in a fresh
    # process (no custom objects, no safe_mode) loads it with equal outputs: every tf.keras, tf_keras,
    # Keras 3.0.5-3.10.0; Keras 3.11.3 on refuse it ("Requested the deserialization of a `Lambda` layer
    # whose `function` is a Python lambda"; research/saved-model-files.md dates this .h5 safe_mode gate to
    # 3.11.3, so 3.11.0-3.11.2 are taken to load it, unmeasured).
    "lambda_bytecode_in_h5": {"tf.keras": "", "tf_keras": "", "keras3": "<=3.10", "keras2-multibackend": ""},
    # load_model(path, safe_mode=True) runs and safe_mode is a named parameter: TF 2.10.1 and 2.11.1
    # raise "TypeError: load_model() got an unexpected keyword argument 'safe_mode'"; TF 2.12.1 on,
    # tf_keras and every Keras 3 accept it.
    "safe_mode_argument": {"tf.keras": ">=2.12", "tf_keras": "", "keras3": ""},
    # A model with Lambda(lambda x: ...) saved to "m.keras" fails to load by default, in a fresh process,
    # with an error naming safe_mode: TF 2.13.1 on, tf_keras, every Keras 3; TF <= 2.12.1 wrote that
    # file as HDF5 (keras_suffix_writes_zip) and load it.
    "safe_mode_refuses_lambda": {"tf.keras": ">=2.13", "tf_keras": "", "keras3": ""},
    # model.save("m_tf", save_format="tf") and model.save("m_fmt.h5", save_format="h5") both save on every
    # tf.keras and tf_keras; every Keras 3 raises "The `save_format` argument is deprecated in Keras 3"
    # for "tf" (a save_format matching the extension only warns).
    "save_format_argument": {"tf.keras": "", "tf_keras": ""},
    # model.save_weights("w.h5") raises "The filename must end in `.weights.h5`" on every Keras 3; every
    # tf.keras and tf_keras saves it.
    "save_weights_requires_weights_h5": {"keras3": ""},
    # ModelCheckpoint("ckpt_noext", save_weights_only=False) raises "The filepath provided must end in
    # `.keras`" (when made) on every Keras 3; every tf.keras and tf_keras writes a SavedModel during fit.
    "checkpoint_requires_keras_suffix": {"keras3": ""},
    # keras.saving.register_keras_serializable exists (tf.keras.saving.* on tf.keras): missing in TF
    # 2.10.1 and 2.11.1; TF 2.12.1 on, tf_keras and every Keras 3 have it.
    "register_in_keras_saving": {"tf.keras": ">=2.12", "tf_keras": "", "keras3": ""},
    # keras.utils.register_keras_serializable exists: everywhere measured.
    "register_in_keras_utils": {"tf.keras": "", "tf_keras": "", "keras3": ""},
    # register_keras_serializable() without package= registers the class as "Custom>Probed"
    # (get_registered_name): everywhere measured.
    "registered_name_default_package_custom": {"tf.keras": "", "tf_keras": "", "keras3": ""},
    # model.save("m.keras") writes the Keras v3 zip format: TF 2.13.1 on, tf_keras, every Keras 3; TF
    # 2.10.1-2.12.1 write an HDF5 file under that name.
    "keras_suffix_writes_zip": {"tf.keras": ">=2.13", "tf_keras": "", "keras3": ""},
    # ModelCheckpoint("m.h5", save_weights_only=False) writes the whole model to HDF5 during fit: every
    # tf.keras and tf_keras, Keras 3.8.0 on; Keras 3.0.5-3.7.0 raise "The filepath provided must end in
    # `.keras` (Keras model format). Received: filepath=m.h5".
    "checkpoint_accepts_h5": {"tf.keras": "", "tf_keras": "", "keras3": ">=3.8", "keras2-multibackend": ""},
    # An unregistered custom layer (with get_config) from an importable module, saved to "m.keras",
    # loads in a fresh process that neither imports the module nor passes custom_objects (the loader
    # imports the module the file names; CVE-2025-1550): Keras 3.0.5-3.8.0. Keras 3.9.2 on refuse
    # ("Could not locate class" inside "could not be deserialized properly"), and so do every tf.keras
    # ("Unknown layer" from HDF5 before 2.13; TF 2.13.1-2.15.1 "TypeError: 'str' object is not
    # callable") and tf_keras.
    "keras_file_imports_unregistered_class": {"keras3": "<=3.8"},
    # load_model("m.h5", custom_objects={"Scaled": Scaled}) finds a custom layer that has a get_config:
    # every tf.keras and tf_keras, Keras 3.3.3 on; Keras 3.0.5-3.2.1 ignore custom_objects= on the .h5
    # path ("ValueError: Unknown layer: 'Scaled'"; a custom_object_scope works there).
    "h5_load_honours_custom_objects": {"tf.keras": "", "tf_keras": "", "keras3": ">=3.3", "keras2-multibackend": ""},
    # A Layer without get_config whose __init__ takes no **kwargs (Reverb(trainable=False, factor=3.0,
    # name=...)) saves to .h5, and load_model passes the automatic config's dtype back into __init__:
    # "TypeError: Reverb.__init__() got an unexpected keyword argument 'dtype'" on TF 2.11.1, and
    # "TypeError: Error when deserializing class 'Reverb'" on Keras 3.6.0 and 3.15.1, and on multi-backend
    # Keras 2.3.1 (whose Layer.get_config always carries dtype, automatic config or not); TF 2.12.1 and
    # 2.15.1 and tf_keras 2.21 load it; TF 2.10.1 refuses the .h5 save (found in the triage of ddsp).
    "auto_config_passes_base_keys": {"tf.keras": "==2.11", "keras3": "", "keras2-multibackend": ""},
    # A keras.Model subclass taking a plain argument (Widen(units=5)) and without get_config, nested in
    # a functional model saved to .h5, reloads given the class as Widen(units=5): TF 2.12.1, 2.15.1 and
    # tf_keras 2.21. TF 2.9.3, 2.10.1 and 2.11.1 save an empty config for it (any argument; load_model
    # raises "TypeError: Unable to revive model from config", or rebuilds it with its defaults); TF
    # 2.2.3-2.8.4 raise NotImplementedError at the save (model_subclass_h5_save_raises); Keras 3.15.1 raises "Object Widen was created by passing
    # non-serializable argument values" at the save (issue 18 triage of alibi-detect and ddsp).
    "model_auto_config": {"tf.keras": ">=2.12", "tf_keras": ""},
    # A keras.Model subclass without get_config cannot be saved to .h5 even with no __init__ argument
    # (Stack(), nested in a functional model): model.save("m.h5") raises a bare NotImplementedError
    # from Model.get_config: TF 2.2.3, 2.3.4, 2.4.4, 2.5.3, 2.6.5, 2.7.4, 2.8.4 and multi-backend Keras
    # 2.3.1. TF 2.9.3 on save it (an empty config up to 2.11, model_auto_config after), and so do
    # tf_keras 2.21, Keras 3.6.0 and 3.15.1.
    "model_subclass_h5_save_raises": {"tf.keras": "<=2.8", "keras2-multibackend": ""},
    # Layer.get_config carries name, trainable and dtype only, whatever the __init__ takes: the Scale
    # model saves to .h5, and load_model given the class raises "TypeError: __init__() missing 1
    # required positional argument: 'factor'": multi-backend Keras 2.3.1 (see above); every other line
    # either raises at the save (h5_requires_get_config) or records the argument (auto_config).
    "layer_config_drops_arguments": {"keras2-multibackend": ""},
    # A `.h5` save calls get_config of a model's graph layers, not of the layers a custom layer builds
    # itself: Outer(factor), with a get_config, building Scale(factor) in its __init__, saves to .h5
    # and reloads given Outer only, with equal outputs, on every line (all interpreters of the test
    # matrix). A layer handed to a keras.Model subclass without get_config is likewise never
    # serialized where model_auto_config does not hold (the subclass gets an empty config).
    "h5_skips_tracked_sublayers": {"tf.keras": "", "tf_keras": "", "keras3": "", "keras2-multibackend": ""},
    # -- h5_loads_custom_layer_functions (task TA, issue 18 recall triage #09/#19; KL302 reads it) --
    # Dense(2, activation=fn, kernel_initializer=init), fn and init plain project functions, saved to
    # .h5, loads in a fresh process given them (a custom_object_scope; custom_objects= alike, but on
    # Keras 3.0-3.2 which ignore it for .h5), with equal outputs; and a function registered with
    # register_keras_serializable(package=...) as activation loads once the loader registers it.
    # Holds: tf.keras on TF 2.1.4, 2.2.3, 2.3.4, 2.4.4, 2.5.3, 2.6.5, 2.7.4, 2.8.4, 2.9.3, 2.10.1, 2.11.1,
    # 2.12.1, and Keras 3.0.5, 3.1.1, 3.2.1, 3.3.3, 3.4.1, 3.5.0 (TF 2.16.2), 3.6.0, 3.7.0, 3.8.0, 3.9.2,
    # 3.10.0, 3.11.3, 3.12.1, 3.13.2, 3.14.0 (TF 2.18.1), 3.15.1 (every one by this probe). TF 2.13.1, 2.14.1,
    # 2.15.1 and tf_keras 2.21 store the function as {"class_name": "function", ...} and no load
    # finds it, given, registered or not: "TypeError: Error when deserializing class 'Dense' ...
    # Exception encountered: Unknown activation function: 'function'" (for an initializer, a
    # regularizer, a constraint: "Unknown initializer: 'function'", ...; keras-team/keras#20833).
    # Measured by hand alike for kernel_regularizer= and kernel_constraint= functions on TF 2.2.3-2.15.1
    # and tf_keras 2.21 (Keras 3.5.0/3.6.0 refuse a function there when the layer is made; 3.15.1 takes
    # it). A compile() loss function is not concerned: its .h5 loads given custom_objects on every
    # tf.keras and tf_keras measured. Multi-backend Keras 2.3.1: the activation loads given it, but an
    # initializer, regularizer or constraint function does not ("TypeError: probe_init() missing 1
    # required positional argument"), so the fact does not hold there (KL302 is silent on that line).
    "h5_loads_custom_layer_functions": {"tf.keras": "<=2.12", "keras3": ""},
}
# The __init__ arguments that default Layer.get_config of tf.keras <= 2.10 carries itself: any other
# positional-or-keyword argument makes it raise at an .h5 save (keyword-only ones are not looked at:
# it reads getfullargspec(__init__).args).
H5_CONFIG_ARGS = frozenset({"name", "trainable", "dtype", "batch_input_shape"})


def _minor(text: str) -> tuple:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def fact_holds(fact: str, line: str, version: str) -> bool:
    """Whether versioned fact `fact` holds on Keras line `line` (a key of KERAS_LINES) at `version`
    ("2.10", or a full release "2.10.1": only its minor counts). Raises KeyError for an unknown fact
    and ValueError for a specifier outside the grammar VERSIONED_FACTS documents."""
    specifier = VERSIONED_FACTS[fact].get(line)
    if specifier is None:
        return False
    clauses = []
    for clause in filter(None, (part.strip() for part in specifier.split(","))):
        operator, bound = clause[:2], clause[2:].strip().split(".")
        if operator not in (">=", "<=", "==") or len(bound) != 2 or not all(part.isdigit() for part in bound):
            raise ValueError(f"versioned fact {fact!r}: {line!r} specifier {specifier!r} is not of the form "
                             "'>=A.B', '<=A.B', '>=A.B,<=C.D', '==A.B' or ''")
        clauses.append((operator, (int(bound[0]), int(bound[1]))))
    wanted = _minor(version)
    return all({">=": wanted >= limit, "<=": wanted <= limit, "==": wanted == limit}[operator]
               for operator, limit in clauses)


# --- Saved model files (issue 23: keras_lint/model_files/) -----------------------------------------
# Facts measured in /work/shared/research/saved-model-files.md and tests/test_model_files_matrix.py.
# The layers keras.layers exports in Keras 3.15.1 (research/keras3_layer_names.txt): a legacy HDF5
# file names each layer by bare class name, which a Keras 3 loader finds only among these (and the
# model classes), else "Unknown layer".
KERAS3_LAYER_NAMES = frozenset(
    """
    Activation ActivityRegularization AdaptiveAveragePooling1D AdaptiveAveragePooling2D 
    AdaptiveAveragePooling3D AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D Add 
    AdditiveAttention AlphaDropout Attention AugMix AutoContrast Average AveragePooling1D 
    AveragePooling2D AveragePooling3D AvgPool1D AvgPool2D AvgPool3D BatchNormalization 
    Bidirectional CategoryEncoding CenterCrop Concatenate 
    ContrastLimitedAdaptiveHistogramEqualization Conv1D Conv1DTranspose Conv2D Conv2DTranspose 
    Conv3D Conv3DTranspose ConvLSTM1D ConvLSTM2D ConvLSTM3D Convolution1D Convolution1DTranspose 
    Convolution2D Convolution2DTranspose Convolution3D Convolution3DTranspose Cropping1D Cropping2D 
    Cropping3D CutMix Dense DepthwiseConv1D DepthwiseConv2D Discretization Dot Dropout ELU 
    EinsumDense Embedding Equalization Flatten FlaxLayer GRU GRUCell GaussianDropout GaussianNoise 
    GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D GlobalAvgPool1D 
    GlobalAvgPool2D GlobalAvgPool3D GlobalMaxPool1D GlobalMaxPool2D GlobalMaxPool3D 
    GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GroupNormalization GroupQueryAttention 
    HashedCrossing Hashing Identity InputLayer IntegerLookup JaxLayer LSTM LSTMCell Lambda Layer 
    LayerNormalization LeakyReLU Masking MaxNumBoundingBoxes MaxPool1D MaxPool2D MaxPool3D 
    MaxPooling1D MaxPooling2D MaxPooling3D Maximum MelSpectrogram Minimum MixUp MultiHeadAttention 
    Multiply Normalization PReLU Permute Pipeline RMSNormalization RNN RandAugment RandomBrightness 
    RandomColorDegeneration RandomColorJitter RandomContrast RandomCrop RandomElasticTransform 
    RandomErasing RandomFlip RandomGaussianBlur RandomGrayscale RandomHue RandomInvert 
    RandomPerspective RandomPosterization RandomRotation RandomSaturation RandomSharpness 
    RandomShear RandomTranslation RandomZoom ReLU RepeatVector Rescaling Reshape Resizing 
    ReversibleEmbedding STFTSpectrogram SeparableConv1D SeparableConv2D SeparableConvolution1D 
    SeparableConvolution2D SimpleRNN SimpleRNNCell Softmax Solarization SpatialDropout1D 
    SpatialDropout2D SpatialDropout3D SpectralNormalization StackedRNNCells StringLookup Subtract 
    TFSMLayer TextVectorization TimeDistributed TorchModuleWrapper UnitNormalization UpSampling1D 
    UpSampling2D UpSampling3D Wrapper ZeroPadding1D ZeroPadding2D ZeroPadding3D 
    """.split()
) | {"Functional", "Model", "Sequential"}
# Layers of Keras 2 / tf_keras that Keras 3 dropped (a legacy file naming them fails under Keras 3;
# TFOpLambda and its kin are what tf.keras makes of a TensorFlow op applied to a symbolic tensor).
KERAS2_ONLY_LAYER_NAMES = frozenset(
    """CuDNNGRU CuDNNLSTM DenseFeatures LocallyConnected1D LocallyConnected2D ThresholdedReLU
    AbstractRNNCell SimpleRNNCell StackedRNNCells TFOpLambda SlicingOpLambda ClassMethod InstanceMethod
    InstanceProperty SyncBatchNormalization""".split()
) - KERAS3_LAYER_NAMES
# The built-in optimizers a legacy HDF5 training_config names (tf_keras writes "Custom>Adam").
OPTIMIZER_NAMES = frozenset(
    "Adadelta Adafactor Adagrad Adam AdamW Adamax Ftrl Lamb Lion LossScaleOptimizer Muon Nadam RMSprop SGD".split()
)
# Loss short names a legacy HDF5 file may hold: tf_keras compiles them; Keras 3 (3.15.1) fails at
# compile with "Could not deserialize 'keras.metrics.mse' because it is not a KerasSaveable
# subclass" (measured: "mse" fails, "mean_squared_error" loads).
LOSS_ALIASES = frozenset("mse mae mape msle kld kl_divergence bce MSE MAE MAPE MSLE KLD BCE".split()) - {"kl_divergence"}
# What a saved object is when its `class_name` is one of these: data, nothing to resolve.
SAVED_DATA_MARKERS = frozenset(
    "__keras_tensor__ __tensor__ __numpy__ __bytes__ __ellipsis__ __slice__ __typespec__ __tuple__".split()
)
# APIs a model never needs, which Keras 3.15 refuses to deserialize (NON_MODELING_APIS): a file
# naming one is crafted (CVE-2025-8747, CVE-2025-9906).
NON_MODELING_APIS = frozenset(
    "load_model get_file enable_unsafe_deserialization save_model load_weights set_value".split()
)
# Constructor keywords later Keras 3 releases save for built-in layers: an older Keras fails on them
# ("Unrecognized keyword arguments passed to Dense: {'quantization_config': None}", measured: a
# Keras 3.15.1 file under Keras 3.6.0). keyword -> (layers, the first release writing it).
# oov_method and salt: Keras 3.14's IndexLookup (wheels 3.13.2 and 3.14.0 compared), written by every
# StringLookup / IntegerLookup (measured: a 3.15.1 StringLookup under 3.6.0).
_LOOKUPS = frozenset({"StringLookup", "IntegerLookup"})
KERAS3_NEW_LAYER_KEYWORDS = {
    "quantization_config": (frozenset({"Dense", "EinsumDense", "Embedding"}), (3, 13)),
    "oov_method": (_LOOKUPS, (3, 14)),
    "salt": (_LOOKUPS, (3, 14)),
}
# Module roots whose classes Keras 3 (>= 3.9) imports by module path without a registration.
KERAS_IMPORTABLE_ROOTS = ("keras", "keras_hub", "keras_cv", "keras_nlp")
# Keras 3.14 refuses a TFSMLayer in a file under safe_mode (research section 2; measured on 3.15.1;
# 3.6.0 loads it when its SavedModel folder exists).
TFSM_LAYER_GATE = (3, 14, 0)
# Layers that take `vocabulary=` as a file path: tf_keras 2.21 saves the path itself (in .keras and
# .h5) and loading reads the file ('Vocabulary file vocab.txt does not exist', under tf_keras and
# Keras 3 alike); Keras 3 saves the vocabulary in the file (KL615, tests/test_model_files_matrix.py).
# Since Keras 3.12 (index_lookup.py; absent from the 3.11.3 wheel) a vocabulary file is refused
# under safe_mode ('Requested the loading of a vocabulary file outside of the model archive').
VOCABULARY_LAYERS = frozenset({"StringLookup", "IntegerLookup", "TextVectorization"})
VOCABULARY_FILE_GATE = (3, 12, 0)
# Those model libraries (import root -> distribution names): where none is installed, Keras fails on
# their classes ('Could not locate class'; KL613, measured with a crafted file on 3.15.1 and 3.6.0).
MODEL_LIBRARY_DISTRIBUTIONS = {
    "keras_hub": ("keras-hub", "keras-hub-nightly"),
    "keras_nlp": ("keras-nlp", "keras-nlp-nightly"),
    "keras_cv": ("keras-cv", "keras-cv-nightly"),
}
# Modules a model config has no business naming: a class or function from one is an exploit attempt.
HOSTILE_MODULE_ROOTS = frozenset(
    """os posix nt subprocess sys builtins shutil socket importlib runpy pickle marshal code pty
    webbrowser ctypes multiprocessing urllib requests http eval exec""".split()
)
# Names whose appearance in Lambda bytecode means it reaches outside the model (KL624).
SUSPICIOUS_BYTECODE_NAMES = frozenset(
    """os subprocess system popen Popen eval exec compile __import__ open socket urllib urlopen requests
    shutil rmtree remove unlink getattr setattr globals builtins __builtins__ pickle marshal ctypes""".split()
)
# Keras 2.4 renamed the saved class of a functional model from "Model" to "Functional"; an older
# Keras meets it as "Unknown layer: Functional" (KL634; research section 3, from the issues
# teachablemachine-community#163, DeepDanbooru#26, onnx2keras#85). TensorFlow 2.3 already bundles
# Keras 2.4.0 (measured: TF 2.3.4 writes keras_version "2.4.0" and loads a TF 2.10 `Functional`
# .h5), so for a version given as TensorFlow's the bound is 2.3.
FUNCTIONAL_SINCE = (2, 4)
FUNCTIONAL_SINCE_TENSORFLOW = (2, 3)
# The globals a Lambda's rebuilt lambda sees besides Python's builtins (KL626; measured with
# tests/test_model_files_matrix.py): Keras 3 rebuilds it with python_utils.func_load's own module
# globals, for `.keras` and HDF5 files alike (keras/src/utils/python_utils.py, 3.6 and 3.15.1);
# tf_keras with those of tf_keras/src/layers/core/lambda_layer.py (2.21), updated with the loading
# process's `__main__` (the lambda's saved `module`) and custom_objects.
KERAS3_LAMBDA_GLOBALS = frozenset(
    """binascii codecs default func_dump func_load is_continuous_axis is_default marshal os python_types
    pythonify_logs remove_by_id remove_long_seq removeprefix removesuffix to_list""".split()
)
TF_KERAS_LAMBDA_GLOBALS = frozenset(
    """Lambda Layer generic_utils keras_export np python_types serialization_lib sys textwrap tf tf_inspect
    tf_logging tf_utils warnings""".split()
)


# -- issue 20: what a loader must name, beyond the project's own classes ------------------------
# (kept together at the end of the file: the model flow of analysis/model_flow.py reads these)

# Packages whose unregistered classes Keras 3 finds by importing the module a saved config names
# (serialization_lib._retrieve_class_or_fn, 3.9+); tf_keras finds its own classes by exported name.
SELF_LOCATING_PACKAGES = ("keras", "keras_hub", "keras_cv", "keras_nlp", "tf_keras")

# Objects of other libraries that a saved model holds by name and that no import registers: a load
# needs them in `custom_objects`. Qualified-name pattern (fnmatch) -> (library, kind, evidence).
THIRD_PARTY_OBJECTS = {
    # tensorflow-hub 0.16.1 with tf_keras 2.21 (measured: `.h5` load without custom_objects raises
    # "ValueError: Unknown layer: 'KerasLayer'"; with custom_objects={"KerasLayer": hub.KerasLayer} it
    # loads). tensorflow_hub/keras_layer.py never calls register_keras_serializable.
    "tensorflow_hub.KerasLayer": ("tensorflow-hub", "layer", "never registered"),
    "tensorflow_hub.keras_layer.KerasLayer": ("tensorflow-hub", "layer", "never registered"),
    # segmentation_models 1.0.1 (measured with tf_keras 2.21): its losses and metrics are instances of
    # its own classes (base.Loss / base.Metric on KerasObject), never registered; a compiled model
    # saved with them fails to load with "Unknown loss function" / "Unknown metric function".
    "segmentation_models.losses.*": ("segmentation_models", "loss", "never registered"),
    "segmentation_models.metrics.*": ("segmentation_models", "metric", "never registered"),
    "segmentation_models.base.functional.*": ("segmentation_models", "loss", "never registered"),
    # segmentation-models-3D, a port of segmentation_models with the same Loss/Metric classes (cited,
    # not installed here): users' scripts document "Unknown loss function: dice_loss_plus_1focal_loss"
    # and "Unknown metric function: iou_score" at a bare load of such a model.
    "segmentation_models_3D.losses.*": ("segmentation_models_3D", "loss", "never registered"),
    "segmentation_models_3D.metrics.*": ("segmentation_models_3D", "metric", "never registered"),
}


# -- names of the classes KL101's fix writes (fixers/lambda_layer) ---------------------------------------
# keras.layers classes (Keras 3.15.1) whose names are also those of keras.ops / tf functions, spelled in
# CamelCase (research/keras3_layer_names.txt): a class named after what the lambda calls (`ops.add` ->
# `Add`) would read as Keras's own layer, so it is named `AddLayer` instead.
LAYER_NAMES_OF_FUNCTIONS = frozenset(
    "Activation Add Average BatchNormalization Concatenate Dense Dot Dropout Embedding Flatten Identity "
    "Input Lambda Layer LayerNormalization Masking Maximum Minimum Multiply Permute RandomBrightness "
    "RandomContrast RandomCrop RandomHue RandomSaturation Reshape Softmax Subtract".split()
)
