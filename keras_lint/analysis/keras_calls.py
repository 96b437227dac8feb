"""What a Keras call in LibCST's tree is made of, and whether it stands where an error is expected."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..cst.lazy import cst
from ..cst.nodes import argument, dotted

if TYPE_CHECKING:  # for annotations only: the rule calling in hands itself over
    from ..rules.base import Rule


def lambda_layer_function(rule: Rule, call: cst.Call, parameter: str = "function") -> Optional[cst.BaseExpression]:
    """If `call` constructs Keras's `Lambda` layer, the expression passed as `parameter`
    (Lambda(function, output_shape=None, mask=None, arguments=None))."""
    if not rule.names.is_keras(dotted(call.func), rule.line_of(call), "layers.Lambda"):
        return None
    position = ("function", "output_shape", "mask").index(parameter)
    arg = argument(call, position, parameter)
    return arg.value if arg is not None else None


def expects_error(rule: Rule, node: cst.With) -> bool:
    """`with pytest.raises(...)`, `with self.assertRaises(...)`/`assertRaisesRegex(...)`: code that
    expects what it calls to raise (tests of the very errors these rules predict)."""
    for item in node.items:
        call = item.item
        name = dotted(call.func) if isinstance(call, cst.Call) else None
        if name is None:
            continue
        last = name.rsplit(".", 1)[-1]
        if last.startswith("assertRaises") or (last == "raises" and rule.names.qualified(name, rule.line_of(call)) == "pytest.raises"):
            return True
    return False


class ErrorsExpected:
    """For a rule that stays silent inside `with pytest.raises(...)` / `self.assertRaises...(...)`:
    mixed in before `Rule`, it keeps `self.expecting_error` true while visiting such a block."""

    def __init__(self, context):
        super().__init__(context)
        self._expecting_errors: list = []  # the `with` statements that expect an exception

    @property
    def expecting_error(self) -> bool:
        return bool(self._expecting_errors)

    def visit_With(self, node: cst.With) -> None:
        if expects_error(self, node):
            self._expecting_errors.append(node)

    def leave_With(self, original_node: cst.With) -> None:
        if self._expecting_errors and self._expecting_errors[-1] is original_node:
            self._expecting_errors.pop()

