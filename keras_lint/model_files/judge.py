"""Predict what `load_model` does with a model file: for each reference the walk finds, whether
the loading Keras resolves it, refuses it or runs it (research sections 2-3, the matrix in
tests/test_model_files_matrix.py), and where the project defines what the file needs.

    verdicts = judge_file(model, Loader("keras3", "3.15", "installed"), project)
    [v for v in verdicts if v.fails]   # what makes this load raise
"""

from __future__ import annotations

import builtins
import dataclasses
import os
import sys
from typing import Optional

from .. import keras_api as K
from . import bytecode
from .read import ModelFile
from .walk import Reference, references, training_references

KERAS_ROOTS = ("keras", "tf_keras")
_BUILTINS = frozenset(dir(builtins))


def _is_key(name: str) -> bool:
    """A registration key `package>Name` (not `<lambda>`, the name a legacy file gives a lambda)."""
    return ">" in name and not name.startswith("<")


@dataclasses.dataclass(frozen=True)
class Loader:
    """What will load the file: "keras3" or "tf_keras", its version, why that one, and how."""

    line: str
    version: str
    why: str = ""
    compile: bool = True
    safe_mode: bool = True
    python: tuple = tuple(sys.version_info[:2])
    # The module-level names of the script that loads (tf_keras looks a lambda's globals up in the
    # loading process's `__main__`); None: unknown, taken to define none of the saver's globals.
    main_globals: Optional[frozenset] = None
    # The project files the loading code imports (loaders.imported_files, from a project load_model
    # call naming the file); None: unknown, and a key the project registers anywhere counts as found.
    imports: Optional[frozenset] = None
    at: str = ""  # that call, "serve.py:7", for the messages
    tensorflow: bool = False  # a Keras 2 given by TensorFlow's version (the tf.keras it bundles)
    # The model libraries (keras_hub, keras_cv, keras_nlp) installed where it loads; None: unknown.
    libraries: Optional[frozenset] = None

    @property
    def minor(self) -> tuple:
        try:
            return tuple(int(part) for part in self.version.split(".")[:2])
        except ValueError:
            return (3, 99) if self.line == "keras3" else (2, 99)

    @property
    def release(self) -> tuple:
        """(major, minor, patch); a version given to the minor only counts as its newest patch."""
        parts = []
        for part in self.version.split(".")[:3]:
            digits = "".join(ch for ch in part if ch.isdigit())
            parts.append(int(digits) if digits else 0)
        return tuple(parts + [99] * (3 - len(parts)))

    def describe(self) -> str:
        if self.tensorflow:
            name = "the tf.keras of TensorFlow"
        else:
            name = "Keras" if self.line == "keras3" or self.minor < (2, 14) else "tf_keras"  # tf-keras began at 2.14
        return f"{name} {self.version}" + (f" ({self.why})" if self.why else "")

    @property
    def knows_functional(self) -> bool:
        """Does it know the class `Functional` (KL634)?"""
        if self.line == "keras3":
            return True
        return self.minor >= (K.FUNCTIONAL_SINCE_TENSORFLOW if self.tensorflow else K.FUNCTIONAL_SINCE)


@dataclasses.dataclass(frozen=True)
class Verdict:
    code: str
    where: str  # JSON path inside the file ("" for the file)
    message: str
    fails: bool  # True: the load raises (with the loader's compile/safe_mode)
    needs: str = ""  # the custom_objects key that would resolve it (KL610/KL611)


