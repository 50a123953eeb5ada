"""The Runs browser: every run of the runs folder in a table (gui/views/runs_table.py) with a text filter, a
status and a task filter, sorting by any column, and the buttons that act on the selected runs (open, resume,
compare, rename, tag, delete, undo). It emits what the user asked for; the window does it (gui/run_library.py).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QPushButton, QSizePolicy, QTableView, QVBoxLayout, QWidget)

from gui.views.runs_table import PathRole, RunsFilter, RunsModel

STATUSES = ("running", "finished", "stopped", "failed", "interrupted")
RESUMABLE = ("stopped", "failed", "interrupted")
WIDTHS = (78, 150, 70, 56, 120, 70, 56, 112)  # px per column; the user may drag them
DATE_COLUMN = 7


class RunsBrowser(QWidget):
    openRequested = Signal(str)  # a run folder
    resumeRequested = Signal(str)
    compareRequested = Signal(list)  # run folders
    renameRequested = Signal(str)
    tagsRequested = Signal(str)
    deleteRequested = Signal(list)
    undoRequested = Signal()
    folderRequested = Signal()  # choose another runs folder
    shown = Signal()  # the browser came into view (its dock raised): time to look at the folder again

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = RunsModel(self)
        self.proxy = RunsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.folder_label = QLabel()
        self.folder_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.folder_button = QPushButton("Runs folder…")
        self.folder_button.setToolTip("Choose the folder the window keeps its runs in (and lists here)")
        self.text = QLineEdit()
        self.text.setPlaceholderText("Filter: name, task, cell, tag…")
        self.text.setClearButtonEnabled(True)
        self.status_combo, self.task_combo = QComboBox(), QComboBox()
        self.status_combo.addItem("any status", "")
        for status in STATUSES:
            self.status_combo.addItem(status, status)
        self.task_combo.addItem("any task", "")
        self.table = self._make_table()
        self.count_label = QLabel()
        self.message = QLabel()  # what was just done (deleted, renamed) or refused
        self.message.setWordWrap(True)
        self.buttons = {name: QPushButton(text) for name, text in (
            ("open", "Open"), ("resume", "Resume"), ("compare", "Compare"), ("rename", "Rename…"),
            ("tags", "Tags…"), ("delete", "Delete"), ("undo", "Undo delete"))}
        self._lay_out()
        self._connect()
        self.update_buttons()

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSortingEnabled(True)
        table.sortByColumn(DATE_COLUMN, Qt.SortOrder.DescendingOrder)  # newest first
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(WIDTHS):
            table.setColumnWidth(column, width)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        return table

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(self.folder_label, 1)
        top.addWidget(self.folder_button)
        layout.addLayout(top)
        layout.addWidget(self.text)
        filters = QHBoxLayout()
        filters.addWidget(self.status_combo, 1)
        filters.addWidget(self.task_combo, 1)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        grid = QGridLayout()  # three rows of two: the dock beside the tabs is narrow (1280 px screens)
        for i, name in enumerate(("open", "resume", "compare", "delete", "rename", "tags")):
            grid.addWidget(self.buttons[name], i // 2, i % 2)
        layout.addLayout(grid)
        layout.addWidget(self.buttons["undo"])
        layout.addWidget(self.message)
        tips = {"open": "Show the run in the window: its curves, Inside, Results; its model for Live and Evaluate "
                        "(double-click, Enter)",
                "resume": "Train a stopped, failed or interrupted run on from its last epoch (a finished one: "
                          "extend it by more epochs)",
                "compare": "Overlay the selected runs' curves and tabulate the settings that differ",
                "rename": "Give the run a name", "tags": "Tag the run (comma-separated words)",
                "delete": "Move the selected runs to the runs folder's .trash (Undo brings them back; Del)",
                "undo": "Bring back the runs deleted last"}
        for name, tip in tips.items():
            self.buttons[name].setToolTip(tip)

    def _connect(self) -> None:
        self.text.textChanged.connect(self._filter)
        self.status_combo.currentIndexChanged.connect(self._filter)
        self.task_combo.currentIndexChanged.connect(self._filter)
        self.table.selectionModel().selectionChanged.connect(self.update_buttons)
        self.table.doubleClicked.connect(lambda _index: self._emit_one(self.openRequested))
        self.table.customContextMenuRequested.connect(self._menu)
        b = self.buttons
        b["open"].clicked.connect(lambda: self._emit_one(self.openRequested))
        b["resume"].clicked.connect(lambda: self._emit_one(self.resumeRequested))
        b["rename"].clicked.connect(lambda: self._emit_one(self.renameRequested))
        b["tags"].clicked.connect(lambda: self._emit_one(self.tagsRequested))
        b["compare"].clicked.connect(lambda: self.compareRequested.emit(self.selected()))
        b["delete"].clicked.connect(lambda: self.deleteRequested.emit(self.selected()))
        b["undo"].clicked.connect(self.undoRequested)
        self.folder_button.clicked.connect(self.folderRequested)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, b["delete"].click,
                  context=Qt.ShortcutContext.WidgetShortcut)  # click() does nothing while the button is disabled
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, lambda: self._emit_one(self.openRequested),
                      context=Qt.ShortcutContext.WidgetShortcut)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.shown.emit()

    # ---- what the window fills in ----
    def set_folder(self, path: str) -> None:
        self.folder_label.setText(f"Runs in {path}")
        self.folder_label.setToolTip(path)

    def set_rows(self, rows: list[dict]) -> None:
        self.model.set_rows(rows)
        tasks = sorted({row["task"] for row in self.model.rows if row.get("task")})
        chosen = self.task_combo.currentData()
        if tasks != [self.task_combo.itemData(i) for i in range(1, self.task_combo.count())]:
            blocked = self.task_combo.blockSignals(True)
            self.task_combo.clear()
            self.task_combo.addItem("any task", "")
            for task in tasks:
                self.task_combo.addItem(task, task)
            self.task_combo.setCurrentIndex(max(0, self.task_combo.findData(chosen)))
            self.task_combo.blockSignals(blocked)
        self._count()
        self.update_buttons()

    def say(self, text: str) -> None:
        self.message.setText(text)

    def set_undo(self, text: str) -> None:
        """Offer Undo for what `text` names ("" hides it)."""
        self.buttons["undo"].setVisible(bool(text))
        self.buttons["undo"].setToolTip(text or "Bring back the runs deleted last")

    # ---- selection ----
    def selected(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.proxy.index(row, 0).data(PathRole) for row in rows]

    def select(self, paths: list[str]) -> None:
        """Select the rows of `paths` (those shown)."""
        self.table.clearSelection()
        flags = self.table.selectionModel().SelectionFlag
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(PathRole) in paths:
                self.table.selectionModel().select(self.proxy.index(row, 0), flags.Select | flags.Rows)

    def shown_paths(self) -> list[str]:
        """The paths of the rows shown, in their order."""
        return [self.proxy.index(row, 0).data(PathRole) for row in range(self.proxy.rowCount())]

    def update_buttons(self, *_args) -> None:
        paths = self.selected()
        rows = [self.model.row_of(p) or {} for p in paths]
        one = rows[0] if len(rows) == 1 else None
        running = any(r.get("status") == "running" for r in rows)
        b = self.buttons
        b["open"].setEnabled(one is not None)
        b["resume"].setEnabled(one is not None and one.get("status") in (*RESUMABLE, "finished"))
        b["resume"].setText("Extend…" if one is not None and one.get("status") == "finished" else "Resume")
        b["compare"].setEnabled(len(rows) >= 2)
        b["rename"].setEnabled(one is not None and not running)
        b["tags"].setEnabled(one is not None and not running)
        b["delete"].setEnabled(bool(rows) and not running)
        b["delete"].setToolTip("A run being trained cannot be deleted: stop it first" if running else
                               "Move the selected runs to the runs folder's .trash (Undo brings them back; Del)")

    def _emit_one(self, signal) -> None:
        paths = self.selected()
        if len(paths) == 1:
            signal.emit(paths[0])

    def _filter(self, *_args) -> None:
        self.proxy.set_filter(self.text.text(), self.status_combo.currentData() or "",
                              self.task_combo.currentData() or "")
        self._count()

    def _count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        self.count_label.setText(f"{total:,} runs" + (f" ({shown:,} shown)" if shown != total else ""))

    def _menu(self, position) -> None:
        menu = QMenu(self)
        for name in ("open", "resume", "compare", "rename", "tags", "delete"):
            button = self.buttons[name]
            action = menu.addAction(button.text(), button.click)
            action.setEnabled(button.isEnabled())
        menu.exec(self.table.viewport().mapToGlobal(position))
