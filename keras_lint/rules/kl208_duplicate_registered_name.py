from __future__ import annotations

import os
from typing import Union

from ..cst.lazy import cst
from ..index.project_index import ProjectIndex
from .base import Invalid, Rule


class DuplicateRegisteredName(Rule):
    """
    ## What it does
    Reports a class or function registered with `@register_keras_serializable(...)` under a
    `package>name` key that another class or function of the project already registers (the
    default package is `Custom`, the default name the class or function name). Every registration
    after the first, in path order, is reported, at its decorator. Keys that are not literals are
    never compared, and definitions in exclusive branches of one `if`/`try` (only one of them runs)
    are not duplicates of each other.

    ## Why is this bad?
    Keras keeps one object per key and a second registration silently replaces the first: no
    error, no warning. A saved model stores only the key, so on load every object saved under it
    becomes the last-registered one, and the loaded model computes something else (measured: two
    layers `Scale` registered as `Custom>Scale`, one multiplying by 2 and one by 3, load as two
    copies of the same class and the outputs differ).

    ## Example
    ```python
    # blocks/vision.py
    @keras.saving.register_keras_serializable()
    class Scale(keras.layers.Layer): ...

    # blocks/text.py
    @keras.saving.register_keras_serializable()
    class Scale(keras.layers.Layer): ...
    ```

    ## Use instead
    ```python
    # blocks/vision.py
    @keras.saving.register_keras_serializable(package="vision")
    class Scale(keras.layers.Layer): ...

    # blocks/text.py
    @keras.saving.register_keras_serializable(package="text")
    class Scale(keras.layers.Layer): ...
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "KL208"
    name = "duplicate-registered-name"
    summary = "Two objects registered under the same `package>name`: on load both become the last-registered one"
    severity = "warning"
    help = "register each object under its own `package`/`name`"
    triggers = ("register_keras_serializable",)
    looks_at_custom_objects = True  # asks for the whole project's index under the CLI

    VALID = [
        """
            import keras
            @keras.saving.register_keras_serializable(package='a')
            class S(keras.layers.Layer):
                pass
            @keras.saving.register_keras_serializable(package='b')
            class T(keras.layers.Layer):
                pass
        """,
        # same class name, different package or name
        """
            import keras
            @keras.saving.register_keras_serializable(package='a')
            def f(x):
                return x
            @keras.saving.register_keras_serializable(package='b')
            def g(x):
                return x
        """,
        """
            import keras
            @keras.saving.register_keras_serializable()
            class S(keras.layers.Layer):
                pass
            @keras.saving.register_keras_serializable(name='S2')
            class T(keras.layers.Layer):
                pass
        """,
        # a key that is not a literal is never a duplicate
        """
            import keras
            P = 'a'
            @keras.saving.register_keras_serializable(package=P)
            class S(keras.layers.Layer):
                pass
            @keras.saving.register_keras_serializable(package=P, name='S')
            class T(keras.layers.Layer):
                pass
        """,
        # exclusive branches: only one of them is ever defined
        """
            import keras
            try:
                import tensorflow as tf
                @keras.saving.register_keras_serializable()
                class S(keras.layers.Layer):
                    pass
            except ImportError:
                @keras.saving.register_keras_serializable()
                class S(keras.layers.Layer):
                    pass
        """,
        """
            import keras
            if keras.__version__ >= '3':
                @keras.saving.register_keras_serializable()
                def f(x):
                    return x
            else:
                @keras.saving.register_keras_serializable()
                def f(x):
                    return x
        """,
        # the bare decorator registers nothing (KL209)
        """
            import keras
            @keras.saving.register_keras_serializable
            class S(keras.layers.Layer):
                pass
            @keras.saving.register_keras_serializable(name='S')
            class T(keras.layers.Layer):
                pass
        """,
        # classes inside functions are not module-level registrations
        """
            import keras
            def a():
                @keras.saving.register_keras_serializable()
                class S(keras.layers.Layer):
                    pass
            def b():
                @keras.saving.register_keras_serializable()
                class S(keras.layers.Layer):
                    pass
        """,
    ]
    INVALID = [
        Invalid(
            """
                import keras
                @keras.saving.register_keras_serializable()
                class S(keras.layers.Layer):
                    pass
                @keras.saving.register_keras_serializable(name='S')
                class T(keras.layers.Layer):
                    pass
            """,
            5, 1, "`Custom>S`",
        ),
        # the default package is `Custom`; a function and a class collide too
        Invalid(
            """
                import keras
                @keras.saving.register_keras_serializable()
                def scale(x):
                    return x
                @keras.saving.register_keras_serializable(package='Custom')
                class scale(keras.layers.Layer):
                    pass
            """,
            5, 1, "function `example.scale`",
        ),
        Invalid(
            """
                from keras.utils import register_keras_serializable as reg
                @reg('p')
                def f(x):
                    return x
                @reg('p', 'f')
                def g(x):
                    return x
            """,
            5, 1, "`p>f`",
        ),
        # `try` body and `else` both run: not exclusive
        Invalid(
            """
                import keras
                try:
                    import tensorflow as tf
                    @keras.saving.register_keras_serializable('p')
                    class S(keras.layers.Layer):
                        pass
                except ImportError:
                    pass
                else:
                    @keras.saving.register_keras_serializable('p')
                    class S(keras.layers.Layer):
                        pass
            """,
            10, 5,
        ),
    ]

    def __init__(self, context):
        super().__init__(context)
        self._branches: dict = {}  # def line -> branch path, for the statement being visited

    def visit_Module(self, node: cst.Module) -> None:
        self._branches = {}
        for statement in node.body:
            self._collect(statement, ())

    def _collect(self, node: cst.CSTNode, path: tuple) -> None:
        """Record where each class/def of the statement sits among if/try branches."""
        if isinstance(node, (cst.ClassDef, cst.FunctionDef)):
            self._branches[self.line_of(node)] = path
            return
        if isinstance(node, cst.If):
            self._collect_block(node.body, path + ((id(node), "body"),))
            if node.orelse is not None:
                inner = node.orelse.body
                branch = path + ((id(node), "orelse"),)
                if isinstance(inner, cst.If):  # elif
                    self._collect(inner, branch)
                else:
                    self._collect_block(inner, branch)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self._collect_block(node.body, path + ((id(node), "ok"),))
            for index, handler in enumerate(node.handlers):
                self._collect_block(handler.body, path + ((id(node), f"handler{index}"),))
            if node.orelse is not None:
                self._collect_block(node.orelse.body, path + ((id(node), "ok"),))
            if node.finalbody is not None:
                self._collect_block(node.finalbody.body, path)
        elif isinstance(node, (cst.With, cst.For, cst.While)):
            self._collect_block(node.body, path)

    def _collect_block(self, block: cst.BaseSuite, path: tuple) -> None:
        if isinstance(block, cst.IndentedBlock):
            for statement in block.body:
                self._collect(statement, path)

    def _exclusive(self, line: int, other: int) -> bool:
        """Are two definitions of this statement in different branches of one if/try?"""
        if line not in self._branches or other not in self._branches:
            return False
        mine = dict(self._branches[line])
        return any(node in mine and mine[node] != branch for node, branch in self._branches[other])

    @classmethod
    def might_report(cls, info, project: ProjectIndex) -> bool:
        by_key, by_location = project.registered_keys()
        entry = by_location.get((os.path.abspath(info.path), info.line))
        return entry is not None and len(by_key[entry.key]) > 1

    @classmethod
    def might_report_statement(cls, statement, context) -> bool:
        """(Speed only.) A statement reports only where the index has a registration whose key is shared."""
        by_key, by_location = context.project.registered_keys()
        path = os.path.abspath(context.path)
        first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", ())])
        for line in range(first, (statement.end_lineno or statement.lineno) + 1):
            entry = by_location.get((path, line))
            if entry is not None and len(by_key[entry.key]) > 1:
                return True
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._check(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._check(node)

    def _check(self, node: Union[cst.ClassDef, cst.FunctionDef]) -> None:
        path, line = os.path.abspath(self.context.path), self.line_of(node)
        by_key, by_location = self.context.project.registered_keys()
        entry = by_location.get((path, line))
        if entry is None:
            return
        earlier = None
        for other in by_key[entry.key]:
            if other == entry:
                break
            if other.path == path and self._exclusive(line, other.line):
                continue
            earlier = earlier or other
        if earlier is None:
            return
        decorator = next((d for d in node.decorators if self.line_of(d) == entry.decorator_line), None)
        where = "this file" if earlier.path == path else os.path.relpath(earlier.path, os.path.dirname(path))
        self.report(
            decorator or node,
            f"`{entry.key}` is already registered by the {earlier.what} `{earlier.qualname}` ({where}, line "
            f"{earlier.line}): Keras keeps the last registration, so on load every object saved under this name "
            "becomes the same one, without error or warning, and the model computes something else; "
            "give each a distinct `package=` or `name=`",
        )
