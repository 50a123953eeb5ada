"""Inside for every task (issue 13, part 6), in the window with real tiny runs: an edges or segmentation run
shows its ReNet sweeps' states (and a gradient along a sweep whose caption says which), a frame predictor its
layers' states per frame (and a gradient per frame), a clip classifier its units x frames with the frame at
the cursor; the page follows the run's kind of states and a new run empties what the last one showed; a model
loaded from a file shows its own states of the loaded data, computed off the GUI thread.

Built-in generated data at tiny sizes; one epoch of a few units on one thread.
"""
from __future__ import annotations

import numpy as np
import pytest

from window_helpers import load_data, train_to_end

TIMEOUT_MS = 90_000
TINY = {"hidden": 4, "epochs": 1, "batch": 4, "threads": 1, "augment": False}
EDGES = {**TINY, "task": "edges", "cell": "lstm", "layers": 1,
         "options": {"scale": 0.5, "width": 4, "bench_thresholds": 3, "test_scales": [1.0], "baselines": False}}
SEGMENT = {**TINY, "task": "segment", "cell": "gru", "layers": 2, "options": {"side": 32, "width": 4}}
FRAMES = {**TINY, "task": "predict", "cell": "convgru", "layers": 2, "options": {"context": 3, "horizon": 2}}
CLIPS = {**TINY, "task": "video-classify", "cell": "lstm", "layers": 1, "options": {"label": "digit"}}
DIGITS = {**TINY, "task": "classify", "cell": "gru", "layers": 2, "bidirectional": True}

pytestmark = pytest.mark.usefixtures("private_cache")


def train(window, qtbot, config: dict):
    panel = window.model_panel
    panel.set_config({**panel.config(), **config})
    finished = train_to_end(window, qtbot, TIMEOUT_MS)
    assert finished.reason == "done", window.progress_label.text()
    window.router.flush()
    return finished


def states_page(window):
    return window.gates.states.stack.currentWidget()


def test_sweep_runs_show_their_sweeps_and_a_digit_run_after_them_shows_none(window, qtbot):
    gates, sweeps = window.gates, window.gates.states.sweeps
    load_data(window, qtbot, "shapes:24", "edges")
    train(window, qtbot, EDGES)
    assert states_page(window) is sweeps
    assert sweeps.panel_names() == ["hidden", "cell", "input gate", "forget gate", "output gate"]
    assert [sweeps.sweep_combo.itemText(i) for i in range(4)] == ["left→right", "right→left", "top→bottom",
                                                                   "bottom→top"]
    steps = sweeps.step_count()
    assert steps == sweeps._arrays["layer 1 left→right summary"].shape[-1] > 4  # grid columns
    sweeps.set_step(0)
    assert 0 < sweeps.read_rect().width() < sweeps._image_shape[1] / 4  # one grid column of the image read
    # its gradient along the sweep: one value per grid row, the caption says which sweep is measured
    gradients = gates.gradients
    (label,) = gradients.run_labels()
    assert gradients.norms(label).shape == (sweeps._arrays["layer 1 top→bottom summary"].shape[-2],)
    assert "top→bottom column sweep" in gradients.caption_text() and "not measured" in gradients.caption_text()
    assert "sweep step" in gradients.plot_item().getAxis("bottom").labelText
    assert not gates.gradient_note.isVisibleTo(gates.inside)
    assert "no trajectories" in gates._placeholder_text.text()

    load_data(window, qtbot, "shapes:24", "segment")
    train(window, qtbot, SEGMENT)
    assert states_page(window) is sweeps and sweeps.layer_combo.count() == 2  # this run's two ReNet layers
    assert sweeps.panel_names() == ["hidden", "reset gate", "update gate"]

    load_data(window, qtbot, "demo", "classify")
    with qtbot.waitSignal(window.session.runStarted, timeout=TIMEOUT_MS):
        panel = window.model_panel
        panel.set_config({**panel.config(), **DIGITS})
        window.actions_by_name["train"].trigger()
    assert states_page(window) is window.hidden_view
    assert sweeps.panel_names() == [] and sweeps.placeholder_text().startswith("run 3")  # emptied for the new run
    assert "has no sweep states" in sweeps.placeholder_text()
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: bool(window.hidden_view.panel_names()), timeout=10_000)
    caption = gates.gradients.caption_text()
    assert "last of 2 recurrent layers, forward direction only" in caption and "rows top to bottom" in caption


def test_a_frame_predictor_then_a_clip_classifier_each_show_their_own_states(window, qtbot):
    frames_view, hidden = window.gates.states.frames, window.hidden_view
    load_data(window, qtbot, "moving:24", "predict")
    train(window, qtbot, FRAMES)
    assert states_page(window) is frames_view
    assert frames_view.panel_names() == ["hidden", "reset gate", "update gate"]
    assert frames_view.step_count() == 4 and frames_view.layer_combo.count() == 2  # 5 frames: 4 steps read
    frames_view.set_step(0)
    assert frames_view.frame_shown("frames").shape == (64, 64)
    assert "a true context frame" in frames_view.player.label.text()
    gradients = window.gates.gradients
    (label,) = gradients.run_labels()
    assert gradients.norms(label).shape == (4,) and "frame" in gradients.plot_item().getAxis("bottom").labelText
    assert "top ConvGRU layer's (layer 2) state map" in gradients.caption_text()

    load_data(window, qtbot, "moving:40", "video-classify")
    train(window, qtbot, CLIPS)
    assert states_page(window) is hidden
    assert frames_view.panel_names() == [] and frames_view.placeholder_text().startswith("run 2")
    assert hidden.panel_names() == ["hidden", "cell", "input gate", "forget gate", "output gate"]
    clip = window.runs.current.live["hidden"].arrays["frames"]
    hidden.set_time(6)
    np.testing.assert_allclose(hidden.image_item.image, clip[6, :, :, 0])  # the frame read at step 7
    assert hidden.step_label.text() == "step 7 / 10"


def test_a_loaded_model_shows_its_own_states_of_the_loaded_data(window, qtbot, tmp_path):
    sweeps = window.gates.states.sweeps
    assert "No run yet" in sweeps.placeholder_text()
    load_data(window, qtbot, "shapes:24", "segment")
    with qtbot.waitSignal(window.session.runStarted, timeout=TIMEOUT_MS):
        panel = window.model_panel
        panel.set_config({**panel.config(), **SEGMENT})
        window.actions_by_name["train"].trigger()
    assert "appear while it trains" in sweeps.placeholder_text()  # before its first probe
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=TIMEOUT_MS)
    saved = tmp_path / "segment.ckpt"
    qtbot.waitUntil(lambda: window.session.predictor is not None and not window.session.loading_model(),
                    timeout=30_000)
    window.session.save_model(str(saved))
    with qtbot.waitSignal(window.session.modelLoaded, timeout=30_000):
        window.session.set_model_from(str(saved))
    run = window.runs.current
    assert run.origin == "loaded" and sweeps.panel_names() == []  # not the training run's
    qtbot.waitUntil(lambda: bool(sweeps.panel_names()), timeout=20_000)  # computed for the loaded data
    assert "sweeps" in run.live and run.live["sweeps"].meta["index"] == 0
    sweeps.probe_spin.setValue(2)  # another sample, on a worker thread
    qtbot.waitUntil(lambda: run.live["sweeps"].meta["index"] == 2, timeout=20_000)
    assert window.hidden_view.probe_spin.value() == 2  # one probe sample for every page
