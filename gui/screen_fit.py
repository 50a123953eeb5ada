"""Windows and dialogs sized to the screen they open on, so everything fits a 1280x720 projector.

A window's first size is a share of its screen's available geometry (capped, so a large screen does not get a
huge window); a restored or requested geometry larger than the screen is shrunk to it and moved onto it (a
geometry saved on a 1920 px screen must not open off a 1280 px one). Sizes here are of the client area; a window
manager adds its frame around it, FRAME_ALLOWANCE is kept free for that before the window shows (once shown, the
real frame counts).
"""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, QSize, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

FRAME_ALLOWANCE = QSize(16, 40)  # a title bar and borders, before the window manager says how large they are
PROJECTOR = QRect(0, 0, 1280, 680)  # a 1280x720 screen less a 40 px taskbar: what every window must fit
FIRST_SHARE = 0.9  # of the available width and height, on first start
FIRST_CAP = QSize(1500, 900)
FIRST_AT_LEAST = QSize(1264, 640)  # on a screen about 1280x720 (a projector) the window takes all the room


def available(widget: QWidget | None = None) -> QRect:
    """The available geometry (without taskbars) of the screen `widget` is on, else of the primary screen."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(PROJECTOR)


def frame_margins(widget: QWidget) -> QSize:
    """How much the window manager's frame adds to `widget`: measured once shown, FRAME_ALLOWANCE before."""
    if widget.isVisible():
        frame, inner = widget.frameGeometry().size(), widget.geometry().size()
        return QSize(max(frame.width() - inner.width(), 0), max(frame.height() - inner.height(), 0))
    return QSize(FRAME_ALLOWANCE)


def first_size(area: QRect, minimum: QSize | None = None) -> QSize:
    """A first window size on a screen whose available geometry is `area`: FIRST_SHARE of it, at most FIRST_CAP,
    at least FIRST_AT_LEAST and `minimum` (the window's minimum), never more than the area less a frame."""
    room, minimum = _room(area), (minimum or QSize(0, 0)).expandedTo(FIRST_AT_LEAST)
    width = min(round(area.width() * FIRST_SHARE), FIRST_CAP.width())
    height = min(round(area.height() * FIRST_SHARE), FIRST_CAP.height())
    return QSize(min(max(width, minimum.width()), room.width()), min(max(height, minimum.height()), room.height()))


def placed(rect: QRect, area: QRect, frame: QSize = FRAME_ALLOWANCE) -> QRect:
    """`rect` (a client geometry) shrunk to fit `area` with its frame, and moved so that all of it is inside;
    a rect already inside is returned unchanged."""
    room = _room(area, frame)
    size = QSize(min(rect.width(), room.width()), min(rect.height(), room.height()))
    left_frame, top_frame = frame.width() // 2, frame.height() - frame.width() // 2  # title bar on top
    x = min(max(rect.x(), area.left() + left_frame), area.left() + left_frame + room.width() - size.width())
    y = min(max(rect.y(), area.top() + top_frame), area.top() + top_frame + room.height() - size.height())
    return QRect(x, y, size.width(), size.height())


def centred(size: QSize, area: QRect, frame: QSize = FRAME_ALLOWANCE) -> QRect:
    """A client rect of `size` in the middle of `area` (shrunk to it when larger)."""
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(area.center())
    return placed(rect, area, frame)


def fit_to_screen(widget: QWidget, area: QRect | None = None) -> None:
    """Shrink `widget` (a window or dialog) to its screen's available geometry and move all of it onto that
    screen. Call it before show() and after any resize; a widget that fits is left where it is."""
    area = area if area is not None else available(widget)
    frame = frame_margins(widget)
    room = _room(area, frame)
    # a minimum larger than the screen would undo the shrink: the content scrolls instead (the caller's layout)
    minimum = widget.minimumSize()
    if minimum.width() > room.width() or minimum.height() > room.height():
        widget.setMinimumSize(min(minimum.width(), room.width()), min(minimum.height(), room.height()))
    target = placed(widget.geometry(), area, frame)
    if target != widget.geometry():
        widget.setGeometry(target)


def fits(widget: QWidget, area: QRect = PROJECTOR) -> bool:
    """Whether `widget`'s frame geometry lies inside `area` (PROJECTOR: the 1280x720 screen the app must fit)."""
    return area.contains(widget.frameGeometry())


class DialogsOnScreen(QObject):
    """Every dialog the application shows (message boxes, Compare cells, file pickers, those added later) is fitted
    onto its screen once it has its size: an event filter on the application, watching Show events."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog):
            fit_to_screen(watched)  # placed and sized already: fitted before it is first drawn
            # and again after the dialog's own showEvent, which may size it (QMessageBox fixes its size there)
            QTimer.singleShot(0, self, lambda: shiboken6.isValid(watched) and fit_to_screen(watched))
        return False


def _room(area: QRect, frame: QSize = FRAME_ALLOWANCE) -> QSize:
    return QSize(max(area.width() - frame.width(), 1), max(area.height() - frame.height(), 1))
