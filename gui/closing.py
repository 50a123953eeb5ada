"""Closing the main window cleanly: every piece of work is told to end, the window goes at once, and the
program ends only once the last worker thread has finished (never destroying a running QThread).

1. cancel everything: loads, the training run (aborted), rollouts, exports, video decoding, comparisons,
   trajectories; nothing new may start;
2. wait for the threads briefly (CLOSE_WAIT_MS, the GUI thread blocked: nothing else needs it now);
3. when all have ended, remove the run folders and emit `finished`; otherwise keep the event loop going and do
   so when the last thread ends. The run folders go only then: a run still ending writes into its folder.

A second close (or Ctrl+Q) while waiting changes nothing. gui/app.py quits the application on `finished`.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog

from gui.threads import ThreadKeeper, when_idle

CLOSE_WAIT_MS = 2000


class WindowCloser(QObject):
    finished = Signal()  # every thread of the window has ended and the run folders are gone

    def __init__(self, window, session, stop_first: list, parent=None):
        """`window`: whose threads and dialogs end with it (found as its children); `session`: loads and the
        run, stopped first; `stop_first`: shutdown(timeout_ms) callables of the parts that start work (the
        video view, the pages, the Inside tab), each told to end at once."""
        super().__init__(parent or window)
        self.window, self.session, self.stop_first = window, session, list(stop_first)
        self.started = False
        self.done = False
        self._timer = None

    def keepers(self) -> list[ThreadKeeper]:
        """Every ThreadKeeper inside the window: the session's, the pages', the views', the dialogs'."""
        return self.window.findChildren(ThreadKeeper)

    def close(self, wait_ms: int | None = None) -> bool:
        """The first call cancels everything and waits up to `wait_ms` (CLOSE_WAIT_MS); later calls only say
        how it stands. True once every thread has ended and the run folders are removed."""
        if self.started:
            return self.done
        self.started = True
        self.cancel_everything()
        keepers = self.keepers()
        deadline = time.monotonic() + (CLOSE_WAIT_MS if wait_ms is None else wait_ms) / 1000
        for keeper in keepers:  # one deadline for all of them
            keeper.join(max(0, int((deadline - time.monotonic()) * 1000)))
        self._timer = when_idle(keepers, self._finish, self)
        return self.done

    def cancel_everything(self) -> None:
        self.session.begin_shutdown()  # first: events still queued from the run are ignored from now on
        for shutdown in self.stop_first:
            shutdown(0)
        for keeper in self.keepers():  # anything else that keeps threads
            keeper.close()
        for dialog in self.window.findChildren(QDialog):  # error boxes, Compare cells: they go with the window
            if dialog.isVisible():
                dialog.close()

    def _finish(self) -> None:
        self.done = True
        self.finished.emit()
