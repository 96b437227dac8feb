from __future__ import annotations

import ast
from typing import Optional

from ..analysis.get_config_coverage import (
    config_keys,
    from_config_words_of,
    init_defaults_to_none,
    missing_argument_error,
    supplied_by_subclasses,
    trace_key,
)
from ..cst.lazy import cst
from ..cst.nodes import code_of, descendants, dotted, method, names_read, nodes_in_order, params_by_name
from ..finding import Edit, Fix
from ..fixers.get_config_entries import (
    PLAIN_ENTRY,
    UNKNOWN_ENTRY,
    append_to_dict,
    calls_name,
    dict_lines,
    entry,
    entry_kind,
    indentation,
    method_after,
    quote_of,
    stored_attribute,
)
from ..index.model import ClassInfo
from ..index.project_index import ProjectIndex
from ..keras_api import EXEMPT_PARAMS
from ..names import ast_nodes
from .base import Invalid, Rule


def folded_into(init: cst.FunctionDef, into: set) -> set:
    """Parameters `__init__` folds into another parameter before use (`batch_shape = (batch_size,)
    + shape`): carried whenever that one is. `into`: the parameters known to be carried."""
    return {
        name.value
        for assign in descendants(init.body)
        if isinstance(assign, cst.Assign)
        and any(isinstance(t.target, cst.Name) and t.target.value in into for t in assign.targets)
        for name in descendants(assign.value)
        if isinstance(name, cst.Name)
    }


def reads_config_keys_from_kwargs(node: cst.ClassDef, info: ClassInfo) -> bool:
    """Does `__init__` take a get_config key out of `**kwargs` (`kwargs.pop("batch_input_shape")`,
    `kwargs["k"]`, `"k" in kwargs`)? Then arguments are carried under keys of the class's choosing."""
    init = method(node, "__init__")
    if init is None or info.get_config is None or init.params.star_kwarg is None:
        return False
    kwargs = init.params.star_kwarg.name.value
    keys = info.get_config.keys
    read: set = set()

    def is_kwargs(expr) -> bool:
        return isinstance(expr, cst.Name) and expr.value == kwargs

    def literal(expr) -> Optional[str]:
        value = expr.evaluated_value if isinstance(expr, cst.SimpleString) else None
        return value if isinstance(value, str) else None

    for node in descendants(init.body):
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and is_kwargs(func.value) and func.attr.value in ("pop", "get"):
                if node.args and literal(node.args[0].value):
                    read.add(literal(node.args[0].value))
        elif isinstance(node, cst.Subscript):
            if is_kwargs(node.value) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                key = literal(node.slice[0].slice.value)
                if key:
                    read.add(key)
        elif isinstance(node, cst.Comparison):
            for target in node.comparisons:
                if isinstance(target.operator, cst.In) and is_kwargs(target.comparator) and literal(node.left):
                    read.add(literal(node.left))
    return bool(read & keys)


def reported_at(project: ProjectIndex, ancestor: ClassInfo, key: str) -> bool:
    """Would this rule report `key` on the ancestor's own get_config?"""
    owner = project.nearest(ancestor, "__init__")
    return (
        ancestor.get_config is not None
        and owner is not None
        and key in {p.name for p in owner.init.own_params}
    )


def words_in(function: cst.FunctionDef) -> set:
    """Keys a from_config may supply arguments under: string literals and call keywords in its body."""
    found: set = set()
    for node in descendants(function.body):
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            if isinstance(value, str):
                found.add(value)
        elif isinstance(node, cst.Arg) and node.keyword is not None:
            found.add(node.keyword.value)
    return found


def from_config_words(rule: Rule, info: ClassInfo, node: cst.ClassDef) -> Optional[set]:
    """The words (string literals, call keywords) of the from_config that rebuilds `info`: its own
    or the nearest project ancestor's; an empty set when Keras's own does (`cls(**config)`); None
    when it cannot be read."""
    if "from_config" in info.methods:
        own = method(node, "from_config")
        return words_in(own) if own is not None else None
    for ancestor in rule.context.project.ancestors(info):
        if "from_config" in ancestor.methods:
            return from_config_words_of(rule, ancestor)
    return set()


def none_default(rule: Rule, owner: ClassInfo, name: str, node: Optional[cst.ClassDef]) -> bool:
    """Is the parameter's default `None`? From the class's LibCST node when it owns the __init__
    (`node` given), else from the owner's source; False when unknown."""
    if node is not None:
        init = method(node, "__init__")
        if init is None:
            return False
        params = [*init.params.posonly_params, *init.params.params, *init.params.kwonly_params]
        return any(
            p.name.value == name and isinstance(p.default, cst.Name) and p.default.value == "None" for p in params
        )
    return init_defaults_to_none(rule, owner, name)


def describe_missing(owner: str, required: list, defaulted: list) -> str:
    """`a` (required: load raises `TypeError: ...`) and `c` (defaulted: ...)."""
    parts = []
    if required:
        names = ", ".join(f"`{p.name}`" for p in required)
        parts.append(f"{names} (required: load raises `{missing_argument_error(owner, required)}`)")
    if defaulted:
        names = ", ".join(f"`{p.name}`" for p in defaulted)
        they = "they silently come back as their defaults" if len(defaulted) > 1 else "it silently comes back as its default"
        parts.append(f"{names} (defaulted: {they} after load)")
    return " and ".join(parts)


