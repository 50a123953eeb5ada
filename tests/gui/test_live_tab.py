"""The Live tab follows the loaded model (issue 13, Build 4): with no model it says what to do, otherwise it
offers the modes that model can do, never another task's mode with its stale answer."""
from __future__ import annotations

import pytest

from engine import cli
from gui.views.live_modes import NO_MODEL

TRAIN = ["--hidden", "8", "--epochs", "1", "--batch", "64", "--device", "cpu", "--threads", "1", "--seed", "0"]


def tiny_checkpoint(folder, task: str, spec: str, *extra: str) -> str:
    """A tiny model of `task` (one epoch, 8 units), trained headless; its model.ckpt."""
    out = folder / "run"
    assert cli.main(["train", "--task", task, "--data", spec, "--out", str(out), *TRAIN, *extra]) == 0
    return str(out / "model.ckpt")


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    made = {}
    for task, spec in (("classify", "demo"), ("edges", "shapes:24"), ("segment", "shapes:24")):
        made[task] = tiny_checkpoint(tmp_path_factory.mktemp(task), task, spec)
    return made


def load_model(window, qtbot, path: str) -> None:
    with qtbot.waitSignal(window.session.modelLoaded, timeout=30_000):
        window.session.set_model_from(path)


def shown_modes(live_tab) -> list[str]:
    return [mode for i, mode in enumerate(("draw", "video")) if not live_tab.buttons.button(i).isHidden()]


def test_no_model_says_to_train_or_load_one(window):
    live_tab = window.live_tab
    window.tabs.setCurrentWidget(live_tab)
    assert live_tab.mode() == "" and live_tab.stack.currentWidget() is live_tab.message
    assert live_tab.message.text() == NO_MODEL and "load" in NO_MODEL and "Train" in NO_MODEL
    live_tab.show_mode("draw")  # a task's preferred mode does not bring back a mode without a model
    assert live_tab.mode() == ""


def test_a_classifier_after_an_edge_model_shows_no_stale_edges(window, qtbot, checkpoints):
    live_tab = window.live_tab
    window.tabs.setCurrentWidget(live_tab)
    load_model(window, qtbot, checkpoints["edges"])
    assert live_tab.mode() == "video" and shown_modes(live_tab) == ["video"]
    load_model(window, qtbot, checkpoints["classify"])
    assert live_tab.mode() == "draw" and shown_modes(live_tab) == ["draw"]
    live_tab.show_mode("video")  # the edge model's mode is gone with it
    assert live_tab.mode() == "draw"
    window.show_task("edges")  # nor does the edges task's preferred mode bring it back
    assert live_tab.mode() == "draw"


def test_a_model_without_a_live_mode_says_so_by_its_task(window, qtbot, checkpoints):
    live_tab = window.live_tab
    load_model(window, qtbot, checkpoints["classify"])
    assert live_tab.mode() == "draw"
    load_model(window, qtbot, checkpoints["segment"])
    assert live_tab.mode() == "" and not live_tab.mode_row.isVisibleTo(live_tab)
    assert "segment model" in live_tab.message.text() and "Results page" in live_tab.message.text()
