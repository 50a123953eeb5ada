"""Double-clicking a gallery item opens it larger: the image at a readable size, true and predicted class with
the confidence, every class's probability when the results carry them; Previous / Next and the arrow keys step
through the shown items; a trained run's results carry the probabilities."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt

from gui import screen_fit
from gui.views.gallery import Gallery
from window_helpers import load_data, train_to_end

NAMES = [f"class {i}" for i in range(4)]


def predictions(n=6):
    rng = np.random.default_rng(3)
    probabilities = rng.dirichlet(np.ones(4), n).astype(np.float32)
    pred = probabilities.argmax(1)
    true = pred.copy()
    true[1] = (pred[1] + 1) % 4  # item 1 is a mistake
    images = rng.random((n, 16, 16)).astype(np.float32)
    return images, true, pred, probabilities.max(1), probabilities


@pytest.fixture
def gallery(qtbot):
    widget = Gallery()
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def double_click(gallery, qtbot, row: int):
    view = gallery.view
    rect = view.visualRect(view.model().index(row, 0))
    # a real double-click is press, release, double-click, release; QTest only sends the last two
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_double_click_opens_the_item_larger_with_its_probabilities(gallery, qtbot, monkeypatch):
    monkeypatch.setattr(screen_fit, "available", lambda _widget=None: QRect(screen_fit.PROJECTOR))
    fitting = screen_fit.DialogsOnScreen(gallery)  # as the main window has it for every dialog
    images, true, pred, confidence, probabilities = predictions()
    gallery.set_items(images, true, pred, confidence, NAMES, probabilities)
    with qtbot.waitSignal(gallery.itemActivated) as activated:
        double_click(gallery, qtbot, 1)
    assert activated.args == [1]
    dialog = gallery.detail
    qtbot.waitExposed(dialog)
    assert dialog.shown_item() == 1
    pixmap = dialog.image.pixmap()
    assert pixmap.width() / pixmap.devicePixelRatio() >= 256  # a 16x16 image at 20x, not a thumbnail
    text = dialog.verdict.text()
    assert f"true <b>{NAMES[true[1]]}</b>" in text and NAMES[pred[1]] in text and "a mistake" in text
    assert f"{100 * confidence[1]:.0f} % sure" in text
    assert dialog.bars.isVisible() and not dialog.no_bars.isVisible()
    assert np.allclose(dialog.bars.probabilities(), probabilities[1]) and dialog.bars.class_names() == NAMES
    assert fitting and screen_fit.PROJECTOR.contains(dialog.frameGeometry()), dialog.frameGeometry()

    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.shown_item() == 2 and "correct" in dialog.verdict.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Left)
    qtbot.keyClick(dialog, Qt.Key.Key_Left)
    assert dialog.shown_item() == 0
    qtbot.keyClick(dialog, Qt.Key.Key_Left)  # round to the last shown item
    assert dialog.shown_item() == 5


def test_it_steps_through_the_items_as_shown_and_says_when_there_are_no_probabilities(gallery, qtbot):
    images, true, pred, confidence, _ = predictions()
    gallery.set_items(images, true, pred, confidence, NAMES)
    gallery.mistakes_only.setChecked(True)
    double_click(gallery, qtbot, 0)  # the one mistake
    dialog = gallery.detail
    assert dialog.shown_item() == 1 and not dialog.next.isEnabled()  # the only item shown
    assert dialog.no_bars.isVisible() and not dialog.bars.isVisible()
    gallery.clear()  # a new run: the old item's view goes
    assert not dialog.isVisible()


def test_a_trained_runs_results_carry_every_class_probability(window, qtbot, private_cache):
    load_data(window, qtbot, "demo")
    panel = window.model_panel
    panel.set_config({**panel.config(), "hidden": 8, "layers": 1, "epochs": 1, "threads": 1, "augment": False})
    train_to_end(window, qtbot, 60_000)
    model = window.gallery._model
    assert model.probabilities is not None and model.probabilities.shape == (len(model.true), 10)
    assert np.allclose(model.probabilities.sum(1), 1, atol=1e-4)
    assert np.array_equal(model.probabilities.argmax(1), model.pred)
    dialog = window.gallery.show_larger(int(model.order[0]))
    assert dialog.bars.isVisibleTo(dialog) and len(dialog.bars.probabilities()) == 10
    dialog.close()
