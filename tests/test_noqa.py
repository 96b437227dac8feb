"""`# noqa` is read exactly as flake8 reads it, in both front-ends."""

import pytest

from keras_lint.engine.run import lint_source
from keras_lint.settings import Settings
from keras_lint.source import decode

HEAD = "import keras\ndef f(t):\n    return t\n"


def codes(text):
    return [(f.line, f.code) for f in lint_source(decode("m.py", text.encode()), Settings()).findings]


@pytest.mark.parametrize(
    "comment, suppressed",
    [
        ("# noqa", True),
        ("# NOQA", True),
        ("# noqa: KL101", True),
        ("# noqa:KL101,KL102", True),
        ("# noqa: KL102 KL101", True),
        ("# noqa: KL1", True),  # flake8 matches code prefixes
        ("# noqa: E501", False),  # other tools' codes suppress nothing of ours
        ("# noqa: kl101", False),  # flake8 compares codes case-sensitively
        ("# noqa : KL101", True),  # flake8's regex: '# noqa' alone matches, codes unparsed
        ("# not noqa here", False),
    ],
)
def test_inline_noqa(comment, suppressed):
    text = f"{HEAD}x = keras.layers.Lambda(lambda t: t)  {comment}\n"
    assert codes(text) == ([] if suppressed else [(4, "KL101")])


def test_noqa_applies_to_the_reported_line_only():
    text = f"{HEAD}x = keras.layers.Lambda(lambda t: t)\ny = 1  # noqa\n"
    assert codes(text) == [(4, "KL101")]


def test_noqa_on_a_later_line_of_a_multiline_string_statement_counts():
    # flake8 joins the lines of a multi-line token (a string) with the line it starts on
    text = f'{HEAD}x = keras.layers.Lambda(lambda t: t, name="""a\nb""")  # noqa\n'
    assert codes(text) == []


@pytest.mark.parametrize(
    "header, expected",
    [
        ("# keras-lint: noqa\n", []),
        ("# keras-lint: noqa: KL102\n", [(5, "KL101")]),
        ("  # KERAS-LINT=noqa\n", []),
        ("x = 1  # keras-lint: noqa\n", [(5, "KL101"), (6, "KL102")]),  # must stand on its own line
    ],
)
def test_file_level_noqa(header, expected):
    text = f"{header}{HEAD}x = keras.layers.Lambda(lambda t: t)\ny = keras.layers.Lambda(f)\n"
    assert codes(text) == expected
