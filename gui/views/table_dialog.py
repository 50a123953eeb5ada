"""Export table: which table, CSV or markdown, the text itself to look at, and Copy (to the clipboard) or Save…."""
from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from gui.views.table_text import FORMATS, Table, text


class TableDialog(QtWidgets.QDialog):
    copied = QtCore.Signal(str, str)  # table name, format: the text is on the clipboard
    saveRequested = QtCore.Signal(str, str)  # table name, format

    def __init__(self, tables: dict[str, Callable[[], Table]], chosen: str = "", kind: str = "markdown",
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export table")
        self.tables = tables
        self.table = QtWidgets.QComboBox()
        self.table.addItems(list(tables))
        if chosen in tables:
            self.table.setCurrentText(chosen)
        self.kinds = {key: QtWidgets.QRadioButton(name) for key, name in FORMATS.items()}
        self.kinds.get(kind, self.kinds["markdown"]).setChecked(True)
        self.preview = QtWidgets.QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QtWidgets.QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.copy_button = QtWidgets.QPushButton("Copy")
        self.copy_button.setToolTip("Put the text on the clipboard (paste it into a document or a spreadsheet)")
        self.save_button = QtWidgets.QPushButton("Save…")
        close = QtWidgets.QPushButton("Close")
        self._build(close)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(lambda: self.saveRequested.emit(self.chosen(), self.kind()))
        close.clicked.connect(self.reject)
        self.table.currentTextChanged.connect(self.refresh)
        for button in self.kinds.values():
            button.toggled.connect(self.refresh)
        self.resize(720, 420)  # fits a 1280 x 720 screen with room around it
        self.refresh()

    def _build(self, close: QtWidgets.QPushButton) -> None:
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("Table:"))
        top.addWidget(self.table, 1)
        for button in self.kinds.values():
            top.addWidget(button)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.copy_button, self.save_button, close):
            buttons.addWidget(button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)

    def chosen(self) -> str:
        return self.table.currentText()

    def kind(self) -> str:
        return next(key for key, button in self.kinds.items() if button.isChecked())

    def current_text(self) -> str:
        return text(self.tables[self.chosen()](), self.kind()) if self.chosen() else ""

    @QtCore.Slot()
    def refresh(self) -> None:
        self.preview.setPlainText(self.current_text())

    @QtCore.Slot()
    def copy(self) -> None:
        QtWidgets.QApplication.clipboard().setText(self.current_text())
        self.copied.emit(self.chosen(), self.kind())
