"""The project index: classes judged with their bases and registrations in other files in view."""

import textwrap

import pytest

from keras_lint import index
from keras_lint.index import ProjectIndex, module_name, project_root, summarise_path
from keras_lint.index.project_index import base_kind


def index_of(tmp_path, files, register_decorators=(), root=None):
    (tmp_path / "setup.cfg").write_text("[metadata]\n")
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        paths.append(str(path))
    return ProjectIndex([summarise_path(p) for p in paths], register_decorators, root)


BASE = """
    import keras
    class Base(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
        def get_config(self):
            config = super().get_config()
            config.update({"units": self.units})
            return config
"""


def test_cross_file_base_through_relative_and_absolute_imports(tmp_path):
    index = index_of(
        tmp_path,
        {
            "pkg/__init__.py": "from .base import Base\n",
            "pkg/base.py": BASE,
            "pkg/blocks.py": "from .base import Base\nclass A(Base):\n    pass\n",
            "pkg/more.py": "from pkg import Base\nclass B(Base):\n    pass\n",  # re-exported by the package
            "pkg/sub/__init__.py": "",
            "pkg/sub/deep.py": "from ..blocks import A\nclass C(A):\n    pass\n",
        },
    )
    for name in ("pkg.blocks.A", "pkg.more.B", "pkg.sub.deep.C"):
        assert index.keras_kind(index.classes[name]) == "layer", name
    assert [a.name for a in index.ancestors(index.classes["pkg.sub.deep.C"])] == ["A", "Base"]


def test_cross_file_base_through_namespace_folders(tmp_path):
    """Folders without `__init__.py` are namespace packages: `src/models/base.py` imports as `base`
    (beside it), `models.base` and `src.models.base`. A name two files could claim stays unresolved."""
    index = index_of(
        tmp_path,
        {
            "src/models/base.py": BASE,
            "src/models/blocks.py": "from models.base import Base\nclass A(Base):\n    pass\n",
            "src/models/beside.py": "from base import Base\nclass B(Base):\n    pass\n",
            "src/train.py": "import src.models.base as m\nclass C(m.Base):\n    pass\n",
            "src/pkg/__init__.py": "",
            "src/pkg/layers.py": "from src.models.base import Base\nclass D(Base):\n    pass\n",
            "x/common/shared.py": BASE,
            "y/common/shared.py": "class Base:\n    pass\n",
            "z/ambiguous.py": "from common.shared import Base\nclass E(Base):\n    pass\n",
        },
        root=str(tmp_path),
    )
    for name in ("blocks.A", "beside.B", "train.C", "pkg.layers.D"):
        assert index.keras_kind(index.classes[name]) == "layer", name
    assert index.keras_kind(index.classes["ambiguous.E"]) is None
    assert index.module("src.models.base") is index.modules["base"]
    assert index.module("common.shared") is None
    assert ProjectIndex(index.summaries).module("models.base") is None  # one file (flake8): no project root


@pytest.mark.parametrize(
    "source, kind",
    [
        ("import keras\nclass X(keras.layers.Dense): pass\n", "layer"),
        ("import tensorflow as tf\nclass X(tf.keras.Model): pass\n", "model"),
        ("from keras import losses\nclass X(losses.Loss): pass\n", "loss"),
        ("import keras\nclass X(keras.metrics.Metric): pass\n", "metric"),
        ("import keras\nclass X(keras.optimizers.schedules.LearningRateSchedule): pass\n", "schedule"),
        ("import keras\nclass X(keras.callbacks.Callback): pass\n", None),
        ("class Layer: pass\nclass X(Layer): pass\n", None),
        ("import torch\nclass X(torch.nn.Module):\n    def get_config(self): return {}\n", None),
        ("from elsewhere import Base\nclass X(Base): pass\n", None),
    ],
)
def test_which_classes_are_custom_objects(tmp_path, source, kind):
    index = index_of(tmp_path, {"m.py": source})
    assert index.keras_kind(index.classes["m.X"]) == kind