class GetConfigMissingInitArgument(Rule):
    """
    ## What it does
    Reports a `get_config` that leaves out an argument of the class's `__init__`. It reads dict
    literals, `config.update({...})`, `config["k"] = v`, `{**base, ...}` and
    `dict(list(base.items()) + ...)`, and counts the keys a project ancestor's or a built-in base's
    `get_config` adds for an argument forwarded to it by the same keyword (`super().__init__(units=units)`
    in a `Dense` subclass whose `get_config` calls `super().get_config()`). `name`, `trainable`,
    `dtype`, `weights` (initial values; the file's weights replace them), `*args` and `**kwargs`
    never need keys. A `{**self.config}` / `{**self.config_of()}` spread (a member whose name
    holds "config") is read from the member the saved object's class has (its own or its nearest
    project ancestor's), so a subclass overriding the member counts. A class without a get_config
    of its own is reported when its `__init__` takes an argument the get_config it inherits from a
    project ancestor does not carry. Silent, since the argument may come back another way, when:
    the keys cannot all be seen (a computed key, `config.update(self.extra())`); the `from_config` rebuilding the
    class (its own or the nearest project ancestor's) cannot be read or names the argument;
    `__init__` never uses the argument, folds it into another argument that is carried
    (`batch_shape = (batch_size,) + shape`), or reads config keys back out of `**kwargs`; every
    project subclass that deals with the argument supplies or carries it itself (an abstract base
    such as a `Conv` whose subclasses pass `rank=2`); or it defaults to `None` in a class that restores state from
    asset files (`load_assets`, as tokenizers do with their vocabulary).

    ## Why is this bad?
    Keras rebuilds the object on load with `cls(**config)`. A required argument that is not in the
    config makes loading fail: `TypeError: RateLayer.__init__() missing 1 required positional
    argument: 'rate'`. A defaulted one is worse: the model loads without a word, the argument
    silently takes its default, and the loaded model computes something else (measured with Keras
    3 and tf_keras, every format except tf_keras SavedModel).

    ## Example
    ```python
    class Scale(keras.layers.Layer):
        def __init__(self, factor=1.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def get_config(self):
            return super().get_config()  # `factor` is lost
    ```

    ## Use instead
    ```python
        def get_config(self):
            config = super().get_config()
            config.update({"factor": self.factor})
            return config
    ```

    ## Fix safety
    The fix adds `"p": self.p` for every missing argument to the config get_config returns: into
    the returned dict literal, around a returned `super().get_config()`
    (`{**super().get_config(), "p": self.p}`), into the one `config.update({...})` of a returned
    `config`, or else as `config["p"] = self.p` lines before `return config`. It is safe when the
    class's own `__init__` stores each missing argument unchanged under its own name (`self.p = p`,
    assigned nowhere else) and each is provably a plain value (a plain annotation or literal
    default, or a plain value at every call site of the project that gives it one): the object is
    rebuilt with the values it was built with (measured: the fixed fixtures round-trip with equal
    outputs). It is unsafe with an argument stored under another name, or a required argument
    nothing shows the kind of (no annotation, no call site): a layer there would be saved as a
    dict and load as one. It fixes all missing arguments or none (a partial fix would leave the
    finding): there is no fix when one is not stored unchanged by the class's own `__init__`, is an
    object (called by the class, annotated as anything but JSON types, or given a layer, function,
    array or Keras object at a call site of the project), or, for a defaulted argument,
    is not provably a plain value (a literal default other than None, or a plain annotation: a
    config holding an object would turn a silently lost value into a load failure); when get_config
    has another shape or more than one `return`; when the class or a project ancestor defines
    `from_config`; and when a project class subclasses it (it would inherit the new keys).

    When the config comes from a `{**self.config}` / `{**self.config_of()}` spread of a member the
    class itself defines (its own, or the one overriding what an inherited get_config spreads), the
    entries go where a person adds them: into the dict that member returns, in the same shapes as
    above; only when every class of the lineage is in the file and nothing in it reads the member
    outside a get_config (were it also unpacked into a sub-layer, say, a new key would break that).
    Otherwise they go to get_config (a new one `{**super().get_config(), "p": self.p}` for a
    subclass that has none). Measured: the fixed property fixture round-trips, Keras 3 and tf_keras.
    """

    code = "KL203"
    name = "get-config-missing-init-argument"
    summary = "`get_config` leaves out an `__init__` argument: load fails, or silently restores its default"
    severity = "error"
    help = "add the missing argument to the dict `get_config` returns"
    looks_at_custom_objects = True
    fix = "safe"  # unsafe when an argument is stored under another attribute name
    # The index counts every method's `self.<attr> = ...` for the fix.
    reads_methods = frozenset({"__init__", "get_config", "from_config"})

    _HEAD = "import keras\n\n"
    VALID = [
        # every argument carried, in the shapes real code uses
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, rate=0.5, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n        self.rate = rate\n\n"
        "    def get_config(self):\n        config = super().get_config()\n"
        "        config.update({'units': self.units})\n        config['rate'] = self.rate\n        return config\n",
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        base = super().get_config()\n        config = {'units': self.units}\n"
        "        return dict(list(base.items()) + list(config.items()))\n",
        # forwarded by keyword to a built-in base whose get_config carries it
        _HEAD + "class D(keras.layers.Dense):\n    def __init__(self, units, scale=1.0, **kwargs):\n"
        "        super().__init__(units=units, **kwargs)\n        self.scale = scale\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'scale': self.scale}\n",
        # forwarded to a project ancestor whose get_config carries it
        _HEAD + "class Base(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n\n\n"
        "class Child(Base):\n    def __init__(self, units, rate=0.1, **kwargs):\n"
        "        super().__init__(units=units, **kwargs)\n        self.rate = rate\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'rate': self.rate}\n",
        # the keys come from somewhere the index cannot see: silent
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        config = super().get_config()\n        config.update(self.extra())\n"
        "        return config\n",
        # the class's from_config supplies the argument
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, inner, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.inner = inner\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'inner_config': self.inner.get_config()}\n\n"
        "    @classmethod\n    def from_config(cls, config):\n"
        "        inner = keras.layers.Dense.from_config(config.pop('inner_config'))\n"
        "        return cls(inner=inner, **config)\n",
        # the nearest project ancestor's from_config supplies it
        _HEAD + "class Base(keras.layers.Layer):\n    @classmethod\n    def from_config(cls, config):\n"
        "        config.setdefault('seed', 0)\n        return cls(**config)\n\n\n"
        "class A(Base):\n    def __init__(self, seed, **kwargs):\n        super().__init__(**kwargs)\n"
        "        self.seed = seed\n\n    def get_config(self):\n        return super().get_config()\n",
        # a vocabulary saved as an asset file and restored by load_assets()
        _HEAD + "class Tok(keras.layers.Layer):\n    def __init__(self, vocabulary=None, lowercase=True, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.vocabulary = vocabulary\n        self.lowercase = lowercase\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'lowercase': self.lowercase}\n\n"
        "    def save_assets(self, dir_path):\n        pass\n\n"
        "    def load_assets(self, dir_path):\n        self.vocabulary = []\n",
        # folded into another argument that is carried
        _HEAD + "class In(keras.layers.Layer):\n    def __init__(self, shape=None, batch_size=None, batch_shape=None, **kwargs):\n"
        "        super().__init__(**kwargs)\n        if shape is not None:\n            batch_shape = (batch_size,) + tuple(shape)\n"
        "        self.batch_shape = batch_shape\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'batch_shape': self.batch_shape}\n",
        # an abstract base: every subclass supplies `rank` itself
        _HEAD + "class Conv(keras.layers.Layer):\n    def __init__(self, rank, filters, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.rank, self.filters = rank, filters\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'filters': self.filters}\n\n\n"
        "class Conv2(Conv):\n    def __init__(self, filters, **kwargs):\n"
        "        super().__init__(rank=2, filters=filters, **kwargs)\n",
        # ... also through a middle class without an `__init__` (a triage false positive in tf-addons)
        _HEAD + "class Conv(keras.layers.Layer):\n    def __init__(self, rank, filters, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.rank, self.filters = rank, filters\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'filters': self.filters}\n\n\n"
        "class Plain(Conv):\n    pass\n\n\n"
        "class Conv2(Plain):\n    def __init__(self, filters, **kwargs):\n"
        "        super().__init__(rank=2, filters=filters, **kwargs)\n",
        # an abstract base: the subclass that uses `factor` carries it, the other ignores it
        _HEAD + "class Aug(keras.layers.Layer):\n    def __init__(self, factor=None, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.factor = factor\n\n"
        "    def get_config(self):\n        return super().get_config()\n\n\n"
        "class Bright(Aug):\n    def __init__(self, factor, **kwargs):\n        super().__init__(factor=factor, **kwargs)\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'factor': self.factor}\n\n\n"
        "class Flip(Aug):\n    def __init__(self, mode='h', **kwargs):\n        super().__init__(**kwargs)\n"
        "        self.mode = mode\n\n    def get_config(self):\n        return {**super().get_config(), 'mode': self.mode}\n",
        # keys of the class's own choosing, read back from **kwargs
        _HEAD + "class In(keras.layers.Layer):\n    def __init__(self, input_shape=None, batch_size=None, **kwargs):\n"
        "        if 'batch_input_shape' in kwargs:\n            shape = kwargs.pop('batch_input_shape')\n"
        "        else:\n            shape = (batch_size,) + tuple(input_shape)\n"
        "        super().__init__(**kwargs)\n        self.shape = shape\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'batch_input_shape': self.shape}\n",
        # an ancestor that writes keys in a loop over what it was given
        _HEAD + "class Wrapper(keras.losses.Loss):\n    def __init__(self, fn, **kwargs):\n"
        "        super().__init__()\n        self.fn, self.fn_kwargs = fn, kwargs\n\n"
        "    def get_config(self):\n        config = {}\n        for k, v in self.fn_kwargs.items():\n"
        "            config[k] = v\n        return {**super().get_config(), **config}\n\n\n"
        "class Focal(Wrapper):\n    def __init__(self, gamma=2.0, **kwargs):\n"
        "        super().__init__(keras.losses.binary_focal_crossentropy, gamma=gamma, **kwargs)\n\n"
        "    def get_config(self):\n        return super().get_config()\n",
        # an argument __init__ never uses
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, legacy_flag=False, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n",
        # initial weights: the file's weights replace them on load
        _HEAD + "class E(keras.layers.Layer):\n    def __init__(self, units, weights=None, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units, self.initial = units, weights\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n",
        # name / trainable / dtype are Keras's own
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, name=None, dtype=None, **kwargs):\n"
        "        super().__init__(name=name, dtype=dtype, **kwargs)\n        self.units = units\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n",
        # a base the index cannot resolve: not provably Keras
        """
            import mylib

            class A(mylib.Layer):
                def __init__(self, units):
                    self.units = units

                def get_config(self):
                    return {}
        """,
        # a spread config whose member cannot be read (an attribute set in __init__): silent
        _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, rate, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.config = {'rate': rate}\n\n"
        "    def get_config(self):\n        return {**super().get_config(), **self.config}\n",
    ]
    INVALID = [
        # a subclass adds an argument the get_config it inherits does not carry; the call site passes a plain value
        Invalid(
            _HEAD + "class Offset(keras.layers.Layer):\n    def __init__(self, offset, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.offset = offset\n\n"
            "    def get_config(self):\n        return {**super().get_config(), 'offset': self.offset}\n\n\n"
            "class Scaled(Offset):\n    def __init__(self, offset, scale, **kwargs):\n"
            "        super().__init__(offset, **kwargs)\n        self.scale = scale\n\n\n"
            "layer = Scaled(1.0, 2.0)\n",
            12, 1, "`Scaled` inherits get_config from `Offset`, which leaves out its `__init__` argument `scale` (required",
            fixed="""
                import keras

                class Offset(keras.layers.Layer):
                    def __init__(self, offset, **kwargs):
                        super().__init__(**kwargs)
                        self.offset = offset

                    def get_config(self):
                        return {**super().get_config(), 'offset': self.offset}


                class Scaled(Offset):
                    def __init__(self, offset, scale, **kwargs):
                        super().__init__(offset, **kwargs)
                        self.scale = scale

                    def get_config(self):
                        return {**super().get_config(), "scale": self.scale}


                layer = Scaled(1.0, 2.0)
            """,
        ),
        # get_config spreads a `config` property that leaves out an argument: added where a person
        # would, to the property (nothing else reads it)
        Invalid(
            _HEAD + "class Block(keras.layers.Layer):\n    def __init__(self, k=3, width=2, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.k, self.width = k, width\n\n"
            "    @property\n    def config(self):\n        return {'k': self.k}\n\n"
            "    def get_config(self):\n        return {**super().get_config(), **self.config}\n",
            12, 5, "leaves out `__init__` argument `width` (defaulted",
            fixed="""
                import keras

                class Block(keras.layers.Layer):
                    def __init__(self, k=3, width=2, **kwargs):
                        super().__init__(**kwargs)
                        self.k, self.width = k, width

                    @property
                    def config(self):
                        return {'k': self.k, 'width': self.width}

                    def get_config(self):
                        return {**super().get_config(), **self.config}
            """,
        ),
        # ... but a property also unpacked into a sub-layer keeps its keys: the entry goes to get_config
        Invalid(
            _HEAD + "class Block(keras.layers.Layer):\n    def __init__(self, units=3, width=2, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units, self.width = units, width\n\n"
            "    @property\n    def config(self):\n        return {'units': self.units}\n\n"
            "    def build(self, shape):\n        self.inner = keras.layers.Dense(**self.config)\n\n"
            "    def get_config(self):\n        return {**super().get_config(), **self.config}\n",
            15, 5, "leaves out `__init__` argument `width` (defaulted",
            fixed="""
                import keras

                class Block(keras.layers.Layer):
                    def __init__(self, units=3, width=2, **kwargs):
                        super().__init__(**kwargs)
                        self.units, self.width = units, width

                    @property
                    def config(self):
                        return {'units': self.units}

                    def build(self, shape):
                        self.inner = keras.layers.Dense(**self.config)

                    def get_config(self):
                        return {**super().get_config(), **self.config, "width": self.width}
            """,
        ),
        Invalid(
            _HEAD + "class RateLayer(keras.layers.Layer):\n    def __init__(self, rate, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.rate = rate\n\n"
            "    def get_config(self):\n        return super().get_config()\n",
            8, 5, "`rate` (required: load raises `TypeError: RateLayer.__init__() missing 1 required positional argument: 'rate'`)",
            fixed="""
                import keras

                class RateLayer(keras.layers.Layer):
                    def __init__(self, rate, **kwargs):
                        super().__init__(**kwargs)
                        self.rate = rate

                    def get_config(self):
                        return {**super().get_config(), "rate": self.rate}
            """,
        ),
        Invalid(
            _HEAD + "class Scale(keras.layers.Layer):\n    def __init__(self, units, factor=1.0, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n        self.factor = factor\n\n"
            "    def get_config(self):\n        config = super().get_config()\n"
            "        config.update({'units': self.units})\n        return config\n",
            9, 5, "`factor` (defaulted: it silently comes back as its default after load)",
            fixed="""
                import keras

                class Scale(keras.layers.Layer):
                    def __init__(self, units, factor=1.0, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                        self.factor = factor

                    def get_config(self):
                        config = super().get_config()
                        config.update({'units': self.units, 'factor': self.factor})
                        return config
            """,
        ),
        # config["k"] = v shape, keyword-only argument
        Invalid(
            _HEAD + "class K(keras.layers.Layer):\n    def __init__(self, a, *, b=2, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.a, self.b = a, b\n\n"
            "    def get_config(self):\n        config = super().get_config()\n        config['a'] = self.a\n"
            "        return config\n",
            8, 5, "`b` (defaulted",
            fixed="""
                import keras

                class K(keras.layers.Layer):
                    def __init__(self, a, *, b=2, **kwargs):
                        super().__init__(**kwargs)
                        self.a, self.b = a, b

                    def get_config(self):
                        config = super().get_config()
                        config['a'] = self.a
                        config['b'] = self.b
                        return config
            """,
        ),
        # forwarded to Dense, but get_config does not call super(): `units` is lost
        Invalid(
            _HEAD + "class D(keras.layers.Dense):\n    def __init__(self, units, scale=1.0, **kwargs):\n"
            "        super().__init__(units=units, **kwargs)\n        self.scale = scale\n\n"
            "    def get_config(self):\n        return {'scale': self.scale}\n",
            8, 5, "`units` (required",
        ),
        # forwarded under another keyword: the base's config holds `units`, not `n`
        Invalid(
            _HEAD + "class D(keras.layers.Dense):\n    def __init__(self, n, **kwargs):\n"
            "        super().__init__(units=n, **kwargs)\n\n"
            "    def get_config(self):\n        return super().get_config()\n",
            7, 5, "missing 1 required positional argument: 'n'",
        ),
        # the project ancestor's get_config does not carry what the child forwards to it
        Invalid(
            _HEAD + "class Base(keras.layers.Layer):\n    def __init__(self, units=4, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n\n"
            "    def get_config(self):\n        return super().get_config()\n\n\n"
            "class Child(Base):\n    def __init__(self, units=4, rate=0.1, **kwargs):\n"
            "        super().__init__(units=units, **kwargs)\n        self.rate = rate\n\n"
            "    def get_config(self):\n        return {**super().get_config(), 'rate': self.rate}\n",
            8, 5, "`units`",
        ),
        # an ancestor without get_config: once Child defines one, Keras no longer auto-configs `units`
        Invalid(
            _HEAD + "class Base(keras.layers.Layer):\n    def __init__(self, units=4, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n\n\n"
            "class Child(Base):\n    def __init__(self, units=4, rate=0.1, **kwargs):\n"
            "        super().__init__(units=units, **kwargs)\n        self.rate = rate\n\n"
            "    def get_config(self):\n        return {**super().get_config(), 'rate': self.rate}\n",
            14, 5, "`units` (defaulted",
        ),
        # dict(list(base.items()) + list(config.items())) with one key short, on a Model subclass
        Invalid(
            """
                from tensorflow import keras

                class M(keras.Model):
                    def __init__(self, units, depth=2, **kwargs):
                        super().__init__(**kwargs)
                        self.blocks = [keras.layers.Dense(units) for _ in range(depth)]

                    def get_config(self):
                        base = super().get_config()
                        config = {'units': 3}
                        return dict(list(base.items()) + list(config.items()))
            """,
            8, 5, "`depth`",
        ),
        # a subclass that inherits __init__ but returns a config of its own
        Invalid(
            _HEAD + "class Base(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n\n"
            "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n\n\n"
            "class Child(Base):\n    def get_config(self):\n        return {'name': self.name}\n",
            13, 5, "`units` (required",
        ),
        # an ancestor's from_config that only deserializes another key does not supply it
        Invalid(
            _HEAD + "class Base(keras.layers.Layer):\n    @classmethod\n    def from_config(cls, config):\n"
            "        config['inner'] = keras.layers.deserialize(config['inner'])\n        return cls(**config)\n\n\n"
            "class A(Base):\n    def __init__(self, inner, rate=0.5, **kwargs):\n        super().__init__(**kwargs)\n"
            "        self.inner, self.rate = inner, rate\n\n    def get_config(self):\n"
            "        return {**super().get_config(), 'inner': keras.layers.serialize(self.inner)}\n",
            15, 5, "`rate` (defaulted",
        ),
        # a subclass that only passes **kwargs on does not supply it: the base still loses it
        Invalid(
            _HEAD + "class Patch(keras.layers.Layer):\n    def __init__(self, size, data_format=None, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.size, self.data_format = size, data_format\n\n"
            "    def get_config(self):\n        return {**super().get_config(), 'size': self.size}\n\n\n"
            "class Patch2(Patch):\n    def __init__(self, size, **kwargs):\n"
            "        super().__init__(size=size, **kwargs)\n",
            8, 5, "`data_format` (defaulted",
        ),
        # both kinds in one message
        Invalid(
            """
                import tf_keras as keras

                class L(keras.layers.Layer):
                    def __init__(self, a, b, c=1, **kwargs):
                        super().__init__(**kwargs)
                        self.a, self.b, self.c = a, b, c

                    def get_config(self):
                        return {**super().get_config(), 'a': self.a}
            """,
            8, 5, "`b` (required: load raises `TypeError: L.__init__() missing 1 required positional argument: 'b'`) and `c` (defaulted",
            fixed="""
                import tf_keras as keras

                class L(keras.layers.Layer):
                    def __init__(self, a, b, c=1, **kwargs):
                        super().__init__(**kwargs)
                        self.a, self.b, self.c = a, b, c

                    def get_config(self):
                        return {**super().get_config(), 'a': self.a, 'b': self.b, 'c': self.c}
            """,
        ),
        # fixes: `config["k"] = self.k` before `return config`; a dict literal one entry a line
        Invalid(
            _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, rate: float, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.rate = rate\n\n"
            "    def get_config(self):\n        config = super().get_config()\n        return config\n",
            8, 5, "`rate`",
            fixed="""
                import keras

                class A(keras.layers.Layer):
                    def __init__(self, rate: float, **kwargs):
                        super().__init__(**kwargs)
                        self.rate = rate

                    def get_config(self):
                        config = super().get_config()
                        config["rate"] = self.rate
                        return config
            """,
        ),
        Invalid(
            _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, units, mode='sum', **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.units = units\n        self.mode = mode\n\n"
            "    def get_config(self):\n        return {\n            **super().get_config(),\n"
            "            'units': self.units,  # how wide\n        }\n",
            9, 5, "`mode`",
            fixed="""
                import keras

                class A(keras.layers.Layer):
                    def __init__(self, units, mode='sum', **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                        self.mode = mode

                    def get_config(self):
                        return {
                            **super().get_config(),
                            'units': self.units,  # how wide
                            'mode': self.mode,
                        }
            """,
        ),
        # stored under another name: unsafe
        Invalid(
            _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, rate, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self._rate = rate\n\n"
            "    def get_config(self):\n        return super().get_config()\n",
            8, 5, "`rate`",
            fixed="""
                import keras

                class A(keras.layers.Layer):
                    def __init__(self, rate, **kwargs):
                        super().__init__(**kwargs)
                        self._rate = rate

                    def get_config(self):
                        return {**super().get_config(), "rate": self._rate}
            """,
        ),
        # no fix: one of the missing arguments is not stored unchanged
        Invalid(
            _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, rate, size=2, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.rate = rate\n        self.size = size * 2\n\n"
            "    def get_config(self):\n        return super().get_config()\n",
            9, 5, "`rate`",
        ),
        # no fix: a defaulted argument that may hold an object; one the class calls
        Invalid(
            _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, table=None, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.table = table\n\n"
            "    def get_config(self):\n        return super().get_config()\n",
            8, 5, "`table`",
        ),
        Invalid(
            _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, fn='relu', **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.fn = fn\n\n"
            "    def call(self, x):\n        return self.fn(x)\n\n"
            "    def get_config(self):\n        return super().get_config()\n",
            11, 5, "`fn`",
        ),
        # no fix: get_config returns in two places
        Invalid(
            _HEAD + "class A(keras.layers.Layer):\n    def __init__(self, rate, **kwargs):\n"
            "        super().__init__(**kwargs)\n        self.rate = rate\n\n"
            "    def get_config(self):\n        if self.built:\n            return super().get_config()\n"
            "        return {**super().get_config()}\n",
            8, 5, "`rate`",
        ),
    ]

    @classmethod
    def might_report(cls, info: ClassInfo, project: ProjectIndex) -> bool:
        if info.get_config is None:
            holder = project.nearest(info, "get_config")
            return (
                holder is not None and info.init is not None
                and config_keys(project, info, holder.get_config)[1]
                and any(
                    p.name not in EXEMPT_PARAMS and trace_key(None, info, p.name, project=project)[0] is False
                    for p in info.init.own_params
                )
            )
        if not config_keys(project, info, info.get_config)[1]:
            return False
        owner = project.nearest(info, "__init__")
        return owner is not None and owner.init is not None and any(
            p.name not in EXEMPT_PARAMS and trace_key(None, info, p.name, project=project)[0] is False
            for p in owner.init.own_params
        )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = self.custom_object(node)
        if info is None:
            return
        project = self.context.project
        if info.get_config is None:
            if info.name == node.name.value and method(node, "get_config") is None:
                self.inherited(node, info)
            return
        if not config_keys(project, info, info.get_config)[1]:
            return
        get_config = method(node, "get_config")
        if get_config is None:
            return
        owner = project.nearest(info, "__init__")
        if owner is None or owner.init is None:
            return
        if reads_config_keys_from_kwargs(node, info):
            return
        supplied = from_config_words(self, info, node)
        if supplied is None:
            return  # rebuilt by a from_config we cannot read
        restores_assets = project.nearest(info, "load_assets") is not None
        used, init = None, None
        if owner is info:
            init = method(node, "__init__")
            used = names_read(init) if init is not None else None
        folded: set = set()
        if owner is info and init is not None:
            carried = {p.name for p in owner.init.own_params if trace_key(self, info, p.name)[0] is True}
            folded = folded_into(init, carried) - carried
        required, defaulted = [], []
        for param in owner.init.own_params:
            if param.name in EXEMPT_PARAMS or param.name in supplied:
                continue
            if restores_assets and none_default(self, owner, param.name, node if owner is info else None):
                continue  # a tokenizer's `vocabulary=None`: saved as an asset file, restored by load_assets()
            if used is not None and param.name not in used:
                continue  # never read: losing it changes nothing
            if param.name in folded:
                continue
            carried, lost_at = trace_key(self, info, param.name)
            if carried is not False:
                continue
            if lost_at is not info and reported_at(project, lost_at, param.name):
                continue  # lost by an ancestor's own get_config: reported there, fixed there
            if supplied_by_subclasses(self, info, param.name):
                continue
            (defaulted if param.has_default else required).append(param)
        written = written_keys(get_config)  # the index may predate --fix's last edit: the text decides
        required = [p for p in required if p.name not in written]
        defaulted = [p for p in defaulted if p.name not in written]
        if not required and not defaulted:
            return
        count = len(required) + len(defaulted)
        arguments = "argument" if count == 1 else "arguments"
        missing = [p for p in owner.init.own_params if p in required or p in defaulted]
        self.report(
            get_config,
            f"get_config of `{info.name}` leaves out `__init__` {arguments} "
            f"{describe_missing(owner.name, required, defaulted)}; add {'it' if count == 1 else 'them'} to the returned config",
            self._fix(node, info, owner is info and init, get_config, missing),
        )

    def inherited(self, node: cst.ClassDef, info: ClassInfo) -> None:
        """A class without get_config of its own whose `__init__` takes an argument the get_config it
        inherits from a project ancestor does not carry (a required one makes loading fail; a
        `{**self.config}` spread is read from the member this class, or its nearest ancestor, has)."""
        project = self.context.project
        holder = project.nearest(info, "get_config")
        if holder is None or holder is info or info.init is None or project.nearest(info, "__init__") is not info:
            return
        if not config_keys(project, info, holder.get_config)[1] or project.nearest(info, "from_config") is not None:
            return
        init = method(node, "__init__")
        if init is None:
            return
        used = names_read(init)
        required, defaulted = [], []
        for param in info.init.own_params:
            if param.name in EXEMPT_PARAMS or param.name not in used:
                continue
            carried, lost_at = trace_key(self, info, param.name)
            if carried is not False or lost_at is not info:
                continue
            if supplied_by_subclasses(self, info, param.name):
                continue
            (defaulted if param.has_default else required).append(param)
        if not required and not defaulted:
            return
        count = len(required) + len(defaulted)
        missing = [p for p in info.init.own_params if p in required or p in defaulted]
        fix, note = self._inherited_fix(node, info, init, missing)
        self.report(
            node,
            f"`{info.name}` inherits get_config from `{holder.name if holder.name != info.name else holder.qualname}`, "
            f"which leaves out its `__init__` "
            f"{'argument' if count == 1 else 'arguments'} {describe_missing(info.name, required, defaulted)}; "
            f"add a get_config carrying {'it' if count == 1 else 'them'}{note}",
            fix,
        )

    def _inherited_fix(self, node: cst.ClassDef, info: ClassInfo, init: cst.FunctionDef, missing: list) -> tuple:
        """get_config after `__init__`: `{**super().get_config(), "p": self.p}` for the missing
        arguments, each written as its kind allows (plain: safe; unknown: unsafe; else no fix)."""
        if self.context.project.subclasses(info) or init.params.star_kwarg is None:
            return None, ""
        signature = params_by_name(init)
        stored, unknown = [], []
        for param in missing:
            attr = stored_attribute(info, node, init, param.name) if param.name in signature else None
            if attr is None:
                return None, ""
            called = attr in info.called_attributes or calls_name(init, param.name)
            how, why = entry_kind(self, info, signature[param.name], called)
            if how not in (PLAIN_ENTRY, UNKNOWN_ENTRY):
                return None, f" (no automatic fix: {why})" if why else ""
            if how == UNKNOWN_ENTRY:
                unknown.append(why)
            stored.append((param.name, attr))
        holder = self.context.project.nearest(info, "get_config")
        member, edits = self._member_edits(node, info, holder.get_config.spreads if holder else (), stored)
        if edits is not None:  # the subclass's own `config` property leaves the argument out: add it there
            names = ", ".join(f"`{name}`" for name, _ in stored)
            safety = "safe" if all(name == attr for name, attr in stored) and not unknown else "unsafe"
            return Fix(safety, edits, f"add {names} to `{member}`"), f" (unsafe fix: {unknown[0]})" if unknown else ""
        quote = quote_of(init)
        entries = ["**super().get_config()", *(entry(name, attr, quote) for name, attr in stored)]
        body = ["def get_config(self):", *("    " + line for line in dict_lines(entries))]
        edit = method_after(self, init, body)
        if unknown:
            return Fix("unsafe", (edit,), "add get_config"), f" (unsafe fix: {unknown[0]})"
        safety = "safe" if all(name == attr for name, attr in stored) else "unsafe"
        return Fix(safety, (edit,), "add get_config"), ""

    def _fix(self, node: cst.ClassDef, info: ClassInfo, init, get_config: cst.FunctionDef, missing: list):
        """Add `"p": self.p` for every missing argument to the config get_config returns: only when
        this class's own `__init__` stores each of them unchanged, and each is a plain value."""
        project = self.context.project
        if not init or project.subclasses(info):
            return None  # an inherited __init__; a subclass would inherit the new keys
        if project.nearest(info, "from_config") is not None:
            return None  # a from_config may read other keys
        signature = params_by_name(init)
        stored, unknown = [], False
        for param in missing:
            attr = stored_attribute(info, node, init, param.name) if param.name in signature else None
            if attr is None:
                return None  # every missing argument or none: a partial fix would leave the finding
            called = attr in info.called_attributes or calls_name(init, param.name)
            how, _ = entry_kind(self, info, signature[param.name], called)
            if how not in (PLAIN_ENTRY, UNKNOWN_ENTRY):
                return None  # an object (a layer needs serializing and a from_config: KL206's fix)
            unknown = unknown or how == UNKNOWN_ENTRY
            stored.append((param.name, attr))
        member, edits = self._member_edits(node, info, spread_members(get_config), stored)
        if edits is None:
            member, edits = "get_config", add_to_config(self, get_config, stored)
        if edits is None:
            return None
        safety = "safe" if all(name == attr for name, attr in stored) and not unknown else "unsafe"
        names = ", ".join(f"`{name}`" for name, _ in stored)
        return Fix(safety, edits, f"add {names} to {member if member == 'get_config' else f'`{member}`'}")

    def _member_edits(self, node: cst.ClassDef, info: ClassInfo, spreads, stored: list) -> tuple:
        """(member, edits) adding the entries to the dict the class's own `config` property (or
        `config_of()` helper) returns, when get_config's config comes from one `{**self.<member>}`
        spread of it: where a person adds an argument to such a config. Only when nothing else reads
        the member (it is not also, say, unpacked into a sub-layer's constructor): every class of
        the lineage is in this file, and every `.member` of the file is in a get_config or the member
        itself. (None, None) otherwise: the entries then go to get_config."""
        spreads = tuple(spreads)
        if len(spreads) != 1:
            return None, None
        member = spreads[0]
        function = method(node, member)
        project = self.context.project
        if function is None or any(c.module != info.module for c in project.lineage(info)):
            return None, None
        if not member_read_only_by_configs(self.context.tree, member):
            return None, None
        return member, add_to_config(self, function, stored)


