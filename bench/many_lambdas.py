"""Write a Keras file with many `Lambda(lambda ...)` layers, the load `--fix` meets on a large model file.

    .venv/bin/python bench/many_lambdas.py [--lambdas N] OUT.py

The default is the fix-loop issue's own file: 300 Lambdas in about 2,100 lines. The file is made of
7-line blocks in turn: a function whose Lambda captures its parameter (named, so that several
blocks ask for the same class name), one whose Lambda has no name (the class is named after the
function), a multi-line lambda with `output_shape=`, one with `arguments=`; and one long function
holding a tenth of the Lambdas, whose classes all go before that one statement. The output is the
same for the same N (no randomness).
"""

from __future__ import annotations

import argparse

HEADER = '''"""Blocks of a model, each wrapping a small computation in a Lambda layer."""

from keras import layers, ops


'''


def block(i: int) -> str:
    kind = i % 4
    if kind == 0:  # a captured parameter, a name= that several blocks share
        return (f"def scaled_{i}(x, scale={i % 7 + 1}.0):\n"
                f'    """Block {i}."""\n'
                f"    h = layers.Dense({i % 5 + 2})(x)\n"
                f"    h = layers.Dropout(0.1)(h)\n"
                f'    return layers.Lambda(lambda t: t * scale, name="scale_{i % 3}")(h)\n\n\n')
    if kind == 1:  # no name: the class is named after the function
        return (f"def shifted_{i}(x):\n"
                f'    """Block {i}."""\n'
                f"    offset = {i}\n"
                f"    h = layers.Lambda(lambda t: t + offset)(x)\n"
                f"    return layers.Dense(4)(h)\n\n\n")
    if kind == 2:  # a lambda over several lines, with output_shape
        return (f"def norm_{i}(x):\n"
                f"    return layers.Lambda(\n"
                f"        lambda t: t / (ops.sum(t, axis=-1, keepdims=True) + 1e-{i % 9 + 1}),\n"
                f"        output_shape=lambda s: s,\n"
                f"    )(x)\n\n\n")
    return (f"def power_{i}(x):\n"  # arguments=
            f"    y = layers.Lambda(lambda t, p: ops.power(t, p), arguments={{'p': {i % 4 + 1}}})(x)\n"
            f"    # block {i}\n"
            f"    return y\n"
            f"\n"
            f"\n"
            f"# the next block\n")  # a comment right above a def: the class goes above it


def tower(start: int, count: int) -> str:
    """One function holding `count` Lambdas: their classes all go before it."""
    lines = ["def tower(x):"]
    for i in range(start, start + count):
        lines.append(f"    x = layers.Lambda(lambda t: t * {i % 5 + 2} - {i}, name='tower_step_{i}')(x)")
        lines.append(f"    x = layers.Dense({i % 6 + 2})(x)")
        for _ in range(5):
            lines.append(f"    x = layers.Dropout(0.{i % 9 + 1})(x)")
    lines.append("    return x")
    return "\n".join(lines) + "\n"


def write(count: int) -> str:
    in_tower = count // 10
    return HEADER + "".join(block(i) for i in range(count - in_tower)) + tower(count - in_tower, in_tower)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lambdas", type=int, default=300)
    parser.add_argument("out")
    args = parser.parse_args()
    with open(args.out, "w") as handle:
        handle.write(write(args.lambdas))


if __name__ == "__main__":
    main()
