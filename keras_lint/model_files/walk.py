"""Every object a saved model config references, with its JSON path: the generic recursive walk
Keras's own deserialisation amounts to (research section 2). Nested models, wrappers, custom layers
that keep serialised objects under any key, `inbound_nodes` and `compile_config` are all reached;
only `build_config` (shapes) is skipped.

    for ref in references(config, "config"):
        ref.kind   # "class" | "function" | "lambda" | "name" (a legacy loss/metric string)
"""

from __future__ import annotations

import dataclasses
from typing import Iterator, Optional

from .. import keras_api as K


@dataclasses.dataclass
class Reference:
    kind: str  # "class", "function", "lambda", "name"
    path: str  # JSON path: config.layers[3].config.function
    name: str = ""  # class_name, function name, loss name
    module: Optional[str] = None  # a class's `module` (None: not written, or __main__)
    registered_name: Optional[str] = None
    has_module_key: bool = False  # False: a legacy HDF5 object, named by class_name alone
    in_compile: bool = False  # under compile_config / training_config: compile=False skips it
    code: str = ""  # a lambda's base64 marshal data
    legacy: bool = False  # a lambda in the Keras 2 list form
    layer_position: bool = False  # an entry of a model's `layers` or a wrapper's `layer`
    defaults: bool = False  # a Lambda's lambda with default argument values
    config_keys: frozenset = frozenset()  # a class's config keys
    filepath: str = ""  # a TFSMLayer's `filepath` (KL614), a lookup layer's `vocabulary` file (KL615)


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def references(value, path: str = "", in_compile: bool = False, layer: bool = False) -> Iterator[Reference]:
    stack = [(value, path, in_compile, layer, 0)]
    while stack:
        value, path, in_compile, layer, depth = stack.pop()
        if depth > 400:  # a hostile nesting; Keras itself would hit its recursion limit
            continue
        if isinstance(value, list):
            child_layer = path.endswith(".layers")
            stack.extend((item, _join(path, i), in_compile, child_layer, depth + 1) for i, item in reversed(list(enumerate(value))))
            continue
        if not isinstance(value, dict):
            continue
        class_name = value.get("class_name")
        if isinstance(class_name, str) and "config" in value:
            config = value["config"]
            if class_name in K.SAVED_DATA_MARKERS:
                if class_name in ("__tuple__", "__slice__"):
                    stack.append((config, _join(path, "config"), in_compile, False, depth + 1))
                continue
            if class_name == "__lambda__":
                code = config.get("code") if isinstance(config, dict) else None
                if code is None and isinstance(config, dict) and isinstance(config.get("value"), list) and config["value"]:
                    code = config["value"][0]
                defaults = isinstance(config, dict) and "code" in config and bool(config.get("defaults"))
                yield Reference("lambda", path, "<lambda>", in_compile=in_compile, code=code if isinstance(code, str) else "",
                                defaults=defaults)
                continue
            if class_name == "function" and value.get("registered_name") == "function" or value.get("module") == "builtins":
                yield Reference("function", path, str(config), module=value.get("module"), in_compile=in_compile)
                continue
            yield Reference(
                "class", path, class_name, module=value.get("module"), registered_name=value.get("registered_name"),
                has_module_key="module" in value, in_compile=in_compile, layer_position=layer,
                config_keys=frozenset(config) if isinstance(config, dict) else frozenset(),
                filepath=_filepath(class_name, config),
            )
            if class_name == "Lambda" and isinstance(config, dict):
                yield from _legacy_lambda(config, _join(path, "config"), in_compile)
            for key, item in reversed(list(value.items())):
                if key in ("build_config", "class_name", "module", "registered_name"):
                    continue
                stack.append((item, _join(path, key), in_compile or key == "compile_config", key == "layer", depth + 1))
            continue
        for key, item in reversed(list(value.items())):
            stack.append((item, _join(path, key), in_compile or key == "compile_config", key == "layer", depth + 1))


def _filepath(class_name: str, config) -> str:
    if not isinstance(config, dict):
        return ""
    if class_name == "TFSMLayer":
        return str(config.get("filepath") or "")
    if class_name in K.VOCABULARY_LAYERS and isinstance(config.get("vocabulary"), str):
        return config["vocabulary"]
    return ""


def _legacy_lambda(config: dict, path: str, in_compile: bool) -> Iterator[Reference]:
    """Keras 2's Lambda: `function` (and `output_shape`) as [code, defaults, closure] with
    `function_type` "lambda" -- bytecode without a `__lambda__` marker -- or a function's name."""
    for key, kind_key in (("function", "function_type"), ("output_shape", "output_shape_type")):
        value, kind = config.get(key), config.get(kind_key)
        if isinstance(value, dict) and value.get("class_name") == "__tuple__":
            value = value.get("items")
        if kind == "lambda" and isinstance(value, list) and value and isinstance(value[0], str):
            yield Reference("lambda", _join(path, key), "<lambda>", in_compile=in_compile, code=value[0], legacy=True,
                            defaults=len(value) > 1 and bool(value[1]))
        elif kind == "function" and isinstance(value, str):
            yield Reference("function", _join(path, key), value, module=config.get("module"), in_compile=in_compile)


def training_references(training: dict, path: str = "training_config") -> Iterator[Reference]:
    """A legacy HDF5 `training_config`: loss and metrics are names (strings) or serialised objects."""
    for key in ("loss", "metrics", "weighted_metrics"):
        yield from _names(training.get(key), _join(path, key), key)
    for key, value in training.items():
        if key not in ("loss", "metrics", "weighted_metrics"):
            yield from references(value, _join(path, key), in_compile=True)


def _names(value, path: str, what: str) -> Iterator[Reference]:
    if isinstance(value, str):
        yield Reference("name", path, value, in_compile=True, module=what)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _names(item, _join(path, i), what)
    elif isinstance(value, dict):
        if "class_name" in value:
            yield from references(value, path, in_compile=True)
        else:
            for key, item in value.items():
                yield from _names(item, _join(path, key), what)
