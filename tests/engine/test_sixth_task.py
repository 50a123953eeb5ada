"""The proof of the task-package shape (issue 12, Build 7), engine side: a sixth task, "parity" (digits
labelled even / odd, read row by row by a GRU), comes from one package outside the engine
(tests/sixth_task/digit_parity/), copied into a temporary folder and registered with one line. The command
line then trains it, evaluates its checkpoint and names it in its help and its errors; nothing in engine/
names it. Afterwards the registry forgets it, so no other test sees a sixth task."""
from __future__ import annotations

import csv
import json
import sys

import numpy as np
import pytest

import engine.cli  # noqa: F401  imported before the task is registered, as in any program that registers one
import main
from engine.config import RunConfig
from engine.errors import ConfigError
from engine.tasks import registry
from engine.tasks.spec import CAPABILITIES
from tests.sixth_task import install
from tests.sixth_task.install import PACKAGE, TASK, copied

TRAIN = ["train", "--task", TASK, "--data", "demo", "--hidden", "16", "--epochs", "4", "--batch", "32",
         "--lr", "0.01", "--device", "cpu", "--threads", "1", "--seed", "0"]

parity = install.parity  # the fixture: the task's package copied into tmp_path, registered with one line


@pytest.fixture
def trained(parity, tmp_path, capsys):
    """`main.py train --json` of the sixth task into a run folder: (its JSON line, the run folder)."""
    out = tmp_path / "run"
    code = main.main(TRAIN + ["--out", str(out), "--json"])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    return json.loads(printed.out.strip().splitlines()[-1]), out


def test_the_command_line_trains_the_sixth_task_and_its_loss_falls(parity, trained):
    result, out = trained
    assert result["task"] == TASK and result["cell"] == "gru" and result["epochs"] == 4
    config = RunConfig.load(out / "config.json")
    assert config.task == TASK and (config.layers, config.bidirectional) == (1, False)  # the spec's defaults
    assert result["parameters"] == parity.parameter_count(config, (1, 16, 16), 2)
    metrics = result["metrics"]
    assert {"accuracy", "loss", "test_accuracy", "val_accuracy"} <= set(metrics)
    assert metrics["test_accuracy"] > 0.75  # even / odd is about half and half: far above guessing
    with open(out / "metrics.csv", newline="") as file:
        losses = [float(row["train_loss"]) for row in csv.DictReader(file)]
    assert len(losses) == 4 and losses[-1] < 0.8 * losses[0]


def test_its_checkpoint_evaluates_and_loads_as_its_own_predictor(parity, trained, capsys):
    from engine.data import load_classification
    from engine.inference import load_predictor

    result, _ = trained
    code = main.main(["evaluate", "--checkpoint", result["checkpoint"], "--data", "demo", "--device", "cpu",
                      "--threads", "1", "--json"])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    evaluated = json.loads(printed.out.strip().splitlines()[-1])
    assert evaluated["task"] == TASK and set(evaluated["metrics"]) == {"test_loss", "test_accuracy"}
    assert evaluated["metrics"]["test_accuracy"] == pytest.approx(result["metrics"]["test_accuracy"], abs=1e-6)
    assert set(evaluated["per_class_accuracy"]) == {"even", "odd"}

    predictor = load_predictor(result["checkpoint"], device="cpu", threads=1)
    assert type(predictor) is parity.predictor_class() and type(predictor).__name__ == "ParityPredictor"
    assert predictor.capabilities == parity.capabilities and predictor.class_names == ["even", "odd"]
    digits = load_classification("demo").test
    probabilities = predictor.predict(digits.images[:50])
    assert probabilities.shape == (50, 2) and np.allclose(probabilities.sum(1), 1, atol=1e-5)
    assert (probabilities.argmax(1) == digits.labels[:50] % 2).mean() > 0.7  # the digit's own parity
    snapshot = predictor.inspect(digits.images[0], "even")
    assert snapshot.kind == "hidden" and snapshot.meta["prediction"] in ("even", "odd")


def test_train_help_names_the_sixth_task(parity, capsys):
    with pytest.raises(SystemExit) as done:
        main.main(["train", "--help"])
    assert done.value.code == 0 and TASK in capsys.readouterr().out


def test_errors_name_the_sixth_task(parity, capsys):
    assert main.main(["train", "--task", "juggle", "--data", "demo"]) == 2
    err = capsys.readouterr().err
    assert "Unknown task 'juggle'" in err and all(name in err for name in registry.names()) and TASK in err
    assert main.main(TRAIN[:5] + ["--data", "folder:/nowhere"]) == 2  # a folder's classes need not be digits
    assert "cannot train on folder:/nowhere" in capsys.readouterr().err


def test_its_spec_its_task_and_its_predictor_agree(parity):
    task, predictor = registry.get(TASK), parity.predictor_class()
    assert task.name == parity.name and task.selection_metric == parity.selection_metric
    assert predictor.SPEC is parity and parity.result_view == "gallery"
    for capability in parity.capabilities:
        assert all(callable(getattr(predictor, method, None)) for method in CAPABILITIES[capability])
    config = RunConfig(task=TASK, hidden=24, read="cols", bidirectional=True)
    info = {"image_shape": [1, 16, 16], "classes": 2, "read": "cols", "mean": 0.0, "std": 1.0}
    built = sum(p.numel() for p in task.build_model(config, info).parameters())
    assert parity.parameter_count(config, (1, 16, 16), 2) == built


def test_afterwards_no_one_sees_it(tmp_path):
    with copied(tmp_path):
        registry.register(PACKAGE)
        assert TASK in registry.names()
    assert TASK not in registry.names() and PACKAGE not in sys.modules and str(tmp_path) not in sys.path
    with pytest.raises(ConfigError, match="Unknown task 'parity'"):
        RunConfig(task=TASK)
    with pytest.raises(ConfigError, match="built in"):
        registry.unregister("classify")
    assert "classify" in registry.names()
