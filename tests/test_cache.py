"""`.keras_lint_cache`: a second run over an unchanged tree lints nothing again and reports the same;
any change that could change a finding (the file, a base class elsewhere, the settings) is seen."""

import json

from keras_lint import cache, engine
from keras_lint.cli import main
from keras_lint.index import summarise_path
from keras_lint.settings import Settings

BASE = "import keras\nclass Base(keras.layers.Layer):\n    pass\n"
NOT_KERAS = "class Base:\n    pass\n"
CHILD = "from base import Base\nclass Child(Base):\n    pass\n"
LAMBDA = "import keras\nx = keras.layers.Lambda(lambda t: t)\n"


def run(capsys, *args):
    code = main(["-j", "1", *args])
    return code, capsys.readouterr().out


def count_linting(monkeypatch):
    calls = []
    real = engine.lint_path

    def counting(path, *args, **kwargs):
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(engine, "lint_path", counting)
    return calls


def test_second_run_lints_nothing_and_reports_the_same(project, capsys, monkeypatch):
    (project / "base.py").write_text(BASE)
    (project / "child.py").write_text(CHILD)
    (project / "lam.py").write_text(LAMBDA)
    first = run(capsys, ".")
    assert first[0] == 1 and "lam.py:2:5: KL101" in first[1] and "child.py:2:1: KL201" in first[1]
    calls = count_linting(monkeypatch)
    assert run(capsys, ".") == first
    assert calls == []
    assert (project / cache.FOLDER / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_changed_base_class_in_another_file_is_seen(project, capsys):
    (project / "base.py").write_text(BASE)
    (project / "child.py").write_text(CHILD)
    assert "KL201" in run(capsys, "child.py")[1]  # a Keras layer through its base: unregistered
    # The base stops being a Keras layer: the child's own bytes did not change, its finding must go.
    (project / "base.py").write_text(NOT_KERAS)
    assert run(capsys, "child.py") == (0, "")


def test_changed_file_and_changed_settings_are_not_served_old_results(project, capsys):
    (project / "lam.py").write_text(LAMBDA)
    assert "KL101" in run(capsys, "lam.py")[1]
    assert run(capsys, "--select", "KL102", "lam.py") == (0, "")
    (project / "lam.py").write_text("import keras\n")
    assert run(capsys, "lam.py") == (0, "")


def test_path_spelling_is_kept(project, capsys):
    (project / "src").mkdir()
    (project / "src" / "lam.py").write_text(LAMBDA)
    spellings = ["src", "./src", "src/lam.py", "./src/lam.py", str(project / "src")]
    uncached = [run(capsys, "--no-cache", s) for s in spellings]
    assert [run(capsys, s) for s in spellings] == uncached
    assert [run(capsys, s) for s in spellings] == uncached  # now from the cache


def test_a_broken_or_crafted_cache_is_ignored(project, capsys):
    (project / "lam.py").write_text(LAMBDA)
    expected = run(capsys, "lam.py")
    stored = project / cache.FOLDER / "cache.json"
    for text in ("{not json", json.dumps({"format": 1, "summaries": {}, "results": {"x": {"@type": "os.system"}}})):
        stored.write_text(text)
        assert run(capsys, "lam.py") == expected
        json.loads(stored.read_text())  # rewritten whole


def test_no_cache_writes_nothing(project, capsys):
    (project / "lam.py").write_text(LAMBDA)
    run(capsys, "--no-cache", "lam.py")
    assert not (project / cache.FOLDER).exists()


def test_summaries_and_findings_survive_the_json_round_trip(project):
    (project / "child.py").write_text(BASE + CHILD.replace("from base import Base\n", ""))
    (project / "named.py").write_text("import keras\ndef f(t):\n    return t\nx = keras.layers.Lambda(f)\n")
    summary = summarise_path("child.py")
    findings = engine.lint_path("named.py", Settings()).findings
    assert summary.classes and findings and findings[0].fix is not None  # dataclasses nested in dataclasses
    data = cache.encode({"s": summary, "f": findings})
    back = json.loads(json.dumps(data), object_hook=cache.decode)
    assert back == {"s": summary, "f": findings}
    assert back["f"][0].fix == findings[0].fix  # Finding equality leaves the fix out


def test_what_the_analyses_ask_of_other_files_survives_the_json_round_trip(project):
    """The summary fields the analyses read instead of other files (format 2): a function's
    decorators and what a factory returns, the keys a get_config adds unlisted, what `__init__`
    gives its base, the words of from_config, a `None` default."""
    (project / "m.py").write_text(
        "import keras\n\n\n@keras.saving.register_keras_serializable(package='p')\n@other\ndef f(t):\n"
        "    def inner(x):\n        return x\n    return inner\n\n\n"
        "class Base(keras.layers.Layer):\n    def __init__(self, rank, table=None, **kwargs):\n"
        "        super().__init__(rank=2, **kwargs)\n        Base.__init__(self, 2, *rest, table)\n\n"
        "    def get_config(self):\n        config = super().get_config()\n        config |= self.extra\n        return config\n\n"
        "    @classmethod\n    def from_config(cls, config):\n        return cls(size=config.pop('width'))\n"
    )
    summary = summarise_path("m.py")
    (function,), (base,) = summary.functions, summary.classes
    assert function.is_def and function.qualified == "m.f" and function.returned_inner == "its inner function `inner`"
    assert function.decorators == ("keras.saving.register_keras_serializable", "other")
    assert base.get_config.dynamic_keys and base.from_config_words == {"width", "size"}
    assert base.init.valued_keywords == {"rank"} and base.init.init_call_args == ((), (None, "*", "table"))
    assert [p.default_is_none for p in base.init.params] == [False, True, False]
    back = json.loads(json.dumps(cache.encode(summary)), object_hook=cache.decode)
    assert back == summary
    assert type(back.classes[0].from_config_words) is frozenset and type(back.classes[0].init.valued_keywords) is set


def test_another_build_of_keras_lint_starts_empty(project, capsys, monkeypatch):
    (project / "lam.py").write_text(LAMBDA)
    expected = run(capsys, "lam.py")
    # A cache written by another build (a changed rule, or a changed index summary) is not read.
    monkeypatch.setattr(cache, "code_version", lambda: "another build")
    calls = count_linting(monkeypatch)
    assert run(capsys, "lam.py") == expected
    assert calls == ["lam.py"]


def stored(project) -> dict:
    data = json.loads((project / cache.FOLDER / "cache.json").read_text())
    return {table: sorted(where.split("\0")[0] for where in data[table]) for table in ("summaries", "results")}


def test_files_that_left_the_project_leave_the_cache(project, capsys):
    (project / "base.py").write_text(BASE)
    (project / "child.py").write_text(CHILD)
    (project / "lam.py").write_text(LAMBDA)
    run(capsys, ".")
    everything = sorted(str(project / name) for name in ("base.py", "child.py", "lam.py"))
    assert stored(project) == {"summaries": everything, "results": everything}
    (project / "lam.py").unlink()
    run(capsys, "child.py")  # a run over one file: the others keep their results
    kept = sorted(str(project / name) for name in ("base.py", "child.py"))
    assert stored(project) == {"summaries": kept, "results": kept}


def test_a_folder_no_longer_walked_leaves_the_summaries(project, capsys):
    (project / "sub").mkdir()
    (project / "sub" / "base.py").write_text(BASE)
    (project / "lam.py").write_text(LAMBDA)
    run(capsys, "lam.py")
    assert str(project / "sub" / "base.py") in stored(project)["summaries"]
    (project / "setup.cfg").write_text("[keras-lint]\nextend-exclude = sub\n")
    expected = run(capsys, "--no-cache", "lam.py")
    assert run(capsys, "lam.py") == expected
    assert stored(project)["summaries"] == [str(project / "lam.py")]
