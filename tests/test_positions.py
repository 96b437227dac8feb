"""cst/positions.py gives every node the span LibCST's PositionProvider gives it: compared node by
node on every fixture, every rule example, awkward line endings and generated programs; and when
LibCST's code generation has a hook positions.py does not know, LibCST's own provider is used."""

import sys

import hypothesmith
import libcst
import pytest
from conftest import FIXTURE_FILES, examples_libcst_parses
from hypothesis import HealthCheck, given, settings

from keras_lint.cst import positions


def libcst_spans(module: libcst.Module) -> dict:
    ranges = libcst.metadata.MetadataWrapper(module, unsafe_skip_copy=True).resolve(libcst.metadata.PositionProvider)
    return {id(node): ((r.start.line, r.start.column), (r.end.line, r.end.column)) for node, r in ranges.items()}


def assert_same_spans(code: str) -> None:
    module = libcst.parse_module(code)
    expected = libcst_spans(module)
    assert len(expected) > 1
    assert positions.spans(module) == expected


@pytest.mark.parametrize("path", FIXTURE_FILES)
def test_every_fixture(path):
    with open(path, encoding="utf-8", newline="") as handle:
        assert_same_spans(handle.read())


def test_every_rule_example():
    for code in examples_libcst_parses():
        assert_same_spans(code)


@pytest.mark.parametrize(
    "code",
    [
        "x = 1\r\ny = (\r\n    2,\r\n)\r\n",  # CRLF
        "x = 1\ry = 2\r",  # old Mac line endings
        "x = 1",  # no newline at the end
        "",
        "\n\n# only a comment\n",
        "if x:\n\tif y:\n\t\tz = 'a\\\n b'\n",  # tabs; a string continued over a line
        "s = '''one\ntwo\r\nthree'''\nt = f'{s!r:>{10}}'\n",
        "@decorator\nclass A(B, metaclass=M):\n    '''doc'''\n\n    def f(self, *a, k=1, **kw) -> int:\n"
        "        return [i for i in a if i] or {k: v for k, v in kw.items()}\n",
        "x = 1; y = 2  # two statements on a line\nwith a as b, c:\n    pass\n",
    ],
)
def test_awkward_code(code):
    module = libcst.parse_module(code)
    assert positions.spans(module) == libcst_spans(module)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith's own compile() of what it generates
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar("file_input"))
def test_generated_programs(program):
    try:
        module = libcst.parse_module(program)
    except libcst.ParserSyntaxError:
        return  # hypothesmith's grammar is looser than Python's
    assert positions.spans(module) == libcst_spans(module)


def test_a_hook_it_does_not_know_makes_it_use_libcst_provider(monkeypatch):
    code = "class A(B):\n    def f(self):\n        return g(1)\n"
    monkeypatch.setattr(positions, "_KNOWN_HOOKS", positions._KNOWN_HOOKS - {"add_token"})
    monkeypatch.setattr(positions, "_STATE", [])
    assert positions._state_class() is None
    assert_same_spans(code)
    monkeypatch.setattr(positions, "_KNOWN_HOOKS", positions._KNOWN_HOOKS | {"add_token"})
    monkeypatch.setattr(positions, "_STATE", [])
    assert positions._state_class() is not None


def test_libcst_moving_its_code_generation_state_makes_it_use_libcst_provider(monkeypatch):
    monkeypatch.setitem(sys.modules, "libcst._nodes.internal", None)  # importing it raises ImportError
    monkeypatch.setattr(positions, "_STATE", [])
    assert positions._state_class() is None
    assert_same_spans("x = f(1)\n")
