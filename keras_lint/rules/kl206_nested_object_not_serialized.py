from __future__ import annotations

import ast
from typing import Iterator, Optional

from ..analysis import argument_kinds
from ..cst.lazy import cst
from ..cst.nodes import code_of, dotted, nodes_in_order, params_by_name, self_attribute
from ..finding import Fix
from ..fixers.get_config_entries import layers_module, method_after, quote_of
from ..index.project_index import base_kind
from ..names import dotted_name, keras_path, path_matches
from .base import Invalid, Rule

# Serializing calls: `keras.layers.serialize`, `keras.saving.serialize_keras_object`,
# `keras.initializers.serialize`, ... (the last name is what matters; project helpers with other
# names leave the value unrecognised, and unrecognised values are never reported).
SERIALIZE = ("serialize", "serialize_keras_object")

# Keys that a Keras base's own `from_config` deserializes (Wrapper/TimeDistributed/Bidirectional:
# "layer", "backward_layer"; RNN: "cell"; StackedRNNCells: "cells"; Sequential/Pipeline: "layers").
DESERIALIZED_BY_KERAS_BASES = frozenset({"layer", "backward_layer", "cell", "cells", "layers"})

PLAIN_BASES = ("Layer", "layers.Layer", "Model", "models.Model")

# Only layers and models: the kinds whose load path (`cls(**config)`, then calling the layer) was measured.
KINDS = ("layer", "model")


