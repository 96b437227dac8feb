"""keras_lint.dependencies: a project's declared TensorFlow / Keras versions, read from real-shaped
dependency files, resolved into the Keras lines and versions it runs (issue 18, steps 1, 2 and 7).
No network, no TensorFlow: files are written to tmp_path and read."""

import textwrap
import time

import pytest

from keras_lint.dependencies import KerasTarget, declared_target, parse_target, resolve


def target(tmp_path, files: dict, warnings=None) -> KerasTarget:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return declared_target(str(tmp_path), warn=(warnings if warnings is not None else []).append)


def spelled(t: KerasTarget, spelling: str) -> list:
    return [str(line) for line in t.for_spelling(spelling)]


# -- the resolution examples ---------------------------------------------------------------


def test_a_tensorflow_range_is_the_tf_keras_range_with_file_line_and_requirement(tmp_path):
    t = target(tmp_path, {"requirements.txt": "numpy>=1.20\n# TensorFlow\ntensorflow>=2.4,<2.11\n"})
    assert t.reason == "tf.keras 2.4–2.10, from requirements.txt:3: tensorflow>=2.4,<2.11"
    assert t.line("tf.keras").versions == tuple(f"2.{m}" for m in range(4, 11))
    assert t.line("tf.keras").includes("<=2.10") and not t.line("tf.keras").includes(">=2.11")
    assert t.declared and t.sources == ("requirements.txt:3: tensorflow>=2.4,<2.11",)


def test_a_wildcard_pin_and_an_exact_patch_pin_are_one_minor(tmp_path):
    assert str(target(tmp_path / "a", {"requirements.txt": "tensorflow==2.15.*\n"})) == "tf.keras 2.15"
    t = target(tmp_path / "b", {"requirements.txt": "tensorflow==2.10.1\n"})
    assert str(t) == "tf.keras 2.10" and spelled(t, "keras") == ["tf.keras 2.10"]  # TF 2.10 installs keras 2.10


def test_tensorflow_2_16_or_keras_3_is_keras_3(tmp_path):
    assert str(target(tmp_path / "a", {"requirements.txt": "tensorflow>=2.16\n"})) == "Keras 3.0–3.15"
    assert str(target(tmp_path / "b", {"requirements.txt": "keras>=3\n"})) == "Keras 3.0–3.15"
    # TF 2.21 requires keras>=3.12 (its METADATA): a pin on it narrows Keras 3
    assert str(target(tmp_path / "c", {"requirements.txt": "tensorflow==2.21.0\n"})) == "Keras 3.12–3.15"
    # ... and each TensorFlow between: 2.17 keras>=3.2, 2.18/2.19 keras>=3.5, 2.20 keras>=3.10 (their METADATA)
    for number, (tf, judged) in enumerate([("2.17.1", "Keras 3.2–3.15"), ("2.19.*", "Keras 3.5–3.15"),
                                           ("2.20.0", "Keras 3.10–3.15")]):
        assert str(target(tmp_path / f"d{number}", {"requirements.txt": f"tensorflow=={tf}\n"})) == judged


def test_nothing_declared_is_the_newest_keras_3(tmp_path):
    t = target(tmp_path, {"README.md": "hello\n"})
    assert not t.declared and t.reason == "Keras 3.15: nothing declared"
    assert spelled(t, "tf.keras") == ["Keras 3.15"] and spelled(t, "tf_keras") == ["tf_keras 2.21"]


def test_an_unversioned_requirement_is_the_newest_release(tmp_path):
    t = target(tmp_path, {"requirements.txt": "tensorflow\nkeras\n"})
    assert t.reason == "Keras 3.15, from requirements.txt:1: tensorflow; requirements.txt:2: keras"


def test_an_unversioned_tensorflow_follows_a_pinned_keras(tmp_path):
    t = target(tmp_path, {"requirements.txt": "tensorflow\nkeras==2.15.0\n"})
    assert spelled(t, "tf.keras") == ["tf.keras 2.15"] and spelled(t, "keras") == ["tf.keras 2.15"]


