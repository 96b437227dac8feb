"""Does a class's saved config carry each `__init__` argument? What KL202, KL203 and KL206 ask:
a key traced through the class's own get_config, its project bases (and what they hand on to
Keras) and its subclasses, with the errors a load then raises."""

from __future__ import annotations

import ast
import os
from typing import TYPE_CHECKING, Optional

from ..index.ast_questions import adds_unlisted_key, init_calls, none_defaulted, words_of
from ..index.model import ClassInfo
from ..index.project_index import ProjectIndex, base_kind
from ..keras_api import H5_CONFIG_ARGS, LAYER_BASES, LAYER_CONFIG_KEYS, MODEL_BASES
from ..names import ast_nodes, keras_path, path_matches

if TYPE_CHECKING:  # for annotations only: the rule calling in hands itself over
    from ..rules.base import Rule


def direct_base(project: ProjectIndex, info: ClassInfo):
    """What `super()` reaches from `info`: a project ClassInfo, a Keras public path (str), or None
    when it cannot be told (several bases, a base outside the project and Keras)."""
    if len(info.bases) != 1:
        return None
    parent = project.find(info.bases[0])
    if parent is not None:
        return parent
    if base_kind(info.bases[0]):
        return keras_path(info.bases[0])
    return None


def passed_on(info: ClassInfo, key: str):
    """The keyword under which an argument given to `info.__init__` as `key` reaches the base's
    `__init__`: `key` itself, False when it does not reach it under that name, None when unknown."""
    init = info.init
    if init is None:
        return key  # the base's own __init__ receives it
    if key in {p.name for p in init.own_params}:
        forwarded = init.forwarded.get(key)
        if forwarded is None:
            return False
        if forwarded == "":
            return None  # positional: which base parameter it fills is not known here
        return key if forwarded == key else False
    return key if init.forwards_kwargs else False


def trace_key(
    rule: Optional[Rule], info: ClassInfo, key: str, seen: frozenset = frozenset(), project: Optional[ProjectIndex] = None,
    instance: Optional[ClassInfo] = None,
) -> tuple:
    """Does the config `info`'s get_config (its own or an inherited one) returns hold `key`, for an
    argument passed to `info(...)` as `key`? (True / False / None when it cannot be told, and for
    False the class along the chain where it is lost.) Without a rule (the index alone, for
    `might_report`) keys added under computed names go unseen: it may say False where the rule
    says None, never the reverse. `instance`: the class of the object saved (`info` itself at
    first), whose members a `{**self.config}` spread reads."""
    project = project or rule.context.project
    instance = instance or info
    if info.qualname in seen:
        return None, None
    seen = seen | {info.qualname}
    own = info.get_config
    if own is not None:
        keys, complete = config_keys(project, instance, own)
        if key in keys:
            return True, None
        if not complete or (rule is not None and dynamic_keys(rule, info)):
            return None, None
        if not own.calls_super:
            return False, info
    arrival = passed_on(info, key)
    if arrival is None:
        return None, None
    if arrival is False:
        # Not handed to the base; an inherited get_config may still read it from `self` (unknowable).
        if any(
            a.get_config is not None and key in config_keys(project, instance, a.get_config)[0]
            for a in project.ancestors(info)
        ):
            return None, None
        return False, info
    parent = direct_base(project, info)
    if parent is None:
        return None, None
    if isinstance(parent, str):
        if path_matches(parent, *LAYER_BASES, *MODEL_BASES):
            return (True, None) if arrival in LAYER_CONFIG_KEYS else (None, None)
        return True, None  # a built-in (Dense, Loss, ...): its get_config carries the keywords it takes
    return trace_key(rule, parent, arrival, seen, project, instance)


def config_keys(project: ProjectIndex, instance: ClassInfo, config) -> tuple:
    """(keys, complete) of a get_config for an object of class `instance`: with its `{**self.config}`
    / `{**self.helper()}` spreads read from the member the instance's class (or its nearest project
    ancestor) defines; incomplete when one cannot be read."""
    if config.complete or not config.spreads or not config.complete_but_spreads:
        return config.keys, config.complete
    keys = set(config.keys)
    for member in config.spreads:
        owner = next((c for c in project.lineage(instance) if member in c.member_configs), None)
        if owner is None or not owner.member_configs[member].complete:
            return config.keys, False
        keys |= owner.member_configs[member].keys
    return keys, True


