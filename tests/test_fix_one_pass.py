"""The fix loop applies the Lambda rewrites of a file in one pass (fixes.py, finding.Chain), with the
same result as one rewrite per pass with the file linted again in between, as it once did."""

import importlib.util
import itertools
import os

import pytest

from keras_lint import fixes
from keras_lint.engine.run import lint_source
from keras_lint.settings import Settings
from keras_lint.source import decode

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench")


def many_lambdas(count: int) -> str:
    spec = importlib.util.spec_from_file_location("many_lambdas", os.path.join(BENCH, "many_lambdas.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write(count)


def counting_lint(calls: list, select=("KL101", "KL102", "KL201", "KL202", "KL203", "KL204", "KL205")):
    def lint(text):
        calls.append(text)
        result = lint_source(decode("case.py", text.encode()), Settings(select=select))
        assert result.errors == []
        return result.findings
    return lint


SAME_NAMES = '''\
import keras
from keras.layers import Lambda

SCALE = 2.0


# scales
def block(x):
    x = Lambda(lambda t: t * SCALE, name="scale")(x)
    x = Lambda(lambda t: t + 1, name="scale")(x)
    return Lambda(lambda t: t - 1, name="scale")(x)


def other(x):
    # the classes go above this comment
    return Lambda(lambda t: t * 3, name="scale")(x)
'''

NEEDS_IMPORTS = '''\
from keras.layers import Lambda
def block(x):
    x = Lambda(lambda t: t * 2)(x)
    return Lambda(lambda t: t * 3)(x)
x = Lambda(lambda t: t * 4, name="block_lambda")(1)
'''

NESTED = '''\
import keras

y = keras.layers.Lambda(lambda t: keras.layers.Lambda(lambda u: u * 2)(t) + 1)(1)
z = keras.layers.Lambda(lambda t: t * 5)(y)
'''

WITH_OTHER_FIXES = '''\
import keras


class Scale(keras.layers.Layer):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor


def build(x):
    x = keras.layers.Lambda(lambda t: t * 2, name="scale")(x)
    return keras.layers.Lambda(lambda t: t * 3, name="scale")(x)
'''


@pytest.mark.parametrize("text", [SAME_NAMES, NEEDS_IMPORTS, NESTED, WITH_OTHER_FIXES, many_lambdas(24)],
                         ids=["same-names", "imports", "nested", "other-fixes", "many"])
@pytest.mark.parametrize("unsafe", [False, True])
def test_one_pass_gives_what_one_per_pass_gave(text, unsafe):
    new = fixes.fix_text(text, counting_lint([]), unsafe)
    old = fixes.fix_text(text, counting_lint([]), unsafe, together=False)  # the loop as it was
    assert new.text == old.text
    assert new.fixed == old.fixed and new.problems == old.problems == []
    assert new.codes == old.codes and sum(new.codes.values()) == new.fixed  # what --show-fixes lists
    assert new.text != text


def test_the_rewrites_of_a_file_need_two_lint_runs():
    calls = []
    text = many_lambdas(60)
    outcome = fixes.fix_text(text, counting_lint(calls, select=("KL101",)), unsafe=True)
    assert outcome.fixed == 60
    assert len(calls) == 2  # the file, then the fixed file (whose findings the result reuses)
    assert outcome.findings == []
    assert outcome.text.count("\nclass ") == 60


def test_names_are_numbered_in_order():
    text = fixes.fix_text(SAME_NAMES, counting_lint([]), unsafe=True).text
    assert [line.split("(")[0] for line in text.splitlines() if line.startswith("class ")] == [
        "class Scale", "class Scale2", "class Scale3", "class Scale4"]
    assert "# scales\ndef block" in text and "    # the classes go above this comment\n" in text


# -- the import a rewrite adds, written without LibCST's codemod where that is plain ------------------

DOCSTRINGS = ['', '"""Doc."""\n', "'doc'  # c\n", '"""a\nb"""\n', '"a" "b"\n', 'r"""x"""\n', '("doc")\n', 'b"x"\n', '1\n']
IMPORT_LINES = ['', 'import os\n', 'from keras import layers, ops\n', 'from keras.saving import x\n', 'from . import y\n',
                'from .keras.saving import z\n', 'import a\n\n# comment\nimport b\n', 'from x import (\n    a,\n    b,\n)\n',
                'import a  # trailing\n', 'import a\n\n\n', 'import a\\\n    .b\n', 'from keras.saving import *\n',
                'from __future__ import annotations\n', 'import a; import b\n', 'import a', '# only comment\n']


def test_import_line_without_libcst_is_what_libcst_writes():
    from keras_lint.finding import import_added_by_libcst, import_line_added

    plain = 0
    for doc, one, two in itertools.product(DOCSTRINGS, IMPORT_LINES, IMPORT_LINES):
        old = doc + one + two
        try:
            compile(old, "block.py", "exec")
        except SyntaxError:
            continue
        new = import_line_added(old, "keras.saving", "register_keras_serializable")
        if new is None:  # LibCST decides (an import from keras.saving already, `;`, "a" "b", ...)
            continue
        plain += 1
        expected = import_added_by_libcst(old, "keras.saving", "register_keras_serializable")
        assert new.rstrip("\n") == expected.rstrip("\n"), old
    assert plain > 500