def judge_file(model: ModelFile, loader: Loader, project=None) -> list:
    verdicts = [Verdict(p.code, p.where, p.message, True) for p in model.problems]
    if any(p.code in ("KL601", "KL603", "KL604") for p in model.problems):
        return verdicts
    if model.kind == "savedmodel":
        if loader.line == "keras3":
            return verdicts + [Verdict("KL632", "", "a TensorFlow SavedModel folder: Keras 3's load_model refuses it "
                                       "('File format not supported'); load it with tf_keras, or wrap it in "
                                       "keras.layers.TFSMLayer for inference", True)]
    if model.config is None:
        return verdicts
    refs = list(references(model.config, model.config_key))
    if model.training_config is not None:
        refs += list(training_references(model.training_config))
    by_keras3 = model.saved_by_keras3
    if by_keras3 is None:
        by_keras3 = not any((r.module or "").startswith("tf_keras") for r in refs)
    if loader.line == "tf_keras" and by_keras3:
        return verdicts + [Verdict("KL631", "", f"saved by Keras {model.keras_version or '3'}: tf_keras cannot load a "
                                   "Keras 3 file (its classes and InputLayer's batch_shape are unknown to it); load it "
                                   "with Keras 3", True)]
    context = _Context(model, loader, project, by_keras3)
    if loader.line == "keras3" and not by_keras3:
        verdicts += context.keras2_under_keras3(refs)
    for ref in refs:
        if ref.in_compile and not loader.compile:
            continue  # compile=False: Keras drops compile_config / training_config before reading them
        verdicts += context.judge(ref)
    return verdicts


