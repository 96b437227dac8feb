"""KL101's fix: `Lambda(lambda ...)` becomes a module-level registered Layer subclass and a call of it.

    x = layers.Lambda(lambda t: t * scale, name="scaled")(x)

becomes a class inserted before the top-level statement holding the call, and a call of it:

    @keras.saving.register_keras_serializable(package="my_project.blocks")  # the file's module
    class Scaled(keras.layers.Layer):
        def __init__(self, scale, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, t):
            return t * self.scale

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    x = Scaled(scale, name="scaled")(x)

What the lambda reads decides whether there is a fix, and how safe it is:
- modules, imported names, module-level defs and classes, builtins stay globals, read as before;
- variables (module constants, enclosing-function variables), `arguments={...}` entries and the
  lambda's other parameters become constructor arguments, stored and returned by get_config.
  A Python lambda reads a variable when it runs, the layer when it is built: a variable is captured
  only if it cannot change in between (bound once, by a parameter or an assignment outside loops,
  before the Lambda, never declared global/nonlocal).
The fix is safe when every captured value is a JSON literal; unsafe when the type of one is unknown
(it must be JSON-able for get_config to save it); absent when a value provably cannot be saved
(a layer, a tensor, a model), for `self`, for names that cannot be resolved, and anywhere unsure.

KL102 uses the same rewrite for `Lambda(f, ...)`, `f` an imported function (`rewrite_function`): it is
rewritten as `Lambda(lambda inputs, <arguments>: f(inputs, ...), ...)` would be, `f` staying a global.
"""

from __future__ import annotations

import ast
import bisect
import builtins
import functools
import keyword
import re
from typing import TYPE_CHECKING, Optional

from ...cst.lazy import cst
from ...cst.nodes import argument, dotted
from ...finding import Chain, Edit, Fix
from ...keras_api import LAYER_NAMES_OF_FUNCTIONS
from ...names import dotted_name, keras_path
from ..edits import import_edit, leading_block_end, registration_decorator
from ..style import style_of
from .capture import (
    CLASS_BUILTINS,
    SCOPE_BUILTINS,
    TENSOR_LIBRARIES,
    VAGUE_TARGETS,
    Captured,
    NoFix,
    _binding_site,
    _bound_anywhere,
    _declared_global_or_nonlocal,
    _identifiers,
    _is_none,
    _is_size,
    _json_literal,
    _mutated,
    _parameter_names,
    _plain_parameters,
    _Reads,
)
from .render import (
    Method,
    _camel,
    _class_text,
    _code,
    _comments,
    _listed,
    _name_attributes,
    _quoted,
    _source,
    next_free_name,
)
from .site import Site

if TYPE_CHECKING:  # for annotations only: the rule calling in hands itself over
    from ...rules.base import Rule


def rewrite(rule: Rule, call: cst.Call, site: Site) -> tuple:
    """(safe fix, ""), (unsafe fix, what it assumes) or (None, why there is none)."""
    try:
        return _Rewrite(rule, call, site).fix()
    except NoFix as why:
        return None, str(why)


def rewrite_function(rule: Rule, call: cst.Call, site: Site) -> tuple:
    """KL102's fix for `Lambda(f, ...)` with `f` a global (an imported function): the rewrite
    `Lambda(lambda inputs, <arguments>: f(inputs, <argument>=<argument>, ...), ...)` would get, so
    the class's `call` calls `f` by name. Lambda would also pass `mask`/`training` if `f` named them:
    the caller decides whether that is known not to happen. Returns what `rewrite` returns."""
    try:
        return _Rewrite(rule, call, site).fix_named_function()
    except NoFix as why:
        return None, str(why)


