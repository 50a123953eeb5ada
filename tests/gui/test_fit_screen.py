"""The window and every dialog fit a 1280x720 projector (issue 13): the main window's minimum, at every task,
tab and page, leaves room for a window frame on a 1280x720 screen less a taskbar (screen_fit.PROJECTOR); a first
start and a geometry saved on a larger screen open inside that screen; long messages wrap instead of widening
the window. The offscreen screen is whatever Qt makes it, so the checks compare against 1280x720 explicitly.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QRect, QSize, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox, QStackedWidget

from engine.tasks import registry
from gui import screen_fit
from gui.views.video_edges import VideoEdgesView
from window_helpers import load_data, open_window, train_to_end

PROJECTOR = screen_fit.PROJECTOR
ROOM = QSize(PROJECTOR.width() - screen_fit.FRAME_ALLOWANCE.width(),
             PROJECTOR.height() - screen_fit.FRAME_ALLOWANCE.height())
LONG_MESSAGE = "a one-line message far longer than any screen is wide " * 12


def fits_room(size: QSize, room: QSize = ROOM) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


def every_page(window):
    """Yield a name for each page a user can bring up: every tab, every page of every stack shown in it (Results
    pages, Live modes, Inside's own tabs), one at a time."""
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        yield window.tabs.tabText(tab)
        for stack in window.tabs.currentWidget().findChildren(QStackedWidget):
            if not stack.isVisible():  # inside a page not shown now
                continue
            shown = stack.currentIndex()
            for index in range(stack.count()):
                stack.setCurrentIndex(index)
                QApplication.processEvents()
                yield f"{window.tabs.tabText(tab)} / {type(stack.widget(index)).__name__}"
            stack.setCurrentIndex(shown)


def test_the_main_window_fits_1280x720_at_every_task_tab_and_page(window):
    for entry in registry.entries():
        window.model_panel.set_task(entry.name)
        window.show_task(entry.name)
        for page in every_page(window):
            minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
            assert fits_room(minimum), f"{entry.name}, {page}: minimum {minimum.toTuple()} > {ROOM.toTuple()}"
    window.resize(ROOM)
    QApplication.processEvents()
    assert fits_room(window.size()), window.size()


def test_after_a_run_with_bigger_plot_fonts_every_page_still_fits(window, qtbot, private_cache):
    """View > Bigger plot fonts four times over a trained digit run (captions, step labels and legends filled):
    still within 1280x720, so within 1920x1080 too."""
    load_data(window, qtbot, "demo", "classify")
    panel = window.model_panel
    panel.set_config({**panel.config(), "hidden": 8, "layers": 1, "epochs": 1, "threads": 1})
    train_to_end(window, qtbot, 90_000)
    for _ in range(4):
        window.actions_by_name["bigger"].trigger()
    qtbot.wait(300)  # the views repaint what the run sent
    for page in every_page(window):
        minimum = window.minimumSizeHint()
        assert fits_room(minimum), f"{page}: minimum {minimum.toTuple()} > {ROOM.toTuple()}"


def test_long_messages_wrap_instead_of_widening_the_window(window):
    before = window.minimumSizeHint().width()
    window.progress_label.setText(LONG_MESSAGE)
    window.live.headline.setText(LONG_MESSAGE)
    window.live.drop_hint.setText(LONG_MESSAGE)
    window.data_panel.show_error(LONG_MESSAGE)
    window.gallery.clear(LONG_MESSAGE)
    window.edge_compare.clear(LONG_MESSAGE)
    window.hidden_view.clear(LONG_MESSAGE)
    window.frames_page.player.clear(LONG_MESSAGE)
    for page in every_page(window):
        assert window.minimumSizeHint().width() <= max(before, ROOM.width()), page


def test_a_first_start_opens_inside_the_screen(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(screen_fit, "available", lambda _widget=None: QRect(PROJECTOR))
    window = open_window(qtbot, tmp_path)
    assert PROJECTOR.contains(window.geometry()), window.geometry()
    assert window.width() >= 0.85 * ROOM.width()  # it uses the screen, it is not a small box in a corner
    window.close()


def test_a_geometry_saved_on_a_1920_screen_opens_inside_a_1280_screen(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path)
    window.setGeometry(QRect(400, 60, 1500, 900))  # as on a 1920x1080 screen
    window.close()  # saves its geometry in tmp_path's settings
    monkeypatch.setattr(screen_fit, "available", lambda _widget=None: QRect(PROJECTOR))
    again = open_window(qtbot, tmp_path)
    assert PROJECTOR.contains(again.geometry()), again.geometry()
    again.close()


def test_placed_shrinks_and_moves_a_rect_onto_the_screen():
    frame = screen_fit.FRAME_ALLOWANCE
    rect = screen_fit.placed(QRect(1900, 50, 1500, 900), PROJECTOR)
    assert rect.size() == ROOM
    outer = rect.adjusted(-frame.width() // 2, -(frame.height() - frame.width() // 2), frame.width() // 2,
                          frame.width() // 2)
    assert PROJECTOR.contains(outer), outer
    inside = QRect(100, 100, 600, 400)
    assert screen_fit.placed(inside, PROJECTOR) == inside  # a window that fits stays where the user put it


def test_first_size_takes_a_share_of_the_screen_within_a_cap():
    assert screen_fit.first_size(QRect(0, 0, 3840, 2100)) == screen_fit.FIRST_CAP
    small = screen_fit.first_size(PROJECTOR, QSize(1200, 600))
    assert fits_room(small) and small.width() >= 1200


def within_room(widget) -> bool:
    return fits_room(widget.frameGeometry().size())


def test_the_compare_dialog_fits_with_its_export_button_on_screen(window, qtbot, monkeypatch):
    monkeypatch.setattr(screen_fit, "available", lambda _widget=None: QRect(PROJECTOR))
    window.open_compare()
    dialog = window.gates.compare
    qtbot.waitExposed(dialog)
    assert PROJECTOR.contains(dialog.frameGeometry()), dialog.frameGeometry()
    export = dialog.view.export_button
    assert dialog.rect().contains(QRect(export.mapTo(dialog, export.rect().topLeft()), export.size()))
    dialog.close()


def test_a_long_error_message_keeps_its_box_on_screen(window, qtbot):
    window.dialogs.error("Could not read the data", "a line of the message\n" * 300, "what to do")
    box = window.findChild(QMessageBox, "error dialog")
    qtbot.waitExposed(box)
    assert within_room(box), box.frameGeometry()
    assert box.detailedText().count("a line of the message") == 300  # nothing lost: all of it under Details
    box.close()


def test_a_long_information_box_fits(window, qtbot):
    seen = []

    def look_and_close():
        box = QApplication.activeModalWidget()
        seen.append(box.frameGeometry().size())
        box.close()

    QTimer.singleShot(200, look_and_close)
    window.dialogs.information("Skipped files", "\n".join(f"/data/folder/file_{i}.png: not an image" for i in
                                                          range(400)))
    assert seen and fits_room(seen[0]), seen


def test_every_button_text_is_in_its_font_and_play_buttons_have_icons(window):
    """A glyph the font lacks shows as an empty box (⏸ in DejaVu Sans): buttons use the style's icons instead."""
    missing = []
    for button in window.findChildren(QAbstractButton):
        metrics = QFontMetrics(button.font())
        missing += [(button.text(), ch) for ch in button.text() if not metrics.inFontUcs4(ord(ch))]
    for action in window.actions_by_name.values():
        metrics = QFontMetrics(window.font())
        missing += [(action.text(), ch) for ch in action.text() if not metrics.inFontUcs4(ord(ch))]
    assert not missing, missing
    for player in (window.frames_page.player, window.gates.trajectories, window.video):
        assert not player.play_button.icon().isNull() and player.play_button.text() in ("Play", "Pause")


def test_the_confusion_matrix_uses_its_space_at_the_first_start_size(qtbot, tmp_path, monkeypatch):
    """On a 1280x720 screen (less a taskbar) the Results page of 10 classes has square cells of at least 28 px
    (readable counts) and its class table shows all 10 rows."""
    monkeypatch.setattr(screen_fit, "available", lambda _widget=None: QRect(PROJECTOR))
    window = open_window(qtbot, tmp_path)
    window.show_task("classify")
    window.tabs.setCurrentWidget(window.results)
    matrix = np.full((10, 10), 3) + np.eye(10, dtype=int) * 250
    window.confusion.set_matrix(matrix, [str(i) for i in range(10)])
    QApplication.processEvents()
    view = window.confusion
    cell = view.cell_center_in_viewport(0, 1) - view.cell_center_in_viewport(0, 0)
    cell_down = view.cell_center_in_viewport(1, 0) - view.cell_center_in_viewport(0, 0)
    assert cell.x() >= 28 and abs(cell_down.y() - cell.x()) <= 1, (cell, cell_down)  # square, readable
    assert all(text.isVisible() for text in view._texts)
    view.pages.setCurrentWidget(view.per_class)
    QApplication.processEvents()
    table = view.per_class
    assert table.rowCount() == 10
    last = table.rowViewportPosition(9) + table.rowHeight(9)
    assert 0 <= table.rowViewportPosition(0) and last <= table.viewport().height(), (last, table.viewport().height())
    window.close()


class FakePlayer(QObject):
    """Stands in for gui/video_worker.py's player: one 320x240 frame with its edges, as the worker sends it."""

    frameReady = Signal()

    def __init__(self):
        super().__init__()
        frame = np.zeros((240, 320, 3), np.uint8)
        frame[::16] = 255
        self.latest = (frame, np.linspace(0, 1, 240 * 320, dtype=np.float32).reshape(240, 320),
                       np.zeros((240, 320), np.float32), 0, 25.0)

    def take(self):
        return self.latest

    def set_canny(self, on: bool) -> None:
        pass  # the frames already carry a Canny map

    def stop(self) -> None:
        pass


def filled(view, key: str) -> bool:
    """The panel's frame is about as large as its box allows (the panels differ by a few px; the narrowest
    fits exactly), not a stamp in an empty box."""
    shown, box = view.images[key].sceneBoundingRect(), view.views[key]
    return shown.width() >= 0.9 * box.width() or shown.height() >= 0.9 * box.height()


def settle(qtbot):
    qtbot.wait(30)  # the refit runs once the layout has given every panel its size
    QApplication.processEvents()


def test_video_edges_frames_fill_their_panels_until_the_user_zooms(qtbot):
    view = VideoEdgesView(None, None)
    qtbot.addWidget(view)
    view.resize(900, 560)
    view.show()
    qtbot.waitExposed(view)
    player = view.worker = FakePlayer()
    player.frameReady.connect(view._on_frame)
    player.frameReady.emit()
    settle(qtbot)
    assert filled(view, "frame") and filled(view, "model")  # was 48x36 px in a large box
    view.show_canny.setChecked(True)
    player.frameReady.emit()
    settle(qtbot)
    assert all(filled(view, key) for key in ("frame", "model", "canny"))
    view.resize(1200, 700)
    settle(qtbot)
    assert filled(view, "frame")
    view.views["frame"].scaleBy((0.5, 0.5))  # the user zooms in: later resizes keep the zoom
    view.views["frame"].sigRangeChangedManually.emit([True, True])
    view.resize(1000, 640)
    settle(qtbot)
    assert view.images["frame"].sceneBoundingRect().width() > 1.2 * view.views["frame"].width()  # not refitted
    view.fit_button.click()
    settle(qtbot)
    assert filled(view, "frame")


def test_any_dialog_larger_than_the_screen_is_fitted_onto_it(window, qtbot, monkeypatch):
    """Dialogs added later (a shortcut list, a guide) are caught too: the window fits every dialog it shows."""
    monkeypatch.setattr(screen_fit, "available", lambda _widget=None: QRect(PROJECTOR))
    dialog = QDialog(window)
    dialog.resize(2400, 1400)
    dialog.show()
    qtbot.waitUntil(lambda: PROJECTOR.contains(dialog.frameGeometry()), timeout=2000)
    dialog.close()
