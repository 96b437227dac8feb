from __future__ import annotations

from .base import Invalid, Rule


class UnparsableFile(Rule):
    """
    ## What it does
    Reports a file keras-lint cannot read as Python: bytes that do not decode in the file's
    encoding, a coding cookie naming an unknown codec, a NUL byte, or a syntax error.
    The file is reported once and the run goes on with the other files.

    ## Why is this bad?
    Nothing in the file can be checked, so a Keras problem in it would go unseen. Python itself
    would refuse to import it, so a model-building script in this state cannot run either.

    ## Example
    ```python
    def build(:
        ...
    ```

    ## Use instead
    ```python
    def build():
        ...
    ```

    ## Fix safety
    There is no fix. Under flake8, flake8 reports such a file itself (E902/E999) and this plugin
    is not run on it.
    """

    code = "KL001"
    name = "unparsable-file"
    summary = "file cannot be decoded or parsed"
    severity = "error"
    help = "fix the syntax or encoding error Python reports, so that the file can be checked"
    VALID = ["x = 1\n"]
    INVALID = [Invalid("""
        def build(:
            pass
    """, 1, 11)]
