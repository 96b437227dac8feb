"""What every call site of a project passes to a class's `__init__` (index/arguments.py), and the
kinds analysis/argument_kinds.py makes of them."""

import os

from test_project import index_of

from keras_lint.analysis import argument_kinds as kinds

LAYERS = """
    import keras

    class Wrap(keras.layers.Layer):
        def __init__(self, inner, size=3, fn=None, **kwargs):
            super().__init__(**kwargs)
            self.inner, self.size, self.fn = inner, size, fn

    class Child(Wrap):
        pass

    class Passing(Wrap):
        def __init__(self, block, **kwargs):
            super().__init__(block, size=4, **kwargs)

    class Config:
        pass
"""

USES = """
    import functools
    import numpy as np
    import keras
    from pkg.layers import Wrap, Child, Passing, Config

    def relu(x):
        return x

    dense = keras.layers.Dense(3)
    a = Wrap(dense, 5, fn=relu)
    b = Child(keras.Sequential([]), size=np.zeros(3))
    c = functools.partial(Wrap, keras.initializers.Constant(2.0))
    d = Passing(keras.layers.Dense(2))
    e = Wrap(Config(), fn=lambda x: x)
    f = Wrap(some_unknown, size=[1, 2, "three"])
    g = Passing(keras.Input((3,)))
"""


def kinds_of(tmp_path, param):
    project = index_of(tmp_path, {"pkg/__init__.py": "", "pkg/layers.py": LAYERS, "pkg/uses.py": USES})
    wrap = project.find("pkg.layers.Wrap")
    return [(p.kind, os.path.basename(p.path), p.line) for p in kinds.passed(project, wrap, param)]


def test_kinds_from_every_call_site(tmp_path):
    # Wrap(...), a subclass without __init__ (Child), partial(Wrap, ...), and what Passing hands on
    # from its own call sites through super().__init__(block, ...)
    assert kinds_of(tmp_path, "inner") == [
        (kinds.LAYER, "uses.py", 11),  # dense, followed through its assignment
        (kinds.LAYER, "uses.py", 12),  # Child(keras.Sequential(...)): Child runs Wrap's __init__
        (kinds.SERIALIZABLE, "uses.py", 13),  # partial(Wrap, Constant(2.0))
        (kinds.LAYER, "uses.py", 14),  # Passing(Dense(2)), handed on by super().__init__(block, ...)
        (kinds.OBJECT, "uses.py", 15),  # a project class that is no Keras object
        (kinds.UNKNOWN, "uses.py", 16),
        (kinds.ARRAY, "uses.py", 17),  # Passing(keras.Input(...))
    ]


def test_plain_array_and_function_values(tmp_path):
    assert kinds_of(tmp_path, "size") == [
        (kinds.PLAIN, "layers.py", 14),  # Passing's super().__init__(block, size=4)
        (kinds.PLAIN, "uses.py", 11),
        (kinds.ARRAY, "uses.py", 12),
        (kinds.PLAIN, "uses.py", 16),  # a list of literals
    ]
    assert kinds_of(tmp_path, "fn") == [(kinds.FUNCTION, "uses.py", 11), (kinds.FUNCTION, "uses.py", 15)]


def test_a_class_without_call_sites_has_no_kinds(tmp_path):
    project = index_of(tmp_path, {"m.py": LAYERS})
    assert kinds.passed(project, project.find("m.Wrap"), "inner") == []


def test_never_saved_when_every_call_site_gives_a_refused_value(tmp_path):
    """KL201 stays silent for such a class (its load cannot fail: the save raises first); one call
    site with a plain or unknown value, or a get_config, and the class may be saved."""
    wrapper = "import keras\n\nclass Wrap(keras.layers.Layer):\n    def __init__(self, inner, **kwargs):\n" \
              "        super().__init__(**kwargs)\n        self.inner = inner\n"
    uses = "import keras\nfrom pkg.w import Wrap\n\na = Wrap(keras.layers.Dense(2))\nb = Wrap(keras.Sequential([]))\n"
    for folder in "abcd":
        (tmp_path / folder).mkdir()
    project = index_of(tmp_path / "a", {"pkg/__init__.py": "", "pkg/w.py": wrapper, "pkg/u.py": uses})
    assert kinds.never_saved(project, project.find("pkg.w.Wrap")) == "`inner` is given a layer or model at every call site (2)"
    project = index_of(tmp_path / "b", {"pkg/__init__.py": "", "pkg/w.py": wrapper, "pkg/u.py": uses + "c = Wrap(anything)\n"})
    assert kinds.never_saved(project, project.find("pkg.w.Wrap")) is None
    with_config = wrapper + "\n    def get_config(self):\n        return super().get_config()\n"
    project = index_of(tmp_path / "c", {"pkg/__init__.py": "", "pkg/w.py": with_config, "pkg/u.py": uses})
    assert kinds.never_saved(project, project.find("pkg.w.Wrap")) is None
    (tmp_path / "e").mkdir()
    defaulted = wrapper.replace("inner, **kwargs", "inner=None, **kwargs")
    project = index_of(tmp_path / "e", {"pkg/__init__.py": "", "pkg/w.py": defaulted, "pkg/u.py": uses})
    assert kinds.never_saved(project, project.find("pkg.w.Wrap")) is not None  # given at every site
    (tmp_path / "f").mkdir()
    project = index_of(tmp_path / "f", {"pkg/__init__.py": "", "pkg/w.py": defaulted, "pkg/u.py": uses + "c = Wrap(name='w')\n"})
    assert kinds.never_saved(project, project.find("pkg.w.Wrap")) is None  # one site leaves it out: its default
    project = index_of(tmp_path / "d", {"pkg/__init__.py": "", "pkg/w.py": wrapper})  # no call site: judged as before
    assert kinds.never_saved(project, project.find("pkg.w.Wrap")) is None


