"""The names under which a saved function reloads as one of Keras's own (what a rule needs to know
whether a function saved by name comes back as the same function, a different one, or not at all)."""

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


NOT_CUSTOM_OBJECT_BASES = ("layers.InputSpec", "optimizers.schedules.serialize", "layers.Input")

REGISTER_FUNCTIONS = (
    "saving.register_keras_serializable",
    "utils.register_keras_serializable",
    "saving.serialization_lib.register_internal_serializable",  # what keras_export calls
    "api_export.keras_export",  # Keras's own sources: registers every class it exports
)

GET_CUSTOM_OBJECTS = ("saving.get_custom_objects", "utils.get_custom_objects")

# Roots of bases that make a class provably not a Keras layer or model (test cases, ABCs, plain objects;
# TensorFlow's own classes such as tf.test.TestCase and tf.Module, once its Keras paths are set apart).
NON_KERAS_BASE_ROOTS = (
    "object", "abc", "unittest", "absl", "parameterized", "typing", "enum", "collections", "tensorflow",
)


SERIALIZE_FUNCTIONS = ("serialize_keras_object", "serialize")
