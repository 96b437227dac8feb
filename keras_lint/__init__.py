"""keras-lint: find the code that makes a saved Keras model fail to load, before anything runs.

The flow reads off the module names:
    source   read a file (bytes -> text, or a KL001 finding)
    names    resolve which names in it are Keras's
    rules/   the rules, one per module
    engine   run the rules over one file, honour noqa
    report   print findings
    cli / flake8_plugin   the two front-ends (config, files feed the CLI)
"""

__version__ = "0.1.0"
