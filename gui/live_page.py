"""Which Live modes the loaded model can do (its declared capabilities, engine/tasks/spec.py CAPABILITIES), and
keeping the Live tab to them as the model changes; the modes beyond drawing and video edges are built here,
each view (gui/views/) with the control that runs its model (gui/live_controls.py, gui/live_masks.py).
Torch-free: it reads the predictor's declarations only."""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from gui.live_controls import ClipControl, PhotoEdgesControl, RolloutControl
from gui.live_masks import MasksControl
from gui.run import capabilities
from gui.views.clip_probabilities import ClipProbabilitiesView
from gui.views.live_masks import LiveMasksView
from gui.views.live_modes import NO_MODEL, TITLES
from gui.views.live_rollout import LiveRolloutView
from gui.views.photo_edges import PhotoEdgesView

# a capability -> the Live mode that tries it (gui/views/live_modes.py MODES)
MODE_OF_CAPABILITY = (("classify_image", "draw"), ("live_map", "video"), ("edge_maps", "photo"), ("masks", "masks"),
                      ("rollout", "rollout"), ("classify_clip", "clip"))
# the modes built here: name -> (view, the control that runs the model for it)
BUILT_HERE = {"photo": (PhotoEdgesView, PhotoEdgesControl), "masks": (LiveMasksView, MasksControl),
              "rollout": (LiveRolloutView, RolloutControl), "clip": (ClipProbabilitiesView, ClipControl)}


def live_modes(predictor) -> tuple[str, ...]:
    """The Live modes of `predictor`, in MODES order of preference; none for no model."""
    can = capabilities(predictor)
    return tuple(mode for capability, mode in MODE_OF_CAPABILITY if capability in can)


def live_mode_titles(predictor) -> str:
    """The Live modes of `predictor` as a person reads them: "Photo edges or Video edges"; "" for none."""
    return " or ".join(TITLES[mode] for mode in live_modes(predictor))


def no_mode_message(predictor) -> str:
    """What the Live tab says when it has no mode for `predictor`."""
    if predictor is None:
        return NO_MODEL
    task = str(predictor.payload.get("config", {}).get("task", "this"))
    return (f"The Live tab has nothing to try for a {task} model yet: its Results page shows what it does on "
            f"the test split. Classifiers, edge, segmentation, frame-prediction and clip models can be tried here.")


class LivePage(QObject):
    """Keeps the Live tab (gui/views/live_modes.py LiveTab) to the modes of the session's model, and builds the
    modes of BUILT_HERE into it."""

    def __init__(self, session, live_tab, parent=None):
        super().__init__(parent)
        self.live_tab = live_tab
        self.views, self.controls = {}, {}
        for mode, (make_view, make_control) in BUILT_HERE.items():
            self.views[mode] = make_view()
            live_tab.add_page(mode, self.views[mode])
            self.controls[mode] = make_control(session, self.views[mode], self)
        session.modelChanged.connect(self.on_model)

    @Slot(object)
    def on_model(self, predictor) -> None:
        self.live_tab.set_available(live_modes(predictor), no_mode_message(predictor))

    def shutdown(self, timeout_ms: int = 0) -> bool:
        """The window is closing: every mode's work is cancelled; True when none runs after `timeout_ms`."""
        results = [control.shutdown(timeout_ms) for control in self.controls.values()]
        return all(results)
