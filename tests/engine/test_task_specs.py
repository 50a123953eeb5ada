"""engine/tasks/spec.py and registry.py: every task declared in one place, readable without torch, and an
unknown task always refused by name. The literal check below keeps the engine from naming tasks again."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.config import RunConfig
from engine.errors import ConfigError
from engine.tasks import registry
from engine.tasks.options import read_value
from engine.tasks.spec import CAPABILITIES, COMMON_SETTINGS, OptionSpec, TaskSpec

ROOT = Path(__file__).resolve().parents[2]
TASK_NAME = re.compile(r"[\"'](classify|edges|segment|predict|video-classify)[\"']")


def test_every_spec_and_the_window_modules_import_without_torch():
    packages = ", ".join(registry.PACKAGES)
    code = (f"import sys, {packages}, engine.tasks.registry, engine.data.window_data, engine.cli; "
            "from engine.tasks import registry; [s.window_reader() for s in registry.specs()]; "
            "assert 'torch' not in sys.modules, sorted(m for m in sys.modules if m.startswith('torch'))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_engine_outside_the_task_packages_names_almost_no_task():
    found = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        if (ROOT / "engine" / "tasks") in path.parents:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"] * len(TASK_NAME.findall(line))
    assert len(found) <= 3, "\n".join(found)


def _unvalidated_config(task: str) -> RunConfig:
    """A config object that never went through RunConfig's checks (as a hand-made one might)."""
    config = object.__new__(RunConfig)
    config.task, config.options = task, {}
    return config


UNKNOWN = {
    "spec": lambda: registry.spec("juggle"), "get": lambda: registry.get("juggle"),
    "metric": lambda: registry.metric("juggle"), "defaults": lambda: registry.defaults("juggle"),
    "predictor": lambda: registry.predictor_class("juggle"),
    "parameter_count": lambda: registry.parameter_count(_unvalidated_config("juggle"), (1, 8, 8), 2),
    "RunConfig": lambda: RunConfig(task="juggle"), "from_dict": lambda: RunConfig.from_dict({"task": "juggle"}),
}


@pytest.mark.parametrize("where", UNKNOWN)
def test_an_unknown_task_is_a_config_error_naming_the_known_ones(where):
    with pytest.raises(ConfigError) as error:
        UNKNOWN[where]()
    assert "'juggle'" in error.value.message
    assert all(name in error.value.hint for name in registry.names())


def test_the_window_data_helpers_refuse_an_unknown_task_instead_of_reading_as_a_classifier():
    from engine.cli_messages import check_data_fits
    from engine.data.window_data import demo_for, load_for_window, what_fits

    for call in (lambda: demo_for("juggle"), lambda: what_fits("juggle"), lambda: load_for_window("demo", "juggle"),
                 lambda: check_data_fits("juggle", "demo")):
        with pytest.raises(ConfigError, match="Unknown task 'juggle'"):
            call()


def test_specs_answer_the_window_questions():
    classify, predict, clips = registry.spec("classify"), registry.spec("predict"), registry.spec("video-classify")
    assert [s.name for s in registry.specs()] == registry.names() == [s.name for s in registry.entries()]
    assert predict.label("mse_per_frame") == "MSE per frame" and registry.spec("segment").label("miou") == \
        "mean IoU over classes"
    assert registry.spec("edges").label("val_f1") == "validation F-measure" and classify.label("odd") == "odd"
    assert predict.lower_is_better and not classify.lower_is_better and predict.is_lower_better("test_mae_per_frame")
    assert classify.steps_are(RunConfig(read="cols")) == "cols" and classify.steps_are({"read": "pixels"}) == "pixels"
    assert clips.steps_are(RunConfig(task="video-classify")) == "frames"
    assert classify.sample_units == "training images" and clips.sample_units == "training clips"
    assert predict.sample_units == "training sequences"
    assert "read" in classify.rows and "read" not in clips.rows and "label" in clips.rows
    assert "dropout" not in predict.rows and {"context", "horizon"} <= set(predict.rows)
    assert set(COMMON_SETTINGS) <= set(predict.rows)
    assert [s.result_view for s in registry.specs()] == ["gallery", "edge_compare", "masks", "frames", "gallery"]
    assert registry.spec("edges").live_view == "video_edges" and classify.live_view == "draw"


def test_an_option_default_lives_in_its_spec():
    from engine.cli import option_flags
    from engine.tasks.predict.task import options

    predict = registry.spec("predict")
    assert options(RunConfig(task="predict", cell="convlstm"))["context"] == predict.default("context")
    assert "(default 10)" in option_flags()["context"][1] and predict.default("context") == 10
    assert {"target", "context", "horizon"} == set(option_flags())


BAD_OPTIONS = [  # (option, value, words of the message)
    (OptionSpec("n", 3, int, "a count", low=1, high=9), 10, "n must be a whole number from 1 to 9, got 10"),
    (OptionSpec("n", 3, int, "a count", low=1, high=9), 0, "from 1 to 9"),
    (OptionSpec("n", 3, int, "a count", low=2), 1, "n must be a whole number of at least 2"),
    (OptionSpec("x", 0.5, float, "a share", low=0.0, high=1.0), 1.5, r"x must be in \[0.0, 1.0\], got 1.5"),
    (OptionSpec("x", 0.5, float, "a weight", low=0.0), -1, "x must be 0.0 or more"),
    (OptionSpec("x", 0.5, float, "a weight", low=0.0), "nan", "x must be float"),
    (OptionSpec("c", "a", str, "a choice", choices=("a", "b", "c")), "d", "c must be a, b or c, got 'd'"),
    (OptionSpec("s", [1.0], list, "factors", low=0.1, high=4), [1, 9], r"list of numbers in \[0.1, 4\]"),
]


