"""Space and Esc while a field of the window has the keyboard: what the user means, not what Qt does by default.

- Space in a number field (a spin box) pauses or resumes the training: a number has no spaces, and Qt's spin box
  took the key and did nothing with it. In a text field (a line of text, an editable list) Space types a space.
- Esc in a text or number field leaves the field (the keyboard goes back to the window) and never stops the
  training: people press Esc to get out of a field, and stopping a run is not undone. A second Esc stops.

The Pause and Stop actions' tooltips (gui/window_actions.py) say so. One application event filter does it for
every field of the window, present and future.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

TEXT_FIELDS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)


def text_field(widget) -> QWidget | None:
    """The field `widget` is (a spin box for its own line of text), or None when it takes no typing."""
    if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
        widget = widget.parent()
    if isinstance(widget, TEXT_FIELDS) or (isinstance(widget, QComboBox) and widget.isEditable()):
        return widget
    return None


class FieldKeys(QObject):
    """Installed on the application for `window`'s fields; a child of the window, removed with it."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if event.modifiers() != Qt.KeyboardModifier.NoModifier:
            return False
        field = text_field(watched)
        if field is None or field.window() is not self.window:
            return False
        key = event.key()
        if kind == QEvent.Type.ShortcutOverride:
            if key == Qt.Key.Key_Space and isinstance(field, QAbstractSpinBox):
                event.ignore()  # not the field's: the window's shortcut (Pause) takes it
                return True
            if key == Qt.Key.Key_Escape:
                event.accept()  # the field's: Stop does not fire, the key press comes to the field
                return True
        elif key == Qt.Key.Key_Escape:
            field.clearFocus()
            self.window.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return False
