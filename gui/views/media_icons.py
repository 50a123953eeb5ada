"""Play / pause buttons with the style's own icons and plain words: a glyph like ⏸ shows as an empty box in
fonts that lack it (DejaVu Sans, the usual Linux default, has no U+23F8)."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QStyle

PLAY, PAUSE = "Play", "Pause"


def show_playing(button: QAbstractButton, playing: bool) -> None:
    """What the button does next: Pause (with the pause icon) while playing, else Play."""
    icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
    button.setIcon(button.style().standardIcon(icon))
    button.setText(PAUSE if playing else PLAY)
