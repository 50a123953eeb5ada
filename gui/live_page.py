"""Which Live modes the loaded model can do (its declared capabilities, engine/tasks/spec.py CAPABILITIES), and
keeping the Live tab to them as the model changes. Torch-free: it reads the predictor's declarations only."""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from gui.run import capabilities
from gui.views.live_modes import NO_MODEL

# a capability -> the Live mode that tries it (gui/views/live_modes.py MODES)
MODE_OF_CAPABILITY = (("classify_image", "draw"), ("live_map", "video"))


def live_modes(predictor) -> tuple[str, ...]:
    """The Live modes of `predictor`, in MODES order of preference; none for no model."""
    can = capabilities(predictor)
    return tuple(mode for capability, mode in MODE_OF_CAPABILITY if capability in can)


def no_mode_message(predictor) -> str:
    """What the Live tab says when it has no mode for `predictor`."""
    if predictor is None:
        return NO_MODEL
    task = str(predictor.payload.get("config", {}).get("task", "this"))
    return (f"The Live tab has nothing to try for a {task} model yet: its Results page shows what it does on "
            f"the test split. Train or load a classifier (draw digits) or an edge model (video edges) to try "
            f"one here.")


class LivePage(QObject):
    """Keeps the Live tab (gui/views/live_modes.py LiveTab) to the modes of the session's model."""

    def __init__(self, session, live_tab, parent=None):
        super().__init__(parent)
        self.live_tab = live_tab
        session.modelChanged.connect(self.on_model)

    @Slot(object)
    def on_model(self, predictor) -> None:
        self.live_tab.set_available(live_modes(predictor), no_mode_message(predictor))