class _Rewrite:
    def __init__(self, rule: Rule, call: cst.Call, site: Site):
        self.rule, self.call, self.site = rule, call, site
        self.names = rule.names
        self.line = rule.line_of(call)
        self.tree = rule.context.tree
        self.lam: Optional[cst.Lambda] = None  # stands for a named `function` (fix_named_function)
        self.function_name: Optional[str] = None  # that function's own name, to name the class after

    # -- the whole fix --------------------------------------------------------------------------

    def fix(self) -> Fix:
        if self.tree is None:
            raise NoFix("the file's syntax tree is not available")
        if any(arg.star for arg in self.call.args):
            raise NoFix("the call passes *args or **kwargs")
        if sum(arg.keyword is None for arg in self.call.args) > 4:
            raise NoFix("the call passes more positional arguments than Lambda takes")
        function = argument(self.call, 0, "function")
        lam = self.lam or (function.value if function is not None else None)
        if function is None or not isinstance(lam, cst.Lambda):
            raise NoFix("only a `function` written as a lambda expression is rewritten")
        call_params, captured = self._parameters(lam)
        reads = _Reads.of(lam.body, _parameter_names(lam))
        methods = [Method("call", call_params, lam.body, reads, indent=self._indent_of(lam.body))]
        methods += self._output_shape()
        methods += self._mask()
        captured = self._free_variables(methods) + captured
        _name_attributes(captured)
        rebound = sorted(CLASS_BUILTINS & set(self.names.module.bindings))
        if rebound:
            raise NoFix(f"the module rebinds {_listed(rebound)}, which the new class uses")
        self.insert_line = self._insert_line()
        class_name, base_name = self._class_name(lam)
        decorator, base, imports = self._spelling()
        # Registered under the file's own module name: the class name is unique in the module, so the
        # key `module>Name` is unique in the project, also when several files are rewritten in one run
        # (two files' `package>Logits` would collide: on load both would become the last registered).
        package = self.rule.context.module or self.rule.context.package
        class_text = _class_text(class_name, decorator, package, base, captured, methods, style_of(self.rule))
        call_site = self._call_site(class_name, function, captured)
        spelled = _source(self.rule.context.lines, *self.rule.span(self.call))
        comments = _comments(self.call) if "#" in spelled else ()
        lost = [c for c in comments if c not in class_text and c not in call_site.text]
        if lost:
            raise NoFix(f"the comment `{lost[0]}` in the Lambda call would be lost")
        *others, insertion, lead, lead_imports = self._insertion(imports, class_text)
        edits = (*others, insertion, call_site)
        # What lets fixes.py apply the rewrites of one file in one pass (see finding.Chain).
        before_name = _source(self.rule.context.lines, self.rule.span(self.call)[0], self.rule.span(self.call.func)[0])
        spots = ((len(others), lead + class_text.index(f"class {class_name}(") + len("class ")),
                 (len(edits) - 1, len(before_name)))  # the call site starts with what precedes the callee
        binds = _identifiers.__wrapped__(ast.parse(class_text)) | {edit.name for edit in imports}
        taken = frozenset(n for n in _identifiers(self.tree) if n.startswith(base_name))
        chain = Chain(class_name, base_name, taken, binds, spots, len(others), lead, lead_imports,
                      tuple(range(len(others))))
        unsafe = [c.source for c in captured if not c.safe]
        title = f"rewrite the Lambda as the registered Layer subclass `{class_name}`"
        if not unsafe:
            return Fix("safe", edits, title, chain), ""
        caveat = f"{_listed(unsafe)} must be JSON-able for get_config to save it"
        return Fix("unsafe", edits, f"{title} ({caveat})", chain), caveat

    def fix_named_function(self) -> tuple:
        function = argument(self.call, 0, "function")
        name = dotted(function.value) if function is not None else None
        if name is None:
            raise NoFix("the function is not a plain name")
        keys = list(self._arguments())
        # The lambda's input and the function's own name must not be taken by an `arguments=` entry.
        clashing = [k for k in keys if k in ("inputs", name.split(".")[0]) or keyword.iskeyword(k)]
        if clashing:
            raise NoFix(f"`arguments=` names {_listed(clashing)}, which the rewritten call cannot take")
        params = "".join(f", {k}" for k in keys)
        passed = "".join(f", {k}={k}" for k in keys)
        self.lam = cst.parse_expression(f"lambda inputs{params}: {name}(inputs{passed})")
        self.function_name = name.rsplit(".", 1)[-1]
        return self.fix()

    # -- what the lambdas read ------------------------------------------------------------------

    def _parameters(self, lam: cst.Lambda) -> tuple:
        """call()'s parameters, and the lambda's other parameters as constructor arguments."""
        params = lam.params
        if (params.posonly_params or params.kwonly_params or params.star_kwarg is not None
                or not isinstance(params.star_arg, cst.MaybeSentinel)):
            raise NoFix("the lambda takes *args, **kwargs, or positional- or keyword-only parameters")
        if not params.params:
            raise NoFix("the lambda takes no input")
        names = [p.name.value for p in params.params]
        if names[0] in ("mask", "training", "self", "args", "kwargs"):
            raise NoFix(f"the lambda's input is called `{names[0]}`")
        arguments = self._arguments()
        unknown = set(arguments) - set(names[1:])
        if unknown:
            raise NoFix(f"`arguments=` names {_listed(sorted(unknown))}, which the lambda does not take")
        call_params, captured = [names[0]], []
        for param in params.params[1:]:
            name = param.name.value
            if name in ("mask", "training"):  # Lambda passes these only to a function that names them
                if name in arguments:
                    raise NoFix(f"`arguments=` gives `{name}`, which Keras also passes")
                call_params.append(name)
            elif name in arguments:
                captured.append(self._passed(name, arguments[name]))
            elif param.default is not None:
                captured.append(self._passed(name, param.default, as_default=True))
            else:
                raise NoFix(f"the lambda's parameter `{name}` gets no value")
        return call_params, captured

    def _arguments(self) -> dict:
        arg = argument(self.call, 3, "arguments")
        if arg is None or _is_none(arg.value):
            return {}
        if not isinstance(arg.value, cst.Dict):
            raise NoFix("`arguments=` is not a dict literal")
        found = {}
        for element in arg.value.elements:
            key = element.key if isinstance(element, cst.DictElement) else None
            text = key.evaluated_value if isinstance(key, cst.SimpleString) else None
            if not isinstance(text, str) or not text.isidentifier():
                raise NoFix("`arguments=` has a key that is not a plain string")
            found[text] = element.value
        return found

    def _passed(self, name: str, value: cst.BaseExpression, as_default: bool = False) -> Captured:
        """A lambda parameter given by `arguments=` or by its default: evaluated where the Lambda is built."""
        text = self._text(value)
        if getattr(value, "lpar", ()):  # the node's span leaves out its parentheses: `(1, 2)` would be `1, 2`
            text = f"({text})"
        expression = ast.parse(f"(\n{text}\n)", mode="eval").body
        literal = _json_literal(expression)
        if literal in ("scalar", "tuple") and as_default:  # a list is passed: no mutable default
            return Captured(name, None, True, default=text, is_tuple=literal == "tuple")
        safe = literal is not None or self._value_is_literal(expression, self.line, call_site=True)
        return Captured(name, text, safe, is_tuple=literal == "tuple")

    def _indent_of(self, node: cst.CSTNode) -> int:
        """The indentation of the line where `node` starts, in the columns of LibCST's code for the
        node: its lines after the first are indented relative to the block the statement is in."""
        if self.function_name is not None:
            return 0  # a lambda this fix wrote: one line
        line = self.rule.context.lines[self.rule.span(node)[0][0] - 1].expandtabs()
        indent = len(line) - len(line.lstrip(" "))
        text = self._text(node)
        if "\n" in text:
            for spelled, generated in zip(text.split("\n")[1:], _code(node).split("\n")[1:]):
                if spelled.strip():
                    spelled, generated = spelled.expandtabs(), generated.expandtabs()
                    shift = (len(spelled) - len(spelled.lstrip(" "))) - (len(generated) - len(generated.lstrip(" ")))
                    return indent - shift
        return indent

    def _text(self, node: cst.CSTNode) -> str:
        """The node's own text in the file, exactly."""
        start, end = self.rule.span(node)
        return _source(self.rule.context.lines, start, end)

    def _output_shape(self) -> list:
        arg = argument(self.call, 1, "output_shape")
        if arg is None or _is_none(arg.value):
            return []
        value = arg.value
        if isinstance(value, cst.Lambda):
            params = _plain_parameters(value, 1, "output_shape")
            reads = _Reads.of(value.body, set(params))
            return [Method("compute_output_shape", params, value.body, reads, indent=self._indent_of(value.body))]
        sizes = value.elements if isinstance(value, cst.Tuple) else ()
        if sizes and all(isinstance(e, cst.Element) and _is_size(e.value) for e in sizes):
            # Lambda adds the batch size of the (first) input to a tuple output_shape.
            sizes = ", ".join(_code(e.value) for e in sizes)
            lines = (
                "first = input_shape",
                "# several inputs: the batch size of the first one",
                "while isinstance(first[0], (tuple, list)):",
                "    first = first[0]",
                f"return (first[0], {sizes})",
            )
            return [Method("compute_output_shape", ["input_shape"], lines=lines)]
        name = dotted(value)
        if name is not None and self._global(name.split(".")[0]):
            return [Method("compute_output_shape", ["input_shape"], lines=(f"return {name}(input_shape)",))]
        raise NoFix("`output_shape=` is neither a lambda, a tuple of sizes, nor a module-level function")

    def _mask(self) -> list:
        arg = argument(self.call, 2, "mask")
        if arg is None or _is_none(arg.value):
            return []
        if not isinstance(arg.value, cst.Lambda):
            raise NoFix("`mask=` is not a lambda")
        params = _plain_parameters(arg.value, 2, "mask")
        body = arg.value.body
        return [Method("compute_mask", params, body, _Reads.of(body, set(params)), indent=self._indent_of(body))]

    def _free_variables(self, methods: list) -> list:
        """The variables the lambdas read, as constructor arguments (globals stay globals)."""
        captured, seen = [], set()
        for method in methods:
            if method.reads is None:
                continue
            for node in method.reads.free:
                name = node.value
                if name in seen:
                    continue
                seen.add(name)
                found = self._classify(name)
                if found is not None:
                    captured.append(found)
        return captured

    def _classify(self, name: str) -> Optional[Captured]:
        """None: a global the class reads as the lambda did. Else the variable, captured."""
        if name in ("self", "cls"):
            raise NoFix(f"the lambda reads `{name}`")
        if name in SCOPE_BUILTINS:
            raise NoFix(f"the lambda calls `{name}`, whose meaning depends on where it runs")
        if name in self.site.shadowed:
            raise NoFix(f"`{name}` is bound by an enclosing comprehension or lambda")
        if self._global(name):
            return None
        binding = self.names.binding(name, self.line)
        if binding is None:
            raise NoFix(f"cannot tell what `{name}` is")
        if binding.scope == "class":
            raise NoFix(f"`{name}` belongs to a class body")
        if binding.kind in ("import", "def", "class", "lambda") or (
            binding.kind == "alias" and self.names.qualified(name, self.line) is not None
        ):
            raise NoFix(f"`{name}` is defined or imported inside the function")
        return self._variable(name, binding)

    def _global(self, name: str) -> bool:
        """Does `name` mean the same in a module-level class: a builtin, or a module-level import/def/class?"""
        binding = self.names.binding(name, self.line)
        if binding is None:
            if _bound_anywhere(self.names, name):
                return False
            return hasattr(builtins, name) or self.names.qualified(name, self.line) is not None  # star import
        if binding.scope != "module":
            return False
        return binding.kind in ("import", "def", "class", "lambda") or (
            binding.kind == "alias" and self.names.qualified(name, binding.line) is not None
        )

    def _variable(self, name: str, binding) -> Captured:
        if name in _declared_global_or_nonlocal(self.tree):
            raise NoFix(f"`{name}` is declared global or nonlocal, so it may change after the layer is built")
        how, value, in_loop = _binding_site(self.tree, name, binding.line)
        if how == "other":
            raise NoFix(f"`{name}` is bound by a loop, `with` or `except`: the lambda reads its latest value")
        if in_loop:
            raise NoFix(f"`{name}` is assigned in a loop: the lambda reads its latest value, the layer the current one")
        in_function = self.site.function is not None
        if binding.line >= self.line and not (binding.scope == "module" and in_function):
            raise NoFix(f"`{name}` is assigned after the Lambda")
        if value is None:
            return Captured(name, name, False, free=True)  # a parameter, or unpacked: its type is unknown
        literal = _json_literal(value)
        if literal is not None and not (literal == "list" and _mutated(self.tree, name)):
            return Captured(name, name, True, is_tuple=literal == "tuple", free=True)
        self._refuse_keras_object(name, value, binding.line)
        return Captured(name, name, self._value_is_literal(value, binding.line), free=True)

    def _value_is_literal(self, value: ast.expr, line: int, call_site: bool = False, depth: int = 0) -> bool:
        """Is the value provably a JSON literal? Raises NoFix when it is provably a Keras object."""
        if _json_literal(value) is not None:
            return True
        self._refuse_keras_object("the value", value, line)
        if isinstance(value, ast.Name) and depth < 3:
            binding = self.names.binding(value.id, line)
            if binding is not None and binding.kind in ("def", "class", "lambda"):
                if call_site:
                    raise NoFix(f"`{value.id}` is a function or class, which get_config cannot save")
                return False
            if binding is not None and binding.kind in ("other", "alias"):
                how, bound, in_loop = _binding_site(self.tree, value.id, binding.line)
                if how == "assignment" and bound is not None and not in_loop:
                    return self._value_is_literal(bound, binding.line, call_site, depth + 1)
        return False

    def _refuse_keras_object(self, what: str, value: ast.expr, line: int, depth: int = 0) -> None:
        """NoFix when the value is a layer, a model, a tensor: nothing get_config can save."""
        if not isinstance(value, ast.Call):
            return
        callee = value.func
        if isinstance(callee, ast.Call):
            raise NoFix(f"{_quoted(what)} is the output of a layer call, which get_config cannot save")
        name = dotted_name(callee)
        qualified = self.names.qualified(name, line)
        if keras_path(qualified) is not None or (qualified or "").split(".")[0] in TENSOR_LIBRARIES:
            raise NoFix(f"{_quoted(what)} is built by `{name}`, which get_config cannot save")
        if isinstance(callee, ast.Name) and depth < 3:
            binding = self.names.binding(callee.id, line)
            if binding is not None and binding.kind == "other" and isinstance(binding.node, ast.expr):
                try:
                    self._refuse_keras_object(callee.id, binding.node, binding.line, depth + 1)
                except NoFix:
                    layer = f"the output of the layer `{callee.id}`"
                    raise NoFix(f"{_quoted(what)} is {layer}, which get_config cannot save") from None

    # -- where, what name, which spelling -------------------------------------------------------

    def _insert_line(self) -> int:
        """The first line of the top-level statement holding the call (decorators included), moved
        above the comment lines right before it."""
        ranges = _statement_ranges(self.tree)
        at = bisect.bisect_right(ranges, (self.line, float("inf"))) - 1
        first, last = ranges[at] if at >= 0 else (0, -1)
        if not first <= self.line <= last:
            raise NoFix("cannot find the statement holding the call")
        lines = self.rule.context.lines
        floor = leading_block_end(self.rule) + 1
        while first - 1 > floor and lines[first - 2].strip().startswith("#"):
            first -= 1
        return first

    def _taken(self, name: str) -> bool:
        """Is `name` an identifier of the file? Walking the tree is costly on big files; a name the
        text never spells cannot be one, and most candidate names are new."""
        return name in _joined(self.rule.context.lines) and name in _identifiers(self.tree)

    def _class_name(self, lam: cst.Lambda) -> tuple:
        """(the class name, the name it was numbered from). After, in turn: `name=`, the function
        KL102's fix wraps, the variable the layer or its output is assigned to (unless vague, or
        the lambda's own input: `attn = Lambda(lambda attn: ...)(attn)`), what the lambda computes
        (the function it calls, its operator), the enclosing function."""
        candidates = []
        name_arg = next((a for a in self.call.args if a.keyword is not None and a.keyword.value == "name"), None)
        if name_arg is not None and isinstance(name_arg.value, cst.SimpleString):
            text = name_arg.value.evaluated_value
            candidates.append(_camel(text) if isinstance(text, str) else None)
        target = self.site.target
        good = [n for n in (self.function_name, target) if n and len(n) >= 3 and n.lower() not in VAGUE_TARGETS]
        if self.function_name in good:
            candidates.append(_camel(self.function_name))
        if target in good and (self.site.of_layer or target not in _parameter_names(lam) | self.site.inputs):
            candidates.append(_camel(target))
        candidates.append(_computed_name(lam.body, _parameter_names(lam)))
        if self.site.function:
            function = _camel(self.site.function)
            candidates.append(function + "Lambda" if function else None)
        base = next((c for c in candidates if c), "LambdaLayer")
        return next_free_name(base, self._taken), base

    def _spelling(self) -> tuple:
        """(decorator, Layer base class, import edits), in the file's own spelling of Keras."""
        decorator, imports = registration_decorator(self.rule)
        if not imports and not self._bound_before(decorator.split(".")[0]):
            raise NoFix(f"`{decorator.split('.')[0]}` is not imported before the statement holding the call")
        base = self._layer_spelling()
        if base is None:
            if self._taken("Layer"):
                raise NoFix("the file has no name for Keras's `Layer`, and `Layer` is taken")
            family = self._family()
            module = {"keras": "keras.layers", "tf_keras": "tf_keras.layers"}.get(family, "tensorflow.keras.layers")
            base, imports = "Layer", (import_edit(self.rule, module, "Layer"), *imports)
        if any(edit.latest_line > self.insert_line for edit in imports):
            raise NoFix("the imports the class needs would come after the statement holding the call")
        return decorator, base, imports

    def _family(self, qualified: Optional[str] = None) -> str:
        if qualified is None:
            qualified = self.names.qualified(dotted(self.call.func), self.line) or ""
        return qualified.split(".")[0]

    def _layer_spelling(self) -> Optional[str]:
        func = dotted(self.call.func)
        prefix = func.rpartition(".")[0]
        if prefix and self.names.keras(prefix, self.line) == "layers" and self._bound_before(prefix.split(".")[0]):
            return f"{prefix}.Layer"  # `layers.Lambda` -> `layers.Layer`
        family, found = self._family(), {}
        for name in self.names.module.bindings:
            if not self._bound_before(name):
                continue
            qualified = self.names.qualified(name, self.insert_line) or ""
            if self._family(qualified) != family:
                continue
            path = keras_path(qualified)
            if path in ("layers.Layer", "Layer"):
                found.setdefault(0, name)
            elif path == "layers":
                found.setdefault(1, f"{name}.Layer")
            elif path == "":
                found.setdefault(2, f"{name}.layers.Layer")
            elif qualified == "tensorflow":
                found.setdefault(3, f"{name}.keras.layers.Layer")
        return found[min(found)] if found else None

    def _bound_before(self, name: str) -> bool:
        """Is `name` a module-level import (or alias of one) bound before the inserted class?"""
        binding = self.names.binding(name, self.insert_line)
        return (
            binding is not None
            and binding.scope == "module"
            and binding.kind in ("import", "alias")
            and binding.line < self.insert_line
            and self.names.qualified(name, self.insert_line) is not None
        )

    # -- the edits ------------------------------------------------------------------------------

    def _insertion(self, imports: tuple, class_text: str) -> tuple:
        """The class before the statement; imports that land on the same line go in the same edit.
        Returns the edits adding imports elsewhere, the class's edit, the length of its text before
        the class (those imports, blank lines), and those imports."""
        lines = self.rule.context.lines
        line = self.insert_line
        before = "".join(edit.text for edit in imports if edit.start[0] == line)
        elsewhere = {}
        for edit in imports:
            if edit.start[0] != line:
                elsewhere[edit.start] = elsewhere.get(edit.start, "") + edit.text
        blank = 0  # blank lines already above the class
        while not before and blank < line - 1 and not lines[line - 2 - blank].strip():
            blank += 1
        gap = "" if line == 1 and not before else "\n" * max(0, 2 - blank)
        edits = [Edit(start, start, text) for start, text in elsewhere.items()]
        edits.append(Edit((line, 0), (line, 0), before + gap + class_text + "\n\n"))
        return (*edits, len(before + gap), tuple(edit for edit in imports if edit.start[0] == line))

    def _call_site(self, class_name: str, function: cst.Arg, captured: list) -> Edit:
        """`Lambda(lambda ..., output_shape=..., name="n")` -> `ClassName(<captured>, name="n")`, the
        text between the kept arguments (commas, comments, line breaks) as it was."""
        lines = self.rule.context.lines
        call_start, call_end = self.rule.span(self.call)
        func_start, func_end = self.rule.span(self.call.func)
        spans = [self.rule.span(arg) for arg in self.call.args]
        moved = [argument(self.call, i, k) for i, k in enumerate(("output_shape", "mask", "arguments"), 1)]
        dropped = {id(arg) for arg in moved if arg is not None}  # into the class
        positional = function.keyword is None  # then the variables go first, in the constructor's order
        at = next(i for i, arg in enumerate(self.call.args) if arg is function)
        after = _source(lines, spans[at][1], spans[at + 1][0]) if at + 1 < len(spans) else ""
        # One argument a line stays so: the values that replace the function each get a line of their own.
        joiner = after if "\n" in after and "#" not in after and after.lstrip().startswith(",") else ", "
        replacement = joiner.join(
            c.passed if positional and c.free else f"{c.name}={c.passed}" for c in captured if c.passed is not None
        )
        kept = []  # (index, text) of the arguments that stay
        for index, arg in enumerate(self.call.args):
            if arg is function:
                if replacement:
                    kept.append((index, replacement))
            elif id(arg) not in dropped:
                kept.append((index, _source(lines, *spans[index])))
        text = _source(lines, call_start, func_start) + class_name
        opening = _source(lines, func_end, spans[0][0])  # `(` and what follows it
        closing = _source(lines, spans[-1][1], call_end)  # a trailing comma, space, `)`
        if not kept:  # `()`, or the comments it held with no blank line left between them
            inside = opening + closing.lstrip().lstrip(",")
            return Edit(call_start, call_end, text + (re.sub(r"\n[ \t]*(?=\n)", "", inside) if "#" in inside else "()"))
        text += opening
        for position, (index, item) in enumerate(kept):
            text += item
            if position + 1 < len(kept):
                text += _source(lines, spans[index][1], spans[index + 1][0])  # the separator after it
        return Edit(call_start, call_end, text + closing)