def test_tf_keras_declared_makes_tf_keras_on_tensorflow_2_16_and_later(tmp_path):
    t = target(tmp_path, {"requirements.txt": "tensorflow>=2.10\ntf_keras\n"})
    assert spelled(t, "tf.keras") == ["tf.keras 2.10–2.15", "tf_keras 2.16–2.21"]
    assert spelled(t, "keras") == ["tf.keras 2.10–2.15", "Keras 3.0–3.15"]  # `import keras` is still Keras 3
    assert spelled(t, "tf_keras") == ["tf_keras 2.14–2.21"]


def test_standalone_keras_before_2_4_is_multi_backend_keras(tmp_path):
    t = target(tmp_path, {"requirements.txt": "keras<2.4\n"})
    assert str(t) == "multi-backend Keras 2.0–2.3"  # no lower bound: from the era's start, not 1.0
    assert str(target(tmp_path / "b", {"requirements.txt": "keras<3\n"})) == "tf.keras 2.4–2.15"


def test_no_lower_bound_starts_at_tensorflow_2(tmp_path):
    assert str(target(tmp_path, {"requirements.txt": "tensorflow<2.11\n"})) == "tf.keras 2.0–2.10"


def test_a_range_across_2_16_holds_both_lines(tmp_path):
    t = target(tmp_path, {"requirements.txt": "tensorflow>=2.12,<2.18\n"})
    assert str(t) == "tf.keras 2.12–2.15 and Keras 3.0–3.15"
    assert [line.name for line in t.lines] == ["tf.keras", "keras3"]


def test_an_excluded_minor_shows_as_a_gap(tmp_path):
    assert str(target(tmp_path, {"requirements.txt": "tensorflow>=2.8,<2.12,!=2.10.*\n"})) == "tf.keras 2.8–2.9, 2.11"


def test_a_version_newer_than_the_facts_know_is_the_newest_known(tmp_path):
    assert str(target(tmp_path, {"requirements.txt": "tensorflow>=2.40\n"})) == "Keras 3.12–3.15"  # as TF 2.21


# -- intersections and conflicts (step 7) ----------------------------------------------------------


def test_declarations_in_two_files_intersect(tmp_path):
    t = target(tmp_path, {"requirements.txt": "tensorflow>=2.4\n",
                          "setup.py": "from setuptools import setup\nsetup(install_requires=['tensorflow<2.11'])\n"})
    assert str(t) == "tf.keras 2.4–2.10"
    assert t.sources == ("requirements.txt:1: tensorflow>=2.4", "setup.py:2: tensorflow<2.11")


def test_an_empty_intersection_is_a_warning_and_each_range_counts(tmp_path):
    warnings = []
    t = target(tmp_path, {"requirements.txt": "tensorflow<2.11\n", "constraints.txt": "tensorflow>=2.16\n"}, warnings)
    assert warnings == ["conflicting declarations: constraints.txt:1: tensorflow>=2.16 and requirements.txt:1: "
                        "tensorflow<2.11 allow no common tensorflow version; judging against every version each allows"]
    assert str(t) == "tf.keras 2.0–2.10 and Keras 3.0–3.15"


def test_packages_that_cannot_be_installed_together_are_a_warning(tmp_path):
    warnings = []
    target(tmp_path, {"requirements.txt": "tensorflow<2.16\nkeras>=3\n"}, warnings)
    assert len(warnings) == 1 and "cannot be installed together" in warnings[0]
    assert "requirements.txt:1: tensorflow<2.16" in warnings[0] and "requirements.txt:2: keras>=3" in warnings[0]


def test_a_pinned_keras_narrows_the_keras_3_of_tensorflow(tmp_path):
    t = target(tmp_path, {"requirements.txt": "tensorflow>=2.16\nkeras>=3.5,<3.8\n"})
    assert spelled(t, "tf.keras") == ["Keras 3.5–3.7"]


