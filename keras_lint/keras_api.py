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

# Keras 2 spellings: a file that imports one of these is judged as Keras 2 when no target is set.
KERAS2_MODULES = ("tf_keras", "keras.engine", "tensorflow.python.keras")
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
# 2.16: keras>=3.0.0 (release notes); 2.21: keras>=3.12.0 (tensorflow_cpu-2.21.0 METADATA).
KERAS3_FLOOR_BY_TF = {"2.16": "3.0", "2.21": "3.12"}
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


# -- names of the classes KL101's fix writes (fixers/lambda_layer) ---------------------------------------
# keras.layers classes (Keras 3.15.1) whose names are also those of keras.ops / tf functions, spelled in
# CamelCase (research/keras3_layer_names.txt): a class named after what the lambda calls (`ops.add` ->
# `Add`) would read as Keras's own layer, so it is named `AddLayer` instead.
LAYER_NAMES_OF_FUNCTIONS = frozenset(
    "Activation Add Average BatchNormalization Concatenate Dense Dot Dropout Embedding Flatten Identity "
    "Input Lambda Layer LayerNormalization Masking Maximum Minimum Multiply Permute RandomBrightness "
    "RandomContrast RandomCrop RandomHue RandomSaturation Reshape Softmax Subtract".split()
)
