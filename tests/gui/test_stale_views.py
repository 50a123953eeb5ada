"""No view outlives its run (issue 12): run A, then run B of another task or cell; every view shows B or says
it has nothing for B. Each case is one a user met: an edges run showing the digit run's LSTM gates, gradient
curves of 16 rows and 10 frames on one axis, a confusion-cell filter leaving the next gallery at "showing 0
of 200", a loaded checkpoint under the previous run's results and trajectories.

Tiny real runs: the built-in digits (16 rows), shapes for edges, moving digits for clips; one thread, one epoch.
"""
from __future__ import annotations

import numpy as np

from window_helpers import load_data, train_to_end

TIMEOUT_MS = 90_000
DIGITS = {"task": "classify", "hidden": 8, "layers": 1, "epochs": 1, "threads": 1, "bidirectional": False}
EDGES = {"task": "edges", "hidden": 4, "epochs": 1, "batch": 4, "threads": 1,
         "options": {"scale": 1.0, "width": 4, "bench_thresholds": 5, "test_scales": [1.0]}}
CLIPS = {"task": "video-classify", "hidden": 8, "epochs": 1, "threads": 1, "options": {"label": "digit"}}


def train(window, qtbot, config: dict):
    panel = window.model_panel
    panel.set_config({**panel.config(), **config})
    return train_to_end(window, qtbot, TIMEOUT_MS)


def digit_run(window, qtbot, cell: str):
    load_data(window, qtbot, "demo", "classify")
    return train(window, qtbot, {**DIGITS, "cell": cell})


def test_an_edges_run_after_a_digit_run_shows_none_of_its_hidden_states(window, qtbot):
    digit_run(window, qtbot, "lstm")
    hidden = window.hidden_view
    assert {"gate i", "gate f", "gate o"} <= set(hidden.panel_names()) or len(hidden.panel_names()) >= 3
    assert window.gates.gradients.run_labels()

    load_data(window, qtbot, "shapes:24", "edges")  # the task switches to edges with its data
    # no edges run yet: its Results page says so; the Inside tab still shows the run in front of the user
    assert window.results.currentWidget() is window.edge_compare and window.edge_compare.count() == 0
    assert window.edge_compare.placeholder.isVisibleTo(window.edge_compare)
    assert "for this run" in window.edge_compare.placeholder.text()
    panel = window.model_panel
    panel.set_config({**panel.config(), **EDGES, "cell": "gru"})
    with qtbot.waitSignal(window.session.runStarted, timeout=TIMEOUT_MS):
        window.actions_by_name["train"].trigger()
    # during run B: nothing of A on the Inside tab
    assert hidden.panel_names() == [] and "sends no per-step hidden states" in hidden.placeholder.text()
    assert window.gates.gradients.run_labels() == []
    assert "Not overlaid" in window.gates.gradient_note.text() and "run 1" in window.gates.gradient_note.text()
    assert window.gates.trajectory_page.currentWidget() is not window.gates.trajectories
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=TIMEOUT_MS)
    # after run B: still nothing of A; B's own sweeps, gradient and results
    assert hidden.panel_names() == []
    assert window.gates.states.stack.currentWidget() is window.gates.states.sweeps
    assert window.gates.gradients.run_labels() == ["run 2, 4 units"]
    assert window.gates.trajectory_page.currentWidget() is not window.gates.trajectories
    assert window.edge_compare.count() > 0
    assert len(window.gallery.visible_indices()) == 0  # the digit run's gallery is gone


def test_gradient_curves_overlay_only_runs_whose_steps_mean_the_same(window, qtbot):
    digit_run(window, qtbot, "rnn")
    train(window, qtbot, {**DIGITS, "cell": "gru"})
    gradients = window.gates.gradients
    assert gradients.run_labels() == ["run 1, 8 units", "run 2, 8 units"]  # both read 16 rows: one axis
    assert not window.gates.gradient_note.isVisibleTo(window.gates.inside)

    load_data(window, qtbot, "moving:40", "video-classify")
    train(window, qtbot, {**CLIPS, "cell": "gru"})
    assert gradients.run_labels() == ["run 3, 8 units"]  # 10 frames do not share the 16 rows' axis
    assert gradients.norms("run 3, 8 units").shape == (10,)
    note = window.gates.gradient_note.text()
    assert "run 1" in note and "run 2" in note and "rows" in note
    assert "frame" in gradients._axis_label and "row" not in gradients.caption_text()


def test_a_confusion_filter_belongs_to_the_run_it_was_set_on(window, qtbot):
    digit_run(window, qtbot, "gru")
    gallery, confusion = window.gallery, window.confusion
    everything = len(gallery.visible_indices())
    assert everything > 0
    matrix = confusion.matrix()
    true, pred = np.argwhere(matrix > 0)[0]
    confusion.cellClicked.emit(int(true), int(pred))
    assert len(gallery.visible_indices()) == matrix[true, pred] < everything

    train(window, qtbot, {**DIGITS, "cell": "lstm"})
    assert len(gallery.visible_indices()) == everything  # B's gallery: every test image, no filter of A's
    assert window.runs.current.subset is None and window.runs.runs[0].subset == (true, pred)


def test_loading_a_checkpoint_shows_that_model_not_the_last_run(window, qtbot, tmp_path):
    digit_run(window, qtbot, "gru")
    saved = tmp_path / "digits.ckpt"
    window.session.save_model(str(saved))
    assert len(window.gallery.visible_indices()) > 0
    assert window.gates.trajectory_page.currentWidget() is window.gates.trajectories

    with qtbot.waitSignal(window.session.modelLoaded, timeout=30_000):
        window.session.set_model_from(str(saved))
    run = window.runs.current
    assert run.origin == "loaded" and run.number == 2 and run.checkpoint == str(saved)
    assert len(window.gallery.visible_indices()) == 0  # not run 1's results
    assert window.gates.trajectory_page.currentWidget() is not window.gates.trajectories
    assert window.hidden_view.panel_names() == []
    # asked for, the loaded model's own hidden states arrive for its run (computed off the GUI thread)
    window.hidden_view.probe_spin.setValue(1)
    qtbot.waitUntil(lambda: len(window.hidden_view.panel_names()) > 0, timeout=20_000)
    assert "hidden" in run.live