# -- markers and extras ------------------------------------------------------------------------------


def test_markers_exclusive_by_python_version_are_alternatives_not_a_conflict(tmp_path):
    warnings = []
    t = target(tmp_path, {"requirements.txt": 'tensorflow==2.10.*; python_version < "3.11"\n'
                                              'tensorflow==2.15.*; python_version >= "3.11"\n'}, warnings)
    assert warnings == [] and str(t) == "tf.keras 2.10, 2.15"


def test_a_marker_true_in_no_supported_environment_does_not_count(tmp_path):
    t = target(tmp_path, {"requirements.txt": 'tensorflow==1.15; python_version < "3"\ntensorflow>=2.12,<2.14\n'})
    assert str(t) == "tf.keras 2.12–2.13"


def test_only_markers_that_hold_nowhere_is_nothing_declared(tmp_path):
    t = target(tmp_path, {"requirements.txt": 'tensorflow==1.15; python_version < "3"\n'})
    assert not t.declared and t.reason == "Keras 3.15: nothing declared"


def test_platform_markers_count_permissively(tmp_path):
    t = target(tmp_path, {"requirements.txt": 'tensorflow-macos==2.13.0; sys_platform == "darwin"\n'
                                              'tensorflow==2.13.0; sys_platform != "darwin"\n'})
    assert str(t) == "tf.keras 2.13"


def test_optional_dependency_groups_are_alternatives(tmp_path):
    warnings = []
    t = target(tmp_path, {"pyproject.toml": """
        [project]
        name = "lib"
        dependencies = ["numpy"]
        [project.optional-dependencies]
        tf2 = ["tensorflow[and-cuda]>=2.12,<2.16"]
        tf3 = ["tensorflow>=2.16", "keras>=3.6"]
        """}, warnings)
    assert warnings == [] and str(t) == "tf.keras 2.12–2.15 and Keras 3.6–3.15"


def test_an_extra_marker_in_install_requires_is_its_own_group(tmp_path):
    t = target(tmp_path, {"setup.py": """
        from setuptools import setup
        setup(install_requires=["tensorflow>=2.16", 'tf-keras>=2.16; extra == "legacy"'])
        """})
    assert spelled(t, "tf.keras") == ["tf_keras 2.16–2.21", "Keras 3.0–3.15"]


# -- each source kind -------------------------------------------------------------------------------


def test_requirements_includes_constraints_options_hashes_and_continuations(tmp_path):
    t = target(tmp_path, {
        "requirements-dev.txt": "-r requirements/base.txt\n--constraint=constraints.txt\npytest\n",
        "requirements/base.txt": "--index-url https://example.org/simple\n-e .\n"
                                 "tensorflow-cpu==2.13.1 \\\n    --hash=sha256:abc\n",
        "constraints.txt": "tensorflow-cpu<2.14  # keep\n",
    })
    assert str(t) == "tf.keras 2.13"
    assert "requirements/base.txt:3: tensorflow-cpu==2.13.1" in t.sources


def test_include_cycles_end_and_a_missing_include_is_one_warning(tmp_path):
    warnings = []
    t = target(tmp_path, {"requirements.txt": "-r requirements-b.txt\ntensorflow==2.11.*\n",
                          "requirements-b.txt": "-r requirements.txt\n-r missing.txt\n"}, warnings)
    assert str(t) == "tf.keras 2.11"
    assert warnings == ["requirements-b.txt:2: included file 'missing.txt' not found"]


def test_a_wheel_url_gives_its_version(tmp_path):
    t = target(tmp_path, {"requirements.txt": "tensorflow @ https://example.org/tensorflow-2.9.3-cp310-cp310-"
                                              "manylinux_2_17_x86_64.whl\n"})
    assert str(t) == "tf.keras 2.9"


