"""Python's garbage collection for the window: in the GUI thread only, and short.

Left to itself, Python's cycle collector runs in whichever thread happens to allocate (the training thread, a
loader) and may delete the GUI thread's Qt objects there, which crashes Qt; so automatic collection is off and
this collector runs on a timer in the GUI thread (as pyqtgraph's GarbageCollector does). A full collection of a
process that has imported torch walks some 230,000 objects: 60-130 ms during which the window cannot paint. Once
the start-up import has ended, everything alive is moved out of the collector's sight (gc.freeze): later full
collections look only at what the session made since, and take a few milliseconds.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500


class GuiGarbageCollector(QObject):
    def __init__(self, ready, parent=None):
        """`ready()`: whether the start-up imports have ended (then the live objects are frozen, once)."""
        super().__init__(parent)
        self.ready = ready
        self.frozen = False
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(INTERVAL_MS)

    @Slot()
    def check(self) -> None:
        if not self.frozen and self.ready():
            gc.collect()
            gc.freeze()
            self.frozen = True
            return
        counts = gc.get_count()
        for generation in (2, 1, 0):  # the oldest generation due, which collects the younger ones too
            if all(counts[g] > self.thresholds[g] for g in range(generation + 1)):
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Back to Python's own collection (the window is gone)."""
        self.timer.stop()
        gc.enable()
