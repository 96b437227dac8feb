"""keras-lint: find the code that makes a saved Keras model fail to load, before anything runs.

The flow reads off the folders and modules, in order (README "How it is built"):
    source       read a file (bytes -> text, or a KL001 finding)
    keras_api    every fact about Keras the rules rely on
    names        resolve which names in a file are Keras's
    index/       summarise every file of the project; the only reader of files
    cst/         LibCST plumbing (lazy import, positions, walk, node questions)
    analysis/    read-only questions several rules ask
    fixers/      what fixes are built from
    rules/       the rules, one per module
    engine/      the gate, and the rules run over one file
    fixes        apply fixes
    report       print findings
    api          the pipeline every front end calls
    cli / flake8_plugin   the two front ends
"""

__version__ = "0.1.0"