def test_pyproject_project_dependencies(tmp_path):
    t = target(tmp_path, {"pyproject.toml": """
        [project]
        name = "demo"
        dependencies = [
            "numpy",
            "tensorflow>=2.9,<2.13",
        ]
        """})
    assert t.reason == "tf.keras 2.9–2.12, from pyproject.toml:5: tensorflow>=2.9,<2.13"


@pytest.mark.parametrize("constraint, expected", [
    ('"^2.4"', "tf.keras 2.4–2.15 and Keras 3.0–3.15"),  # ^2.4 is >=2.4,<3.0
    ('"^2.11.0"', "tf.keras 2.11–2.15 and Keras 3.0–3.15"),
    ('"~2.12.0"', "tf.keras 2.12"),  # ~2.12.0 is >=2.12.0,<2.13.0
    ('"~2.12"', "tf.keras 2.12"),
    ('"2.10.*"', "tf.keras 2.10"),
    ('"2.10.1"', "tf.keras 2.10"),  # a bare version is exact
    ('"=2.11.0"', "tf.keras 2.11"),
    ('">= 2.8, < 2.10"', "tf.keras 2.8–2.9"),
    ('">=2.8 <2.10"', "tf.keras 2.8–2.9"),
    ('"2.9.* || 2.11.*"', "tf.keras 2.9, 2.11"),
    ('{ version = "^2.13", markers = "sys_platform == \'linux\'" }', "tf.keras 2.13–2.15 and Keras 3.0–3.15"),
    ('[{ version = "2.10.*", python = "<3.11" }, { version = "2.15.*", python = ">=3.11" }]', "tf.keras 2.10, 2.15"),
])
def test_poetry_constraints(tmp_path, constraint, expected):
    t = target(tmp_path, {"pyproject.toml": f"""
        [tool.poetry]
        name = "demo"
        [tool.poetry.dependencies]
        python = "^3.9"
        tensorflow = {constraint}
        """})
    assert str(t) == expected and t.sources[0].startswith("pyproject.toml:5: tensorflow = ")


def test_poetry_caret_on_zero_versions():
    from keras_lint.dependencies.files import poetry_specs

    assert [str(s) for s in poetry_specs("^0.2.3")] == ["<0.3,>=0.2.3"]
    assert [str(s) for s in poetry_specs("^0.0.3")] == ["<0.0.4,>=0.0.3"]
    assert [str(s) for s in poetry_specs("^1")] == ["<2,>=1"]


def test_poetry_groups_and_optional_extras(tmp_path):
    t = target(tmp_path, {"pyproject.toml": """
        [tool.poetry.dependencies]
        python = "^3.10"
        keras = { version = "^3.3", optional = true }
        [tool.poetry.group.legacy.dependencies]
        tf-keras = "~2.15"
        [tool.poetry.extras]
        k3 = ["keras"]
        """})
    assert str(t) == "tf.keras 2.15, tf_keras 2.15 and Keras 3.3–3.15"
    assert 'pyproject.toml:5: tf-keras = "~2.15"' in t.sources


def test_pdm_dependency_groups_uv_and_setuptools_dynamic_files(tmp_path):
    t = target(tmp_path, {
        "pyproject.toml": """
            [project]
            name = "demo"
            dynamic = ["dependencies"]
            [tool.setuptools.dynamic]
            dependencies = {file = ["deps/runtime.txt"]}
            [tool.pdm.dev-dependencies]
            test = ["tensorflow>=2.14"]
            [tool.uv]
            constraint-dependencies = ["tensorflow<2.16"]
            """,
        "deps/runtime.txt": "tensorflow>=2.13\n",
    })
    assert str(t) == "tf.keras 2.13–2.15"


def test_setup_cfg_install_requires_and_extras(tmp_path):
    t = target(tmp_path, {"setup.cfg": """
        [metadata]
        name = demo
        [options]
        install_requires =
            numpy
            tensorflow>=2.8,<2.12  # tested range
        [options.extras_require]
        legacy = tf-keras>=2.15,<2.16
        """})
    assert t.reason.startswith("tf.keras 2.8–2.11") and "setup.cfg:6: tensorflow>=2.8,<2.12" in t.sources


