"""The Runs browser's table: one row per run folder, kept by path so a refresh changes only the rows that
changed (the selection and the scroll position stay), filtered by text, status and task, sorted by any column.

A row is a plain dict the window prepares (gui/run_library.py): path, status, name, task, cell, best_text /
best (number), test_text / test, epochs_text / epochs_done, date_text / started, tags, folder (its name). The
table knows nothing of run folders or tasks.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

# (header, the row's text key, the row's sort key, tooltip)
COLUMNS = (("status", "status", "status", "running, finished, stopped, failed or interrupted"),
           ("name", "name_text", "name_text", "the name you gave the run, else its folder's name"),
           ("task", "task", "task", ""), ("cell", "cell", "cell", ""),
           ("best", "best_text", "best", "the best validation figure and its epoch"),
           ("test", "test_text", "test", "the test figure of the best epoch's weights"),
           ("epochs", "epochs_text", "epochs_done", "epochs done / planned"),
           ("date", "date_text", "started", "when it started"))
NUMBER_KEYS = ("best", "test", "epochs_done", "started")
STATUS_COLOURS = {"running": "#2e7d32", "failed": "#c62828", "interrupted": "#b26a00", "stopped": "#555555"}
PathRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2


def sort_value(row: dict, key: str):
    """One type per column: numbers (none: -inf, first ascending) or lower-case text."""
    value = row.get(key)
    if key in NUMBER_KEYS:
        return float(value) if isinstance(value, (int, float)) else float("-inf")
    return str(value or "").lower()


class RunsModel(QAbstractTableModel):
    """The rows, kept sorted here (a Python sort of a thousand rows takes a millisecond; the proxy's own sort would
    ask data() twenty thousand times)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []
        self._where: dict[str, int] = {}  # path -> row
        self.sort_column, self.sort_order = -1, Qt.SortOrder.AscendingOrder

    def set_rows(self, rows: list[dict]) -> None:
        """Show `rows`: rows of paths no longer there go, changed ones change in place, new ones are added at the
        end (the proxy sorts them); a first fill is one reset."""
        if not self.rows:
            self.beginResetModel()
            self.rows = self._sorted(rows)
            self._reindex()
            self.endResetModel()
            return
        wanted = {row["path"]: row for row in rows}
        for index in reversed([i for i, row in enumerate(self.rows) if row["path"] not in wanted]):
            self.beginRemoveRows(QModelIndex(), index, index)
            del self.rows[index]
            self.endRemoveRows()
        self._reindex()
        for path, row in wanted.items():
            index = self._where.get(path)
            if index is not None and self.rows[index] != row:
                self.rows[index] = row
                self.dataChanged.emit(self.index(index, 0), self.index(index, len(COLUMNS) - 1))
        new = [row for path, row in wanted.items() if path not in self._where]
        if new:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(new) - 1)
            self.rows += new
            self._reindex()
            self.endInsertRows()
            self.sort(self.sort_column, self.sort_order)

    def _sorted(self, rows: list[dict]) -> list[dict]:
        if not 0 <= self.sort_column < len(COLUMNS):
            return list(rows)
        key = COLUMNS[self.sort_column][2]
        return sorted(rows, key=lambda row: sort_value(row, key),
                      reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column` (the selection follows its rows)."""
        self.sort_column, self.sort_order = column, order
        if not self.rows:
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [(self.rows[index.row()]["path"], index.column()) for index in before]
        self.rows = self._sorted(self.rows)
        self._reindex()
        self.changePersistentIndexList(before, [self.index(self._where[path], col) for path, col in kept])
        self.layoutChanged.emit()

    def _reindex(self) -> None:
        self._where = {row["path"]: i for i, row in enumerate(self.rows)}

    def row_of(self, path: str) -> dict | None:
        index = self._where.get(path)
        return self.rows[index] if index is not None else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section][3] or None
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, (_, text_key, sort_key, _) = self.rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(row.get(text_key, ""))
        if role == SortRole:
            return sort_value(row, sort_key)
        if role == PathRole:
            return row["path"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.get("tip") or row["path"]
        if role == Qt.ItemDataRole.ForegroundRole and text_key == "status":
            colour = STATUS_COLOURS.get(row.get("status", ""))
            return QBrush(QColor(colour)) if colour else None
        return None


class RunsFilter(QSortFilterProxyModel):
    """Rows whose status and task are the chosen ones ("" = any) and whose text holds every word typed, in the
    order of the model (which sorts itself)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.words: list[str] = []
        self.status = self.task = ""
        self.setSortRole(SortRole)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def set_filter(self, text: str, status: str = "", task: str = "") -> None:
        self.beginFilterChange()
        self.words, self.status, self.task = text.lower().split(), status, task
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        row = self.sourceModel().rows[source_row]
        if (self.status and row.get("status") != self.status) or (self.task and row.get("task") != self.task):
            return False
        text = row.get("search", "")
        return all(word in text for word in self.words)