def config_readable(project: ProjectIndex, instance: ClassInfo, config) -> bool:
    return config_keys(project, instance, config)[1]


def dynamic_keys(rule: Rule, info: ClassInfo) -> bool:
    """Does the class's get_config add keys the index does not list? `config[k] = v` with a computed
    `k` (a loop over stored kwargs), `config |= ...`, `config.setdefault(...)` (ConfigInfo.dynamic_keys:
    the index's `keys` counts only literal keys, and these do not make it incomplete)."""
    here, function = method_here(rule, info, "get_config")
    if here:
        return function is not None and any(adds_unlisted_key(node) for node in ast_nodes(function))
    return info.get_config is not None and info.get_config.dynamic_keys


def supplied_by_subclasses(rule: Rule, info: ClassInfo, key: str, seen: frozenset = frozenset()) -> bool:
    """A base class's argument that its project subclasses take care of: each one that deals with
    it supplies it itself (Conv's `rank`, given as a constant by Conv2D), carries it in its own
    config, or passes it on from a base of its own of the same kind; at least one does. Then the
    base is not built directly. A subclass without an `__init__` of its own builds the base as it is
    (the base may be concrete), unless it is itself such a base for subclasses of its own; one that
    neither takes nor gives the argument says nothing."""
    children = rule.context.project.subclasses(info)
    seen = seen | {info.qualname}
    evidence = False
    for child in children:
        if child.qualname in seen:
            return False
        if child.init is None:  # `class Plain(Base): pass` between the base and the classes that supply it
            if not supplied_by_subclasses(rule, child, key, seen):
                return False
            evidence = True
            continue
        if passes_explicitly(rule, child, key, info):
            evidence = True
        elif key in {p.name for p in child.init.own_params}:
            if not (trace_key(rule, child, key)[0] is True or supplied_by_subclasses(rule, child, key, seen)):
                return False
            evidence = True
    return evidence


def passes_explicitly(rule: Rule, child: ClassInfo, key: str, base: Optional[ClassInfo] = None) -> bool:
    """Does the child's `__init__` give its base `key` a value of its own (`rank=2`, or positionally
    in `key`'s place), rather than passing on an argument of the same name? (What its `<x>.__init__(...)`
    calls give: InitInfo.valued_keywords and init_call_args.)"""
    here, init = method_here(rule, child, "__init__")
    if here:
        if init is None:
            return False
        valued, calls = init_calls(init)
    elif child.init is not None:
        valued, calls = child.init.valued_keywords, child.init.init_call_args
    else:
        return False
    if key in valued:
        return True
    position = None
    if base is not None and base.init is not None:
        positional = [p.name for p in base.init.params if p.kind == "positional"]
        position = positional.index(key) if key in positional else None
    if position is None:
        return False
    # `"*"`: a `*args` there, which may fill any place; a name other than `key`, or any other
    # expression (None), gives the place a value of its own.
    return any(len(args) > position and "*" not in args[: position + 1] and args[position] != key for args in calls)


def config_carries(rule: Rule, info: ClassInfo, key: str) -> Optional[bool]:
    return trace_key(rule, info, key)[0]


def method_here(rule: Rule, info: ClassInfo, name: str) -> tuple:
    """(True, the method's `ast` def or None) for a class of the file being linted, read from the
    text the engine was given (`context.tree`, through its names), so that an editor's unsaved
    buffer is judged as it is; (False, None) for a class of another file, which is known by its
    summary only (the index is the only reader of files). Of two defs of one name, the last, as
    Python and the summary take it."""
    if os.path.abspath(info.path) != os.path.abspath(rule.context.path):
        return False, None
    for binding in rule.names.module.bindings.get(info.name, []):
        if binding.kind == "class" and isinstance(binding.node, ast.ClassDef) and binding.node.lineno == info.line:
            defs = [s for s in binding.node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name]
            return True, defs[-1] if defs else None
    return False, None  # not found in the text: as the index summarised it


def init_defaults_to_none(rule: Rule, owner: ClassInfo, name: str) -> bool:
    """Does the `__init__` of `owner` default parameter `name` to `None` (Param.default_is_none)?"""
    here, init = method_here(rule, owner, "__init__")
    if here:
        return init is not None and name in none_defaulted(init)
    return owner.init is not None and any(p.name == name and p.default_is_none for p in owner.init.params)


