"""Code the fixes write is in the file's own style: its indentation unit (2 spaces, tabs), its quote,
the project's line length (black/ruff `line-length`, else 88), blank lines as pycodestyle wants them,
a lambda over several lines re-indented to its new place. Checked with the tools themselves: a file
that passes `ruff format --check` and `flake8 --select E1,E3,E5,W` before the fix passes after."""

import os
import subprocess
import sys

import pytest

from keras_lint import config, fixes
from keras_lint.engine.run import lint_source
from keras_lint.settings import Settings
from keras_lint.source import decode

BIN = os.path.dirname(sys.executable)
RUFF, FLAKE8 = os.path.join(BIN, "ruff"), os.path.join(BIN, "flake8")


def fixed(text, line_length=88, select=("KL101", "KL102", "KL201", "KL302")):
    settings = Settings(select=select, line_length=line_length)

    def lint(t):
        result = lint_source(decode("model.py", t.encode()), settings)
        assert result.errors == []
        return result.findings

    outcome = fixes.fix_text(text, lint, unsafe=True)
    assert outcome.problems == [] and outcome.text != text
    return outcome.text


def layout_problems(text, tmp_path, line_length=88, indent="    "):
    """What `ruff format --check` and `flake8 --select E1,E3,E5,W` say of the text (empty: none)."""
    path = tmp_path / "model.py"
    path.write_text(text)
    style = ["--config", f"line-length={line_length}"]  # and the project's indentation, as it would configure it:
    ignore = []
    if indent == "\t":
        style += ["--config", "format.indent-style='tab'"]
        ignore = ["--extend-ignore", "W191"]
    elif indent != "    ":
        style += ["--config", f"indent-width={len(indent)}"]
        ignore = ["--extend-ignore", "E111,E114,E121"]  # pycodestyle counts in fours
    ruff = subprocess.run([RUFF, "format", "--isolated", *style, "--diff", str(path)], capture_output=True, text=True)
    flake8 = subprocess.run([FLAKE8, "--isolated", "--select", "E1,E3,E5,W", f"--max-line-length={line_length}",
                             *ignore, str(path)], capture_output=True, text=True)
    return (ruff.stdout if ruff.returncode else "") + flake8.stdout


TWO_SPACES = '''\
import keras
from keras import layers


def build(x, factor):
  attn = layers.Dense(4)(x)
  attn = layers.Lambda(
    lambda attn: keras.ops.divide(
      attn,
      keras.ops.convert_to_tensor(1e-9) + keras.ops.sum(attn, axis=-1, keepdims=True),
    )
  )(attn)
  return layers.Lambda(lambda t: t * factor, name="scaled")(attn)
'''

TABS = (
    "import keras\n"
    "from keras import layers\n"
    "\n"
    "\n"
    "def build(x, factor):\n"
    "\tif factor:\n"
    "\t\tx = layers.Lambda(lambda t: t * factor)(x)\n"
    "\treturn x\n"
)


def test_two_space_files_get_two_space_classes_and_the_body_moves_with_its_indentation(tmp_path):
    assert layout_problems(TWO_SPACES, tmp_path, indent="  ") == ""
    text = fixed(TWO_SPACES)
    assert "class Divide(layers.Layer):\n  def call(self, attn):\n    return keras.ops.divide(\n" in text
    assert "\n      attn,\n      keras.ops.convert_to_tensor(1e-9)" in text and "\n    )\n" in text
    assert "class Scaled(layers.Layer):\n  def __init__(self, factor, **kwargs):\n    super().__init__(**kwargs)\n" in text
    assert '"factor": self.factor' in text and 'package="model"' in text
    assert layout_problems(text, tmp_path, indent="  ") == ""


def test_a_body_broken_inside_the_lambda_call_gets_parentheses(tmp_path):
    text = "import keras\n\n\ndef f(x):\n    return keras.layers.Lambda(lambda t: t *\n                               2.0)(x)\n"
    result = fixed(text)
    assert "    def call(self, t):\n        return (t *\n                2.0)\n" in result


def test_the_file_quote_is_used():
    text = fixed("import keras\nx = keras.layers.Lambda(lambda t: t * 2, name='double')\n")
    assert "package='model'" in text
    text = fixed('import keras\nx = keras.layers.Lambda(lambda t: t * 2, name="double")\n')
    assert 'package="model"' in text


def test_tab_files_get_tab_classes(tmp_path):
    assert layout_problems(TABS, tmp_path, indent="\t") == ""
    text = fixed(TABS)
    assert "class Scale(layers.Layer):\n\tdef __init__(self, factor, **kwargs):\n\t\tsuper().__init__(**kwargs)\n" in text
    assert "\tdef call(self, t):\n\t\treturn t * self.factor\n" in text
    assert layout_problems(text, tmp_path, indent="\t") == ""


LONG = '''\
import keras

SCALE_FOR_THE_FIRST_INPUT = 2.0
OFFSET_FOR_THE_SECOND_INPUT = 1.0


def build(x):
    return keras.layers.Lambda(lambda t: t * SCALE_FOR_THE_FIRST_INPUT + OFFSET_FOR_THE_SECOND_INPUT)(x)
'''


def test_the_project_line_length_decides_where_lines_break(tmp_path):
    wrapped = fixed(LONG, line_length=88)
    assert "        return {\n            **super().get_config(),\n" in wrapped
    assert "    def __init__(\n        self, scale_for_the_first_input, offset_for_the_second_input, **kwargs\n    ):\n" in wrapped
    assert layout_problems(wrapped, tmp_path, line_length=88) == ""
    long = fixed(LONG, line_length=120)
    assert "    def __init__(self, scale_for_the_first_input, offset_for_the_second_input, **kwargs):\n" in long
    assert layout_problems(long, tmp_path, line_length=120) == ""