def spread_members(function: cst.FunctionDef) -> tuple:
    """The members a get_config's returned dict spreads: `{**self.config}`, `{**self.config_of()}`
    (a name holding "config", as the index reads them)."""
    returns = [n for n in nodes_in_order(function.body) if isinstance(n, cst.Return)]
    if len(returns) != 1 or not isinstance(returns[0].value, cst.Dict):
        return ()
    found = []
    for element in returns[0].value.elements:
        if not isinstance(element, cst.StarredDictElement):
            continue
        value = element.value
        if isinstance(value, cst.Call) and not value.args:
            value = value.func
        name = dotted(value) or ""
        if name.startswith("self.") and name.count(".") == 1 and "config" in name and name != "self.get_config":
            found.append(name[len("self."):])
    return tuple(found)


def member_read_only_by_configs(tree, member: str) -> bool:
    """Is every `.member` of the file inside a function named get_config or `member`?"""
    if tree is None:
        return False
    inside = set()
    for function in ast_nodes(tree):
        if function.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef) and function.name in ("get_config", member):
            inside |= {id(n) for n in ast_nodes(function) if n.__class__ is ast.Attribute}
    return all(
        id(n) in inside for n in ast_nodes(tree) if n.__class__ is ast.Attribute and n.attr == member
    )