def from_config_words_of(rule: Rule, info: ClassInfo) -> Optional[set]:
    """The words (string literals, call keywords) of the class's own `from_config`
    (ClassInfo.from_config_words); None when it has none."""
    here, function = method_here(rule, info, "from_config")
    if here:
        return set(words_of(function)) if function is not None else None
    return set(info.from_config_words) if info.from_config_words is not None else None


def quoted(names: list) -> str:
    """Python's own listing of missing arguments: 'a', 'a' and 'b', 'a', 'b', and 'c'."""
    items = [f"'{n}'" for n in names]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def missing_argument_error(owner: str, required: list) -> str:
    """The TypeError Python raises for `cls(**config)` without the required arguments."""
    positional = [p.name for p in required if p.kind == "positional"]
    names, kind = (positional, "positional") if positional else ([p.name for p in required], "keyword-only")
    plural = "argument" if len(names) == 1 else "arguments"
    return f"TypeError: {owner}.__init__() missing {len(names)} required {kind} {plural}: {quoted(names)}"


def automatic_config_owner(project: ProjectIndex, info: ClassInfo, *bases: str) -> Optional[ClassInfo]:
    """The class whose `__init__` a model holding `info` runs, when Keras's automatic config stands
    for a get_config: none in the class or a project ancestor, and every Keras base it derives from
    matches `bases` (the plain Layer or Model); else None."""
    if project.nearest(info, "get_config") is not None:
        return None
    found = set(project.keras_bases(info))
    if not found or not all(path_matches(base, *bases) for base in found):
        return None
    owner = project.nearest(info, "__init__")
    return owner if owner is not None and owner.init is not None else None


def h5_save_refuses(project: ProjectIndex, info: ClassInfo, point) -> list:
    """The `__init__` arguments for which, at `point` (a dependencies.judging.JudgingPoint), the
    default Layer.get_config raises when a model holding the class is saved to `.h5`
    (keras_api.VERSIONED_FACTS "h5_requires_get_config": tf.keras <= 2.10); [] where it does not:
    another version, a get_config in the class or a project ancestor, a Keras base of its own
    get_config (Dense), or only the arguments that default get_config carries itself (H5_CONFIG_ARGS;
    keyword-only ones are not looked at, as it reads getfullargspec(__init__).args)."""
    if not point.holds("h5_requires_get_config"):
        return []
    owner = automatic_config_owner(project, info, *LAYER_BASES)
    if owner is None:
        return []
    return [p.name for p in owner.init.params if p.kind == "positional" and p.name not in H5_CONFIG_ARGS]


def h5_model_config_empty(project: ProjectIndex, info: ClassInfo, point) -> list:
    """The `__init__` arguments a `.h5` file loses for a keras.Model subclass without get_config at
    `point`: tf.keras before the automatic config of models (keras_api.VERSIONED_FACTS
    "model_auto_config": from 2.12) saves an empty config for it (2.9-2.11; up to 2.8 the save raises),
    so registering the class cannot make it load as built; [] elsewhere, or without such arguments."""
    if point.line not in ("tf.keras", "keras2-multibackend") or point.holds("model_auto_config"):
        return []  # multi-backend Keras: the .h5 save raises NotImplementedError (keras_api)
    owner = automatic_config_owner(project, info, *MODEL_BASES)
    if owner is None:
        return []
    return [p.name for p in owner.init.own_params if p.name not in H5_CONFIG_ARGS]


def h5_load_drops(project: ProjectIndex, info: ClassInfo, point) -> list:
    """The `__init__` arguments the default Layer.get_config leaves out at `point` where it carries
    only name, trainable and dtype (keras_api.VERSIONED_FACTS "layer_config_drops_arguments":
    multi-backend Keras): a model holding the class saves to `.h5` and cannot be loaded, given the
    class or not; [] elsewhere, or as h5_save_refuses says."""
    if not point.holds("layer_config_drops_arguments"):
        return []
    owner = automatic_config_owner(project, info, *LAYER_BASES)
    if owner is None:
        return []
    return [p.name for p in owner.init.params if p.kind == "positional" and p.name not in H5_CONFIG_ARGS]