def test_an_annotation_naming_a_model_says_what_a_value_of_unknown_kind_is(tmp_path):
    """Triage (alibi-detect): `EncoderVAE(encoder_net: tf.keras.Model, ...)` built from a function's
    parameter: unknown at the call site, a model by its annotation: the class cannot be saved."""
    wrapper = ("import tensorflow as tf\n\nclass Enc(tf.keras.layers.Layer):\n"
               "    def __init__(self, encoder_net: tf.keras.Model, latent_dim: int):\n"
               "        super().__init__()\n        self.encoder_net = encoder_net\n")
    uses = "from pkg.w import Enc\n\ndef build(net):\n    return Enc(net, 2)\n"
    for folder in "ab":
        (tmp_path / folder).mkdir()
    project = index_of(tmp_path / "a", {"pkg/__init__.py": "", "pkg/w.py": wrapper, "pkg/u.py": uses})
    assert kinds.never_saved(project, project.find("pkg.w.Enc")) == "`encoder_net` is annotated `Model`, a layer or model"
    plain = wrapper.replace("encoder_net: tf.keras.Model", "encoder_net: int")
    project = index_of(tmp_path / "b", {"pkg/__init__.py": "", "pkg/w.py": plain, "pkg/u.py": uses})
    assert kinds.never_saved(project, project.find("pkg.w.Enc")) is None


FROM_CONFIG = """
    import keras
    from pkg.layers import Wrap, Config

    class Rebuilt(keras.layers.Layer):
        def __init__(self, inner, init=None, **kwargs):
            super().__init__(**kwargs)
            self.inner, self.init = inner, init

        @classmethod
        def from_config(cls, config):
            config = dict(config)
            config["inner"] = keras.layers.deserialize(config["inner"])
            config["init"] = keras.initializers.get(config["init"])
            return cls(**config)

    a = Wrap.from_config({"inner": "relu", "size": 7, "name": "w"})
    b = Rebuilt.from_config({"inner": {"class_name": "Dense"}})
"""


def test_from_config_calls_are_call_sites(tmp_path):
    """A literal config given to the from_config Keras's `cls(**config)` runs is a call site (not to
    a project from_config, which may rebuild its entries); a project from_config rebuilding an
    entry with a deserializer says what `cls(**config)` gives that argument."""
    project = index_of(tmp_path, {"pkg/__init__.py": "", "pkg/layers.py": LAYERS, "pkg/uses.py": FROM_CONFIG})
    wrap, rebuilt = project.find("pkg.layers.Wrap"), project.find("pkg.uses.Rebuilt")
    assert [(p.kind, p.line) for p in kinds.passed(project, wrap, "inner")] == [(kinds.PLAIN, 17)]
    assert [(p.kind, p.line) for p in kinds.passed(project, wrap, "size")] == [(kinds.PLAIN, 14), (kinds.PLAIN, 17)]
    assert [(p.kind, p.line) for p in kinds.passed(project, rebuilt, "inner")] == [(kinds.LAYER, 15)]
    assert [(p.kind, p.family) for p in kinds.passed(project, rebuilt, "init")] == [(kinds.SERIALIZABLE, "initializers")]


def test_keras_objects_name_the_module_that_rebuilds_them(tmp_path):
    """`keras.initializers.Constant(2.0)` is rebuilt by keras.initializers' serialize/deserialize
    pair (the family a config fix writes); a project initializer has none (it needs registering)."""
    uses = USES + "    h = Wrap(MyInit())\n"
    layers = LAYERS + "\n    class MyInit(keras.initializers.Initializer):\n        pass\n"
    project = index_of(tmp_path, {"pkg/__init__.py": "", "pkg/layers.py": layers,
                                  "pkg/uses.py": uses.replace("Passing, Config", "Passing, Config, MyInit")})
    found = [(p.kind, p.family, p.line) for p in kinds.passed(project, project.find("pkg.layers.Wrap"), "inner")]
    assert (kinds.SERIALIZABLE, "initializers", 13) in found
    assert (kinds.SERIALIZABLE, "", 18) in found