class NestedObjectNotSerialized(Rule):
    """
    ## What it does
    Reports the `def get_config` of a Keras layer or model class when a key's value is
    `self.attr` (or `keras.layers.serialize(self.attr)` / any `*.serialize(self.attr)`), where
    `attr` stores an `__init__` argument unchanged and the class calls it as an object
    (`self.attr(x)`: a nested layer or model, a function, an initializer called as
    `self.init(shape)`, a regularizer, a constraint), and either
    - the class has no `from_config` (nor a project ancestor): Keras passes the saved dict straight
      back to `__init__`; or
    - (Keras 3 only) the class has a `from_config` but `get_config` returns the object itself,
      unserialized.

    Silent when the argument is normalised (`keras.initializers.get(x)`, `keras.layers.deserialize(x)`,
    ...), re-bound in `__init__` before it is stored, assigned again elsewhere in the class, or only
    passed on (`add_weight(initializer=self.init)`, `Dense(kernel_initializer=self.init)`): Keras
    accepts the dict there. Silent, too, on keys a Keras base's `from_config` deserializes itself
    (`layer` of a `Wrapper`, `cell` of an `RNN`, ...), on arguments that hold a class (a default
    such as `keras.layers.Dense`, a `Type[...]` annotation: Keras cannot save those at all), and
    when a base class is neither Keras's nor the project's (it may define `from_config`).

    ## Why is this bad?
    Keras turns the nested object into a dict when saving, and the default `from_config` calls
    `cls(**config)` without turning it back, so the loaded object holds a dict and calling it
    fails with `'TrackedDict' object is not callable` (Keras 3.15). A layer inside a model already
    fails at load: `TypeError: <class '...Functional'> could not be deserialized properly. Please
    ensure that components that are Python object instances (layers, models, etc.) returned by
    get_config() are explicitly deserialized in the model's from_config() method.`; a subclassed
    model loads and fails when called. tf_keras 2.21 fails the same way on `.keras` files.
    With a `from_config` that deserializes it but an unserialized object in `get_config`, Keras 3
    `.keras` files load, but legacy `.h5` files store the object's repr and cannot be loaded:
    `TypeError: Could not parse config: <Dense name=dense, built=False>` (a layer or function),
    `ValueError: Unknown config_item: 'Ones'` (an initializer).

    ## Example
    ```python
    class Residual(keras.layers.Layer):
        def __init__(self, inner, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner

        def call(self, x):
            return x + self.inner(x)

        def get_config(self):
            return {**super().get_config(), "inner": self.inner}
    ```

    ## Use instead
    The pair that works in every format, Keras 3 and tf_keras (`deserialize_keras_object` in
    `from_config` fails on tf_keras `.h5`):
    ```python
        def get_config(self):
            return {**super().get_config(), "inner": keras.layers.serialize(self.inner)}

        @classmethod
        def from_config(cls, config):
            config = dict(config)
            config["inner"] = keras.layers.deserialize(config["inner"])
            return cls(**config)
    ```
    For a function, initializer, regularizer or constraint use the matching pair
    (`keras.activations.serialize`/`deserialize`, `keras.initializers.serialize`/`deserialize`,
    ...), or normalise the argument in `__init__` with `keras.initializers.get(...)` and friends.

    ## Fix safety
    Offered only for the simplest shape: a class without `from_config` whose get_config returns,
    under the argument's own name, a required `__init__` argument stored as `self.x = x` that is
    provably a layer. The fix adds the `from_config` above (with `keras.layers.deserialize`, in the
    file's own spelling of Keras) after get_config, and wraps a raw `self.x` in
    `keras.layers.serialize(...)`. That pair round-trips in every format, Keras 3 and tf_keras
    (measured). It is safe when get_config already returns `keras.layers.serialize(self.x)` (the
    author's word that it is a layer): only `from_config` is added, and loading, which always
    failed, now works. It is unsafe when get_config returns the layer object itself: the evidence
    that it is a layer is its annotation (a Keras or project layer/model class), or that every call
    site of the project that gives it a value gives a layer or model (`Cls(...)`, a subclass's
    `super().__init__(...)`, `functools.partial`, following simple assignments), or that every call
    of the class in the file passes a layer built there; and what get_config returns changes, so a
    `from_config(get_config())` copy (`clone_model`) now builds a new inner layer instead of sharing
    the original. No fix for functions, initializers and other objects, for defaulted arguments
    (a `None` would not deserialize), when the class has project subclasses, or when it already
    has a `from_config`.
    """

    code = "KL206"
    name = "nested-object-not-serialized"
    summary = "`get_config` returns a nested layer/function it does not (de)serialize: load fails"
    severity = "error"
    help = "serialize it in `get_config` (`keras.saving.serialize_keras_object`) and deserialize it in `from_config`"
    looks_at_custom_objects = True
    fix = "safe"  # unsafe when the layer object itself is returned and must be wrapped in serialize
    versioned_facts = ("keras_suffix_writes_zip",)
    # The index counts every method's `self.<attr> = ...`; from_config need only exist.
    reads_methods = frozenset({"__init__", "get_config"})

    VALID = [
        # the portable fix: serialize + from_config
        """
            import keras
            class W(keras.layers.Layer):
                def __init__(self, inner, **kw):
                    super().__init__(**kw)
                    self.inner = inner
                def call(self, x):
                    return self.inner(x)
                def get_config(self):
                    return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}
                @classmethod
                def from_config(cls, config):
                    config['inner'] = keras.layers.deserialize(config['inner'])
                    return cls(**config)
        """,
        # an initializer only passed to add_weight: Keras accepts the dict there
        """
            import keras
            class W(keras.layers.Layer):
                def __init__(self, init=keras.initializers.Ones(), **kw):
                    super().__init__(**kw)
                    self.init = init
                def build(self, s):
                    self.w = self.add_weight(name='w', shape=(3,), initializer=self.init)
                def get_config(self):
                    return {**super().get_config(), 'init': self.init}
        """,
        # normalised in __init__
        """
            import keras
            class W(keras.layers.Layer):
                def __init__(self, init, **kw):
                    super().__init__(**kw)
                    self.init = keras.initializers.get(init)
                def call(self, x):
                    return x + self.init((3,))
                def get_config(self):
                    return {**super().get_config(), 'init': self.init}
        """,
        # a plain value stored and returned
        """
            import keras
            class W(keras.layers.Layer):
                def __init__(self, units=3, **kw):
                    super().__init__(**kw)
                    self.units = units
                def get_config(self):
                    return {**super().get_config(), 'units': self.units}
        """,
        # deserialized in __init__ before it is stored
        """
            import keras
            class W(keras.layers.Layer):
                def __init__(self, inner, **kw):
                    super().__init__(**kw)
                    if isinstance(inner, dict):
                        inner = keras.layers.deserialize(inner)
                    self.inner = inner
                def call(self, x):
                    return self.inner(x)
                def get_config(self):
                    return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}
        """,
        # a Keras base (Wrapper) deserializes `layer` itself
        """
            import keras
            class W(keras.layers.Wrapper):
                def __init__(self, layer, **kw):
                    super().__init__(layer, **kw)
                    self.layer = layer
                def call(self, x):
                    return self.layer(x)
                def get_config(self):
                    return {**super().get_config(), 'layer': keras.layers.serialize(self.layer)}
        """,
        # not provably Keras
        """
            import mylib
            class W(mylib.Layer):
                def __init__(self, inner):
                    self.inner = inner
                def call(self, x):
                    return self.inner(x)
                def get_config(self):
                    return {'inner': self.inner}
        """,
        # a project ancestor defines from_config
        """
            import keras
            class B(keras.layers.Layer):
                @classmethod
                def from_config(cls, config):
                    config['inner'] = keras.layers.deserialize(config['inner'])
                    return cls(**config)
            class W(B):
                def __init__(self, inner, **kw):
                    super().__init__(**kw)
                    self.inner = inner
                def call(self, x):
                    return self.inner(x)
                def get_config(self):
                    return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}
        """,
        # the attribute is replaced in build()
        """
            import keras
            class W(keras.layers.Layer):
                def __init__(self, act, **kw):
                    super().__init__(**kw)
                    self.act = act
                def build(self, s):
                    self.act = keras.activations.get(self.act)
                def call(self, x):
                    return self.act(x)
                def get_config(self):
                    return {**super().get_config(), 'act': self.act}
        """,
        # a mixin we cannot see may define from_config
        """
            import keras
            from mylib import ConfigMixin
            class W(ConfigMixin, keras.layers.Layer):
                def __init__(self, inner, **kw):
                    super().__init__(**kw)
                    self.inner = inner
                def call(self, x):
                    return self.inner(x)
                def get_config(self):
                    return {**super().get_config(), 'inner': self.inner}
        """,
        # a class, not an instance (Keras cannot save it at all: another failure than this rule's)
        """
            import keras
            class W(keras.layers.Layer):
                def __init__(self, block=keras.layers.Dense, **kw):
                    super().__init__(**kw)
                    self.block = block
                def build(self, s):
                    self.inner = self.block(3)
                def call(self, x):
                    return self.inner(x)
                def get_config(self):
                    return {**super().get_config(), 'block': self.block}
        """,
        # tf_keras: an unserialized function with a from_config loads from `.h5` too (measured)
        """
            import tf_keras as keras
            class W(keras.layers.Layer):
                def __init__(self, fn, **kw):
                    super().__init__(**kw)
                    self.fn = fn
                def call(self, x):
                    return self.fn(x)
                def get_config(self):
                    return {**super().get_config(), 'fn': self.fn}
                @classmethod
                def from_config(cls, config):
                    config['fn'] = keras.saving.deserialize_keras_object(config['fn'])
                    return cls(**config)
        """,
        # a project helper serializes it (unrecognised: silent)
        """
            import keras
            class W(keras.layers.Layer):
                def __init__(self, inner, **kw):
                    super().__init__(**kw)
                    self.inner = inner
                def call(self, x):
                    return self.inner(x)
                def get_config(self):
                    return {**super().get_config(), 'inner': to_json(self.inner)}
        """,
    ]
    INVALID = [
        # the layer reaches the class through a variable: the call site's kind decides (unsafe fix)
        Invalid(
            """
                import keras
                class W(keras.layers.Layer):
                    def __init__(self, inner, **kw):
                        super().__init__(**kw)
                        self.inner = inner
                    def call(self, x):
                        return self.inner(x)
                    def get_config(self):
                        return {**super().get_config(), 'inner': self.inner}
                dense = keras.layers.Dense(3)
                layer = W(dense)
            """,
            8, 5, "no `from_config`",
            fixed="""
                import keras
                class W(keras.layers.Layer):
                    def __init__(self, inner, **kw):
                        super().__init__(**kw)
                        self.inner = inner
                    def call(self, x):
                        return self.inner(x)
                    def get_config(self):
                        return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}

                    @classmethod
                    def from_config(cls, config):
                        config = dict(config)
                        config['inner'] = keras.layers.deserialize(config['inner'])
                        return cls(**config)

                dense = keras.layers.Dense(3)
                layer = W(dense)
            """,
        ),
        Invalid(
            """
                import keras
                class W(keras.layers.Layer):
                    def __init__(self, inner, **kw):
                        super().__init__(**kw)
                        self.inner = inner
                    def call(self, x):
                        return self.inner(x)
                    def get_config(self):
                        return {**super().get_config(), 'inner': self.inner}
            """,
            8, 5, "could not be deserialized properly",
        ),
        Invalid(
            """
                import keras
                class W(keras.layers.Layer):
                    def __init__(self, inner, **kw):
                        super().__init__(**kw)
                        self.inner = inner
                    def call(self, x):
                        return self.inner(x)
                    def get_config(self):
                        config = super().get_config()
                        config.update({'inner': keras.layers.serialize(self.inner)})
                        return config
            """,
            8, 5, "no `from_config`",
            fixed="""
                import keras
                class W(keras.layers.Layer):
                    def __init__(self, inner, **kw):
                        super().__init__(**kw)
                        self.inner = inner
                    def call(self, x):
                        return self.inner(x)
                    def get_config(self):
                        config = super().get_config()
                        config.update({'inner': keras.layers.serialize(self.inner)})
                        return config

                    @classmethod
                    def from_config(cls, config):
                        config = dict(config)
                        config['inner'] = keras.layers.deserialize(config['inner'])
                        return cls(**config)
            """,
        ),
        # an initializer called directly (S9h)
        Invalid(
            """
                import keras
                class W(keras.layers.Layer):
                    def __init__(self, init, **kw):
                        super().__init__(**kw)
                        self.init = init
                    def call(self, x):
                        return x + self.init((3,))
                    def get_config(self):
                        return {**super().get_config(), 'init': self.init}
            """,
            8, 5, "`self.init`",
        ),
        # a function argument called in call()
        Invalid(
            """
                import tensorflow as tf
                class Act(tf.keras.layers.Layer):
                    def __init__(self, fn=tf.nn.relu, **kw):
                        super().__init__(**kw)
                        self.fn = fn
                    def call(self, x):
                        return self.fn(x)
                    def get_config(self):
                        config = super().get_config()
                        config['fn'] = self.fn
                        return config
            """,
            8, 5, "`self.fn`",
        ),
        # from_config exists but get_config returns the raw object: .h5 fails
        Invalid(
            """
                import keras
                class W(keras.layers.Layer):
                    def __init__(self, inner, **kw):
                        super().__init__(**kw)
                        self.inner = inner
                    def call(self, x):
                        return self.inner(x)
                    def get_config(self):
                        return {**super().get_config(), 'inner': self.inner}
                    @classmethod
                    def from_config(cls, config):
                        config['inner'] = keras.layers.deserialize(config['inner'])
                        return cls(**config)
            """,
            8, 5, "Could not parse config",
        ),
        # an optional function (default None) called when given
        Invalid(
            """
                import keras
                class W(keras.layers.Layer):
                    def __init__(self, skip=None, **kw):
                        super().__init__(**kw)
                        self.skip = skip
                    def call(self, x):
                        return x if self.skip is None else self.skip(x)
                    def get_config(self):
                        return {**super().get_config(), 'skip': self.skip}
            """,
            8, 5, "`self.skip`",
        ),
        # a Model subclass
        Invalid(
            """
                from tensorflow import keras
                class M(keras.Model):
                    def __init__(self, backbone, **kw):
                        super().__init__(**kw)
                        self.backbone = backbone
                    def call(self, x):
                        return self.backbone(x)
                    def get_config(self):
                        return dict(super().get_config(), backbone=keras.layers.serialize(self.backbone))
            """,
            8, 5,
            fixed="""
                from tensorflow import keras
                class M(keras.Model):
                    def __init__(self, backbone, **kw):
                        super().__init__(**kw)
                        self.backbone = backbone
                    def call(self, x):
                        return self.backbone(x)
                    def get_config(self):
                        return dict(super().get_config(), backbone=keras.layers.serialize(self.backbone))

                    @classmethod
                    def from_config(cls, config):
                        config = dict(config)
                        config["backbone"] = keras.layers.deserialize(config["backbone"])
                        return cls(**config)
            """,
        ),
        # the layer object itself, a layer by every call of the class in the file: unsafe fix
        Invalid(
            """
                import keras
                from keras import layers


                class Res(layers.Layer):
                    def __init__(self, inner, **kw):
                        super().__init__(**kw)
                        self.inner = inner

                    def call(self, x):
                        return x + self.inner(x)

                    def get_config(self):
                        config = super().get_config()
                        config['inner'] = self.inner
                        return config


                block = Res(layers.Dense(4))
                other = Res(inner=keras.Sequential([]))
            """,
            13, 5, "could not be deserialized properly",
            fixed="""
                import keras
                from keras import layers


                class Res(layers.Layer):
                    def __init__(self, inner, **kw):
                        super().__init__(**kw)
                        self.inner = inner

                    def call(self, x):
                        return x + self.inner(x)

                    def get_config(self):
                        config = super().get_config()
                        config['inner'] = keras.layers.serialize(self.inner)
                        return config

                    @classmethod
                    def from_config(cls, config):
                        config = dict(config)
                        config['inner'] = keras.layers.deserialize(config['inner'])
                        return cls(**config)


                block = Res(layers.Dense(4))
                other = Res(inner=keras.Sequential([]))
            """,
        ),
        # a layer by its annotation (tf.keras spelled through tensorflow)
        Invalid(
            """
                import tensorflow as tf
                class W(tf.keras.layers.Layer):
                    def __init__(self, inner: tf.keras.layers.Layer, **kw):
                        super().__init__(**kw)
                        self.inner = inner
                    def call(self, x):
                        return self.inner(x)
                    def get_config(self):
                        return {**super().get_config(), 'inner': self.inner}
            """,
            8, 5, "`self.inner`",
            fixed="""
                import tensorflow as tf
                class W(tf.keras.layers.Layer):
                    def __init__(self, inner: tf.keras.layers.Layer, **kw):
                        super().__init__(**kw)
                        self.inner = inner
                    def call(self, x):
                        return self.inner(x)
                    def get_config(self):
                        return {**super().get_config(), 'inner': tf.keras.layers.serialize(self.inner)}

                    @classmethod
                    def from_config(cls, config):
                        config = dict(config)
                        config['inner'] = tf.keras.layers.deserialize(config['inner'])
                        return cls(**config)
            """,
        ),
        # no fix: a call of the class passes something else than a layer built there
        Invalid(
            """
                import keras
                class W(keras.layers.Layer):
                    def __init__(self, inner, **kw):
                        super().__init__(**kw)
                        self.inner = inner
                    def call(self, x):
                        return self.inner(x)
                    def get_config(self):
                        return {**super().get_config(), 'inner': self.inner}
                a = W(keras.layers.Dense(2))
                b = W(make_block())
            """,
            8, 5,
        ),
        # no fix: a defaulted argument (None would not deserialize)
        Invalid(
            """
                import keras
                class W(keras.layers.Layer):
                    def __init__(self, inner=None, **kw):
                        super().__init__(**kw)
                        self.inner = inner
                    def call(self, x):
                        return self.inner(x)
                    def get_config(self):
                        return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}
            """,
            8, 5,
        ),
    ]

    @classmethod
    def might_report(cls, info, project) -> bool:
        init = info.init
        return (
            init is not None
            and info.get_config is not None
            and project.keras_kind(info) in KINDS
            and any(
                attr in info.called_attributes
                and attr not in init.normalised
                and len(info.attribute_stores.get(attr, ())) == 1  # as visit_ClassDef requires, below
                and attr not in info.methods
                for attr in init.stored
            )
        )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        found = self.once(node, "values", lambda: self._config_values_of(node))
        if found is None:
            return
        info, init, get_config, has_from_config, unserialized, serialized, values = found
        if not has_from_config and (unserialized or serialized):
            if self.context.keras_major == 2:
                # measured in triage (basic-pitch): `.h5` loads fail on tf.keras 2.4 and 2.15, `.keras` on 2.15
                files = "an `.h5` or `.keras` file" if self.context.keras.holds("keras_suffix_writes_zip") else "an `.h5` file"
                why = f"Keras 2 hands the saved dict back to `__init__`, and loading {files} fails"
            else:
                why = (
                    "Keras 3 hands the saved dict back to `__init__`, so the loaded object calls a dict "
                    "('TrackedDict' object is not callable; inside a model, loading a `.keras` file fails with "
                    "\"could not be deserialized properly\")"
                )
            self.report(
                get_config,
                f"get_config returns {_names(unserialized + serialized)}, called as an object, and the class has "
                f"no `from_config` to deserialize it: {why}; serialize it in get_config and deserialize it in "
                f"from_config (keras.layers.serialize/deserialize for a layer, the matching pair otherwise)",
                self.once(node, "fix", lambda: self._fix(node, info, init, get_config, values)),
            )
        elif has_from_config and unserialized and self.context.keras_major == 3:
            # tf_keras `.h5` fails here for a layer but loads a function: silent for Keras 2.
            self.report(
                get_config,
                f"get_config returns {_names(unserialized)} unserialized although from_config deserializes: "
                f"Keras 3 `.keras` files load, but legacy `.h5` files cannot be loaded (\"Could not parse config\" "
                f"for a layer or function, \"Unknown config_item\" for an initializer); return "
                f"keras.layers.serialize(...) (or the matching *.serialize) of it",
            )

    def _config_values_of(self, node: cst.ClassDef) -> Optional[tuple]:
        """What get_config returns that the class calls as an object, split into unserialized and
        serialized (with the class, its methods and whether it or an ancestor has from_config);
        None when the rule does not judge the class. (No versioned fact in it.)"""
        info = self.custom_object(node)
        if info is None or info.init is None or info.get_config is None or info.name != node.name.value:
            return None
        project = self.context.project
        if project.keras_kind(info) not in KINDS:
            return None
        methods = {stmt.name.value: stmt for stmt in node.body.body if isinstance(stmt, cst.FunctionDef)}
        get_config, init = methods.get("get_config"), methods.get("__init__")
        if get_config is None or init is None:
            return None
        lineage, keras_bases = _lineage(project, info)
        if lineage is None:
            return None
        # The index may predate --fix's last edit: the class's own text decides about its methods.
        has_from_config = "from_config" in methods or any("from_config" in cls.methods for cls in lineage[1:])
        inherited_methods = set().union(*(cls.methods for cls in lineage))
        # A Keras base other than plain Layer/Model may deserialize some keys itself (Wrapper: "layer").
        special_base = any(not path_matches(path, *PLAIN_BASES) for path in keras_bases)
        rebound = _rebound_names(init)
        class_params = _class_params(init)
        unserialized, serialized, values = [], [], []
        for key, attr, is_serialized, value in _config_values(get_config):
            param = info.init.stored.get(attr)
            if (
                param is None
                or attr in info.init.normalised
                or param in rebound
                or param in class_params
                or len(info.attribute_stores.get(attr, ())) != 1  # assigned twice: may hold anything
                or attr not in info.called_attributes
                or attr in inherited_methods
                or (special_base and key in DESERIALIZED_BY_KERAS_BASES)
            ):
                continue
            (serialized if is_serialized else unserialized).append(attr)
            values.append((key, attr, value))
        return info, init, get_config, has_from_config, unserialized, serialized, values

    # -- the fix ---------------------------------------------------------------------------------

    def _fix(self, node: cst.ClassDef, info, init: cst.FunctionDef, get_config: cst.FunctionDef, values: list):
        """keras.layers.serialize for each nested layer get_config returns raw, and a from_config that
        deserializes each with keras.layers.deserialize: only for required arguments stored and
        configured under their own name, each provably a layer. Safe when get_config already
        serializes them all with keras.layers.serialize (only from_config is added); unsafe when it
        returns a layer object itself (what get_config returns changes, and a `from_config(get_config())`
        copy such as clone_model's then builds a new inner layer instead of sharing the original)."""
        if self.context.project.subclasses(info):
            return None  # they would inherit the new from_config
        params = params_by_name(init)
        layers = layers_module(self, get_config)
        if layers is None:
            return None
        edits, keys, raw = [], [], False
        for key, attr, value in values:
            param = params.get(attr)
            if key != attr or param is None or param.default is not None or info.init.stored.get(attr) != attr:
                return None
            if isinstance(value, cst.Call):
                if not self.names.is_keras(dotted(value.func), self.line_of(value), "layers.serialize"):
                    return None  # serialized as something else: not provably a layer
            elif self._layer_argument(info, param):
                edits.append(self.replace(value, f"{layers}.serialize({code_of(value)})"))
                raw = True
            else:
                return None
            if key not in keys:
                keys.append(key)
        if not keys:
            return None
        quote = quote_of(get_config)
        body = ["@classmethod", "def from_config(cls, config):", "    config = dict(config)"]
        for key in keys:
            item = f"config[{quote}{key}{quote}]"
            body.append(f"    {item} = {layers}.deserialize({item})")
        body.append("    return cls(**config)")
        edits.append(method_after(self, get_config, body))
        return Fix("unsafe" if raw else "safe", tuple(edits), "deserialize the nested layer in from_config")

    def _layer_argument(self, info, param: cst.Param) -> bool:
        """Evidence that an argument is a layer: its annotation names a Keras layer or model class
        (or a project one), or every call site of the project that gives it a value gives a layer or
        model (analysis/argument_kinds), or every call of the class in this file passes one (at least one call)."""
        if param.annotation is not None:
            return self._is_layer_class(dotted(param.annotation.annotation), self.line_of(param))
        name = param.name.value
        values = argument_kinds.passed(self.context.project, info, name)  # every call site of the project
        if values and all(v.kind == argument_kinds.LAYER for v in values):
            return True
        positional = [p.name for p in info.init.params if p.kind == "positional"]
        position = positional.index(name) if name in positional else None
        passed = []
        for call in ast.walk(self.context.tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == info.name):
                continue
            binding = self.names.binding(info.name, call.lineno)
            if binding is None or binding.kind != "class" or binding.line != info.line:
                continue
            if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                return False
            given = [k.value for k in call.keywords if k.arg == name]
            if not given and position is not None and position < len(call.args):
                given = [call.args[position]]
            if not given:
                return False
            passed.append((given[0], call.lineno))
        return bool(passed) and all(
            isinstance(value, ast.Call) and self._is_layer_class(dotted_name(value.func), line)
            for value, line in passed
        )

    def _is_layer_class(self, name: Optional[str], line: int) -> bool:
        if name is None:
            return False
        path = self.names.keras(name, line)
        if path is not None:
            last = path.rsplit(".", 1)[-1]
            if path.startswith("layers.") and last[:1].isupper():
                return last not in ("InputSpec", "Input")
            return path_matches(path, "Model", "models.Model", "Sequential", "models.Sequential", "Layer")
        qualified = self.qualified(name, line)
        found = self.context.project.find(qualified) if qualified else None
        return found is not None and self.context.project.keras_kind(found) in KINDS


