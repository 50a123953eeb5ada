"""Help ▸ Keyboard shortcuts lists every action with a shortcut, read from the window's action table; Help ▸
Getting started has a page per task written in the task's spec (the sixth task, registered from outside the
project, brings its own); both fit a 1280x720 screen."""
from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from engine.tasks import registry
from gui import screen_fit
from gui.help_dialogs import GuideDialog, shortcut_rows
from gui.window_actions import ACTIONS
from tests.sixth_task import install
from window_helpers import open_window

parity = install.parity  # the sixth task, registered for a test's duration


def opened(window, qtbot, action: str, name: str) -> QDialog:
    window.actions_by_name[action].trigger()
    dialog = window.findChild(QDialog, name)
    qtbot.waitExposed(dialog)
    return dialog


def cells(dialog) -> list[tuple[str, str, str]]:
    table = dialog.table
    return [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]


def test_keyboard_shortcuts_are_every_shortcut_of_the_action_table(window, qtbot, monkeypatch):
    monkeypatch.setattr(screen_fit, "available", lambda _widget=None: QRect(screen_fit.PROJECTOR))
    dialog = opened(window, qtbot, "shortcuts", "keyboard shortcuts")
    rows = cells(dialog)
    assert len(rows) == sum(1 for _text, keys, _tip in ACTIONS.values() if keys and not QKeySequence(keys).isEmpty())
    by_keys = {keys: (where, tip) for keys, where, tip in rows}
    assert by_keys["F5"][0] == "Train ▸ Train" and by_keys["Space"][0] == "Train ▸ Pause"
    assert "leaves the field" in by_keys["Esc"][1]  # the tooltip, where the field rule is told
    assert by_keys["Ctrl+/"][0] == "Help ▸ Keyboard shortcuts"
    assert by_keys["Ctrl+Q"][0] == "File ▸ Quit"  # on every desktop (the standard Quit key is none on some)
    assert screen_fit.PROJECTOR.contains(dialog.frameGeometry()), dialog.frameGeometry()
    dialog.close()


def test_an_action_given_a_shortcut_is_listed_without_a_second_list(window):
    actions = dict(window.actions_by_name)
    extra = QAction("Zoom the gallery", window)
    extra.setShortcut(QKeySequence("Ctrl+G"))
    actions["zoom"] = extra
    assert ("Ctrl+G", "Zoom the gallery", "Zoom the gallery") in shortcut_rows(actions)


def test_getting_started_opens_at_the_chosen_task_with_a_page_for_every_task(window, qtbot, monkeypatch):
    monkeypatch.setattr(screen_fit, "available", lambda _widget=None: QRect(screen_fit.PROJECTOR))
    window.model_panel.set_task("segment")
    dialog = opened(window, qtbot, "guide", "getting started")
    assert dialog.names == registry.names()
    row = dialog.tasks.currentRow()
    assert dialog.names[row] == "segment" and dialog.pages.currentIndex() == row
    for spec in registry.specs():
        text = dialog.page_text(spec.name)
        assert spec.guide is not None, f"{spec.name} has no Getting started page"
        for part in (spec.guide.load, spec.guide.press, spec.guide.watch):
            assert part in text
        assert "1. Load" in text and "2. Press" in text and "3. Watch" in text
    assert screen_fit.PROJECTOR.contains(dialog.frameGeometry()), dialog.frameGeometry()
    dialog.tasks.setCurrentRow(0)
    assert dialog.pages.currentIndex() == 0
    dialog.close()


def test_a_task_from_outside_the_project_brings_its_own_page(parity, qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    try:
        window.model_panel.set_task(parity.name)
        dialog = opened(window, qtbot, "guide", "getting started")
        assert dialog.names[dialog.tasks.currentRow()] == parity.name
        assert "even or odd" in dialog.page_text(parity.name)
        dialog.close()
    finally:
        window.close()


def test_a_spec_without_a_guide_gets_a_page_from_what_it_says(qtbot):
    from dataclasses import replace

    plain = replace(registry.spec("edges"), name="plain", guide=None)
    dialog = GuideDialog([plain])
    qtbot.addWidget(dialog)
    text = dialog.page_text("plain")
    assert plain.needs.split(":")[0] in text and "Train (F5)" in text and "validation F-measure" in text