@functools.lru_cache(maxsize=2)  # per file: every Lambda of it asks
def _statement_ranges(tree: ast.Module) -> list:
    """(first line, decorators included; last line) of each top-level statement, in order."""
    return [(min([s.lineno] + [d.lineno for d in getattr(s, "decorator_list", ())]), s.end_lineno or s.lineno)
            for s in tree.body]


_JOINED: list = [None, ""]  # the last file's lines, and their text


def _joined(lines: list) -> str:
    if _JOINED[0] is not lines:
        _JOINED[:] = [lines, "".join(lines)]
    return _JOINED[1]


# What a lambda computes, named after its operator (not `Add`, `Multiply`...: Keras's own layers).
OPERATOR_NAMES = {"Multiply": "Product", "Add": "Sum", "Subtract": "Difference", "Divide": "Ratio",
                  "Power": "Power", "MatrixMultiply": "MatMul", "FloorDivide": "FloorRatio", "Modulo": "Remainder"}


def _computed_name(body: cst.BaseExpression, own: set) -> Optional[str]:
    """A class name for what the lambda's body computes: the function it calls (`ops.divide(...)`
    -> `Divide`, `tf.reduce_mean(...)` -> `ReduceMean`), else its operator; None when neither."""
    if isinstance(body, cst.Call):
        callee = dotted(body.func)
        name = _camel(callee.rsplit(".", 1)[-1]) if callee else None
        if not name or len(name) < 3:
            return None  # `f(t)`: says nothing
        return f"{name}Layer" if name in LAYER_NAMES_OF_FUNCTIONS else name
    if isinstance(body, cst.BinaryOperation):
        operator = type(body.operator).__name__
        constant = [side for side in (body.left, body.right) if isinstance(side, (cst.Integer, cst.Float, cst.Name))
                    and not (isinstance(side, cst.Name) and side.value in own)]
        if constant and operator in ("Multiply", "Divide"):
            return "Scale"  # `t * 2`, `t / factor`
        if constant and operator in ("Add", "Subtract"):
            return "Shift"
        return OPERATOR_NAMES.get(operator)
    if isinstance(body, cst.Subscript):
        return "Slice"
    if isinstance(body, cst.UnaryOperation) and isinstance(body.operator, cst.Minus):
        return "Negate"
    return None