def _lineage(project, info) -> tuple:
    """The class and its project ancestors up to (not into) Keras's own classes, and the public paths
    of the Keras bases reached. Linting Keras's own sources, `keras.layers.Layer` is a project class
    too; its `from_config` (`cls(**config)`) deserializes nothing, so the walk stops at Keras bases.
    (None, None) when some base is neither Keras's nor the project's (a mixin imported from elsewhere)."""
    lineage, keras_bases, stack, seen = [], [], [info], set()
    while stack:
        cls = stack.pop()
        if cls.qualname in seen:
            continue
        seen.add(cls.qualname)
        lineage.append(cls)
        for base in cls.bases:
            if base_kind(base):
                keras_bases.append(keras_path(base))
                continue
            parent = project.find(base)
            if parent is not None:
                stack.append(parent)
            else:
                return None, None  # a base we cannot see may define from_config
    return lineage, keras_bases


def _names(attrs: list) -> str:
    unique = list(dict.fromkeys(attrs))
    return ", ".join(f"`self.{a}`" for a in unique)


def _config_values(function: cst.FunctionDef) -> Iterator[tuple]:
    """(key, attr, serialized, value) for every string key get_config gives the value `self.attr` or
    `<...>.serialize(self.attr)`: in dict literals, `config["k"] = ...`, `.update(k=...)`, `dict(k=...)`."""
    for node in nodes_in_order(function.body):
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    key = _string(element.key)
                    if key is not None:
                        yield from _value(key, element.value)
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                subscript = target.target
                if isinstance(subscript, cst.Subscript) and len(subscript.slice) == 1:
                    index = subscript.slice[0].slice
                    key = _string(index.value) if isinstance(index, cst.Index) else None
                    if key is not None:
                        yield from _value(key, node.value)
        elif isinstance(node, cst.Call):
            name = dotted(node.func) or ""
            if name == "dict" or name.endswith(".update"):
                for arg in node.args:
                    if arg.keyword is not None and not arg.star:
                        yield from _value(arg.keyword.value, arg.value)