def test_setup_py_literal_install_requires_through_a_name_never_executed(tmp_path):
    t = target(tmp_path, {"setup.py": """
        import sys
        from setuptools import setup
        REQUIRED = [
            "numpy",
            "tensorflow>=2.5,<2.9",
        ]
        sys.exit("setup.py was executed")
        setup(name="demo", install_requires=REQUIRED + ["h5py"], extras_require={"gpu": ["tensorflow-gpu<2.9"]})
        """})
    assert t.reason == "tf.keras 2.5–2.8, from setup.py:5: tensorflow>=2.5,<2.9; setup.py:8: tensorflow-gpu<2.9"


def test_environment_yml_conda_and_pip_lists(tmp_path):
    warnings = []
    t = target(tmp_path, {"environment.yml": """
        name: demo
        channels:
          - conda-forge
        dependencies:
          - python=3.10   # the interpreter
          - conda-forge::tensorflow=2.11=cpu*
          - pip
          - pip:
            - "tensorflow>=2.11.1"
            - tf-keras==2.15.0 ; python_version > '3.20'
            - -r requirements-extra.txt
        variables:
          TF_CPP_MIN_LOG_LEVEL: 2
        """, "requirements-extra.txt": "keras==2.11.0\n"}, warnings)
    assert warnings == [] and str(t) == "tf.keras 2.11"  # the tf-keras marker holds nowhere
    assert "environment.yml:6: conda-forge::tensorflow=2.11=cpu*" in t.sources


def test_environment_yml_items_at_the_key_indent_and_a_flow_list(tmp_path):
    t = target(tmp_path, {"environment.yaml": "dependencies:\n- keras 2.12.*\n- pip:\n  - numpy\n",
                          "environment-gpu.yml": "dependencies: [tensorflow-gpu>=2.12|2.13, cudnn, keras *]\n"})
    assert str(t) == "tf.keras 2.12"


def test_pipfile_packages_and_dev_packages(tmp_path):
    t = target(tmp_path, {"Pipfile": """
        [[source]]
        url = "https://pypi.org/simple"
        [packages]
        tensorflow = "==2.12.*"
        requests = "*"
        [dev-packages]
        tensorflow = {version = ">=2.12", markers = "python_version >= '3.8'"}
        """})
    assert t.reason == "tf.keras 2.12, from Pipfile:4: tensorflow = \"==2.12.*\"; " \
                       "Pipfile:7: tensorflow = {version = \">=2.12\", markers = \"python_version >= '3.8'\"}"


def test_tox_environments_and_factors_are_alternatives(tmp_path):
    warnings = []
    t = target(tmp_path, {"tox.ini": """
        [tox]
        envlist = py310-tf{210,215}
        [testenv]
        deps =
            pytest
            tf210: tensorflow==2.10.*
            tf215: tensorflow==2.15.*
            -r{toxinidir}/ci/test-deps.txt
        setenv =
            TF_CPP_MIN_LOG_LEVEL = 2
        """, "ci/test-deps.txt": "keras<3\n"}, warnings)
    assert warnings == [] and str(t) == "tf.keras 2.10, 2.15"
    assert "tox.ini:6: tf210: tensorflow==2.10.*" not in t.sources  # the factor prefix is not part of it
    assert "tox.ini:6: tensorflow==2.10.*" in t.sources


# -- the legacy switch --------------------------------------------------------------------------------