def test_registration_in_every_form(tmp_path):
    index = index_of(
        tmp_path,
        {
            "m.py": """
                import keras
                from tensorflow.keras.utils import register_keras_serializable as reg
                try:
                    from keras.saving import register_keras_serializable
                except ImportError:
                    from tf_keras.utils import register_keras_serializable
                from export import my_export, export_class
                @keras.saving.register_keras_serializable(package="p")
                class A(keras.layers.Layer): pass
                @reg()
                class B(keras.layers.Layer): pass
                @register_keras_serializable("q", "Named")
                class C(keras.layers.Layer): pass
                class D(keras.layers.Layer): pass
                keras.saving.get_custom_objects()["D"] = D
                class E(keras.layers.Layer): pass
                keras.utils.get_custom_objects().update({"E": E})
                @my_export("m.F")
                class F(keras.layers.Layer): pass
                @export_class("m.G")
                class G(keras.layers.Layer): pass
                @company.export
                class H(keras.layers.Layer): pass
                class I(keras.layers.Layer): pass
                class J(keras.layers.Layer): pass
                J = keras.saving.register_keras_serializable(package="p")(J)
                class K(keras.layers.Layer): pass
                reg()(K)
                class L(keras.layers.Layer): pass
                CUSTOM = {"L": L}
                keras.saving.get_custom_objects().update(CUSTOM)
                class M(keras.layers.Layer): pass
                keras.saving.get_custom_objects().update(M=M)
                class N(keras.layers.Layer): pass
                reg(N)  # no call of the decorator: registers nothing (KL209's mistake, bare)
                register = keras.saving.register_keras_serializable(package="r")
                @register
                class O(keras.layers.Layer): pass
            """,
            "export.py": """
                import keras
                def _register(symbol):
                    return keras.saving.register_keras_serializable(package="x")(symbol)
                def my_export(path):
                    def decorator(symbol):
                        return _register(symbol)
                    return decorator
                class export_class:
                    def __init__(self, path):
                        self.path = path
                    def __call__(self, symbol):
                        keras.saving.get_custom_objects()[self.path] = symbol
                        return symbol
            """,
        },
        register_decorators=("company.export",),
    )
    registered = {name for name, info in index.classes.items() if index.is_registered(info)}
    assert registered == {f"m.{c}" for c in "ABCDEFGHJKLMO"}
    assert index.classes["m.O"].registration.key("O") == "r>O"
    assert index.classes["m.C"].registration.key("C") == "q>Named"
    assert index.classes["m.A"].registration.key("A") == "p>A"
    assert index.classes["m.B"].registration.key("B") == "Custom>B"


@pytest.mark.parametrize(
    "body, keys, complete, calls_super",
    [
        ('return {"a": self.a, "b": self.b}', {"a", "b"}, True, False),
        ('config = super().get_config()\n    config.update({"a": 1})\n    config["b"] = 2\n    return config', {"a", "b"}, True, True),
        ('base = super().get_config()\n    return {**base, "a": 1}', {"a"}, True, True),
        (
            'config = {"a": 1}\n    base_config = super().get_config()\n'
            "    return dict(list(base_config.items()) + list(config.items()))",
            {"a"}, True, True,
        ),
        ("return self._config", set(), False, False),
        ('config = super().get_config()\n    config.update(self.extra)\n    return config', set(), False, True),
        ('config = super().get_config()\n    config.update(a=1)\n    return config', {"a"}, True, True),
    ],
)
def test_get_config_keys(tmp_path, body, keys, complete, calls_super):
    source = f"import keras\nclass X(keras.layers.Layer):\n  def get_config(self):\n    {body}\n"
    info = index_of(tmp_path, {"m.py": source}).classes["m.X"].get_config
    assert (info.keys, info.complete, info.calls_super) == (keys, complete, calls_super)


def test_init_summary(tmp_path):
    source = """
        import keras
        class X(keras.layers.Dense):
            def __init__(self, units, scale: float = 1.0, init=keras.initializers.Ones(), *args, rate=0.5, **kwargs):
                super().__init__(units=units, *args, **kwargs)
                self.scale = scale
                self.init = keras.initializers.get(init)
    """
    init = index_of(tmp_path, {"m.py": source}).classes["m.X"].init
    assert [(p.name, p.kind, p.has_default, p.annotated, p.default_is_literal) for p in init.params] == [
        ("units", "positional", False, False, True),
        ("scale", "positional", True, True, True),
        ("init", "positional", True, False, False),
        ("args", "var_positional", False, False, True),
        ("rate", "keyword_only", True, False, True),
        ("kwargs", "var_keyword", False, False, True),
    ]
    assert init.forwarded == {"units": "units"} and init.forwards_kwargs and init.calls_super
    assert init.stored == {"scale": "scale"} and init.normalised == {"init": "init"}


