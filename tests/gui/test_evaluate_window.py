"""Train ▸ Evaluate in the window (issue 13, Build 5): a loaded model on the loaded data fills the task's Results
page as a training run's test phase does, as a run of its own, with the figures `main.py evaluate` prints for
the same checkpoint and data; data of another task is refused with a message naming both."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from window_helpers import load_data

from engine import cli

TRAIN = ["--hidden", "8", "--epochs", "1", "--batch", "64", "--device", "cpu", "--threads", "1", "--seed", "0"]


def tiny_checkpoint(folder, task: str, spec: str) -> str:
    """A tiny model (one epoch, 8 units: seconds), trained headless; its model.ckpt."""
    out = folder / "run"
    assert cli.main(["train", "--task", task, "--data", spec, "--out", str(out), *TRAIN]) == 0
    return str(out / "model.ckpt")


@pytest.fixture(scope="module")
def classify_checkpoint(tmp_path_factory):
    return tiny_checkpoint(tmp_path_factory.mktemp("classify"), "classify", "demo")


def cli_evaluate(checkpoint: str, spec: str, capsys) -> dict:
    """`main.py evaluate --json` in this process: its JSON line."""
    capsys.readouterr()
    assert cli.main(["evaluate", "--checkpoint", checkpoint, "--data", spec, "--device", "cpu", "--threads", "1",
                     "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def load_model(window, qtbot, path: str) -> None:
    with qtbot.waitSignal(window.session.modelLoaded, timeout=30_000):
        window.session.set_model_from(path)


def evaluate(window, qtbot, timeout: int = 60_000):
    """Trigger Train ▸ Evaluate and wait for its result (engine.evaluation.Evaluation)."""
    action = window.actions_by_name["evaluate"]
    assert action.isEnabled(), action.toolTip()
    with qtbot.waitSignal(window.evaluator.evaluated, timeout=timeout) as shown:
        action.trigger()
        assert f"Evaluating model.ckpt on {window.session.spec}…" in window.progress_label.text()
        assert not window.status_line.action_button.isHidden() and window.status_line.word() == "evaluating"
    return shown.args[0]


def test_evaluate_is_offered_only_for_a_model_and_data(window, qtbot, classify_checkpoint):
    action = window.actions_by_name["evaluate"]
    assert not action.isEnabled() and "Load a model" in action.toolTip()
    load_model(window, qtbot, classify_checkpoint)
    assert not action.isEnabled() and "Load data" in action.toolTip()
    load_data(window, qtbot, "demo", "classify")
    assert action.isEnabled()
    menus = {entry.text(): entry.menu() for entry in window.menuBar().actions()}
    assert action in menus["&Train"].actions()


def test_evaluate_fills_the_results_page_with_the_figures_of_the_command_line(window, qtbot, classify_checkpoint,
                                                                                capsys):
    load_data(window, qtbot, "demo", "classify")
    load_model(window, qtbot, classify_checkpoint)
    result = evaluate(window, qtbot)

    expected = cli_evaluate(classify_checkpoint, "demo", capsys)
    assert result.metrics == expected["metrics"]  # the same code path: the same numbers, not just close ones
    run = window.runs.current
    assert run.origin == "evaluated" and run.checkpoint == classify_checkpoint and "(evaluated)" in run.label
    shown = window.progress_label.text()
    assert shown.endswith(result.line()) and f"test_accuracy {expected['metrics']['test_accuracy']:.4f}" in shown
    assert window.status_line.action_button.isHidden()

    assert window.tabs.currentWidget() is window.results
    assert window.results.currentWidget() is window.results_pages["gallery"]
    tested = len(window.session.data.data.test.images)
    assert len(window.gallery.visible_indices()) == tested
    matrix = window.confusion.matrix()
    assert matrix.shape == (10, 10) and int(matrix.sum()) == tested
    correct = int(np.trace(matrix))
    assert correct / tested == pytest.approx(expected["metrics"]["test_accuracy"], abs=1e-6)


def test_a_segmentation_model_fills_the_masks_page(window, qtbot, tmp_path, capsys):
    checkpoint = tiny_checkpoint(tmp_path, "segment", "shapes:40")
    load_data(window, qtbot, "shapes:40", "segment")
    load_model(window, qtbot, checkpoint)
    result = evaluate(window, qtbot)

    assert result.metrics == cli_evaluate(checkpoint, "shapes:40", capsys)["metrics"]
    assert window.results.currentWidget() is window.results_pages["masks"]
    worst = [meta for _, meta in window.segment_page.results]
    assert worst and all(meta["split"] == "test" for meta in worst)
    assert [meta["iou"] for meta in worst] == sorted(meta["iou"] for meta in worst)  # worst first
    assert f"test_miou {result.metrics['test_miou']:.4f}" in window.progress_label.text()


def test_data_of_another_task_is_refused_naming_model_and_data(window, qtbot, classify_checkpoint):
    from test_window import take_error

    load_model(window, qtbot, classify_checkpoint)
    load_data(window, qtbot, "shapes", "segment")
    runs_before = len(window.runs.runs)
    window.actions_by_name["evaluate"].trigger()
    text = take_error(window, qtbot)
    assert "model.ckpt" in text and "shapes" in text and "classify" in text and "segment" in text.lower()
    assert len(window.runs.runs) == runs_before  # nothing was evaluated, no run was made


def test_cancel_drops_the_result(window, qtbot, classify_checkpoint):
    load_data(window, qtbot, "demo", "classify")
    load_model(window, qtbot, classify_checkpoint)
    runs_before = len(window.runs.runs)
    evaluator = window.evaluator
    window.actions_by_name["evaluate"].trigger()
    qtbot.mouseClick(window.status_line.action_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in window.progress_label.text() and window.actions_by_name["evaluate"].isEnabled()
    qtbot.waitUntil(lambda: not evaluator.jobs.busy(), timeout=60_000)
    qtbot.wait(50)  # the dropped result's queued signal
    assert len(window.runs.runs) == runs_before and "cancelled" in window.progress_label.text()