def test_a_long_package_name_wraps_the_decorator():
    text = "import keras\n\n\ndef f(t):\n    return t\n\n\nkeras.layers.Lambda(f)\n"
    settings = Settings(select=("KL102",), package="a_project_with_a_rather_long_name.and_a_subpackage.models")

    def lint(t):
        return lint_source(decode("m.py", t.encode()), settings).findings

    result = fixes.fix_text(text, lint, unsafe=True).text
    assert '@keras.saving.register_keras_serializable(\n    package="a_project_with_a_rather_long_name' in result


def test_classes_get_the_blank_lines_pycodestyle_wants(tmp_path):
    text = "import keras\nx = 1\ny = keras.layers.Lambda(lambda t: t + 1)(x)\nz = y\n"
    result = fixed(text)
    assert "x = 1\n\n\n@keras.saving" in result and "        return t + 1\n\n\ny = Shift()(x)\n" in result


@pytest.mark.parametrize("name, body, expected", [
    ("ruff.toml", "line-length = 100\n", 100),
    (".ruff.toml", "line-length = 99\n", 99),
    ("pyproject.toml", "[tool.ruff]\nline-length = 110\n", 110),
    ("pyproject.toml", "[tool.black]\nline-length = 79\n", 79),
    ("pyproject.toml", "[tool.black]\nline-length = 79\n[tool.ruff]\nline-length = 101\n", 101),
    ("pyproject.toml", "[tool.other]\nline-length = 79\n", None),
    ("pyproject.toml", "[tool.ruff\n", None),  # unreadable: the default
])
def test_the_line_length_comes_from_ruff_or_black(tmp_path, name, body, expected):
    (tmp_path / name).write_text(body)
    (tmp_path / "pkg").mkdir()
    assert config.formatter_line_length(str(tmp_path / "pkg")) == expected


def test_make_settings_reads_the_line_length(tmp_path):
    from keras_lint import api

    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    (tmp_path / "m.py").write_text("x = 1\n")
    assert api.make_settings([str(tmp_path / "m.py")]).line_length == 100
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'm'\n")
    assert api.make_settings([str(tmp_path / "m.py")]).line_length == 88


def test_a_new_import_joins_the_third_party_ones_not_the_project_own(tmp_path):
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    path = tmp_path / "mypkg" / "m.py"
    path.write_text('"""Doc."""\nimport os\n\nfrom keras import layers\n\nfrom mypkg import util\nfrom . import sibling\n\n'
                    "x = layers.Lambda(lambda t: t * 2)\n")
    keras_lint = os.path.join(BIN, "keras-lint")
    subprocess.run([keras_lint, "--no-cache", "--fix", "mypkg/m.py"], cwd=tmp_path, capture_output=True, text=True)
    assert path.read_text().startswith(
        '"""Doc."""\nimport os\n\nfrom keras import layers\nfrom keras.saving import register_keras_serializable\n\n'
        "from mypkg import util\nfrom . import sibling\n\n\n@register_keras_serializable"
    )


LONG_BODIES = '''\
import keras
from keras import layers, ops


def block(inputs):
    x = layers.Lambda(
        lambda t: ops.divide(t, ops.convert_to_tensor(1e-9) + ops.sum(t, axis=-1))
    )(inputs)
    return layers.Lambda(
        lambda t: ops.sum(t, axis=-1, keepdims=True) + ops.mean(t, axis=1) * 2.0
    )(x)
'''


def test_a_long_one_line_body_is_wrapped_as_ruff_format_wraps_it(tmp_path):
    # At 70 columns neither `return` fits on one line in the class.
    result = fixed(LONG_BODIES, line_length=70)
    assert "        return ops.divide(\n            t, ops.convert_to_tensor(1e-9) + ops.sum(t, axis=-1)\n        )\n" in result
    assert ("        return (\n            ops.sum(t, axis=-1, keepdims=True)\n            + ops.mean(t, axis=1) * 2.0\n"
            "        )\n") in result
    problems = layout_problems(result, tmp_path, line_length=70)
    # ruff format agrees; flake8 says only W503, which black's and ruff's style (a break before an
    # operator) always draws, and pycodestyle leaves out unless --select names it.
    assert [line.split(": ")[-1].split()[0] for line in problems.splitlines()] == ["W503"], problems
    result = fixed(LONG_BODIES)  # at 88 columns both fit on one line
    assert "        return ops.divide(t, ops.convert_to_tensor(1e-9) + ops.sum(t, axis=-1))\n" in result


CONFIG_ONE_ENTRY_A_LINE = '''\
import keras


@keras.saving.register_keras_serializable(package="p")
class Block(keras.layers.Layer):
    def __init__(self, units, output_router_logits=False, aux_coef=0.01, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.output_router_logits = output_router_logits
        self.aux_coef = aux_coef

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
            }
        )
        return config
'''


def test_entries_added_to_a_dict_written_one_a_line_get_a_line_each(tmp_path):
    # (KL203) Both on one line made it 117 columns in keras-hub's mixtral_decoder.py.
    result = fixed(CONFIG_ONE_ENTRY_A_LINE, select=("KL203",))
    assert ('                "units": self.units,\n'
            '                "output_router_logits": self.output_router_logits,\n'
            '                "aux_coef": self.aux_coef,\n'
            '            }\n') in result
    assert layout_problems(CONFIG_ONE_ENTRY_A_LINE, tmp_path) == layout_problems(result, tmp_path) == ""
