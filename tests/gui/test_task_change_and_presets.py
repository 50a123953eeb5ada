"""The model panel across task changes: the Preset box offers only presets that fit the chosen task (and refuses
one that cannot apply, without a traceback and without showing it); a task change keeps the cell and sizes the
user chose where the new task takes them, lets the rest follow the new task's defaults, and says so in the
status line."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from gui.panels.model_panel import ModelPanel
from gui.panels.preset_box import CHOOSE
from tests.sixth_task import install

parity = install.parity  # the sixth task, registered for a test's duration


@pytest.fixture
def panel(qtbot):
    widget = ModelPanel()
    qtbot.addWidget(widget)
    return widget


def notices(panel) -> list[str]:
    seen = []
    panel.notice.connect(seen.append)
    return seen


def choose_task(panel, task: str) -> None:
    """As the user does it: the task list's entry."""
    panel.task.setCurrentIndex(panel.task.findData(task))


def test_the_preset_box_offers_only_presets_of_the_chosen_task(panel):
    assert panel.preset.offered() == ["pixels", "rows"] and panel.preset.isEnabled()
    for task, title in (("edges", "Edge maps"), ("segment", "Segmentation"), ("predict", "Predict frames"),
                        ("video-classify", "Classify clips")):
        choose_task(panel, task)
        assert panel.preset.offered() == [], task
        assert not panel.preset.isEnabled() and panel.preset.currentText() == f"none for {title}"
    choose_task(panel, "classify")
    assert panel.preset.offered() == ["pixels", "rows"] and panel.preset.currentText() == CHOOSE


def test_a_preset_fills_the_panel_for_the_chosen_task(panel, qtbot):
    with qtbot.waitSignal(panel.preset.applied):
        panel.preset.activated.emit(panel.preset.findData("pixels"))
    config = panel.config()
    assert config["task"] == "classify" and config["read"] == "pixels" and config["options"] == {"gate_init": "chrono"}
    assert panel.preset.currentData() == "pixels"


def test_a_preset_that_cannot_apply_is_refused_in_words(panel, qtbot):
    seen = notices(panel)
    choose_task(panel, "edges")
    before = panel.config()
    assert panel.preset.apply("pixels") is False  # e.g. from a stale menu: no traceback, nothing changed
    assert panel.config() == before and panel.preset.currentIndex() == 0
    assert "does not fit Edge maps" in seen[-1]
    assert panel.preset.apply("no such preset") is False and "no preset" in seen[-1]


def test_presets_fit_a_task_from_outside_the_project_that_reads_images_the_same_way(parity, qtbot):
    panel = ModelPanel()
    qtbot.addWidget(panel)
    choose_task(panel, parity.name)
    assert panel.preset.offered() == ["pixels", "rows"]
    assert panel.preset.apply("pixels") and panel.config()["task"] == parity.name


def test_a_task_change_keeps_the_users_cell_and_sizes_and_says_what_changed(panel, qtbot):
    seen = notices(panel)
    qtbot.mouseClick(panel.cell_group.button(1), Qt.MouseButton.LeftButton)  # LSTM
    panel.hidden.setValue(64)
    choose_task(panel, "edges")
    config = panel.config()
    assert (config["cell"], config["hidden"]) == ("lstm", 64)  # the user's, and edges takes them
    assert (config["layers"], config["epochs"], config["batch"]) == (1, 20, 4)  # untouched: the edges defaults
    assert seen[-1] == "Edge maps: kept your LSTM, hidden 64; its defaults: layers 2 → 1, epochs 30 → 20, batch 64 → 4."


def test_untouched_settings_follow_the_new_task(panel):
    seen = notices(panel)
    choose_task(panel, "edges")
    assert panel.config()["hidden"] == 32
    assert seen[-1] == "Edge maps: its defaults: hidden 128 → 32, layers 2 → 1, epochs 30 → 20, batch 64 → 4."


def test_a_cell_becomes_its_convolutional_kind_and_unused_settings_are_named(panel, qtbot):
    seen = notices(panel)
    qtbot.mouseClick(panel.cell_group.button(0), Qt.MouseButton.LeftButton)  # RNN (GRU is the default)
    panel.read.setCurrentText("pixels")
    panel.seed.setValue(7)
    choose_task(panel, "predict")
    config = panel.config()
    assert config["cell"] == "convrnn" and config["seed"] == 7 and panel.cell_group.checkedButton().text() == "ConvRNN"
    assert config["read"] == "rows"  # the predictor reads frames, not rows: back to the default, and said
    message = seen[-1]
    assert message.startswith("Predict frames: kept your RNN (as ConvRNN), seed 7; its defaults: ")
    assert "both directions on → off" in message and message.endswith("it does not use your read order pixels.")

    choose_task(panel, "classify")  # and back: ConvRNN is an RNN for the image classifier
    assert panel.config()["cell"] == "rnn" and panel.config()["seed"] == 7


def test_an_option_both_tasks_share_is_kept(parity, qtbot):
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.preset.apply("pixels")  # sets the classifier's gate_init to chrono
    choose_task(panel, parity.name)
    assert panel.config()["options"] == {"gate_init": "chrono"} and panel.config()["read"] == "pixels"


def test_the_window_says_what_a_task_change_changed(window, qtbot):
    choose_task(window.model_panel, "segment")
    assert window.status_line.note_text() == window.model_panel.last_change
    assert window.status_line.note_text().startswith("Segmentation: its defaults: hidden 128 → 32")