@pytest.mark.parametrize("name, text", [
    (".github/workflows/ci.yml", "jobs:\n  test:\n    env:\n      TF_USE_LEGACY_KERAS: 1\n"),
    (".github/workflows/ci.yaml", "env:\n  TF_USE_LEGACY_KERAS: 'true'\n"),
    (".env", "export TF_USE_LEGACY_KERAS=1\n"),
    ("tox.ini", "[testenv]\nsetenv =\n    TF_USE_LEGACY_KERAS = 1\n"),
    ("pytest.ini", "[pytest]\nenv =\n    D:TF_USE_LEGACY_KERAS=True\n"),
    ("pyproject.toml", '[tool.pytest.ini_options]\nenv = ["TF_USE_LEGACY_KERAS=1"]\n'),
])
def test_the_legacy_switch_makes_tf_keras_tf_keras(tmp_path, name, text):
    t = target(tmp_path, {name: text, "requirements.txt": "tensorflow>=2.16\n"})
    assert spelled(t, "tf.keras") == ["tf_keras 2.16–2.21"] and spelled(t, "keras") == ["Keras 3.0–3.15"]
    assert any(source.startswith(name) and "TF_USE_LEGACY_KERAS" in source for source in t.sources)


def test_the_switch_off_or_commented_out_does_nothing(tmp_path):
    t = target(tmp_path, {".env": "TF_USE_LEGACY_KERAS=0\n# TF_USE_LEGACY_KERAS=1\n",
                          ".github/workflows/ci.yml": "env:\n  TF_USE_LEGACY_KERAS: ${{ matrix.legacy }}\n"})
    assert not t.declared


def test_the_switch_alone_is_the_newest_tf_keras(tmp_path):
    t = target(tmp_path, {".github/workflows/test.yml": "env:\n  TF_USE_LEGACY_KERAS: '1'\n"})
    assert t.reason == "tf_keras 2.21 and Keras 3.15, from .github/workflows/test.yml:2: TF_USE_LEGACY_KERAS: '1'"


def test_the_switch_on_tensorflow_before_2_16_changes_nothing(tmp_path):
    t = target(tmp_path, {".env": "TF_USE_LEGACY_KERAS=1\n", "requirements.txt": "tensorflow==2.15.1\n"})
    assert spelled(t, "tf.keras") == ["tf.keras 2.15"]


# -- bad input: one warning naming file and line, the rest goes on (step 7) ---------------------------


def test_an_unparsable_requirement_line_is_one_warning_and_the_rest_is_read(tmp_path):
    warnings = []
    t = target(tmp_path, {"requirements.txt": "tensorflow=>2.4\nnumpy\ntensorflow<2.11\n"}, warnings)
    assert len(warnings) == 1
    assert warnings[0].startswith("requirements.txt:1: cannot parse requirement 'tensorflow=>2.4'")
    assert str(t) == "tf.keras 2.0–2.10"


@pytest.mark.parametrize("name, text, message", [
    ("pyproject.toml", "[project]\ndependencies = [\n  'tensorflow>=2.4'\n  'keras'\n]\n",
     "pyproject.toml:4: cannot read:"),
    ("setup.py", "from setuptools import setup\nsetup(install_requires=[\n", "setup.py:2: cannot parse:"),
    ("Pipfile", "[packages]\ntensorflow = \"=>2.4\"\n", "Pipfile:2: cannot parse constraint for tensorflow"),
    ("pyproject.toml", '[tool.poetry.dependencies]\ntensorflow = "^abc"\n',
     "pyproject.toml:2: cannot parse constraint"),
    ("environment.yml", "dependencies:\n  - keras=2.12\n  keras: 2\n", "environment.yml:3: cannot read this line"),
    ("environment.yml", "dependencies:\n  - tensorflow >>2.10\n", "environment.yml:2: cannot parse conda requirement"),
])
def test_a_broken_dependency_file_is_one_warning_and_other_sources_still_count(tmp_path, name, text, message):
    warnings = []
    t = target(tmp_path, {name: text, "requirements.txt": "tensorflow==2.12.0\n"}, warnings)
    assert len(warnings) == 1 and warnings[0].startswith(message), warnings
    assert "tf.keras 2.12" in str(t)


