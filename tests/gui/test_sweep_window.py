"""Train > Sweep... and Train > Run elsewhere... in the window (issue 15): a real sweep of 3 tiny trials started
from the dialog fills the trials table, names the best trial and draws both plots, its trials are runs of the
library; a job folder written from the window names its run folder; both dialogs fit a 1280x720 screen."""
import json
from pathlib import Path

import pytest

from gui.job_dialog import RunElsewhereDialog
from gui.screen_fit import PROJECTOR
from gui.sweep_dialog import SweepDialog, row_space
from gui.views.sweep_plots import axis_positions

pytest.importorskip("optuna")

BASE = {"task": "classify", "data": "demo", "cell": "gru", "hidden": 8, "layers": 1, "epochs": 1,
        "augment": False, "bidirectional": False, "threads": 1}


def fits(dialog) -> bool:
    size = dialog.frameGeometry().size()
    return size.width() <= PROJECTOR.width() and size.height() <= PROJECTOR.height()


def test_a_sweep_from_the_dialog_shows_its_trials_and_the_best(qtbot, window):
    dialog = SweepDialog(lambda: dict(BASE), window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert fits(dialog)
    dialog.space.item(0, 1).setText("rnn, gru")  # cell
    dialog.space.removeRow(2)  # lr
    dialog.space.item(1, 1).setText("4, 8")  # hidden
    dialog.sampler.setCurrentText("tpe")
    dialog.trials.setValue(3)
    assert dialog.space_dict() == {"cell": ["rnn", "gru"], "hidden": [4, 8]}
    dialog.start()
    assert not dialog.start_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=120_000)
    assert dialog.message.text().startswith("Finished"), dialog.message.text()
    def all_complete():  # the study is read once more after the sweep's end, off the GUI thread
        return dialog.table.rowCount() == 3 and {dialog.table.item(r, 1).text() for r in range(3)} == {"complete"}

    qtbot.waitUntil(lambda: all_complete() and dialog.best.text().startswith("Best"), timeout=20_000)
    headers = [dialog.table.horizontalHeaderItem(i).text() for i in range(dialog.table.columnCount())]
    assert headers[:5] == ["trial", "state", "val accuracy", "cell", "hidden"]
    assert len(dialog.parallel.lines) == 3 and len(dialog.scatter.points.data) == 3
    runs = [Path(dialog.table.item(r, headers.index("run folder")).text()) for r in range(3)]
    assert all(json.loads((run / "run.json").read_text())["status"] == "finished" for run in runs)


def test_a_bad_space_is_said_in_the_dialog(qtbot, window):
    dialog = SweepDialog(lambda: dict(BASE), window)
    qtbot.addWidget(dialog)
    dialog.space.cellWidget(0, 0).setCurrentText("colour")
    dialog.space.item(0, 1).setText("red")
    dialog.start()
    assert "'colour' cannot vary in a sweep" in dialog.message.text()
    assert dialog.start_button.isEnabled() and not dialog.run.running


def test_rows_become_lists_or_ranges_and_axes_place_values():
    assert row_space("lr", "0.0001 .. 0.01", True) == {"low": 0.0001, "high": 0.01, "log": True}
    assert row_space("cell", "rnn, lstm", False) == ["rnn", "lstm"]
    assert row_space("bidirectional", "true, false", False) == [True, False]
    places, ticks = axis_positions(["gru", "rnn", "gru"])
    assert list(places) == [0.0, 1.0, 0.0] and [t for _, t in ticks] == ["gru", "rnn"]
    places, ticks = axis_positions([1e-4, 1e-3, 1e-2])  # a span over 20x: a log axis
    assert list(places) == pytest.approx([0.0, 0.5, 1.0])


def test_run_elsewhere_writes_a_job_folder_that_names_its_run(qtbot, window, tmp_path):
    dialog = RunElsewhereDialog(lambda: dict(BASE), window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert fits(dialog)
    dialog.job_folder.setText(str(tmp_path / "job"))
    dialog.run_folder.setText(str(tmp_path / "shared" / "run"))
    dialog.nodes.setValue(2)
    dialog.gpus.setValue(4)
    dialog.time.setText("4h")
    dialog.write()
    assert "hours:minutes:seconds" in dialog.result.text() and not (tmp_path / "job").exists()
    dialog.time.setText("02:30:00")
    dialog.write()
    assert f"open {tmp_path / 'shared' / 'run'} in the Runs browser" in dialog.result.text()
    sbatch = (tmp_path / "job" / "job.sbatch").read_text()
    assert "#SBATCH --nodes=2" in sbatch and "#SBATCH --gpus-per-node=4" in sbatch and "--time=02:30:00" in sbatch
    assert json.loads((tmp_path / "job" / "config.json").read_text())["out"] == str(tmp_path / "shared" / "run")


def test_the_train_menu_opens_both(qtbot, window):
    actions = window.actions_by_name
    actions["sweep"].trigger()
    actions["run_elsewhere"].trigger()
    assert window.elsewhere.dialogs["sweep"].isVisible() and window.elsewhere.dialogs["run_elsewhere"].isVisible()
    for dialog in window.elsewhere.dialogs.values():
        dialog.close()
