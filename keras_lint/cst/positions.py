"""Where each node of a LibCST module starts and ends: the ranges LibCST's PositionProvider gives,
at a fifth of the cost.

LibCST finds positions by generating the module's code with a state that follows the line and
column as each token is added, and records them as each node begins and ends
(libcst/metadata/position_provider.py). Its state splits every token with a regular expression
and builds two frozen dataclasses per node: that made positions cost the lint twice what parsing
does. This state keeps the same books with plain tuples. tests/test_positions.py compares the two
on every node of every fixture and of generated programs.

The state hooks into LibCST's code generation (`_codegen`, `CodegenState`), which is not public
API. Should a LibCST release give that state a method this one does not know, `spans` falls back
to LibCST's own provider rather than guess.
"""

from __future__ import annotations

from .lazy import cst

# The methods LibCST's position-keeping states define (libcst 1.x), each of which ours overrides
# or inherits unchanged from CodegenState (the indent bookkeeping).
_KNOWN_HOOKS = frozenset({
    "increase_indent", "decrease_indent", "add_indent_tokens", "add_token", "before_codegen", "after_codegen",
    "pop_trailing_newline", "record_syntactic_position", "_update_position",
})

_STATE: list = []  # [our state class], or [None] when LibCST's states hold methods we do not know


def spans(module: cst.Module) -> dict:
    """id(node) -> ((start line, start column), (end line, end column)) for every node of
    `module`: lines from 1, columns from 0, as PositionProvider's CodeRange. (Keyed by id: the
    caller keeps `module` alive while it reads them.)"""
    state_class = _state_class()
    if state_class is None:
        ranges = cst.metadata.MetadataWrapper(module, unsafe_skip_copy=True).resolve(cst.metadata.PositionProvider)
        return {id(node): ((r.start.line, r.start.column), (r.end.line, r.end.column)) for node, r in ranges.items()}
    state = state_class(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    return state.spans


def _state_class():
    if not _STATE:
        try:
            from libcst._nodes.internal import CodegenState
            from libcst.metadata import position_provider

            states = [CodegenState, position_provider.PositionProvidingCodegenState,
                      position_provider.WhitespaceInclusivePositionProvidingCodegenState]
        except (ImportError, AttributeError):  # moved or renamed in some LibCST release
            states = []
        known = bool(states) and all(name in _KNOWN_HOOKS for state in states for name, value in vars(state).items()
                                     if callable(value) and not name.startswith("__"))
        slots = {"__slots__": ("line", "column", "_starts", "spans")}  # CodegenState has slots: so must we
        _STATE.append(type("_PositionState", (_PositionKeeping, states[0]), slots) if known else None)
    return _STATE[0]


class _PositionKeeping:
    """Mixed into LibCST's CodegenState: the line and column of the code generated so far, and the
    span of each node generated. Tokens are still kept (Module's code generation asks how many)."""

    __slots__ = ()  # the attributes' slots are on the class `_state_class` makes

    def __init__(self, **fields) -> None:
        super().__init__(**fields)
        self.line, self.column, self._starts, self.spans = 1, 0, [], {}

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:  # "\r\n", "\r" and "\n" each end a line, as in LibCST
            lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            self.line += len(lines) - 1
            self.column = len(lines[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node) -> None:
        self._starts.append((self.line, self.column))

    def after_codegen(self, node) -> None:
        start = self._starts.pop()
        if id(node) not in self.spans:  # a syntactic position recorded inside the node stands
            self.spans[id(node)] = (start, (self.line, self.column))

    def record_syntactic_position(self, node, *, start_node=None, end_node=None) -> "_SyntacticSpan":
        return _SyntacticSpan(self, node, start_node, end_node)


class _SyntacticSpan:
    """What LibCST's `record_syntactic_position` does, as a plain context manager: the node's span
    without the whitespace it owns, or from the start of `start_node` to the end of `end_node`."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _PositionKeeping, node, start_node, end_node) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(self, *exc_info) -> bool:
        state = self.state
        start = state.spans[id(self.start_node)][0] if self.start_node is not None else self.start
        end = state.spans[id(self.end_node)][1] if self.end_node is not None else (state.line, state.column)
        state.spans[id(self.node)] = (start, end)
        return False
