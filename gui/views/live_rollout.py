"""The Live tab's rollout of a clip: open a video or a frame folder (or read the camera) and watch a frame model
continue it: context | truth | prediction in the frames player (gui/views/frames_player.py), played, the
number of frames to roll out in its "rollout length" field. The view shows what its owner sends
(show_rollout); `sourceChosen(spec)` and `rolloutRequested(frames)` ask for the work (gui/live_controls.py)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QVBoxLayout, QWidget

from gui.views.frames_player import FramesPlayer
from gui.views.live_parts import BusyLine, MessageLine, SourceBar, TakesSources

READY = ("Open a clip (a video or a folder of frames, or drop a video here) or use the camera: the model reads "
         "its first frames and rolls out the rest, beside the clip's own frames.")


class LiveRolloutView(TakesSources, QWidget):
    sourceChosen = Signal(str)  # "video:PATH", "frames:DIR", "camera:N"
    rolloutRequested = Signal(int)  # frames to roll out from the clip shown
    exportRequested = Signal(str)  # the MP4 / GIF file to write the shown rollout into

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sources = SourceBar(("video", "frames", "camera"))
        self.sources.chosen.connect(self.sourceChosen)
        self.player = FramesPlayer()
        self.player.rolloutRequested.connect(self.rolloutRequested)
        self.player.exportRequested.connect(self.choose_export)
        self.busy = BusyLine()
        self.message = MessageLine(READY)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sources)
        layout.addWidget(self.player, 1)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        self.setAcceptDrops(True)
        self.clip_name = ""
        self.clear()

    def frames(self) -> int:
        """How many frames to roll out (the player's rollout length field)."""
        return self.player.length_spin.value()

    def set_frames(self, frames: int) -> None:
        self.player.length_spin.setValue(frames)

    def show_rollout(self, arrays: dict, meta: dict, caption: str) -> None:
        """Play a rollout from its first frame: arrays as FramesPlayer.show_sequence takes them."""
        self.clip_name = str(meta.get("name", ""))
        self.player.show_sequence(arrays, meta)
        self.player.set_step(0)
        self.player.play()
        self.message.say(caption)

    def choose_export(self, kind: str) -> None:
        """Ask where to write the rollout shown as an MP4 or a GIF (context | truth | prediction side by side)."""
        suffix = ".gif" if kind == "gif" else ".mp4"
        stem = Path(self.clip_name or "clip").stem
        path, _ = QFileDialog.getSaveFileName(self, "Export the rollout", f"{stem}_rollout{suffix}",
                                              "GIF animation (*.gif)" if kind == "gif" else "MP4 video (*.mp4)")
        if path:
            self.exportRequested.emit(path if Path(path).suffix.lower() == suffix else path + suffix)

    def clear(self, text: str = READY) -> None:
        self.player.clear("No rollout yet: open a clip.")
        self.message.say(text)
