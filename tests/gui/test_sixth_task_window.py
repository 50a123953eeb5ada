"""The proof of the task-package shape (issue 12, Build 7), window side: the sixth task "parity" (digits
labelled even / odd, tests/sixth_task/digit_parity/), copied into a temporary folder and registered with
one line before the window opens, is listed by the model panel, shows its spec's settings, loads its demo
data, trains, and fills the Results page its spec names. No gui/ file names it; afterwards the registry
forgets it (tests/sixth_task/install.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.tasks import registry
from tests.sixth_task import install
from tests.sixth_task.install import PACKAGE, TASK
from window_helpers import open_window, train_to_end

ROOT = Path(__file__).resolve().parents[2]
TRAIN_TIMEOUT_MS = 90_000
DEMO_TEST_SIZE = 359  # sklearn's 1,797 digits, a 20 % test split
TINY = {"hidden": 16, "epochs": 3, "batch": 32, "lr": 0.01, "threads": 1, "device": "cpu"}

pytestmark = pytest.mark.usefixtures("private_cache")

parity = install.parity  # the fixture: the task's package copied into tmp_path, registered with one line


@pytest.fixture
def window(parity, qtbot, tmp_path):
    """The main window, opened after the sixth task was registered (closed before it is forgotten)."""
    w = open_window(qtbot, tmp_path)
    yield w
    w.close()


def test_no_gui_file_names_the_sixth_task():
    named = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "gui").rglob("*.py"))
             if TASK in path.read_text() or PACKAGE in path.read_text()]
    assert not named


def test_the_task_list_offers_it_with_its_description(window, parity):
    combo = window.model_panel.task
    titles = [combo.itemText(i) for i in range(combo.count())]
    assert titles == [spec.title for spec in registry.specs()] and titles[-1] == parity.title
    assert combo.itemData(combo.count() - 1) == TASK and combo.itemData(combo.count() - 1, 3) == parity.description


def shown_settings(panel) -> set[str]:
    """The settings rows of any task that the model panel shows now (a row without a widget is not shown)."""
    names = {name for spec in registry.specs() for name in spec.rows} - {"cell"}  # cell: the three buttons
    return {name for name in names if getattr(panel, name, None) is not None
            and getattr(panel, name).isVisibleTo(panel)}


def test_choosing_it_applies_its_defaults(window, parity):
    panel = window.model_panel
    panel.set_task(TASK)
    config = panel.config()
    assert config["task"] == TASK and {k: config[k] for k in parity.defaults} == parity.defaults
    assert [b.text() for b in panel.cell_group.buttons()] == ["RNN", "LSTM", "GRU"]


def test_choosing_it_shows_exactly_its_spec_settings(window, parity):
    panel = window.model_panel
    panel.set_task(TASK)
    assert shown_settings(panel) == set(parity.rows) - {"cell"}


def test_its_demo_data_trains_and_fills_its_results_page(window, qtbot, parity):
    panel = window.model_panel
    panel.set_task(TASK)
    with qtbot.waitSignal(window.session.dataLoaded, timeout=30_000):
        window.data_panel.demoRequested.emit()  # the Demo button: the spec's demo data, read by its reader
    assert window.session.spec == parity.demo_data and window.session.data.task == TASK
    assert panel.current_task() == TASK
    assert "2 classes" in window.data_panel.summary.text() and "even" in window.data_panel.summary.text()
    panel.set_config({**panel.config(), **TINY})
    finished = train_to_end(window, qtbot, TRAIN_TIMEOUT_MS)
    assert finished.reason == "done", window.progress_label.text()
    assert finished.metrics["test_accuracy"] > 0.7
    steps, losses = window.curves.loss_plot.series_data("train")
    assert len(steps) > 2 and losses[-1] < losses[0]

    window.tabs.setCurrentWidget(window.results)
    assert window.results.currentWidget().isAncestorOf(window.gallery)  # its result_view: the gallery
    assert window.gallery.visible_indices().size == DEMO_TEST_SIZE
    assert int(window.confusion.matrix().sum()) == DEMO_TEST_SIZE and window.confusion.matrix().shape == (2, 2)
    assert "accuracy" in window.progress_label.text()
    assert type(window.session.predictor).__name__ == "ParityPredictor"