def written_keys(function: cst.FunctionDef) -> set:
    """String keys a function writes: dict literal keys, `x["k"] = ...`, `.update(k=...)`, `dict(k=...)`."""
    found = set()
    for node in nodes_in_order(function.body):
        keys = []
        if isinstance(node, cst.DictElement):
            keys.append(node.key)
        elif isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Subscript):
            index = node.target.slice[0].slice if len(node.target.slice) == 1 else None
            keys.append(index.value if isinstance(index, cst.Index) else None)
        elif isinstance(node, cst.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in ("update", "dict"):
            found |= {a.keyword.value for a in node.args if a.keyword is not None}
        for key in keys:
            if isinstance(key, cst.SimpleString) and isinstance(key.evaluated_value, str):
                found.add(key.evaluated_value)
    return found


def add_to_config(rule: Rule, function: cst.FunctionDef, stored: list) -> Optional[tuple]:
    """Edits adding `"key": self.attr` entries to the config a get_config returns, for the shapes
    it can edit: `return {...}`, `return super().get_config()`, and `return config` (into the one
    `config.update({...})`, else `config["key"] = self.attr` lines before the return). The return
    must be the function's only one, and its last statement."""
    body = function.body
    returns = [n for n in nodes_in_order(body) if isinstance(n, cst.Return)]
    if not isinstance(body, cst.IndentedBlock) or len(returns) != 1:
        return None
    last = body.body[-1]
    if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1 and last.body[0] is returns[0]):
        return None
    value = returns[0].value
    quote = quote_of(function)
    entries = [entry(key, attr, quote) for key, attr in stored]
    if isinstance(value, cst.Dict):
        edit = _append_entries(rule, value, entries)
        return (edit,) if edit else None
    if _is_super_get_config(value):
        return (rule.replace(value, f"{{**{code_of(value)}, {', '.join(entries)}}}"),)
    if not isinstance(value, cst.Name):
        return None
    updates = [
        call.args[0].value for call in _expression_calls(body)
        if dotted(call.func) == f"{value.value}.update" and len(call.args) == 1 and not call.args[0].keyword
        and not call.args[0].star and isinstance(call.args[0].value, cst.Dict)
    ]
    if len(updates) == 1:
        edit = _append_entries(rule, updates[0], entries)
        return (edit,) if edit else None
    line = rule.span(last)[0][0]
    indent = indentation(rule.context.lines[line - 1])
    text = "".join(f"{indent}{value.value}[{quote}{key}{quote}] = self.{attr}\n" for key, attr in stored)
    return (Edit((line, 0), (line, 0), text),)


def _append_entries(rule: Rule, literal: cst.Dict, entries: list) -> Optional[Edit]:
    return append_to_dict(rule, literal, ", ".join(entries))


def _is_super_get_config(node: cst.BaseExpression) -> bool:
    return (
        isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get_config" and isinstance(node.func.value, cst.Call)
        and dotted(node.func.value.func) == "super"
    )


def _expression_calls(body: cst.IndentedBlock) -> list:
    """Calls that are whole top-level statements of a function body (`config.update({...})`)."""
    calls = []
    for stmt in body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            calls += [s.value for s in stmt.body if isinstance(s, cst.Expr) and isinstance(s.value, cst.Call)]
    return calls
