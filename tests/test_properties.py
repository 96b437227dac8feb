"""Property-based tests on programs hypothesmith generates from Python's grammar: linting never
raises and never reports an internal error; every fix yields code that parses, and fixing again
changes nothing.

Programs drawn from the whole grammar almost never touch Keras, so the second kind splices generated
expressions and statements into the shapes the rules and their fixes work on (a Lambda layer, a
custom layer with `__init__`/`get_config`), where the fixes have something to rewrite.
"""

import ast

import hypothesmith
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from keras_lint import engine, fixes, source
from keras_lint.index import ProjectIndex, summarise_source
from keras_lint.settings import Settings

SETTINGS = Settings()
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))

EXPRESSION = hypothesmith.from_grammar("eval_input").map(str.strip).filter(
    lambda text: "\n" not in text and text
)
STATEMENTS = hypothesmith.from_grammar("file_input")

TEMPLATES = [
    "import keras\nscale = 2\ny = keras.layers.Lambda(lambda t: {expr}, name='scaled')(x)\n",
    "import keras\ndef build(x, k=3):\n    return keras.layers.Lambda(lambda t, m={expr}: t * m * k)(x)\n",
    "from tensorflow.keras import layers\nout = layers.Lambda(lambda p: p[0] + {expr}, output_shape=(4,))(pair)\n",
    "import keras\n"
    "class Scale(keras.layers.Layer):\n"
    "    def __init__(self, factor={expr}, units=4):\n"
    "        super().__init__()\n"
    "        self.factor = factor\n"
    "        self.units = units\n"
    "    def build(self, shape):\n"
    "        self.w = self.add_weight(shape=(self.units,))\n"
    "    def get_config(self):\n"
    "        return {{'factor': self.factor}}\n",
]


def lint_and_fix(text: str) -> None:
    src = source.SourceFile("generated.py", text)
    try:
        tree = source.parse(src)
    except source.SourceError:
        return  # hypothesmith's grammar is looser than Python's: not a program
    project = ProjectIndex([summarise_source(src)])
    linted = engine.lint_source(src, SETTINGS, tree=tree, project=project)
    assert linted.errors == [], linted.errors
    fixed = fixes.fix_source(src, SETTINGS, project, unsafe=True)
    assert fixed.errors == [], fixed.errors
    ast.parse(fixed.fixed_text)  # raises if the fixes broke the program
    if fixed.fixed_text != text:
        again_src = source.SourceFile("generated.py", fixed.fixed_text)
        again = fixes.fix_source(again_src, SETTINGS, ProjectIndex([summarise_source(again_src)]), unsafe=True)
        assert again.errors == [] and again.fixed_text == fixed.fixed_text


@PROPERTY
@given(STATEMENTS)
def test_any_program_lints_and_fixes_without_error(program):
    lint_and_fix("import keras\n" + program)


@settings(PROPERTY, max_examples=60)  # each example runs the fixes twice: the costly half
@given(st.sampled_from(TEMPLATES), EXPRESSION)
@example(TEMPLATES[0], "t * scale")  # the shapes the fixes rewrite: they must be reached
@example(TEMPLATES[3], "1.5")
def test_keras_shapes_with_any_expression_lint_and_fix_without_error(template, expression):
    lint_and_fix(template.format(expr=expression))


def test_the_templates_are_fixed_at_all():
    """The property above is only worth something if the fixes do rewrite these shapes."""
    for template in TEMPLATES:
        src = source.SourceFile("generated.py", template.format(expr="2"))
        fixed = fixes.fix_source(src, SETTINGS, ProjectIndex([summarise_source(src)]), unsafe=True)
        assert fixed.fixed > 0, template