def _value(key: str, value: cst.BaseExpression) -> Iterator[tuple]:
    attr = self_attribute(value)
    if attr is not None:
        yield key, attr, False, value
    elif isinstance(value, cst.Call) and len(value.args) >= 1 and not value.args[0].star:
        name = dotted(value.func) or ""
        attr = self_attribute(value.args[0].value)
        if attr is not None and name.rsplit(".", 1)[-1] in SERIALIZE:
            yield key, attr, True, value


def _string(node: Optional[cst.BaseExpression]) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _class_params(function: cst.FunctionDef) -> set:
    """Parameters that hold a class rather than an instance: a default naming a class
    (`block=keras.layers.Dense`, capitalised, not called) or a `Type[...]`/`type[...]` annotation.
    Keras cannot even save a class in a config (`get_config() missing 1 required positional
    argument: 'self'`), so the load failure this rule describes is not what happens to them."""
    found = set()
    params = function.params
    for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
        default = dotted(param.default) if param.default is not None else None
        if default and default not in ("None", "True", "False") and default.rsplit(".", 1)[-1][:1].isupper():
            found.add(param.name.value)
        annotation = param.annotation.annotation if param.annotation is not None else None
        if isinstance(annotation, cst.Subscript) and (dotted(annotation.value) or "").rsplit(".", 1)[-1] in ("Type", "type"):
            found.add(param.name.value)
    return found


def _rebound_names(function: cst.FunctionDef) -> set:
    """Names (re)bound inside a function body: a parameter rebound before it is stored may have
    been deserialized (`if isinstance(inner, dict): inner = keras.layers.deserialize(inner)`)."""
    found = set()

    def names(target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            found.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                names(element.value)

    for sub in nodes_in_order(function.body):
        if isinstance(sub, cst.Assign):
            for target in sub.targets:
                names(target.target)
        elif isinstance(sub, (cst.AugAssign, cst.AnnAssign)):
            names(sub.target)
        elif isinstance(sub, cst.NamedExpr):
            names(sub.target)
        elif isinstance(sub, (cst.For,)):
            names(sub.target)
    return found
