"""Help ▸ Keyboard shortcuts and Help ▸ Getting started.

The shortcuts are read from the window's actions (built from the one table in gui/window_actions.py), so a new
action with a shortcut is listed without a second list to keep. Getting started has one page per task, written
in the task's spec (TaskSpec.guide: what to load, what to press, what to watch), so a new task brings its own
page; a spec without one gets a page from its description and what it needs.

Both dialogs are window-modal, delete themselves when closed, and are fitted to the screen when shown (gui/
screen_fit.py does that for every dialog).
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QTextDocumentFragment
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QListWidget, QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from gui.window_actions import ACTIONS, MENUS

FIELD_NOTE = ("Shortcuts work anywhere in the window. In a field, Space pauses from a number field but types in a "
              "text field, and the first Esc leaves the field (a second one stops the training).")
GUIDE_HEAD = ("Choose the task in the Model panel (right), load its data in the Data panel (left; Demo loads the "
              "task's own built-in data), press Train. Each page says what to load, what to press and what to "
              "watch.")


def plain(text: str) -> str:
    """An action's text as a person reads it: no & marking its menu key, no …"""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def shortcut_rows(actions: dict) -> list[tuple[str, str, str]]:
    """(keys, where it is, what it does) of every action with a shortcut, in the table's order."""
    menus = {name: plain(title) for title, names in MENUS.items() for name in names if name}
    rows = []
    for name, action in actions.items():
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if not keys:
            continue
        where = f"{menus[name]} ▸ {plain(action.text())}" if name in menus else plain(action.text())
        # the table's tip: an action's tooltip may say for the moment why it is greyed out
        tip = ACTIONS[name][2] or plain(ACTIONS[name][0]) if name in ACTIONS else action.toolTip()
        rows.append((keys, where, tip))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, actions: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("keyboard shortcuts")
        self.setWindowTitle("Keyboard shortcuts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        rows = shortcut_rows(actions)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["keys", "action", "what it does"])
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        note = QLabel(FIELD_NOTE)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(_close_buttons(self))
        self.resize(900, 520)


class GuideDialog(QDialog):
    """One page per task (a list on the left), opened at `current`'s."""

    def __init__(self, specs, current: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("getting started")
        self.setWindowTitle("Getting started")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tasks = QListWidget()
        self.pages = QStackedWidget()
        self.names = []
        for spec in specs:
            self.tasks.addItem(spec.title)
            self.pages.addWidget(_page(spec))
            self.names.append(spec.name)
        self.tasks.setMaximumWidth(max(160, self.tasks.sizeHintForColumn(0) + 24))
        self.tasks.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.tasks.setCurrentRow(self.names.index(current) if current in self.names else 0)
        head = QLabel(GUIDE_HEAD)
        head.setWordWrap(True)
        body = QHBoxLayout()
        body.addWidget(self.tasks)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(body, 1)
        layout.addWidget(_close_buttons(self))
        self.resize(820, 480)

    def page_text(self, task: str) -> str:
        """The text of `task`'s page as it reads (without its markup)."""
        return QTextDocumentFragment.fromHtml(self.pages.widget(self.names.index(task)).text()).toPlainText()


def guide_parts(spec) -> tuple[str, str, str]:
    """(load, press, watch) of a task: its spec's guide, else made from what the spec says."""
    if spec.guide is not None:
        return spec.guide.load, spec.guide.press, spec.guide.watch
    return (spec.needs, "Press Train (F5); Space pauses, Esc stops and keeps the best model so far.",
            f"{spec.description} Training plots the {spec.label('val_' + spec.selection_metric)}.")


def _page(spec) -> QLabel:
    load, press, watch = (escape(part) for part in guide_parts(spec))
    label = QLabel(f"<h3>{escape(spec.title)}</h3><p>{escape(spec.description)}</p>"
                   f"<p><b>1. Load</b> &nbsp;{load}</p><p><b>2. Press</b> &nbsp;{press}</p>"
                   f"<p><b>3. Watch</b> &nbsp;{watch}</p>")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _close_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    return buttons
