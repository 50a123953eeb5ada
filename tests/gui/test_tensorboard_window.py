"""Train ▸ TensorBoard logs (issue 16, part 5): the setting makes the window's runs write TensorBoard event files
into their run folders, is kept for the next session, and is refused with an install hint without the package."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.runs import tensorboard
from window_helpers import load_data, train_to_end

pytest.importorskip("tensorboard")


def test_the_setting_makes_a_run_write_event_files(window, qtbot):
    action = window.actions_by_name["tensorboard"]
    assert action.isCheckable() and not action.isChecked() and window.session.tensorboard is False
    action.trigger()
    assert window.session.tensorboard is True and window.dialogs.settings.value("tensorboard", type=bool)
    assert f"tensorboard --logdir {window.session.runs_dir}" in window.status_line.note_text()
    load_data(window, qtbot, "demo")
    panel = window.model_panel
    panel.set_config({**panel.config(), "hidden": 8, "layers": 1, "epochs": 1, "threads": 1, "augment": False})
    assert train_to_end(window, qtbot, 90_000).reason == "done"
    folder = Path(window.runs.current.folder)
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    found = EventAccumulator(str(folder))
    found.Reload()
    assert {"loss/train", "loss/val", "accuracy/test"} <= set(found.Tags()["scalars"])
    assert "gradient_through_time" in found.Tags()["images"]
    action.trigger()
    assert window.session.tensorboard is False and window.status_line.note_text() == "TensorBoard logs off."


def test_without_the_package_the_setting_says_how_to_install_it(window, monkeypatch):
    errors = []
    monkeypatch.setattr(window.dialogs, "error", lambda *args: errors.append(args))
    monkeypatch.setattr(tensorboard, "available", lambda: False)
    window.actions_by_name["tensorboard"].trigger()
    assert not window.actions_by_name["tensorboard"].isChecked() and window.session.tensorboard is False
    assert errors[0][0] == "TensorBoard is not installed" and "pip install" in errors[0][2]