class _Context:
    def __init__(self, model: ModelFile, loader: Loader, project, by_keras3: bool):
        self.model, self.loader, self.project, self.by_keras3 = model, loader, project, by_keras3
        self.legacy_file = model.kind in ("h5", "savedmodel")
        # tf_keras revives the custom layers of a SavedModel from its traced functions: only
        # compile-time objects must resolve there (measured: an unregistered layer loads).
        self.revived = model.kind == "savedmodel"

    # -- versions ----------------------------------------------------------------------------

    def keras2_under_keras3(self, refs: list) -> list:
        old = f"saved by tf_keras/Keras {self.model.keras_version or '2'}"
        for ref in refs:
            module = ref.module or ""
            if ref.kind == "class" and (module.split(".")[0] == "tf_keras" or module.startswith(("keras.src.engine", "keras.engine"))):
                return [Verdict("KL630", ref.path, f"{old}: `{module}.{ref.name}` does not exist in Keras 3 "
                                "('Could not locate class'); load it with tf_keras (TF_USE_LEGACY_KERAS=1)", True)]
        if self.model.kind in ("keras-zip", "keras-dir"):
            for ref in refs:
                if ref.kind == "class" and "batch_input_shape" in ref.config_keys and ref.name != "InputLayer":
                    return [Verdict("KL630", ref.path, f"{old}: `{ref.name}` carries Keras 2's `batch_input_shape`, "
                                    f"which Keras 3 refuses ('Unrecognized keyword arguments passed to {ref.name}'); "
                                    "load it with tf_keras (TF_USE_LEGACY_KERAS=1)", True)]
            return [Verdict("KL630", "", f"{old}: Keras 3 loads this Sequential, but it may compute wrongly (measured: "
                            "predict() raises); load it with tf_keras, or rebuild it in Keras 3", False)]
        nested = [r for r in refs if r.kind == "class" and r.layer_position and r.name in ("Functional", "Model", "Sequential")]
        if nested:
            return [Verdict("KL630", nested[0].path, f"{old}: a model nested in a legacy HDF5 file, which Keras 3's "
                            "legacy loader rebuilds wrongly ('Invalid Functional model configuration', 'list index out "
                            "of range'); load it with tf_keras", True)]
        return []

    # -- one reference -----------------------------------------------------------------------

    def judge(self, ref: Reference) -> list:
        if ref.kind == "lambda":
            return self.lambda_(ref)
        if ref.kind == "function":
            return self.function(ref)
        if ref.kind == "name":
            return self.compile_name(ref)
        return self.vocabulary_file(ref) + self.class_(ref)

    def vocabulary_file(self, ref: Reference) -> list:
        """A lookup layer saved with its vocabulary as a file path (tf_keras writes the path)."""
        if ref.name not in K.VOCABULARY_LAYERS or not ref.filepath:
            return []
        if self.loader.line == "keras3" and self.loader.safe_mode and self.loader.release >= K.VOCABULARY_FILE_GATE:
            return [Verdict("KL615", ref.path, f"`{ref.name}` was saved with its vocabulary as the file `{ref.filepath}`: "
                            f"{self.loader.describe()} refuses to read it under safe_mode ('Requested the loading of a "
                            "vocabulary file outside of the model archive'); load with safe_mode=False if you trust it, "
                            "or re-save with Keras 3, which keeps the vocabulary in the file", True)]
        if self.exists(ref.filepath, "file"):
            return []
        return [Verdict("KL615", ref.path, f"`{ref.name}` was saved with its vocabulary as the file `{ref.filepath}`, "
                        f"which is not there (from the current folder nor the model file's): {self.loader.describe()} "
                        f"fails ('Vocabulary file {ref.filepath} does not exist'); ship the file at that path, or build "
                        "the layer with the vocabulary as a list and re-save", True)]

    def exists(self, path: str, what: str) -> bool:
        """Is `path` (as a saved config names it) there when loading: from the current folder, or from the
        model file's folder (where a loader usually runs)? A folder: holding a SavedModel."""
        bases = [""] if os.path.isabs(path) else [os.getcwd(), os.path.dirname(os.path.abspath(self.model.path))]
        for base in bases:
            full = os.path.join(base, path)
            if what == "file" and os.path.isfile(full):
                return True
            if what == "savedmodel" and any(os.path.isfile(os.path.join(full, n)) for n in ("saved_model.pb", "saved_model.pbtxt")):
                return True
        return False

    def class_(self, ref: Reference) -> list:
        name, module, registered = ref.name, ref.module or "", ref.registered_name or ""
        if name == "Functional" and not self.loader.knows_functional:
            return [Verdict("KL634", ref.path, f"a `Functional` model, as Keras >= 2.4 (TensorFlow >= 2.3) saves it: "
                            f"{self.loader.describe()} does not know that class ('Unknown layer: Functional'); load it "
                            "with Keras >= 2.4 or TensorFlow >= 2.3, or rebuild it in code under the older version", True)]
        if not ref.has_module_key:  # a legacy HDF5 object: its class_name is its registration key
            if self.revived and not ref.in_compile:
                return []
            if _is_key(name):
                package, _, bare = name.partition(">")
                if package == "Custom" and bare in K.OPTIMIZER_NAMES:
                    return []  # tf_keras writes its built-in optimizers so
                return self.registered(ref, name, "class")
            newer = self.newer_than_loader(ref)
            if newer:
                return newer
            if ref.layer_position or ref.path == self.model.config_key:
                known = K.KERAS3_LAYER_NAMES if self.loader.line == "keras3" else K.KERAS3_LAYER_NAMES | K.KERAS2_ONLY_LAYER_NAMES
                if name not in known:
                    return [self.unregistered_class(ref, name, None, legacy=True)]
            return []
        newer = self.newer_than_loader(ref)
        if newer:
            return newer
        root = module.split(".")[0]
        if root in K.HOSTILE_MODULE_ROOTS:
            return [Verdict("KL640", ref.path, f"an object from `{module}.{name}`: no model saves that; the file is crafted "
                            "to run code (CVE-2025-1550) -- Keras >= 3.9 refuses it, older Keras imports it", True)]
        if root in KERAS_ROOTS:
            if name == "TFSMLayer" and root == "keras" and self.loader.line == "keras3":
                return self.tfsm_layer(ref)
            if name in K.NON_MODELING_APIS:
                return [Verdict("KL640", ref.path, f"`{module}.{name}` is not a model object: a file naming it is crafted "
                                "(CVE-2025-8747/-9906); Keras 3.15 refuses it", True)]
            if _is_key(registered):
                refused = self.loader.line == "keras3" and self.loader.minor >= (3, 15)
                outcome = ("Keras 3.15 refuses it ('resolved to a Keras built-in and does not use registered names')"
                           if refused else "whatever the loading process registers under that key replaces it")
                return [Verdict("KL641", ref.path, f"built-in `{module}.{name}` carries registered_name `{registered}`, "
                                f"which Keras never writes for its own classes: {outcome}", refused)]
            return []
        if root in K.KERAS_IMPORTABLE_ROOTS:
            # keras_hub / keras_cv / keras_nlp: imported by module path, where installed
            libraries = self.loader.libraries
            if self.loader.line == "keras3" and libraries is not None and root not in libraries:
                package = K.MODEL_LIBRARY_DISTRIBUTIONS[root][0]
                return [Verdict("KL613", ref.path, f"`{module}.{name}` comes from {root}, which is not installed where "
                                f"it loads: {self.loader.describe()} imports it by module path and fails ('Could not locate "
                                f"class'); pip install {package} where the model is loaded", True)]
            return []
        if self.revived and not ref.in_compile:
            return []
        if _is_key(registered):
            return self.registered(ref, registered, "class")
        return [self.unregistered_class(ref, name, module or None)]

    def tfsm_layer(self, ref: Reference) -> list:
        """A TFSMLayer: refused under safe_mode since Keras 3.14; else its SavedModel must exist."""
        if self.loader.safe_mode and self.loader.release >= K.TFSM_LAYER_GATE:
            return [Verdict("KL614", ref.path, f"a TFSMLayer, which loads the external SavedModel `{ref.filepath}`: "
                            f"{self.loader.describe()} refuses it under safe_mode ('Requested the deserialization of a "
                            "`TFSMLayer`'); load with safe_mode=False if you trust that folder", True)]
        path = ref.filepath
        if path and self.exists(path, "savedmodel"):
            return []
        return [Verdict("KL614", ref.path, f"a TFSMLayer loading the SavedModel `{path}`, which is not there (from the "
                        f"current folder nor the model file's): {self.loader.describe()} fails ('SavedModel file does "
                        "not exist'); ship that folder with the model, at that path from where it loads", True)]

    def newer_than_loader(self, ref: Reference) -> list:
        """A built-in layer's config holding a keyword the loading Keras does not know yet."""
        if self.loader.line != "keras3" or ref.module not in (None, "keras.layers"):
            return []
        for keyword, (layers, since) in K.KERAS3_NEW_LAYER_KEYWORDS.items():
            if ref.name in layers and self.loader.release[:2] < since and keyword in ref.config_keys:
                return [Verdict("KL633", ref.path, f"`{ref.name}` was saved with `{keyword}`, which Keras "
                                f"{since[0]}.{since[1]} added: {self.loader.describe()} fails ('Unrecognized keyword "
                                f"arguments passed to {ref.name}'); load with Keras >= {since[0]}.{since[1]}", True)]
        return []

    def function(self, ref: Reference) -> list:
        name = ref.name
        if _is_key(name):
            return self.registered(ref, name, "function")
        if name in (K.KERAS_BUILTIN_FUNCTION_NAMES if self.loader.line == "keras3" else K.KERAS_KEYWORD_NAMES):
            return []
        if self.revived and not ref.in_compile:
            return []
        if self.loader.line == "keras3" and self.loader.minor >= (3, 9) and self.project is not None:
            # Keras >= 3.9 also finds a bare name among registered keys ending in ">name".
            keys = [key for key in self.project.registered_keys()[0] if key.endswith(">" + name)]
            if keys:
                return []
        return [self.unregistered_function(ref, name)]

    def compile_name(self, ref: Reference) -> list:
        name, what = ref.name, ref.module  # module holds "loss" / "metrics" for names
        if _is_key(name):
            return self.registered(ref, name, "function")
        if what != "loss":
            return []  # metric short names ("acc", "mae") load in both; not judged
        if name in K.KERAS_KEYWORD_NAMES:
            return []
        if name in K.LOSS_ALIASES:
            if self.loader.line == "keras3":
                return [Verdict("KL612", ref.path, f"loss `{name}` in a legacy HDF5 file: Keras 3 fails to compile it "
                                f"('Could not deserialize keras.metrics.{name}'); load with compile=False, or re-save "
                                "with the loss's full name or as .keras", True)]
            return []
        return [self.unregistered_function(ref, name)]

    def lambda_(self, ref: Reference) -> list:
        out = []
        data = bytecode.decode(ref.code) if ref.code else None
        where = "compile_config" if ref.in_compile else "layer"
        # tf_keras never checks safe_mode on HDF5 / SavedModel; Keras 3 does on HDF5 since 3.11.3 (CVE-2025-9905).
        unguarded = self.loader.line == "tf_keras" or self.loader.release < (3, 11, 3)
        executed = unguarded and self.legacy_file and not ref.in_compile
        if executed:
            out.append(Verdict("KL623", ref.path, f"Python bytecode that {self.loader.describe()} runs when loading this "
                               f"{'SavedModel' if self.revived else 'HDF5 file'}, with no safe_mode check: load only "
                               "if you trust the file", False))
        elif ref.in_compile:
            out.append(Verdict("KL621", ref.path, "a Python lambda in the compile arguments: refused under safe_mode; "
                               "load_model(path, compile=False) loads the model", self.loader.safe_mode))
        else:
            out.append(Verdict("KL620", ref.path, f"Python bytecode in a {where} (a Lambda's lambda): {self.loader.describe()} "
                               "refuses it under safe_mode (the default); replace it by a registered function and re-save",
                               self.loader.safe_mode))
        if ref.defaults and self.loader.line == "keras3":
            out.append(Verdict("KL625", ref.path, "a Lambda's lambda with default argument values: Keras 3 cannot rebuild "
                               "it even with safe_mode=False ('arg 4 (defaults) must be None or tuple', a Keras bug): "
                               "replace it by a registered function, or bind the value with Lambda(arguments={...})",
                               executed or not self.loader.safe_mode))
        if data:
            family = bytecode.family(data)
            running = bytecode.running_family(self.loader.python)
            if family and family != running:
                runs = executed or not self.loader.safe_mode
                out.append(Verdict("KL622", ref.path, f"bytecode written by Python {family}, loaded under Python "
                                   f"{'.'.join(map(str, self.loader.python))}: where it runs (safe_mode=False, tf_keras "
                                   "HDF5) it fails ('bad marshal data'), misbehaves or crashes", runs))
            missing = self.missing_globals(data) if (executed or not self.loader.safe_mode) and not ref.in_compile else []
            if missing and family == running:
                out.append(self.missing_globals_verdict(ref, missing))
            names = bytecode.suspicious_names(data)
            if names:
                out.append(Verdict("KL624", ref.path, f"the bytecode names {', '.join(names)}: a model has no use for "
                                   "them; do not load this file", False))
        return out

    def missing_globals(self, data: bytes) -> list:
        """The globals the lambda reads that its rebuilt function will not have (KL626)."""
        if self.revived:
            return []  # a SavedModel's layers are revived from traced functions: not measured
        read = bytecode.global_names(data) or []
        if self.loader.line == "keras3":
            provided = K.KERAS3_LAMBDA_GLOBALS
        else:
            provided = K.TF_KERAS_LAMBDA_GLOBALS | (self.loader.main_globals or frozenset())
        return [name for name in read if name not in provided and name not in _BUILTINS
                and not (name.startswith("__") and name.endswith("__"))]

    def missing_globals_verdict(self, ref: Reference, missing: list) -> Verdict:
        names = ", ".join(f"`{name}`" for name in missing)
        if self.loader.line == "keras3":
            how = (f"{self.loader.describe()} rebuilds the lambda with none of the saving module's globals, so building "
                   f"the model raises NameError (reported as 'We could not automatically infer the shape of the "
                   f"Lambda's output')")
        else:
            how = (f"{self.loader.describe()} gives the lambda its own module's globals (`tf`, `np`) and the loading "
                   "script's (`__main__`), so the load raises NameError unless that script defines "
                   + ("them" if len(missing) > 1 else "it") + " at module level")
        return Verdict("KL626", ref.path, f"the lambda reads the global{'s' if len(missing) > 1 else ''} {names}: "
                       f"{how}; replace the lambda by a registered function and re-save", True)

    # -- against the project --------------------------------------------------------------------

    def registered(self, ref: Reference, key: str, what: str) -> list:
        """A `package>Name` key: found if the project registers it (the loader must import that module)."""
        code = "KL610" if what == "class" else "KL611"
        if what == "class" and ref.module and self.loader.line == "keras3" and self.loader.minor < (3, 9):
            if self.project is not None and key in self.project.registered_keys()[0]:
                return []
            return [Verdict(code, ref.path, f"class registered as `{key}` when saved: {self.loader.describe()} imports "
                            f"`{ref.module}` to find it when nothing registers the key, so the load works only where that "
                            "module imports; Keras 3.9+ needs the key registered", False, key)]
        bare = key.partition(">")[2]
        project = self.project
        if project is not None and key in project.registered_keys()[0]:
            return self.registered_elsewhere(ref, key, code, project.registered_keys()[0][key])
        head = f"{what} registered as `{key}` when saved"
        if project is None:
            return [Verdict(code, ref.path, f"{head}: nothing in the loading process registers it (no project "
                            "checked); import the module that registers it before load_model, or pass custom_objects",
                            True, key)]
        found = self.definitions(bare, what)
        if found:
            info = found[0]
            other = info.registration.key(info.name) if info.registration is not None and info.registration.called else None
            if other:
                detail = f"registered as `{other}` at {self.where(info)}: the file needs `{key}` (same package and name), or custom_objects={{'{key}': {info.name}}}"
            else:
                detail = f"defined at {self.where(info)} but not registered: decorate it with @keras.saving.register_keras_serializable(package='{key.partition('>')[0]}')"
        else:
            detail = "not defined in this project (a third-party package the loader must import? renamed?)"
        return [Verdict(code, ref.path, f"{head}, {detail}", True, key)]

    def registered_elsewhere(self, ref: Reference, key: str, code: str, entries: list) -> list:
        """A key the project registers: found only if the loading code imports a module registering it."""
        imports = self.loader.imports
        if imports is None or any(entry.path in imports for entry in entries):
            return []
        entry = entries[0]
        module = entry.qualname.rpartition(".")[0]
        return [Verdict(code, ref.path, f"registered as `{key}` at {self.where(entry)}, in `{module}`, which the loading "
                        f"code{f' ({self.loader.at})' if self.loader.at else ''} does not import, directly or through the "
                        f"project's imports: {self.loader.describe()} fails to find it; import `{module}` before "
                        "load_model", True, key)]

    def unregistered_class(self, ref: Reference, name: str, module: Optional[str], legacy: bool = False) -> Verdict:
        if module and not legacy and self.loader.line == "keras3" and self.loader.minor < (3, 9):
            # Keras < 3.9 imports any module a file names (research: verified on 3.6; CVE-2025-1550).
            return Verdict("KL610", ref.path, f"class `{name}`, saved unregistered: {self.loader.describe()} imports "
                           f"`{module}` to find it, so the load works only where that module imports; Keras 3.9+ fails "
                           f"('Could not locate class'): register it and re-save", False, name)
        found = self.definitions(name, "class", module)
        how = "an HDF5 layer name Keras does not have" if legacy else "saved unregistered"
        if found:
            info = found[0]
            detail = (f"defined at {self.where(info)}: load with custom_objects={{'{name}': {info.module}.{name}}} now "
                      "(registering it now does not help this file); register it and re-save")
        else:
            place = f" (module `{module}`)" if module else ""
            detail = f"not found in this project{place}: the loader needs custom_objects={{'{name}': ...}}"
        error = f"Unknown layer: '{name}'" if legacy else f"Could not locate class '{name}'"
        return Verdict("KL610", ref.path, f"class `{name}`, {how}: {self.loader.describe()} fails ('{error}'); {detail}",
                       True, name)

    def unregistered_function(self, ref: Reference, name: str) -> Verdict:
        found = self.definitions(name, "function") if name != "<lambda>" else []
        if name == "<lambda>":
            detail = "a lambda saved by name in a legacy HDF5 file: nothing can resolve it"
        elif found:
            detail = f"defined at {self.where(found[0])}: load with custom_objects={{'{name}': {found[0].module}.{name}}}, or register it and re-save"
        else:
            detail = f"not found in this project: the loader needs custom_objects={{'{name}': ...}}"
        tail = "; compile-only: load_model(path, compile=False) avoids it" if ref.in_compile else ""
        return Verdict("KL611", ref.path, f"function `{name}` is not a Keras built-in nor registered: "
                       f"{self.loader.describe()} fails to find it; {detail}{tail}", True, name if name != "<lambda>" else "")

    def definitions(self, name: str, what: str, module: Optional[str] = None) -> list:
        project = self.project
        if project is None or not name:
            return []
        table = project.classes if what == "class" else project.functions
        if module:
            exact = project.find(f"{module}.{name}", "classes" if what == "class" else "functions")
            if exact is not None:
                return [exact]
        return sorted((info for info in table.values() if info.name == name), key=lambda i: (i.path, i.line))

    @staticmethod
    def where(info) -> str:
        path = info.path
        try:
            path = os.path.relpath(path)
        except ValueError:
            pass
        return f"{path}:{info.line}"
