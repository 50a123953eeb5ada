"""CompareView: overlaid curves, the table's rows and values, the verdict from the numbers, live updates, PNG."""
import numpy as np
import pytest
from PySide6 import QtGui

from gui.views.compare_view import CompareView, compare_verdict

FINAL = {"rnn": 0.62, "lstm": 0.978, "gru": 0.971}
DECADES = {"rnn": 7.0, "lstm": 1.0, "gru": 0.6}
PARAMS = {"rnn": 20490, "lstm": 76938, "gru": 58122}
SECONDS = {"rnn": 40.0, "lstm": 96.0, "gru": 80.0}


def make_run(cell, epochs=6, steps=28):
    e = np.arange(1, epochs + 1)
    acc = FINAL[cell] - (FINAL[cell] - 0.2) * np.exp(-e / 1.5)
    t = np.arange(steps)
    norms = 0.5 * 10.0 ** (-DECADES[cell] * (steps - 1 - t) / (steps - 1))
    return {"label": cell, "cell": cell, "params": PARAMS[cell], "seconds": SECONDS[cell],
            "val_accuracy": float(acc.max()), "test_accuracy": float(acc[-1] - 0.01),
            "grad_ratio": float(norms[0] / norms[-1]),
            "history": {"epoch": e.tolist(), "train_loss": (-np.log(acc)).tolist(),
                        "val_loss": (-np.log(acc) * 1.1).tolist(), "val_accuracy": acc.tolist()},
            "grad_norms": norms}


@pytest.fixture
def view(qtbot):
    widget = CompareView()
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_table_rows_and_values(view):
    runs = [make_run(c) for c in ("rnn", "lstm", "gru")]
    view.set_runs(runs)
    assert view.table.rowCount() == 3
    assert [view.table_text(r, 0) for r in range(3)] == ["RNN", "LSTM", "GRU"]
    assert view.table_text(1, 1) == "76,938"
    assert view.table_text(0, 2) == "40.0 s"
    assert view.table_text(1, 3) == f"{100 * runs[1]['val_accuracy']:.1f} %"
    assert view.table_text(2, 4) == f"{100 * runs[2]['test_accuracy']:.1f} %"
    assert view.table_text(0, 5) == "1.0e-07"  # scientific notation
    assert view.table_text(0, 6) == "the first steps barely teach it"
    assert view.table.item(1, 3).font().bold() and not view.table.item(0, 3).font().bold()


def test_curves_overlay_every_run(view):
    runs = [make_run(c) for c in ("rnn", "lstm", "gru")]
    view.set_runs(runs)
    assert len(view.loss.items) == 6  # train and validation per run
    assert len(view.accuracy.items) == 3
    np.testing.assert_allclose(view.accuracy.items[("lstm", "val_accuracy")].yData,
                               100 * np.asarray(runs[1]["history"]["val_accuracy"]))
    assert view.gradients.run_labels() == ["rnn", "lstm", "gru"]
    assert view.gradients.is_log_y()
    np.testing.assert_allclose(view.gradients.norms("rnn"), runs[0]["grad_norms"])
    assert "Measured on" not in view.gradients.caption_text()  # nothing said about what was measured: no claim
    view.set_runs([{**make_run("gru"), "grad_source": "the last of 2 recurrent layers, forward direction only"}])
    assert view.gradients.caption_text().startswith("Measured on the last of 2 recurrent layers, forward direction")


def test_verdict_names_the_best_cell_and_the_gap(view):
    view.set_axis_label("time step (row read)")
    view.set_runs([make_run(c) for c in ("rnn", "lstm", "gru")])
    text = view.verdict_text()
    assert text.startswith("LSTM learned best")
    assert "test accuracy" in text
    assert "6 orders of magnitude" in text  # 10^-7 (RNN) vs 10^-0.6 (GRU)
    assert "vanishing-gradient" in text and "first rows barely teach it" in text
    assert "LSTM has 3.8× the parameters" in text


def test_verdict_without_test_figures_uses_validation():
    runs = [make_run("rnn"), make_run("gru")]
    runs[1]["test_accuracy"] = None
    text = compare_verdict(runs)
    assert text.startswith("GRU learned best") and "best validation accuracy" in text
    assert compare_verdict([]) == "No runs to compare yet."


def test_live_run_grows_in_place(view):
    view.set_runs([make_run("rnn")])
    partial = make_run("lstm")
    for key in ("epoch", "train_loss", "val_loss", "val_accuracy"):
        partial["history"][key] = partial["history"][key][:2]
    partial.update(test_accuracy=None, running=True)
    view.update_run(partial)
    item = view.loss.items[("lstm", "train_loss")]
    assert len(item.xData) == 2
    assert view.table_text(1, 0) == "LSTM (training…)" and view.table_text(1, 4) == "–"
    assert "Still training: LSTM" in view.verdict_text()
    view.update_run({**make_run("lstm"), "running": False})
    assert view.loss.items[("lstm", "train_loss")] is item and len(item.xData) == 6
    assert view.table.rowCount() == 2 and view.table_text(1, 0) == "LSTM"


def test_export_signal_and_png(view, qtbot, tmp_path):
    view.set_runs([make_run("rnn"), make_run("lstm")])
    with qtbot.waitSignal(view.exportRequested, timeout=1000):
        view.export_button.click()
    path = tmp_path / "compare.png"
    view.export_png(str(path))
    image = QtGui.QImage(str(path))
    assert image.width() >= 1300 and image.height() >= 800


def test_numpy_histories_and_missing_figures(view):
    run = make_run("gru")
    run["history"] = {k: np.asarray(v) for k, v in run["history"].items()}
    run["history"]["val_accuracy"] = [None, 0.5, 0.7, np.nan, 0.8, 0.75]
    del run["grad_ratio"]  # computed from grad_norms instead
    run.update(test_accuracy=None, seconds=None, val_accuracy=None)
    view.set_runs([run])
    assert view.table_text(0, 3) == "80.0 %"
    assert view.table_text(0, 2) == "–" and view.table_text(0, 4) == "–"
    assert view.table_text(0, 5) == f"{run['grad_norms'][0] / run['grad_norms'][-1]:.1e}"
    assert "(GRU at epoch 6)" in view.gradients.caption.text()
    assert view.verdict_text().startswith("GRU learned best: 80.0 % best validation accuracy.")