def test_an_unreadable_root_is_nothing_declared(tmp_path):
    assert not declared_target(str(tmp_path / "missing")).declared


# -- a user-given target ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2.10", "tf.keras 2.10"),
    ("2.4-2.15", "tf.keras 2.4–2.15"),
    ("2.4–2.15", "tf.keras 2.4–2.15"),
    ("3", "Keras 3.15"),  # a bare major: its newest release, as `target-keras = 3` meant before
    ("2", "tf_keras 2.21"),
    ("3.6", "Keras 3.6"),
    ("3.6.1", "Keras 3.6"),
    ("2.10-3", "tf.keras 2.10–2.15, tf_keras 2.16–2.21 and Keras 3.0–3.15"),
    (">=2.4,<2.11", "tf.keras 2.4–2.10"),
    ("3.40", "Keras 3.15"),
])
def test_parse_target(text, expected):
    t = parse_target(text)
    assert str(t) == expected and t.reason.startswith(f"{expected}, from target-keras ")
    assert {s: [str(line) for line in t.for_spelling(s)] for s in ("keras", "tf.keras")} == {
        "keras": [str(line) for line in t.lines], "tf.keras": [str(line) for line in t.lines]}


@pytest.mark.parametrize("text", ["auto", "4", "1.15", "three", "2.10-", ">>2", "3.2-2.9", ""])
def test_parse_target_rejects_anything_else(text):
    with pytest.raises(ValueError):
        parse_target(text)


def test_a_user_target_newer_than_the_facts_know_says_so():
    assert parse_target("3.40").reason == ("Keras 3.15, from target-keras 3.40 "
                                           "(newer than the versions keras-lint knows: judged as the newest)")
    assert "newer than" in parse_target(">=4.0").reason and "newer" not in parse_target("3.6").reason


def test_resolve_takes_declarations_from_any_reader():
    assert resolve([], []) == declared_target("/nonexistent-folder-for-keras-lint")


# -- cost -------------------------------------------------------------------------------------------------------


def test_reading_a_project_with_every_kind_of_file_is_cheap(tmp_path):
    target(tmp_path, {
        "requirements.txt": "tensorflow>=2.10,<2.16\n" + "".join(f"package{i}>=1\n" for i in range(200)),
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["tensorflow>=2.12; python_version >= \'3.9\'"]\n',
        "setup.cfg": "[options]\ninstall_requires =\n    tensorflow<2.15\n",
        "tox.ini": "[testenv]\ndeps =\n    tf212: tensorflow==2.12.*\n    tf214: tensorflow==2.14.*\n",
        ".github/workflows/ci.yml": "env:\n  PYTHONHASHSEED: 0\n" * 100,
    })
    start = time.perf_counter()
    for _ in range(5):
        declared_target(str(tmp_path))
    assert (time.perf_counter() - start) / 5 < 0.25


def test_a_toml_requirement_is_cited_at_its_own_line_not_at_a_longer_one_holding_it(tmp_path):
    """Triage (basic-pitch): `"tensorflow>=2.4.1,<2.15.1"` of an extra was cited at the line of
    `"tensorflow>=2.4.1,<2.15.1; python_version >= '3.11'"`, which holds its text."""
    t = target(tmp_path, {"pyproject.toml": """
        [project]
        name = "p"
        dependencies = [
            "tensorflow>=2.4.1,<2.15.1; python_version >= '3.11'",
        ]

        [project.optional-dependencies]
        tf = ["tensorflow>=2.4.1,<2.15.1"]
        gpu = ["tensorflow>=2.4.1,<2.15.1"]
        """})
    assert sorted(t.sources) == [
        "pyproject.toml:4: tensorflow>=2.4.1,<2.15.1; python_version >= '3.11'",
        "pyproject.toml:8: tensorflow>=2.4.1,<2.15.1",
        "pyproject.toml:9: tensorflow>=2.4.1,<2.15.1",
    ]
