"""The Live tab: try the loaded model on new input, in the modes that model can do (MODES: draw digits for a
classifier; photo and video edges for an edge model; masks over a photo or a video for a segmenter; a clip's
rollout for a frame model; class probabilities over a clip for a clip classifier). With no model, or one the
tab has no mode for, it says what to do instead, so a mode of another task (and its stale answer) is never
offered. A file dropped on the window goes to the first mode shown that reads its kind (take_dropped)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from gui.views.live_parts import dropped_spec

# name, button, the sources it reads (image, video, frames, camera); the first mode a model can do opens first
MODES = (("draw", "Draw digits", ("image",)),
         ("video", "Video edges", ("video", "frames", "camera")),
         ("photo", "Photo edges", ("image",)),
         ("masks", "Masks", ("image", "video", "frames", "camera")),
         ("rollout", "Roll out a clip", ("video", "frames", "camera")),
         ("clip", "Classify a clip", ("video", "frames", "camera")))
NAMES = tuple(name for name, _, _ in MODES)
TITLES = {name: title for name, title, _ in MODES}
SOURCES = {name: kinds for name, _, kinds in MODES}
NO_MODEL = "Train a model (Train, F5) or load one (Model ▸ Load model…) to try it here."


class LiveTab(QWidget):
    def __init__(self, pages: dict[str, QWidget], parent=None):
        """`pages`: a page per mode name; add_page adds more. Each page takes a source spec in open_source(spec)
        ("image:PATH", "video:PATH")."""
        super().__init__(parent)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        self.message = QLabel(NO_MODEL)  # shown while no mode fits the model
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.message)
        self.buttons = QButtonGroup(self)
        self.mode_row = QWidget()
        row = QHBoxLayout(self.mode_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("mode"))
        for i, (_, title, _) in enumerate(MODES):
            button = QPushButton(title)
            button.setCheckable(True)
            button.setVisible(False)
            self.buttons.addButton(button, i)
            row.addWidget(button)
        row.addStretch(1)
        self.buttons.idClicked.connect(lambda i: self.show_mode(NAMES[i]))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.mode_row)
        layout.addWidget(self.stack, 1)
        for name, page in pages.items():
            self.add_page(name, page)
        self.available: tuple[str, ...] = ()
        self.set_available((), NO_MODEL)

    def add_page(self, mode: str, page: QWidget) -> None:
        self.pages[mode] = page
        self.stack.addWidget(page)

    def set_available(self, modes, message: str = "") -> None:
        """Offer only `modes` (names of MODES, in MODES order; the first one shown); none: show `message` (what to
        do) instead."""
        self.available = tuple(mode for mode in NAMES if mode in modes and mode in self.pages)
        for i, mode in enumerate(NAMES):
            self.buttons.button(i).setVisible(mode in self.available)
        self.mode_row.setVisible(len(self.available) > 1)
        self.message.setText(message or NO_MODEL)
        if self.available:
            self.show_mode(self.available[0])
        else:
            self.stack.setCurrentWidget(self.message)

    def show_mode(self, mode: str) -> None:
        """Show `mode` if the model can do it (a task's preferred mode for another task's model is ignored)."""
        if mode not in self.available:
            return
        self.stack.setCurrentWidget(self.pages[mode])
        self.buttons.button(NAMES.index(mode)).setChecked(True)

    def mode(self) -> str:
        """The mode shown, or "" while the tab shows what to do instead."""
        return next((m for m, page in self.pages.items() if self.stack.currentWidget() is page), "")

    def mode_taking(self, path: str) -> tuple[str, str]:
        """(mode, source spec) of the first offered mode that reads the file at `path` (the one shown first, if it
        does), or ("", "") when none does. Only files: a dropped folder is data."""
        order = sorted(self.available, key=lambda mode: mode != self.mode())
        for mode in order:
            spec = dropped_spec(path, tuple(kind for kind in SOURCES[mode] if kind != "frames"))
            if spec:
                return mode, spec
        return "", ""

    def take_dropped(self, path: str) -> str:
        """Open a dropped file in the mode that reads it and show that mode; the mode, or "" when none does."""
        mode, spec = self.mode_taking(path)
        if mode:
            self.show_mode(mode)
            self.pages[mode].open_source(spec)
        return mode
