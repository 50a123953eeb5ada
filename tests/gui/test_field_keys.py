"""Space and Esc while a field has the keyboard (gui/field_keys.py): Space in a number field pauses (a number has
no spaces), in a text field it types; Esc in a field leaves the field and never stops the run, a second Esc
stops it. Keys are pressed as a user presses them (through Qt's shortcut handling)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from test_training_questions import start_long_run


def test_space_in_a_number_field_pauses_and_esc_leaves_the_field_before_stopping(window, qtbot):
    start_long_run(window, qtbot)
    window.tabs.setCurrentWidget(window.gates.inside)
    spin = window.hidden_view.probe_spin
    assert spin.isEnabled() and spin.isVisible()
    spin.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is spin, timeout=2000)
    value = spin.value()

    qtbot.keyClick(spin, Qt.Key.Key_Space)
    assert window.session.state == "paused" and spin.value() == value and spin.hasFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Space)
    assert window.session.state == "running"

    qtbot.keyClick(spin, Qt.Key.Key_Escape)
    assert window.session.state == "running" and not spin.hasFocus()  # out of the field, the run goes on
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert window.session.state == "stopping"
    qtbot.waitUntil(lambda: window.session.state == "idle", timeout=60_000)


def test_a_text_field_types_space_and_esc_only_leaves_it(window, qtbot):
    start_long_run(window, qtbot)
    field = QLineEdit()  # any text field of the window: a note, a name, a search box
    window.statusBar().addWidget(field)
    field.show()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=2000)
    qtbot.keyClicks(field, "a b")
    assert field.text() == "a b" and window.session.state == "running"  # Space typed, no pause
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert window.session.state == "running" and not field.hasFocus() and field.text() == "a b"


def test_the_tooltips_say_so():
    from gui.window_actions import ACTIONS

    assert "number field" in ACTIONS["pause"][2] and "text field types" in ACTIONS["pause"][2]
    assert "leaves the field" in ACTIONS["stop"][2]