def test_module_names_and_project_root(tmp_path):
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "src" / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "__init__.py").write_text("")
    (tmp_path / "src" / "pkg" / "sub" / "__init__.py").write_text("")
    assert module_name(str(tmp_path / "src" / "pkg" / "sub" / "m.py")) == "pkg.sub.m"
    assert module_name(str(tmp_path / "src" / "pkg" / "__init__.py")) == "pkg"
    assert module_name(str(tmp_path / "script.py")) == "script"
    assert project_root(str(tmp_path / "src" / "pkg" / "sub" / "m.py")) == str(tmp_path)


def test_base_kind_of_public_paths():
    assert base_kind("keras.layers.Conv2D") == "layer"
    assert base_kind("tf_keras.src.engine.base_layer.Layer") == "layer"
    assert base_kind("keras.layers.InputSpec") is None
    assert base_kind("keras.layers.add") is None
    assert base_kind("keras.utils.Sequence") is None


def test_the_cli_summarises_each_file_once_however_it_is_named(tmp_path, monkeypatch):
    """A file named relatively and found again by the walk from the project root is one file: the
    index once summarised every named file twice (the set held both spellings)."""
    from keras_lint import cli

    index_of(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BASE, "pkg/other.py": "x = 1\n"})
    summarised = []
    real = summarise_path
    monkeypatch.setattr(index, "summarise_path", lambda path: summarised.append(path) or real(path))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["-j", "1", "--no-cache", "--exit-zero", "pkg/base.py", "pkg"]) == 0
    assert sorted(summarised) == sorted(str(tmp_path / "pkg" / name) for name in ("__init__.py", "base.py", "other.py"))


def test_attribute_stores_count_every_store_in_every_method(tmp_path):
    """The config fixes keep `"p": self.p` only when `self.p` is stored once in the whole class; the
    index counts the stores so that LibCST need not see the methods that make them."""
    index = index_of(
        tmp_path,
        {
            "layer.py": """
                import keras
                class A(keras.layers.Layer):
                    def __init__(self, units, rate, depth, **kwargs):
                        super().__init__(**kwargs)
                        self.units = units
                        self.rate = rate
                        self.depth: int = depth
                        self.pair, self.other = units, rate
                    def build(self, shape):
                        self.rate += 1
                        for self.step in range(3):
                            pass
                        with open("f") as self.handle:
                            pass
                        del self.gone
                        setattr(self, "named", 1)
            """,
            "dynamic.py": """
                import keras
                class B(keras.layers.Layer):
                    def build(self, shape):
                        setattr(self, "w" + str(shape), 1)
            """,
        },
    )
    (a,) = index.classes_in(str(tmp_path / "layer.py"))
    assert a.attribute_stores == {
        "units": ("units",), "rate": ("rate", None), "depth": ("depth",), "pair": (None,), "other": (None,),
        "step": (None,), "handle": (None,), "gone": (None,), "named": (None,),
    }
    (b,) = index.classes_in(str(tmp_path / "dynamic.py"))
    assert b.attribute_stores == {"*": (None,)}


@pytest.mark.parametrize(
    "source, may_be",
    [
        ("import keras\nclass X(keras.layers.Layer): pass\n", True),
        ("from elsewhere import Base\nclass X(Base): pass\n", True),  # unknown: may be
        ("import tensorflow as tf\nclass X(tf.test.TestCase): pass\n", False),
        ("import tensorflow as tf\nclass X(tf.Module): pass\n", False),
        ("import unittest\nclass T(unittest.TestCase): pass\nclass X(T): pass\n", False),
        ("import keras\nclass X(keras.callbacks.Callback): pass\n", False),
    ],
)
def test_which_classes_may_be_keras_layers_or_models(tmp_path, source, may_be):
    """A Lambda (or a callable keyword) built in the code of a class that may be a Keras layer or
    model is one of its sub-layers, never saved: KL101/KL102/KL301 stay silent there, and report it
    in a test case's method, which builds a model that is saved."""
    index = index_of(tmp_path, {"m.py": source})
    assert index.may_be_keras(index.classes["m.X"]) is may_be
