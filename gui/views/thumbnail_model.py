"""The list model under the result galleries: rows in a chosen order, thumbnails made on demand and cached."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QPixmap


class ThumbnailListModel(QAbstractListModel):
    """Row r shows item order[r]: caption(i) as its text, make_thumbnail(i) as its picture (made when first asked
    for; the least recently used are dropped past CACHE_LIMIT). Subclasses answer other roles in role_data."""

    OriginalIndexRole = Qt.ItemDataRole.UserRole + 1
    CACHE_LIMIT = 2000

    def __init__(self, parent=None):
        super().__init__(parent)
        self.order = np.zeros(0, np.int64)
        self._cache: OrderedDict[int, QPixmap] = OrderedDict()

    def caption(self, i: int) -> str:
        raise NotImplementedError

    def make_thumbnail(self, i: int) -> QPixmap:
        raise NotImplementedError

    def role_data(self, i: int, role):
        return None

    def thumbnail(self, i: int) -> QPixmap:
        pix = self._cache.get(i)
        if pix is not None:
            self._cache.move_to_end(i)
            return pix
        pix = self.make_thumbnail(i)
        self._cache[i] = pix
        if len(self._cache) > self.CACHE_LIMIT:
            self._cache.popitem(last=False)
        return pix

    def redraw_thumbnails(self) -> None:
        """Drop every cached thumbnail and have the views ask again (new size or colours)."""
        self._cache.clear()
        if len(self.order):
            self.dataChanged.emit(self.index(0), self.index(len(self.order) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.order)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.order):
            return None
        i = int(self.order[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            return self.caption(i)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnail(i)
        if role == self.OriginalIndexRole:
            return i
        return self.role_data(i, role)
