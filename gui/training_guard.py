"""Asking before something ends a running training: quitting (Ctrl+Q, the window's close button) and loading
data, a model or a config over it. "Keep training" is the default answer (Enter and Esc give it), so a key
pressed by mistake never costs a run.

Quitting aborts the run (gui/closing.py); a load asks the run to stop, which keeps its best model so far, and
then loads: data and configs at once (the run holds its own copy of the data), a model only once the run has
ended (the run's own model would otherwise replace it when it finishes).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot

BUSY = ("running", "paused", "stopping")  # session states in which a training still holds the engine


def may_quit(session, dialogs) -> bool:
    """True when nothing trains, or the user chose to end the run and quit."""
    if session.state not in BUSY:
        return True
    return dialogs.stop_training_first(session.state, "quit", "Quitting ends the run now; what it has learned so "
                                                              "far is not kept.")


def stopped_for(session, dialogs, doing: str, detail: str = "") -> bool:
    """True when nothing trains, or the user agreed to stop the run first (it is told to stop and ends in the
    background: its test of the best weights, then its checkpoint)."""
    if session.state not in BUSY:
        return True
    if not dialogs.stop_training_first(session.state, doing, detail or "Stopping keeps the best model so far."):
        return False
    session.stop()
    return True


class AfterRun(QObject):
    """Runs an action once the session is idle: at once when it is, else when the training has ended. A newer
    action replaces one still waiting (the last thing the user asked for wins)."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.waiting = None
        session.stateChanged.connect(self._state)

    def run(self, action) -> None:
        if self.session.state == "idle":
            self.waiting = None
            action()
        else:
            self.waiting = action

    @Slot(str)
    def _state(self, state: str) -> None:
        if state == "idle" and self.waiting is not None:
            action, self.waiting = self.waiting, None
            action()
