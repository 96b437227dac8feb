"""What the project index keeps of each file: plain, picklable records (the cache stores them as JSON)."""

from __future__ import annotations

import dataclasses
from typing import Optional


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    kind: str  # positional | keyword_only | var_positional | var_keyword
    has_default: bool = False
    annotated: bool = False
    default_is_literal: bool = True  # False: the default is an object (a layer, an array, a call...)
    default_is_none: bool = False  # the default is the constant `None`
    # the annotation's qualified dotted name (`keras.Model`); for Optional/Union/`|` the names of its
    # members other than None joined by " | "; "" when none or not names
    annotation: str = ""


@dataclasses.dataclass
class InitInfo:
    line: int
    params: list  # [Param], without self
    calls_super: bool = False  # super().__init__(...) or Base.__init__(self, ...)
    forwards_kwargs: bool = False  # ... with **kwargs
    forwarded: dict = dataclasses.field(default_factory=dict)  # param -> keyword of the base it fills ("" = positional)
    stored: dict = dataclasses.field(default_factory=dict)  # attribute -> param, for `self.attr = param`
    normalised: dict = dataclasses.field(default_factory=dict)  # attribute -> param, `self.a = keras.X.get(param)`
    # What its `<x>.__init__(...)` calls (super's, a base's, any other) give, for "does it give its base
    # `key` a value of its own": the keywords given another value than the parameter of that name
    # (`rank=2`, not `rank=rank`), and each call's positional arguments (`self` left out of
    # `Base.__init__(self, ...)`), as a parameter's name, "*" for `*args`, None for any other expression.
    valued_keywords: set = dataclasses.field(default_factory=set)
    init_call_args: tuple = ()

    @property
    def own_params(self) -> list:
        return [p for p in self.params if p.kind in ("positional", "keyword_only")]

    @property
    def accepts_kwargs(self) -> bool:
        return any(p.kind == "var_keyword" for p in self.params)


@dataclasses.dataclass
class ConfigInfo:
    line: int
    calls_super: bool = False
    keys: set = dataclasses.field(default_factory=set)
    complete: bool = True  # False: some keys come from where we cannot see (then rules say nothing of missing keys)
    serialized: set = dataclasses.field(default_factory=set)  # keys whose value is passed through a serialize call
    raw_attributes: dict = dataclasses.field(default_factory=dict)  # key -> attr, for `"k": self.attr`
    refuses: bool = False  # the body only raises: the class is never meant to be saved
    # It adds keys `keys` cannot list, yet stays `complete`: `config[k] = v` with a computed `k` (a
    # loop over stored kwargs), `config |= ...` (any augmented assignment to a name), `.setdefault(...)`.
    dynamic_keys: bool = False
    # `{**self.config}` / `{**self.helper()}` (a member of the instance, maybe a subclass's): the
    # members spread, and whether the config would be complete if each were (analysis/argument_kinds
    # and get_config_coverage.trace_key resolve them on the instance's class).
    spreads: tuple = ()
    complete_but_spreads: bool = False


@dataclasses.dataclass
class Registration:
    line: int
    col: int
    called: bool  # `@register_keras_serializable(...)` rather than the bare decorator
    package: Optional[str] = "Custom"  # None: not a literal we can read
    name: Optional[str] = None  # None: the class or function name

    def key(self, default_name: str) -> Optional[str]:
        if self.package is None:
            return None
        return f"{self.package}>{self.name or default_name}"


@dataclasses.dataclass
class ClassInfo:
    path: str
    module: str
    name: str
    line: int
    end_line: int
    bases: tuple  # qualified names (None where a base is not a plain name)
    decorators: tuple  # qualified names of the decorators (as written where unresolvable)
    registration: Optional[Registration] = None
    methods: frozenset = frozenset()
    init: Optional[InitInfo] = None
    get_config: Optional[ConfigInfo] = None
    called_attributes: frozenset = frozenset()  # `self.attr(...)` anywhere in the class
    # `self.attr(...)` in a method other than __init__, outside any condition, loop test, try or
    # nested function: a call that runs whenever the method does (index/ast_questions.py)
    called_unconditionally: frozenset = frozenset()
    add_weight_initializers: frozenset = frozenset()  # attrs passed as add_weight(initializer=self.attr)
    unnamed_weights: bool = False  # some `self.add_weight(...)`/`self.add_variable(...)` may lack a name
    # attr -> what each store of `self.attr` anywhere in the class assigns: the name of a plain
    # `self.attr = name`, else None (a tuple target, `+=`, a loop, `del`, `setattr(self, "attr", ...)`).
    # Key "*": a `setattr(self, ...)` whose attribute name is not a literal.
    attribute_stores: dict = dataclasses.field(default_factory=dict)
    declares_abstract_methods: bool = False  # some method is decorated @abc.abstractmethod
    abc_base: bool = False  # abc.ABC is among its bases, or its metaclass is abc.ABCMeta
    call_not_implemented: bool = False  # its own `call` only raises NotImplementedError
    # The words of its own `from_config` (string literals, call keywords), the keys it may supply
    # arguments under; None when it defines none.
    from_config_words: Optional[frozenset] = None
    # Members (a property or a method taking only self) whose name holds "config" and that return a
    # dict: what a `{**self.<member>}` spread in some get_config of the lineage adds.
    member_configs: dict = dataclasses.field(default_factory=dict)

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"


@dataclasses.dataclass
class FunctionInfo:
    path: str
    module: str
    name: str
    line: int
    registration: Optional[Registration] = None
    calls: tuple = ()  # qualified names this function (or, for a class, its __call__) calls
    # The rest describes a `def` (None / () / False for a decorator class's entry, which is no `def`):
    # what its own name resolves to at its `def` line in its file (`module.name`; None when the file
    # binds the name more ways than one), the qualified names of its decorators (as written where
    # unresolvable, None where not a dotted name), and what it returns in its own place if it is a
    # factory ("its inner function `f`", "a lambda"; callable_sites.returned_inner).
    is_def: bool = False
    qualified: Optional[str] = None
    decorators: tuple = ()
    returned_inner: Optional[str] = None


@dataclasses.dataclass
class ModuleSummary:
    path: str
    module: str
    classes: list
    functions: list
    imports: dict  # module-level name -> qualified name, to follow re-exports
    custom_object_names: set  # names registered through get_custom_objects()[...] = / .update({...})
    saves_h5: bool = False  # saves a whole model to an .h5/.hdf5 path (ast_questions.saves_whole_model_to_h5)
    # What the file passes to the classes it builds (index/arguments.py: CallSite records).
    call_sites: tuple = ()
    # Issue 20: where this file saves and loads models, and what each saved model is built from
    # (index/flow.py's FileFlow); None for a file that uses neither Keras nor TensorFlow.
    flow: Optional[object] = None
