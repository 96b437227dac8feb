"""cst/walk.py calls the same visitor methods on the same nodes in the same order as LibCST's own
batched visit: compared call by call on every fixture, every rule example, awkward code and
generated programs."""

import hypothesmith
import libcst
import pytest
from conftest import FIXTURE_FILES, examples_libcst_parses
from hypothesis import HealthCheck, given, settings

from keras_lint.cst import walk

NODE_TYPES = sorted(
    name for name, value in vars(libcst).items()
    if isinstance(value, type) and issubclass(value, libcst.CSTNode) and not name.startswith("Base")
)


def recorder(label: str, calls: list) -> libcst.BatchableCSTVisitor:
    """A visitor with a visit_ and a leave_ method for every node type, each noting the call."""
    def note(event, name):
        def method(self, node):
            calls.append((label, event, type(node).__name__, id(node)))

        method.__name__ = f"{event}_{name}"  # LibCST finds visitor methods by their __name__
        return method

    methods = {f"{event}_{name}": note(event, name) for name in NODE_TYPES for event in ("visit", "leave")}
    return type("Recorder", (libcst.BatchableCSTVisitor,), methods)()


def both_walks(code: str) -> tuple:
    module = libcst.parse_module(code)
    theirs, ours = [], []
    libcst.visit_batched(module, [recorder("a", theirs), recorder("b", theirs)])
    walk.visit_batched(module, [recorder("a", ours), recorder("b", ours)])
    return theirs, ours


def assert_same_walk(code: str) -> None:
    theirs, ours = both_walks(code)
    assert len(theirs) > 4
    assert ours == theirs


@pytest.mark.parametrize("path", FIXTURE_FILES)
def test_every_fixture(path):
    with open(path, encoding="utf-8", newline="") as handle:
        assert_same_walk(handle.read())


def test_every_rule_example():
    for code in examples_libcst_parses():
        assert_same_walk(code)


@pytest.mark.parametrize(
    "code",
    [
        "@d1\n@d2(x)\nasync def f(a, /, b: int = 1, *c, d, **e) -> R:\n    '''doc'''\n    await g(*a, **e)\n",
        "class A(B, C, metaclass=M, **kw):\n    x: int = 1\n    def f(self):\n        return lambda y=2, *z: y\n",
        "match p:\n    case [1, *rest] if rest:\n        pass\n    case {'k': v, **kw}:\n        pass\n"
        "    case Point(x=0) | None as q:\n        pass\n",
        "try:\n    a[1:2:3, ...]\nexcept (E, F) as e:\n    raise X from e\nelse:\n    del a\nfinally:\n    b @= c\n",
        "with (open(a) as f, g()):\n    x = [i async for i in y if i] + {k: v for k, v in z} + {*s}\n",
        "global a\nx = not -a if (b := c) else f'{d!r:>{e}}' 'tail'\nprint(*[1], **{}, sep='')\n",
        "def f[T: int, *Ts, **P](x: T) -> T:\n    type Alias = list[T]\n    return x\n",
    ],
)
def test_awkward_code(code):
    assert_same_walk(code)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith's own compile() of what it generates
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar("file_input"))
def test_generated_programs(program):
    try:
        theirs, ours = both_walks(program)
    except libcst.ParserSyntaxError:
        return  # hypothesmith's grammar is looser than Python's
    assert ours == theirs


def test_the_comparison_would_see_a_wrong_order(monkeypatch):
    """The tests above can fail: with one type's fields walked in another order, the calls differ."""
    call = libcst.parse_expression("f(a)")
    monkeypatch.setattr(walk, "_FIELDS", {libcst.Call: tuple(reversed(walk._fields_of(call)))})
    theirs, ours = both_walks("f(a, b)\n")
    assert ours != theirs and sorted(ours) == sorted(theirs)


def test_a_type_whose_first_node_disagrees_is_walked_through_children(monkeypatch):
    call = libcst.parse_expression("f(a, b)")
    children = libcst.CSTNode.children.fget
    monkeypatch.setattr(libcst.Call, "children", property(lambda node: list(reversed(children(node)))))
    monkeypatch.setattr(walk, "_FIELDS", {})
    assert walk._fields_of(call) is None
    calls: list = []
    walk.visit_batched(call, [recorder("a", calls)])
    names = [node for _, event, kind, node in calls if event == "visit" and kind == "Name"]
    assert names == [id(call.args[1].value), id(call.args[0].value), id(call.func)]  # as `children` said


def test_per_field_visitor_methods_are_refused():
    class PerField(libcst.BatchableCSTVisitor):
        def visit_Call_func(self, node):
            pass

    with pytest.raises(NotImplementedError, match="visit_Call_func"):
        walk.visit_batched(libcst.parse_module("f()\n"), [PerField()])