@pytest.mark.parametrize("option,value,words", BAD_OPTIONS)
def test_option_bounds_and_choices_give_one_message_shape(option, value, words):
    with pytest.raises(ConfigError, match=words) as error:
        read_value(option, value)
    assert option.help in error.value.hint and "default" in error.value.hint


def test_defaults_and_values_inside_the_bounds_are_read():
    assert read_value(OptionSpec("t", "", str, "auto", choices=("human",)), "") == ""  # the default is allowed
    assert read_value(OptionSpec("n", 3, int, "a count", low=1, high=9), "9") == 9
    assert read_value(OptionSpec("s", [1.0], list, "factors", low=0.1, high=4), "0.5,4") == [0.5, 4.0]


@pytest.mark.parametrize("change, words", [
    (dict(settings=("nope",)), "setting 'nope'"), (dict(cells=("lstm", "transformer")), "cell 'transformer'"),
    (dict(defaults={"colour": 1}), "default 'colour'"), (dict(capabilities=frozenset({"fly"})), "capability 'fly'"),
    (dict(primary_kinds=("mnist",)), "primary kind 'mnist'"), (dict(defaults={"cell": "convlstm"}), "default cell")])
def test_a_spec_naming_unknown_things_is_refused(change, words):
    base = dict(name="toy", title="Toy", description="", data_kinds=("demo",), demo_data="demo", needs="",
                task_module="x", predictor="x:Y", window_data="x")
    with pytest.raises(ValueError, match=words):
        TaskSpec(**{**base, **change})


@pytest.mark.parametrize("name", registry.names())
def test_each_predictor_has_what_its_spec_declares_and_declares_what_it_has(name):
    spec = registry.spec(name)
    predictor = spec.predictor_class()
    assert predictor.SPEC is spec
    for capability, methods in CAPABILITIES.items():
        if capability in spec.capabilities:
            assert all(callable(getattr(predictor, m, None)) for m in methods), (name, capability)
        elif methods:
            assert not all(hasattr(predictor, m) for m in methods), f"{name} has {capability} but does not declare it"


@pytest.mark.parametrize("name", registry.names())
def test_each_spec_names_its_task_and_the_task_agrees(name):
    spec = registry.spec(name)
    task = registry.get(name)
    assert task.name == spec.name and task.selection_metric == spec.selection_metric
    assert getattr(task, "lower_is_better", False) == spec.lower_is_better
    assert spec.selection_metric in spec.metric_labels and spec.demo_data.split(":")[0] in spec.data_kinds


def test_the_snapshots_a_run_emits_are_those_its_spec_lists(trained):
    from engine.events import Snapshot

    kinds = {event.kind for event in trained["events"] if isinstance(event, Snapshot)}
    assert kinds and kinds <= set(registry.spec("classify").snapshots)


def _toy_package(root: Path, name: str = "toy_task", task_name: str = "toy") -> str:
    """A task package outside the engine: classify's model and data under another name."""
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(f'''
        from engine.tasks.spec import TaskSpec

        SPEC = TaskSpec(name={task_name!r}, title="Toy", description="classify, renamed", data_kinds=("demo",),
                        demo_data="demo", needs="press Demo", task_module="{name}.task",
                        predictor="engine.tasks.classify.predictor:Predictor",
                        window_data="engine.tasks.classify.window", capabilities=frozenset({{"evaluate"}}))
    '''))
    (package / "task.py").write_text(textwrap.dedent('''
        from engine.tasks.classify.task import ClassifyTask

        class ToyTask(ClassifyTask):
            name = "toy"

        TASK = ToyTask()
    '''))
    return name


@pytest.fixture
def own_registry(monkeypatch):
    monkeypatch.setattr(registry, "_SPECS", dict(registry._SPECS))
    return registry


def test_one_line_registers_a_task_from_anywhere(tmp_path, monkeypatch, own_registry):
    from engine.data.window_data import load_for_window, tasks_for

    monkeypatch.syspath_prepend(str(tmp_path))
    spec = own_registry.register(_toy_package(tmp_path))
    assert own_registry.spec("toy") is spec and own_registry.get("toy").name == "toy"
    assert RunConfig(task="toy").task == "toy" and tasks_for("demo") == ("classify", "toy")
    data = load_for_window("demo", "toy")
    assert data.task == "toy" and data.fits("toy") and len(data.data.train) > 1000
    assert own_registry.register("toy_task") is spec  # registering again changes nothing


def test_bad_task_packages_are_refused_with_what_to_do(tmp_path, monkeypatch, own_registry):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "no_spec").mkdir()
    (tmp_path / "no_spec" / "__init__.py").write_text("SPEC = 'not a spec'\n")
    _toy_package(tmp_path, "twin_task", task_name="classify")
    for package, words in (("nowhere_to_be_found", "Cannot import"), ("no_spec", "has no SPEC"),
                           ("twin_task", "another package already defines")):
        with pytest.raises(ConfigError, match=words) as error:
            own_registry.register(package)
        assert error.value.hint
    assert own_registry.spec("classify").title == "Classify images"
