"""Reopening a run from the run library (issue 14, part 4): a finished run of each task's demo, opened in a new
window, shows what the window that trained it showed at its end: the same curve points, live probes, results,
gradient curve and final metrics (RunBook contents compared), the same curves on the Training tab, its Results
page, and its model.ckpt as the session's model."""
from __future__ import annotations

from pathlib import Path

import pytest

from library_helpers import differences, open_run
from window_helpers import load_data, open_window, train_to_end

TIMEOUT_MS = 90_000
TINY = {"hidden": 4, "epochs": 2, "batch": 4, "threads": 1, "augment": False}
DEMOS = {
    "classify": ("demo", {**TINY, "batch": 64, "cell": "gru", "layers": 1, "bidirectional": True}),
    "edges": ("shapes:24", {**TINY, "epochs": 1, "cell": "lstm", "layers": 1,
                            "options": {"scale": 0.5, "width": 4, "bench_thresholds": 3, "test_scales": [1.0],
                                        "baselines": False}}),
    "segment": ("shapes:24", {**TINY, "cell": "gru", "layers": 1, "options": {"side": 32, "width": 4}}),
    "predict": ("moving:24", {**TINY, "cell": "convgru", "layers": 1, "options": {"context": 3, "horizon": 2}}),
    "video-classify": ("moving:40", {**TINY, "cell": "lstm", "layers": 1, "options": {"label": "digit"}}),
}

pytestmark = pytest.mark.usefixtures("private_cache")


def curves_shown(window) -> list:
    return [list(plot.csv_rows()) for plot in (window.curves.loss_plot, window.curves.metric_plot)]


@pytest.mark.parametrize("task", list(DEMOS))
def test_a_reopened_run_shows_what_the_window_showed_at_its_end(window, qtbot, tmp_path, task):
    spec, config = DEMOS[task]
    load_data(window, qtbot, spec, task)
    panel = window.model_panel
    panel.set_config({**panel.config(), **config, "task": task})
    finished = train_to_end(window, qtbot, TIMEOUT_MS)
    assert finished.reason == "done"
    window.router.flush()
    shown = window.runs.current
    folder = shown.folder
    assert folder and Path(folder).parent == Path(window.session.runs_dir) and shown.finished is finished
    page, curves = window.results.currentWidget(), curves_shown(window)

    later = open_window(qtbot, tmp_path / "later")  # a later session: nothing of the run in memory
    try:
        opened = open_run(later, qtbot, folder)
        later.router.flush()
        assert opened is not shown and opened.task == task
        assert differences(shown, opened) == []
        assert curves_shown(later) == curves
        later_page = later.results.currentWidget()
        assert type(later_page) is type(page) and later.results.indexOf(later_page) == window.results.indexOf(page)
        model = str(Path(folder) / "model.ckpt")
        qtbot.waitUntil(lambda: later.session.checkpoint == model and not later.session.loading_model(),
                        timeout=30_000)
        assert later.session.predictor.payload["config"]["task"] == task  # Live and Evaluate use it
        assert later.runs.current is opened  # loading its model made no run of its own
    finally:
        later.close()


def test_opening_a_run_while_the_window_trains_leaves_the_training_its_own_run(window, qtbot):
    spec, config = DEMOS["classify"]
    load_data(window, qtbot, spec, "classify")
    panel = window.model_panel
    panel.set_config({**panel.config(), **config, "epochs": 1})
    train_to_end(window, qtbot, TIMEOUT_MS)
    earlier = window.runs.current
    panel.set_config({**panel.config(), "epochs": 200})
    with qtbot.waitSignal(window.session.progress, timeout=TIMEOUT_MS):
        window.actions_by_name["train"].trigger()
    training = window.runs.current
    assert training is not earlier and training in window.runs.fed
    open_run(window, qtbot, earlier.folder)  # the book still has it: shown as it is
    assert window.runs.current is earlier and window.presenter.training is training
    points = len(training.curve_points)
    shown = list(earlier.curve_points)
    qtbot.waitUntil(lambda: len(training.curve_points) > points, timeout=TIMEOUT_MS)
    assert earlier.curve_points == shown  # the training's points go to its own run, not to the one shown
    assert open_run(window, qtbot, training.folder) is training  # the run being trained here: just shown
    with qtbot.waitSignal(window.session.runFinished, timeout=30_000):
        window.session.stop()
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=10_000)
    assert training.finished is not None and earlier.finished.reason == "done" and training not in window.runs.fed
